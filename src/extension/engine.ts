/**
 * The seam between the extension and the engine (`src/core/virtual`, virtual-execution.md "The execute
 * call"). The engine keeps each workflow's DB live in memory (issue 6: "kept live in memory while the
 * workspace is open"): a run works on that DB directly, with no decompress/import/export per call. The
 * stored blob is read only when the engine holds no live DB for the key yet, and written from the live
 * DB when the extension persists it. No `vscode` here.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Which live DB a call works on, and how to get the stored one when it is not live yet. */
export interface LiveDbRef {
  /** The workflow's key (workspace-relative path). */
  db_key: string;
  /** The stored blob (null: a fresh DB); called only when the key has no live DB. */
  load_db: () => Promise<string | null>;
}

export interface ExecuteRequest extends LiveDbRef {
  workflow: unknown;
  target_step_id: string;
  target_module_name: string;
  response: Record<string, unknown> | null;
  mode: "module" | "up_to";
  mock: boolean;
}

/** What one call changed in the DB, per collection (documents as extended JSON). */
export interface DbChangeList {
  collections: { name: string; added: Json[]; changed: Json[]; removed: Json[] }[];
}

export interface VirtualResponse {
  workflow_run_id?: string;
  status: string;
  message?: string;
  progress?: Record<string, unknown>;
  interaction_request?: Record<string, unknown> | null;
  result?: Record<string, unknown> | null;
  error?: string | null;
  validation_errors?: unknown[];
  validation_warnings?: unknown[];
  /** What the call changed in the live DB (null when it failed: the DB is as it was). */
  changes?: DbChangeList | null;
  [key: string]: unknown;
}

export interface SubActionRequest extends LiveDbRef {
  workflow: unknown;
  target_step_id: string;
  target_module_name: string;
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

export interface ExecuteOptions {
  signal?: AbortSignal;
  providers?: Record<string, { apiKey?: string }>;
}

export interface VirtualEngine {
  execute(request: ExecuteRequest, options?: ExecuteOptions): Promise<VirtualResponse>;
  subAction(request: SubActionRequest, options?: ExecuteOptions): Promise<SubActionOutcome>;
  /** The run's hierarchical state (`steps`, `state_mapped`, `files`) held in the DB. */
  state(ref: LiveDbRef): Promise<Record<string, unknown>>;
  /** The live DB as the compressed blob, after the calls already made on it; null when the key is not live (now, or once those calls are done). */
  exportDb(dbKey: string): Promise<string | null>;
  /** Drops the key's live DB (its stored DB was replaced: reset, import); the next call loads the stored one. */
  forget(dbKey: string): Promise<void>;
}
