/**
 * The engine's models (engine.md §3): statuses, progress, the `WorkflowResponse` every engine call
 * returns, the execution target, and the options an engine is built with.
 */
import type { GzipCodec } from "../db/codec";
import type { ErrorType } from "../errors";
import type { ModuleRegistry } from "../modules/registry";
import type { ApiInteractionRequest } from "../interaction/schema";
import type { ModuleLogger, ProviderSettings } from "../modules/types";
import type { NaiveDateTime } from "../python/objects";

export type EngineStatus =
  | "created"
  | "processing"
  | "awaiting_input"
  | "target_reached"
  | "completed"
  | "error"
  | "validation_failed";

export interface WorkflowProgress {
  current_step?: string | null;
  current_module?: string | null;
  completed_steps: string[];
  total_steps: number;
  step_index: number;
}

/** `ExecutionTarget`: stop when this step/module boundary is reached (engine.md §3.4, ruling 1). */
export interface ExecutionTarget {
  step_id: string;
  module_name: string;
}

/** A validation message of a retryable option's rule (engine.md §1.6). */
export interface ValidationMessage {
  id: string | null;
  field: string | null;
  rule: string | null;
  message: string;
  severity: string;
}

/** What the API sends as an interaction request: every field, with its defaults (engine.md §3.3, ruling 7). */
export type { ApiInteractionRequest } from "../interaction/schema";

/** The engine's `WorkflowResponse`, plus the structured failure wfv adds (ruling 11). */
export interface WorkflowResponse {
  workflow_run_id: string;
  status: EngineStatus;
  message: string;
  progress?: WorkflowProgress;
  interaction_request?: ApiInteractionRequest;
  result?: Record<string, unknown>;
  error?: string;
  validation_errors: ValidationMessage[];
  validation_warnings: ValidationMessage[];
  /** On `error`: the machine-readable type and its details. */
  error_type?: ErrorType;
  error_details?: Record<string, unknown>;
  /**
   * On `target_reached`/`completed` after the target module ran in this call: the outputs the target
   * module returned (what the virtual API reports as `module_outputs`).
   */
  target_outputs?: Record<string, unknown>;
  /** up_to: the interactions this call answered on its own, in order, and how (the run trace). */
  auto_answers?: AutoAnswer[];
  /** When the target is an execution group: the group, its expanded modules, and those that ran. */
  group?: {
    step_id: string;
    group_name: string;
    path_name: string | null;
    modules: string[];
    modules_run: string[];
  };
}

/**
 * One interaction an up_to run answered without the caller: a scripted answer (`answers`), the answer
 * remembered from an earlier run, the editor's auto-selection, or a mock default (`default_answers`,
 * with the rule that chose it, e.g. `review_accept`).
 */
export interface AutoAnswer {
  step_id: string;
  module_name: string;
  interaction_type: string;
  source: "scripted" | "remembered" | "auto_select" | "mock_default";
  /** For `mock_default`: which default (src/core/mock/default-answers.ts `DefaultAnswerRule`). */
  rule?: string;
  response: InteractionResponseData;
}

/** The answer as the API receives it (`InteractionResponseData`, engine.md §3.3): any subset of fields. */
export interface InteractionResponseData {
  value?: unknown;
  selected_indices?: unknown[];
  selected_options?: Record<string, unknown>[];
  custom_value?: string | null;
  cancelled?: boolean;
  retry_requested?: boolean;
  retry_groups?: unknown[];
  retry_feedback?: string;
  jump_back_requested?: boolean;
  jump_back_target?: string;
  file_written?: boolean;
  file_path?: string;
  file_error?: string;
  form_data?: unknown;
  selected_content_id?: string | null;
  selected_content?: unknown;
  generations?: Record<string, unknown>;
  action_id?: string | null;
  confirmed_warnings?: string[];
  [key: string]: unknown;
}

/** One server-sent event of a sub-action stream (engine.md §3.5). */
export interface SseEvent {
  type: "started" | "progress" | "complete" | "error";
  data: Record<string, unknown>;
}

export interface EngineOptions {
  /** The modules; the built-in registry when absent. Tests pass their own instance. */
  registry?: ModuleRegistry;
  /** Real-mode provider settings (keys, base URLs); never read in mock mode. */
  providers?: ProviderSettings;
  /** Where module log lines go; silent when absent. */
  logger?: ModuleLogger;
  /** Aborts long real-mode calls (handed to modules as `context.signal`). */
  signal?: AbortSignal;
  /** gzip for the compressed DB form, blobs in and out; the core's fflate when absent (a Node host may pass native zlib). */
  codec?: GzipCodec;
  /**
   * What `now()` gives the templates the engine resolves; the wall clock (local time, as Python's naive
   * `datetime.now()`) when absent. A workflow test's replay freezes it, so its outputs repeat.
   */
  templateNow?: () => Date | NaiveDateTime;
}

/** The run-level services (engine.md §4.1), carried explicitly so mock mode reaches every path (ruling 5). */
export interface EngineServices {
  ai_config: Record<string, unknown>;
  workflow_run_id: string;
  project_name: string;
  workflow_template_name: string;
  workflow_template_id: string;
  user_id: string;
  branch_id: string;
  session_timestamp: string;
  mock_mode: boolean;
  [key: string]: unknown;
}
