/** The messages between the extension host (./worker-engine.ts) and the engine's worker (./engine-worker.ts). Types only. */
import type { ProviderSettings } from "../core/providers/types";
import type { DbDelta, JournaledDb } from "./db-journal";

export type EngineOp = "execute" | "subAction" | "state" | "open" | "exportDb" | "forget" | "dbProblem";

/** What the host answers when the worker opens a key's DB: the last full DB, the changes since, and the number of the last change. */
export interface OpenedDb extends JournaledDb {
  seq: number;
}

export type ToEngineWorker =
  | {
      type: "call";
      id: number;
      op: EngineOp;
      /** The live DB the call works on (absent for dbProblem). */
      db_key?: string;
      /** The call's request without the LiveDbRef functions and without its workflow (dbProblem: the blob); plain data. */
      request?: unknown;
      /** The request's workflow, by its hash: the worker keeps the last few it was given. */
      workflow_hash?: string;
      /** The workflow itself, when the worker does not have it (it keeps it under `workflow_hash`). */
      workflow?: unknown;
      providers?: ProviderSettings;
      /** The caller's signal was already aborted. */
      aborted?: boolean;
    }
  | { type: "abort"; id: number }
  | { type: "callback_result"; cid: number; ok: true; value: OpenedDb | string | null }
  | { type: "callback_result"; cid: number; ok: false; error: string };

/** What a call changed in its key's DB (numbered per key, from the `seq` the DB was opened at). */
export interface ReportedDelta {
  seq: number;
  delta: DbDelta;
}

/** The answer of `exportDb`: the blob, and the last change it holds. */
export interface ExportedDb {
  blob: string | null;
  seq: number;
}

/** How many workflows each side keeps by hash (the host mirrors the worker's cache, in the same order). */
export const WORKFLOW_CACHE_SIZE = 8;

export type FromEngineWorker =
  | { type: "ready" }
  | { type: "result"; id: number; ok: true; value: unknown; delta?: ReportedDelta }
  | { type: "result"; id: number; ok: false; error: { message: string; error_type?: string; details?: Record<string, unknown>; stack?: string }; delta?: ReportedDelta }
  | { type: "callback"; cid: number; op: "load_db" | "unreadable"; db_key: string; reason?: string };
