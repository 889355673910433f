/**
 * Node's native zlib as the core's gzip codec: the same gzip format as the core's fflate, several times
 * faster. For the Node hosts (the CLI, the extension host); the core itself stays runtime-neutral.
 */
import { promisify } from "node:util";
import { constants, crc32, deflateRawSync, gzip, gunzipSync, gzipSync } from "node:zlib";
import type { GzipCodec } from "../core/db";

/** Level 1 compresses about 3x faster than 6 for blobs about a third larger: DB files favour speed. */
export const FILE_GZIP_LEVEL = 1;

export const nodeGzipCodec: GzipCodec = {
  gzip: (data, level) => gzipSync(data, { level }),
  gunzip: (data) => gunzipSync(data),
  // Fragments of one deflate stream for segmented blobs (core/db/segmented.ts).
  deflateFragment: (data, level) => deflateRawSync(data, { level, finishFlush: constants.Z_SYNC_FLUSH }),
  crc32: (data) => crc32(data),
};

const gzipAsync = promisify(gzip);

/**
 * The compressed form of a DB's JSON text (base64 of gzip), gzipped on libuv's thread pool: the host's
 * thread is free while it compresses. Same bytes format as the core's `compressText`.
 */
export async function compressTextOffThread(text: string, level = FILE_GZIP_LEVEL): Promise<string> {
  return (await gzipAsync(Buffer.from(text, "utf8"), { level })).toString("base64");
}
