/**
 * The file the extension keeps per workflow under `context.storageUri`: a small JSON envelope around
 * the compressed virtual DB (base64(gzip(JSON)), the same blob the CLI and the original server use),
 * plus what the status lenses need about each module's last run. Pure: encode/decode and naming only;
 * the atomic write (temp file + rename) lives in storage.ts. The DB itself is not decoded here: the
 * engine decodes it when it first opens it (a DB that cannot be read is set aside then), so reading
 * the file for the lenses costs the envelope only, and the activation bundle needs no DB code. The
 * envelope's schema (zod/mini) is built on the first read, not when the extension activates.
 */
import type * as Z from "zod/mini";
import { hash53 } from "./staleness";

export const STORAGE_FORMAT = "wfv-workflow-db";
export const STORAGE_VERSION = 1;

function buildSchema() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- evaluated on first use, within this bundle
  const z = require("zod/mini") as typeof Z;
  const runRecordSchema = z.object({
    status: z.enum(["completed", "awaiting_input", "error", "validation_failed"]),
    errorType: z.optional(z.string()),
    fingerprint: z.string(),
    at: z.string(),
  });
  return {
    z,
    schema: z.object({
      format: z.literal(STORAGE_FORMAT),
      version: z.literal(STORAGE_VERSION),
      /** The workflow file, workspace-relative with `/`. */
      workflowFile: z.string(),
      /** The compressed virtual DB; "" for a fresh one. */
      virtualDb: z.string(),
      runs: z.record(z.string(), runRecordSchema),
      savedAt: z.string(),
    }),
  };
}

let built: ReturnType<typeof buildSchema> | undefined;

/** The stored file's schema, built on first use. */
export function storedWorkflowDbSchema(): ReturnType<typeof buildSchema>["schema"] {
  built ??= buildSchema();
  return built.schema;
}

export type StoredWorkflowDb = Z.infer<ReturnType<typeof buildSchema>["schema"]>;

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
  const parsed = storedWorkflowDbSchema().safeParse(json);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, reason: `not a wfv DB file: ${built!.z.prettifyError(parsed.error)}` };
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
