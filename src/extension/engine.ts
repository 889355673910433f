/**
 * The seam between the extension and the engine's public API (`src/core/virtual`,
 * virtual-execution.md "The execute call"). The extension only speaks this shape: request in,
 * `WorkflowResponse` + DB out. No `vscode` here.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface ExecuteRequest {
  workflow: unknown;
  virtual_db: string | null;
  target_step_id: string;
  target_module_name: string;
  response: Record<string, unknown> | null;
  mode: "module" | "up_to";
  mock: boolean;
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
  [key: string]: unknown;
}

export interface SubActionRequest {
  workflow: unknown;
  virtual_db: string | null;
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
  virtual_db: string | null;
}

export interface ExecuteOptions {
  signal?: AbortSignal;
  providers?: Record<string, { apiKey?: string }>;
}

export interface VirtualEngine {
  execute(request: ExecuteRequest, options?: ExecuteOptions): Promise<VirtualResponse>;
  subAction?(request: SubActionRequest, options?: ExecuteOptions): Promise<SubActionOutcome>;
  /** The run's hierarchical state (`steps`, `state_mapped`, `files`) held in a DB. */
  state?(virtualDb: string | null): Promise<Record<string, unknown>> | Record<string, unknown>;
}

/** The compressed DB a response carries (`result.virtual_db`), if any. */
export function responseDb(response: VirtualResponse): string | undefined {
  const db = response.result?.virtual_db;
  return typeof db === "string" ? db : undefined;
}
