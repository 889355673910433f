/**
 * The schema of the file the extension keeps per workflow (storage-codec.ts reads and writes it).
 * A module of its own so that storage-codec.ts requires it on the first read: the activation bundle
 * then evaluates no zod.
 */
import * as z from "zod/mini";
import { STORAGE_FORMAT, STORAGE_VERSION } from "./storage-format";

const runRecordSchema = z.object({
  status: z.enum(["completed", "awaiting_input", "error", "validation_failed"]),
  errorType: z.optional(z.string()),
  /** The module's pinned outputs stood in for it (the status lens says "pinned" after a reload too). */
  pinned: z.optional(z.boolean()),
  fingerprint: z.string(),
  at: z.string(),
});

export const storedWorkflowDbSchema = z.object({
  format: z.literal(STORAGE_FORMAT),
  version: z.literal(STORAGE_VERSION),
  /** The workflow file, workspace-relative with `/`. */
  workflowFile: z.string(),
  /** The compressed virtual DB; "" for a fresh one. */
  virtualDb: z.string(),
  runs: z.record(z.string(), runRecordSchema),
  savedAt: z.string(),
});
export type StoredWorkflowDb = z.infer<typeof storedWorkflowDbSchema>;

/** The stored file's envelope checked, or why it is not one. */
export function parseStored(json: unknown): { ok: true; value: StoredWorkflowDb } | { ok: false; reason: string } {
  const parsed = storedWorkflowDbSchema.safeParse(json);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, reason: `not a wfv DB file: ${z.prettifyError(parsed.error)}` };
}
