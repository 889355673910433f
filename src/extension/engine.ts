/**
 * The seam between the extension and the engine (`src/core/virtual`, virtual-execution.md "The execute
 * call"), typed with the core's own request and response. The engine keeps each workflow's DB live in
 * memory, in a `VirtualSession` (issue 6: "kept live in memory while the workspace is open"): a run
 * works on that DB directly, with no decompress/import/export per call. The stored blob is read only
 * when the engine holds no live DB for the key yet, and written from the live DB when the extension
 * persists it. Type imports only: the engine itself is its own bundle (lazy-engine.ts). No `vscode` here.
 */
import type { ErrorType } from "../core/errors";
import type { ExecuteRequest as CoreExecuteRequest, ExecuteResponse, RunCallOptions } from "../core/virtual";
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { DebugHostContext } from "./worker-protocol";

export type { ExecuteResponse };

/** Which live DB a call works on, and how to get the stored one when it is not live yet. */
export interface LiveDbRef {
  /** The workflow's key (workspace-relative path). */
  db_key: string;
  /** The stored blob (null: a fresh DB); called only when the key has no live DB. */
  load_db: () => Promise<string | null>;
  /**
   * The stored blob cannot be opened (`reason` says why): set it aside and answer the DB to use
   * instead (null: a fresh one). Without it, the call fails with `db_invalid`.
   */
  unreadable?: (reason: string) => Promise<string | null>;
}

/** Pinned outputs (`.wfv/pins.json`), keyed `step_id/module_name`: those modules do not run. */
export type PinnedOutputs = Record<string, { module_outputs: Record<string, unknown> }>;

/** The core's execute request on a live DB: no DB travels with it, and none comes back. */
export type ExecuteRequest = LiveDbRef &
  Omit<CoreExecuteRequest, "virtual_db" | "db_format"> & {
    /** Modules whose pinned outputs are used instead of running them (checked against the module's output schema first). */
    pins?: PinnedOutputs;
  };

/** This call's own provider settings and abort signal. */
export type ExecuteOptions = Pick<RunCallOptions, "providers" | "signal">;

export interface SubActionRequest extends LiveDbRef {
  workflow: unknown;
  interaction_id: string;
  action_id: string;
  params: Record<string, unknown>;
  mock: boolean;
}

export interface SubActionOutcome {
  progress: Record<string, unknown>[];
  result: Record<string, unknown> | null;
  error: string | null;
  /** True when the call changed the live DB (it then needs persisting). */
  changed: boolean;
}

/** The run's hierarchical state held in the DB (`VirtualSession.state`). */
export interface WorkflowState {
  steps: Record<string, unknown>;
  state_mapped: Record<string, unknown>;
  files: unknown[];
}

/** Why a DB blob cannot be opened, as a `WfvError` says it (`toJSON`). */
export interface DbProblem {
  error: string;
  error_type: ErrorType;
  details: Record<string, unknown>;
}

export interface VirtualEngine {
  /** One execute call on the key's live DB; the response carries `changes` (null when the call failed). */
  execute(request: ExecuteRequest, options?: ExecuteOptions): Promise<ExecuteResponse>;
  subAction(request: SubActionRequest, options?: ExecuteOptions): Promise<SubActionOutcome>;
  state(ref: LiveDbRef): Promise<WorkflowState>;
  /** Opens the key's stored DB unless it is live (one that cannot be read is set aside: `unreadable`). */
  open(ref: LiveDbRef): Promise<void>;
  /** The live DB as the compressed blob, after the calls already made on it; null when the key is not live (now, or once those calls are done). */
  exportDb(dbKey: string): Promise<string | null>;
  /** Drops the key's live DB (its stored DB was replaced: reset, import); the next call loads the stored one. */
  forget(dbKey: string): Promise<void>;
  /** Why a DB blob cannot be opened, or null when it can (an import checks the file before storing it). */
  dbProblem(blob: string): Promise<DbProblem | null>;
  /** A debug session in the engine's worker (issue 14; the worker engine has it): see DebugChannel. */
  openDebugChannel?(): DebugChannel;
}

/** What the host tells a debug session (worker-protocol.ts DebugHostContext), plus how to load the key's stored DB. */
export type DebugHost = LiveDbRef & Omit<DebugHostContext, "db_key">;

/**
 * One debug session in the engine's worker, spoken to in DAP (the debug adapter is src/debug, the
 * same one `wfv dap` runs over stdio). The host passes the editor's messages through `send` (with
 * `host` on `launch`: the workflow's key and LiveDbRef, its files and settings) and gives `onMessage` what comes back
 * (responses, events). It runs on the workflow's live DB, and keeps the host's journal of that DB up
 * to date itself (worker-protocol.ts, "The debugger's channel"). If the worker dies, listeners get a
 * `terminated` event. `close` ends the session (its run stops; the DB stays as the session left it).
 */
export interface DebugChannel {
  send(message: DebugProtocol.ProtocolMessage, host?: DebugHost): void;
  onMessage(listener: (message: DebugProtocol.ProtocolMessage) => void): { dispose(): void };
  close(): void;
}
