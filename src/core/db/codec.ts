/**
 * The bytes side of the compressed form: gzip and base64. The core uses fflate (pure JS, runs
 * anywhere); a Node host can pass its native zlib through `GzipCodec`, which is several times faster.
 * base64 uses Node's Buffer when there is one and the web's atob/btoa otherwise.
 */
import { Gunzip, gzipSync } from "fflate";
import { crc32 } from "./crc32";

export type GzipLevel = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

export interface GzipCodec {
  /** gzip with no timestamp in the header, so equal input gives equal output. */
  gzip(data: Uint8Array, level: GzipLevel): Uint8Array;
  /** Throws on corrupt data. */
  gunzip(data: Uint8Array): Uint8Array;
  /**
   * Optional (stored blocks otherwise, see deflateFragment): raw deflate of `data` from a fresh
   * compressor, ending in a sync flush (byte-aligned, no final block), so that such fragments
   * concatenate into one deflate stream (segmented.ts).
   */
  deflateFragment?(data: Uint8Array, level: GzipLevel): Uint8Array;
  /** Optional (a JS table otherwise): gzip's CRC-32 of `data`. */
  crc32?(data: Uint8Array): number;
}

/**
 * `codec`'s deflate fragment of `data` (see GzipCodec.deflateFragment). A codec without one gets
 * stored (uncompressed) blocks: valid, but as large as the data. fflate's streaming flush would do,
 * but it writes corrupt sync blocks for some inputs (0.8.3), so it is not used.
 */
export function deflateFragment(codec: GzipCodec, data: Uint8Array, level: GzipLevel): Uint8Array {
  if (codec.deflateFragment) return codec.deflateFragment(data, level);
  const MAX_STORED = 0xffff;
  const blocks = Math.max(1, Math.ceil(data.length / MAX_STORED));
  const out = new Uint8Array(data.length + 5 * blocks);
  let at = 0;
  for (let b = 0; b < blocks; b++) {
    const part = data.subarray(b * MAX_STORED, (b + 1) * MAX_STORED);
    out[at] = 0; // not final, stored, byte-aligned
    out[at + 1] = part.length & 0xff;
    out[at + 2] = part.length >>> 8;
    out[at + 3] = ~part.length & 0xff;
    out[at + 4] = (~part.length >>> 8) & 0xff;
    out.set(part, at + 5);
    at += 5 + part.length;
  }
  return out;
}

/** gzip's CRC-32 of `data`, by `codec` when it has one. */
export function crc32Of(codec: GzipCodec, data: Uint8Array): number {
  return codec.crc32 ? codec.crc32(data) : crc32(data);
}

export const fflateCodec: GzipCodec = {
  gzip: (data, level) => gzipSync(data, { level, mtime: 0 }),
  gunzip: gunzipMembers,
};

/**
 * Every member of a gzip stream, concatenated (RFC 1952: a gzip file is a series of members; Node's
 * zlib and Python's gzip read them all). fflate's gunzipSync reads only the first member, sizing its
 * output by the last member's trailer, so its streaming Gunzip, which reads them all, is used.
 */
const MAX_GUNZIP_BYTES = 512 * 1024 * 1024;

function gunzipMembers(data: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  let size = 0;
  let ended = false;
  // Where each member starts in `data` and in the output, to check every member's trailer (ISIZE).
  const starts = [0];
  const outStarts = [0];
  const gunzip = new Gunzip((chunk, final) => {
    parts.push(chunk);
    size += chunk.length;
    // A DB's text cannot be longer than a string (snapshot.ts, MAX_INFLATED_BYTES): stop a bomb early.
    if (size > MAX_GUNZIP_BYTES) throw new Error(`gzip data inflates to more than ${MAX_GUNZIP_BYTES} bytes`);
    if (final) ended = true;
  });
  gunzip.onmember = (offset) => {
    starts.push(offset);
    outStarts.push(size);
  };
  gunzip.push(data, true);
  if (!ended) throw new Error("unexpected end of gzip data");
  starts.push(data.length);
  outStarts.push(size);
  for (let i = 0; i + 1 < starts.length; i++) {
    const end = starts[i + 1];
    const claimed = (data[end - 4] | (data[end - 3] << 8) | (data[end - 2] << 16) | (data[end - 1] << 24)) >>> 0;
    if (end - starts[i] < 18 || claimed !== (outStarts[i + 1] - outStarts[i]) % 2 ** 32) throw new Error("invalid gzip trailer (truncated data?)");
  }
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

interface BufferLike {
  from(data: Uint8Array | ArrayBuffer | string, offsetOrEncoding?: number | string, length?: number): Uint8Array & { toString(encoding: string): string };
}

const NodeBuffer = (globalThis as { Buffer?: BufferLike }).Buffer;

export function encodeBase64(bytes: Uint8Array): string {
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  let binary = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}

/** base64 as ASCII bytes (what a socket or a file takes as is). */
export function encodeBase64Ascii(bytes: Uint8Array): Uint8Array {
  const text = encodeBase64(bytes);
  if (NodeBuffer) return NodeBuffer.from(text, "latin1");
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** ASCII bytes as a string (base64 text held as bytes). */
export function asciiText(bytes: Uint8Array): string {
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  let text = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) text += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return text;
}

/** Decodes base64; characters outside the alphabet are skipped (Node) or rejected (atob) — callers check the length. */
export function decodeBase64(text: string): Uint8Array {
  if (NodeBuffer) {
    const buffer = NodeBuffer.from(text, "base64");
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return new Uint8Array(0);
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
