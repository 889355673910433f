/**
 * The virtual database: an in-memory, Mongo-compatible store (over mingo) with export/import in the
 * original server's blob format (gzip + base64 of `{collection: [documents]}`), dates kept as dates.
 */
import { MemoryDb } from "./memory-db";
import type { VirtualDb, VirtualDbOptions } from "./types";

export type * from "./types";
export { DuplicateKeyError } from "./db-errors";
export { compareValues } from "./compare";
export { cloneValue } from "./clone";
export { diffStoredCollections, diffStoredDocuments, type CollectionChanges } from "./changes";
export { uuid7HexOf } from "./ids";

export function createVirtualDb(options: VirtualDbOptions = {}): VirtualDb {
  return new MemoryDb(options);
}
export {
  VIRTUAL_USER_ID,
  compressText,
  createFreshVirtualDb,
  decodeDbBlob,
  ensureVirtualUser,
  exportCompressed,
  exportDb,
  exportedSnapshotJsonText,
  isExportedSnapshot,
  exportJsonText,
  importDb,
  type CompressOptions,
  type ImportOptions,
} from "./snapshot";
export { fflateCodec, type GzipCodec, type GzipLevel } from "./codec";
