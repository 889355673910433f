/**
 * The compressed DB blob in segments: the same blob format (base64 of gzip of the JSON text that
 * exportJsonText writes), written as a series of gzip members so that re-encoding a DB that changed a
 * little costs in proportion to the change, not to the DB.
 *
 * - RFC 1952: a gzip stream is a series of members, and a reader returns their contents concatenated
 *   (Python's `gzip.decompress`, which the original server reads blobs with, Node's zlib, and the
 *   core's fflate codec). The members here hold, in order: `{"<first collection>":[`, the collection's
 *   documents in chunks, `],"<next collection>":[`, …, `]}` — one JSON document, byte for byte the
 *   text exportJsonText writes.
 * - base64 of a concatenation is the concatenation of the parts' base64 when every part's length is a
 *   multiple of 3, so every member is padded to a multiple of 3 bytes with a gzip header comment
 *   (FCOMMENT: 0 or 1 byte of text and its NUL, which every gzip reader skips). Each member's base64
 *   is then a segment of the blob, kept and re-sent as it is while its documents are unchanged.
 * - Chunks are cut by a rule that depends only on the documents from the collection's start (at most
 *   CHUNK_DOCUMENTS documents or CHUNK_CHARS characters), never on the history of the DB: a DB
 *   encoded from scratch and the same DB encoded incrementally give the same blob, byte for byte.
 * - Reuse is by document reference: stored documents are never mutated in place (collection.ts), so a
 *   chunk whose documents are the very same objects at the same positions encodes to the same bytes.
 *   Appending events re-encodes only the collection's last, open chunk and the new documents.
 */
import { asciiText, encodeBase64Ascii, fflateCodec, type GzipCodec, type GzipLevel } from "./codec";
import { uuid7HexOf } from "./ids";
import type { MemoryDb } from "./memory-db";
import { documentJsonText, exportedCollectionOrder } from "./snapshot";
import type { Document } from "./types";

/** A blob as its segments: the base64 (ASCII bytes) of each gzip member, in order. */
export interface SegmentedBlob {
  readonly segments: readonly Uint8Array[];
  /** The blob's length in characters (its segments' bytes added up). */
  readonly length: number;
  /** The length of the JSON text it holds, in UTF-16 units (about its bytes): what the DB weighs. */
  readonly jsonLength: number;
  /**
   * The largest uuid7 (32 hex) in a top-level field of any document, "" when there is none: the one
   * an import of the blob continues above (MemoryDb.resetIdGenerators).
   */
  readonly largestUuid7: string;
}

export interface SegmentedEncoderOptions {
  /** gzip implementation; fflate by default (a Node host passes native zlib). */
  codec?: GzipCodec;
  /** gzip level of every member; 6 by default. */
  level?: GzipLevel;
}

/** A chunk closes at this many documents… */
export const CHUNK_DOCUMENTS = 64;
/** …or once its JSON text reaches this many characters (deflate's window is 32 KiB, so little is lost). */
export const CHUNK_CHARS = 96 * 1024;

/** Separator segments by codec and level, shared by every encoder (they depend on nothing else). */
const SEPARATORS = new WeakMap<GzipCodec, Map<GzipLevel, Map<string, Uint8Array>>>();
const MAX_SEPARATORS = 1024;

interface Chunk {
  /** Index of its first document in the collection. */
  readonly start: number;
  /** The stored documents it encodes, in order. */
  readonly documents: readonly Document[];
  /** Closed by the rule (a later document starts a new chunk); an open chunk is the collection's last. */
  readonly closed: boolean;
  readonly segment: Uint8Array;
  readonly jsonLength: number;
  readonly largestUuid7: string;
  /** An open chunk keeps its documents' texts, so appending to it does not serialise them again. */
  readonly texts?: readonly string[];
}

const FLG = 3;
const FCOMMENT = 0x10;
const GZIP_HEADER_BYTES = 10;

/**
 * A gzip member padded to a multiple of 3 bytes with a header comment (FCOMMENT), or undefined when
 * its header is not the plain 10-byte one (FLG 0) that a comment can be added to.
 */
function padMember(member: Uint8Array): Uint8Array | undefined {
  if (member.length < GZIP_HEADER_BYTES || member[0] !== 0x1f || member[1] !== 0x8b || member[FLG] !== 0) return undefined;
  const pad = (3 - (member.length % 3)) % 3;
  if (pad === 0) return member;
  const out = new Uint8Array(member.length + pad);
  out.set(member.subarray(0, GZIP_HEADER_BYTES), 0);
  out[FLG] = FCOMMENT;
  // The comment: pad - 1 characters, then its NUL terminator.
  for (let i = 0; i < pad - 1; i++) out[GZIP_HEADER_BYTES + i] = 0x77; // "w"
  out[GZIP_HEADER_BYTES + pad - 1] = 0;
  out.set(member.subarray(GZIP_HEADER_BYTES), GZIP_HEADER_BYTES + pad);
  return out;
}

/** The largest uuid7 among a document's top-level string fields, as importDb observes them. */
function largestUuid7Of(document: Document, above: string): string {
  let largest = above;
  for (const key in document) {
    const value = document[key];
    if (typeof value === "string" && value.length >= 32) {
      const hex = uuid7HexOf(value);
      if (hex !== undefined && hex > largest) largest = hex;
    }
  }
  return largest;
}

function sameDocuments(chunk: Chunk, documents: readonly Document[]): boolean {
  const own = chunk.documents;
  if (chunk.start + own.length > documents.length) return false;
  for (let i = 0; i < own.length; i++) if (own[i] !== documents[chunk.start + i]) return false;
  return true;
}

/**
 * Encodes one MemoryDb again and again, reusing the segments of the previous encode whose documents
 * are unchanged. One encoder per DB (it remembers that DB's documents).
 */
export class SegmentedEncoder {
  private readonly codec: GzipCodec;
  private readonly level: GzipLevel;
  /** Per collection, the chunks of the last encode. */
  private chunks = new Map<string, readonly Chunk[]>();
  /** Segments of the structural members (`{"a":[`, `],"b":[`, `]}`), by text: shared by the encoders of a codec and level. */
  private readonly separators: Map<string, Uint8Array>;

  constructor(options: SegmentedEncoderOptions = {}) {
    this.codec = options.codec ?? fflateCodec;
    this.level = options.level ?? 6;
    let byLevel = SEPARATORS.get(this.codec);
    if (byLevel === undefined) {
      byLevel = new Map();
      SEPARATORS.set(this.codec, byLevel);
    }
    let separators = byLevel.get(this.level);
    if (separators === undefined) {
      separators = new Map();
      byLevel.set(this.level, separators);
    }
    this.separators = separators;
  }

  /** UTF-8 of a chunk's text, written in place (no joined string, no buffer per chunk). */
  private scratch = new Uint8Array(256 * 1024);
  private readonly encoder = new TextEncoder();

  /** `texts` joined by `,` (and one leading `,` with `leadingComma`) as UTF-8, in the scratch buffer. */
  private utf8Joined(texts: readonly string[], leadingComma: boolean): Uint8Array {
    let chars = leadingComma ? 1 : 0;
    for (const text of texts) chars += text.length + 1;
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (this.scratch.length < chars * 3) this.scratch = new Uint8Array(chars * 3);
    const scratch = this.scratch;
    let at = 0;
    if (leadingComma) scratch[at++] = 0x2c;
    for (let i = 0; i < texts.length; i++) {
      if (i > 0) scratch[at++] = 0x2c;
      at += this.encoder.encodeInto(texts[i], scratch.subarray(at)).written;
    }
    return scratch.subarray(0, at);
  }

  /** The segment (base64 of one padded gzip member) holding `text`. */
  private segment(text: string): Uint8Array {
    return this.segmentOf(this.encoder.encode(text));
  }

  private segmentOf(bytes: Uint8Array): Uint8Array {
    // A codec whose gzip header carries fields of its own cannot take the padding comment: fflate's can.
    const member = padMember(this.codec.gzip(bytes, this.level)) ?? padMember(fflateCodec.gzip(bytes, this.level));
    if (member === undefined) throw new Error("gzip member without a plain header");
    return encodeBase64Ascii(member);
  }

  private separator(text: string): Uint8Array {
    let segment = this.separators.get(text);
    if (segment === undefined) {
      segment = this.segment(text);
      // Collection names are few; a bound keeps odd ones (a DB per test, say) from piling up.
      if (this.separators.size >= MAX_SEPARATORS) this.separators.clear();
      this.separators.set(text, segment);
    }
    return segment;
  }

  /** The chunk starting at `start`; `open` is the previous encode's open chunk there, whose texts it reuses. */
  private buildChunk(documents: readonly Document[], start: number, open: Chunk | undefined): Chunk {
    const texts: string[] = [];
    let chars = 0;
    let largest = "";
    let closed = false;
    const known = open !== undefined && open.start === start && open.texts !== undefined && sameDocuments(open, documents) ? open : undefined;
    for (let i = start; i < documents.length; i++) {
      const document = documents[i];
      const offset = i - start;
      const text = known !== undefined && offset < known.documents.length ? known.texts![offset] : documentJsonText(document);
      texts.push(text);
      chars += text.length + 1;
      largest = largestUuid7Of(document, largest);
      if (texts.length >= CHUNK_DOCUMENTS || chars >= CHUNK_CHARS) {
        closed = true;
        break;
      }
    }
    return {
      start,
      documents: documents.slice(start, start + texts.length),
      closed,
      segment: this.segmentOf(this.utf8Joined(texts, start !== 0)),
      jsonLength: chars - 1 + (start === 0 ? 0 : 1),
      largestUuid7: largest,
      texts: closed ? undefined : texts,
    };
  }

  /** A collection's chunks: the previous encode's where their documents are the same objects, new ones elsewhere. */
  private encodeCollection(documents: readonly Document[], previous: readonly Chunk[]): Chunk[] {
    const out: Chunk[] = [];
    let p = 0;
    for (let i = 0; i < documents.length; ) {
      while (p < previous.length && previous[p].start < i) p++;
      const candidate = previous[p];
      if (
        candidate !== undefined &&
        candidate.start === i &&
        (candidate.closed || i + candidate.documents.length === documents.length) &&
        sameDocuments(candidate, documents)
      ) {
        out.push(candidate);
        i += candidate.documents.length;
        continue;
      }
      const chunk = this.buildChunk(documents, i, candidate);
      out.push(chunk);
      i += chunk.documents.length;
    }
    return out;
  }

  /** The DB's blob; decodes to exactly exportJsonText(db). */
  encode(db: MemoryDb): SegmentedBlob {
    const names = exportedCollectionOrder(db.collectionNames());
    if (names.length === 0) {
      const segment = this.separator("{}");
      this.chunks = new Map();
      return { segments: [segment], length: segment.length, jsonLength: 2, largestUuid7: "" };
    }
    const segments: Uint8Array[] = [];
    const next = new Map<string, readonly Chunk[]>();
    let jsonLength = 0;
    let largest = "";
    names.forEach((name, index) => {
      const opening = (index === 0 ? "{" : "],") + JSON.stringify(name) + ":[";
      segments.push(this.separator(opening));
      jsonLength += opening.length;
      const chunks = this.encodeCollection(db.storedDocuments(name), this.chunks.get(name) ?? []);
      next.set(name, chunks);
      for (const chunk of chunks) {
        segments.push(chunk.segment);
        jsonLength += chunk.jsonLength;
        if (chunk.largestUuid7 > largest) largest = chunk.largestUuid7;
      }
    });
    segments.push(this.separator("]}"));
    jsonLength += 2;
    this.chunks = next;
    let length = 0;
    for (const segment of segments) length += segment.length;
    return { segments, length, jsonLength, largestUuid7: largest };
  }
}

/** The blob as one string. */
export function segmentedBlobText(blob: SegmentedBlob): string {
  return blob.segments.map(asciiText).join("");
}
