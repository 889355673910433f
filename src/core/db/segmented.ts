/**
 * The compressed DB blob in segments: the same blob (base64 of one gzip stream of the JSON text that
 * exportJsonText writes), written so that re-encoding a DB that changed a little costs in proportion
 * to the change, not to the DB.
 *
 * - One gzip member, whose deflate stream is a series of fragments: each chunk of documents (and each
 *   bit of structure, `{"<collection>":[`, `],"<next>":[`, `]}`) is deflated by a fresh compressor
 *   and ends in a sync flush (byte-aligned, not final), so fragments concatenate into one valid
 *   deflate stream; a final empty block closes it. The trailer's CRC-32 is combined from the
 *   fragments' CRCs (crc32.ts), its size added up. Every gzip reader reads it as any gzip file:
 *   Python's `gzip.decompress` (the original server's), Node's zlib, fflate, browsers'
 *   DecompressionStream (which refuses a stream of several members).
 * - base64 of a concatenation is the concatenation of the parts' base64 when every part's length is a
 *   multiple of 3, so each fragment is padded to a multiple of 3 bytes with empty stored blocks
 *   (5 bytes each, which a deflate reader skips). Each fragment's base64 is then a segment of the blob,
 *   kept and re-sent as it is while its documents are unchanged; the 15-byte trailer is the only new
 *   segment of an unchanged DB.
 * - Chunks are cut by a rule that depends only on the documents from the collection's start (at most
 *   CHUNK_DOCUMENTS documents or CHUNK_CHARS characters), never on the history of the DB: a DB
 *   encoded from scratch and the same DB encoded incrementally give the same blob, byte for byte.
 * - Reuse is by document reference: stored documents are never mutated in place (collection.ts), so a
 *   chunk whose documents are the very same objects at the same positions encodes to the same bytes.
 *   Appending events re-encodes only the collection's last, open chunk and the new documents.
 */
import { asciiText, crc32Of, deflateFragment, encodeBase64Ascii, fflateCodec, type GzipCodec, type GzipLevel } from "./codec";
import { crc32Combine, crc32Shift } from "./crc32";
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
  /**
   * gzip implementation: one with `deflateFragment` (Node's, src/node/gzip.ts); fflate by default,
   * whose fragments are stored blocks (uncompressed, see codec.ts).
   */
  codec?: GzipCodec;
  /** gzip level of every member; 6 by default. */
  level?: GzipLevel;
}

/** A chunk closes at this many documents… */
export const CHUNK_DOCUMENTS = 64;
/** …or once its JSON text reaches this many characters (deflate's window is 32 KiB, so little is lost). */
export const CHUNK_CHARS = 96 * 1024;

/** A piece of the deflate stream: its segment of the blob, and what the trailer needs of its text. */
interface Fragment {
  /** base64 (ASCII bytes) of the padded deflate fragment. */
  readonly segment: Uint8Array;
  /** CRC-32 of the text's UTF-8 bytes, their number, and the CRC shift over that many bytes (crc32.ts). */
  readonly crc: number;
  readonly bytes: number;
  readonly shift: number;
}

/** Separator fragments by codec and level, shared by every encoder (they depend on nothing else). */
const SEPARATORS = new WeakMap<GzipCodec, Map<GzipLevel, Map<string, Fragment>>>();
const MAX_SEPARATORS = 1024;

interface Chunk extends Fragment {
  /** Index of its first document in the collection. */
  readonly start: number;
  /** The stored documents it encodes, in order. */
  readonly documents: readonly Document[];
  /** Closed by the rule (a later document starts a new chunk); an open chunk is the collection's last. */
  readonly closed: boolean;
  readonly jsonLength: number;
  readonly largestUuid7: string;
  /** An open chunk keeps its documents' texts, so appending to it does not serialise them again. */
  readonly texts?: readonly string[];
}

/** The gzip header: no timestamp, a one-letter comment (FCOMMENT) that makes it 12 bytes, a multiple of 3. */
const HEADER = encodeBase64Ascii(new Uint8Array([0x1f, 0x8b, 8, 0x10, 0, 0, 0, 0, 0, 3, 0x77, 0]));
/** An empty, non-final stored block, byte-aligned (what a sync flush ends with): pads a fragment. */
const EMPTY_STORED = [0, 0, 0, 0xff, 0xff];

/** A sync-flushed deflate fragment padded to a multiple of 3 bytes with 0–2 empty stored blocks. */
function padFragment(fragment: Uint8Array): Uint8Array {
  // An empty stored block is 5 bytes, 2 modulo 3: a fragment 1 short of a multiple of 3 (length 2
  // modulo 3) takes two, one 2 short (length 1 modulo 3) takes one.
  const blocks = [0, 1, 2][fragment.length % 3];
  if (blocks === 0) return fragment;
  const out = new Uint8Array(fragment.length + 5 * blocks);
  out.set(fragment, 0);
  for (let b = 0; b < blocks; b++) out.set(EMPTY_STORED, fragment.length + 5 * b);
  return out;
}

/** The last segment: an empty stored block, a final empty block, the CRC-32 and size of the whole text. */
function trailer(crc: number, bytes: number): Uint8Array {
  const out = new Uint8Array(15);
  out.set(EMPTY_STORED, 0);
  out[5] = 0x03; // final block, fixed Huffman codes, end of block
  out[6] = 0x00;
  const size = bytes % 2 ** 32;
  for (let i = 0; i < 4; i++) {
    out[7 + i] = (crc >>> (8 * i)) & 0xff;
    out[11 + i] = Math.floor(size / 2 ** (8 * i)) & 0xff;
  }
  return encodeBase64Ascii(out);
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
  private readonly separators: Map<string, Fragment>;

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

  /** The fragment of `bytes`: deflated by a fresh compressor, sync-flushed, padded, as base64. */
  private fragment(bytes: Uint8Array): Fragment {
    return {
      segment: encodeBase64Ascii(padFragment(deflateFragment(this.codec, bytes, this.level))),
      crc: crc32Of(this.codec, bytes),
      bytes: bytes.length,
      shift: crc32Shift(bytes.length),
    };
  }

  private separator(text: string): Fragment {
    let fragment = this.separators.get(text);
    if (fragment === undefined) {
      fragment = this.fragment(this.encoder.encode(text));
      // Collection names are few; a bound keeps odd ones (a DB per test, say) from piling up.
      if (this.separators.size >= MAX_SEPARATORS) this.separators.clear();
      this.separators.set(text, fragment);
    }
    return fragment;
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
      ...this.fragment(this.utf8Joined(texts, start !== 0)),
      start,
      documents: documents.slice(start, start + texts.length),
      closed,
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
    const fragments: Fragment[] = [];
    const next = new Map<string, readonly Chunk[]>();
    let jsonLength = 2;
    let largest = "";
    if (names.length === 0) fragments.push(this.separator("{}"));
    names.forEach((name, index) => {
      const opening = (index === 0 ? "{" : "],") + JSON.stringify(name) + ":[";
      fragments.push(this.separator(opening));
      jsonLength += opening.length;
      const chunks = this.encodeCollection(db.storedDocuments(name), this.chunks.get(name) ?? []);
      next.set(name, chunks);
      for (const chunk of chunks) {
        fragments.push(chunk);
        jsonLength += chunk.jsonLength;
        if (chunk.largestUuid7 > largest) largest = chunk.largestUuid7;
      }
    });
    if (names.length > 0) fragments.push(this.separator("]}"));
    this.chunks = next;
    const segments: Uint8Array[] = [HEADER];
    let length = HEADER.length;
    let crc = 0;
    let bytes = 0;
    for (const fragment of fragments) {
      segments.push(fragment.segment);
      length += fragment.segment.length;
      crc = crc32Combine(crc, fragment.crc, fragment.shift);
      bytes += fragment.bytes;
    }
    const last = trailer(crc, bytes);
    segments.push(last);
    length += last.length;
    return { segments, length, jsonLength, largestUuid7: largest };
  }
}

/** The blob as one string. */
export function segmentedBlobText(blob: SegmentedBlob): string {
  return blob.segments.map(asciiText).join("");
}
