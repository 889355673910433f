/** The messages between the extension host (./worker-engine.ts) and the engine's worker (./engine-worker.ts). Types only. */
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { ProviderSettings } from "../core/providers/types";
import type { DebugHostInfo } from "../debug/worker-host";
import type { DbDelta, JournaledDb } from "./db-journal";

export type EngineOp = "execute" | "subAction" | "state" | "open" | "exportDb" | "forget" | "dbProblem" | PreviewOp;

/** Read-only calls on a live DB for the template preview and the pipeline stages (./preview/worker-ops.ts). */
export type PreviewOp = "preview" | "stages";

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
  /** A Debug Adapter Protocol message for debug session `session` (see "The debugger's channel" below). */
  | { type: "dap"; session: number; message: DebugProtocol.ProtocolMessage; host?: DebugHostContext }
  /** The host ended debug session `session` (the editor closed it): the worker stops its run and forgets it. */
  | { type: "dap_close"; session: number }
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
  | { type: "callback"; cid: number; op: "load_db" | "unreadable"; db_key: string; reason?: string }
  /** A Debug Adapter Protocol message from debug session `session` (a response, an event, a reverse request). */
  | { type: "dap"; session: number; message: DebugProtocol.ProtocolMessage }
  /** What a debug session changed in its key's DB, numbered like a call's `delta` (see below). */
  | { type: "dap_delta"; session: number; db_key: string; delta: ReportedDelta };

/**
 * The debugger's channel (issue 14): a debug session runs in the worker, on the key's live DB, and
 * speaks DAP through `dap` messages; the host side is `openDebugChannel()` (./worker-engine.ts).
 *
 * - The host sends `host` with the `launch` request (and may send it again with any later request):
 *   what the worker cannot know by itself. The worker resolves the workflow from `files` with the
 *   same resolver the host uses, so the source positions of modules (for breakpoints and the stack)
 *   come from the very texts the editor holds. (The host side, engine.ts DebugHost, also carries the
 *   key's LiveDbRef, so the worker can ask it for the stored DB.)
 * - The DB: each engine call the session makes runs in turn with the key's other calls. While one is
 *   under way (running, or paused at a module), other calls on that key are refused at once
 *   (`bad_request`, details.reason "debugging"), and an export answers "not live" (the host keeps its
 *   last full DB and journal), so nothing waits on the user. Whenever a debug call ends (the run
 *   finished, failed, was stepped back, or the session closed), the worker posts `dap_delta` with what
 *   changed since the last report, exactly as a call's `delta`; the host adds it to the key's journal
 *   (./db-journal.ts), so a replacement worker opens the DB as the debug session left it. A run still
 *   paused mid-way has reported nothing: if the worker dies then, the DB is what it was before that
 *   run, as for a call that died.
 * - Budgets: the worker's memory cap holds; the run budget's wall clock runs while a debug run runs (the
 *   host arms it on a resuming request, `continue`/`next`/…/`wfvAnswer`, and disarms it on `stopped` or
 *   `terminated`), never while it waits on the user. Going over kills the worker, as for a call.
 * - A worker that dies ends its debug sessions: the host sends the editor `output` and `terminated`.
 */
export type DebugHostContext = DebugHostInfo;

