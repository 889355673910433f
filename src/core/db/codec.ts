/**
 * The bytes side of the compressed form: gzip and base64. The core uses fflate (pure JS, runs
 * anywhere); a Node host can pass its native zlib through `GzipCodec`, which is several times faster.
 * base64 uses Node's Buffer when there is one and the web's atob/btoa otherwise.
 */
import { gunzipSync, gzipSync } from "fflate";

export type GzipLevel = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

export interface GzipCodec {
  /** gzip with no timestamp in the header, so equal input gives equal output. */
  gzip(data: Uint8Array, level: GzipLevel): Uint8Array;
  /** Throws on corrupt data. */
  gunzip(data: Uint8Array): Uint8Array;
}

export const fflateCodec: GzipCodec = {
  gzip: (data, level) => gzipSync(data, { level, mtime: 0 }),
  gunzip: (data) => gunzipSync(data),
};

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
