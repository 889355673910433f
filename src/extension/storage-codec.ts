/**
 * The file the extension keeps per workflow under `context.storageUri`: a small JSON envelope around
 * the compressed virtual DB (base64(gzip(JSON)), the same blob the CLI and the original server use),
 * plus what the status lenses need about each module's last run. Pure: encode/decode and naming only;
 * the atomic write (temp file + rename) lives in storage.ts. The DB itself is not decoded here: the
 * engine decodes it when it first opens it (a DB that cannot be read is set aside then), so reading
 * the file for the lenses costs the envelope only, and the activation bundle needs no DB code. The
 * envelope's schema (zod/mini, storage-schema.ts) is evaluated on the first read, not at activation.
 */
import { hash53 } from "./staleness";
import type * as StorageSchema from "./storage-schema";

export type { StoredWorkflowDb } from "./storage-schema";
type StoredWorkflowDb = StorageSchema.StoredWorkflowDb;

import { STORAGE_FORMAT, STORAGE_VERSION } from "./storage-format";

export { STORAGE_FORMAT, STORAGE_VERSION };

let schema: typeof StorageSchema | undefined;

export function emptyStored(workflowFile: string, now = new Date()): StoredWorkflowDb {
  return { format: STORAGE_FORMAT, version: STORAGE_VERSION, workflowFile, virtualDb: "", runs: {}, savedAt: now.toISOString() };
}

export function encodeStored(stored: StoredWorkflowDb): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(stored));
}

export type DecodeResult = { ok: true; value: StoredWorkflowDb } | { ok: false; reason: string };

/** Reads a stored file's envelope; anything unreadable says why (the caller moves the file aside and reports it). */
export function decodeStored(bytes: Uint8Array): DecodeResult {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- evaluated on the first read, within this bundle
  schema ??= require("./storage-schema") as typeof StorageSchema;
  return schema.parseStored(json);
}

/** A stable, readable file name for a workflow's DB: its path, flattened, plus a hash of the path. */
export function storageFileName(workflowFile: string): string {
  const flat = workflowFile.replace(/[^A-Za-z0-9._-]+/g, "_").slice(-80);
  return `${flat}.${hash53(workflowFile)}.wfvdb.json`;
}

/** Where an unreadable file is moved: beside it, marked and timestamped, never deleted. */
export function asideFileName(fileName: string, now = new Date()): string {
  return `${fileName}.unreadable-${now.toISOString().replace(/[:.]/g, "-")}`;
}
