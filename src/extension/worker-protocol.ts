/** The messages between the extension host (./worker-engine.ts) and the engine's worker (./engine-worker.ts). Types only. */
import type { ProviderSettings } from "../core/providers/types";

export type EngineOp = "execute" | "subAction" | "state" | "open" | "exportDb" | "forget" | "dbProblem";

export type ToEngineWorker =
  | {
      type: "call";
      id: number;
      op: EngineOp;
      /** The live DB the call works on (absent for dbProblem). */
      db_key?: string;
      /** The call's request without the LiveDbRef functions (dbProblem: the blob); plain data. */
      request?: unknown;
      providers?: ProviderSettings;
      /** The caller's signal was already aborted. */
      aborted?: boolean;
    }
  | { type: "abort"; id: number }
  | { type: "callback_result"; cid: number; ok: true; value: string | null }
  | { type: "callback_result"; cid: number; ok: false; error: string };

export type FromEngineWorker =
  | { type: "ready" }
  | { type: "result"; id: number; ok: true; value: unknown }
  | { type: "result"; id: number; ok: false; error: { message: string; error_type?: string; details?: Record<string, unknown>; stack?: string } }
  | { type: "callback"; cid: number; op: "load_db" | "unreadable"; db_key: string; reason?: string };
