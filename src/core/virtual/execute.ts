/**
 * The `execute` call of virtual-execution.md: one call for "show me the interaction" and "here is my
 * answer", the DB travelling with the request and the response.
 */
import type { CollectionChanges, DbSnapshot } from "../db";
import { WfvError, type ErrorType } from "../errors";
import type {
  ApiInteractionRequest,
  AutoAnswer,
  EngineOptions,
  InteractionResponseData,
  ValidationMessage,
  WorkflowProgress,
  WorkflowResponse,
} from "../engine/types";
import { toWfvError, VirtualSession, type RunCallOptions, type SessionResponse, type VirtualDbInput } from "./session";
import { errorSource } from "../workflow/error-source";
import { memoryFileReader, resolveWorkflow, type ResolvedWorkflowSource } from "../workflow/ref-resolver";
import { pendingAnswer, storedInputs } from "./trace-reads";
import { RunTracer, type ModuleInputs, type TraceEntry } from "./trace";

export type ExecuteMode = "module" | "up_to";

/** How `result.virtual_db` is returned: the snapshot object, the compressed blob, or not at all. */
export type DbFormat = "object" | "compressed" | "none";

export interface ExecuteRequest {
  /** The full resolved workflow (every `$ref` replaced). */
  workflow: unknown;
  /** The DB of the previous call: a snapshot object, the compressed blob, or null/absent for a fresh DB. */
  virtual_db?: VirtualDbInput;
  target_step_id: string;
  /** The module's `name` (its `module_id` for an unnamed module). */
  target_module_name: string;
  /** The user's answer; null on the first call. */
  response?: InteractionResponseData | null;
  /** `module` (default): only the target. `up_to`: everything from the run's position through the target. */
  mode?: ExecuteMode;
  /** Default true: no real LLM/HTTP/media call (ruling 5). */
  mock?: boolean;
  /** Default: the form given (an object gives an object; a blob or nothing gives a blob). */
  db_format?: DbFormat;
  /**
   * up_to in mock mode only: answer interactions that neither a scripted or remembered answer nor
   * auto-selection can answer with mock defaults (text default or "mock input", form defaults, mock
   * media, pause acknowledged), so a headless run reaches the target. Default true in mock mode; false
   * makes the call stop at such an interaction and say which module it is.
   */
  default_answers?: boolean;
  /** up_to: scripted answers keyed `step_id/module_name`, used before remembered answers. */
  answers?: Record<string, InteractionResponseData>;
  /**
   * The workflow's files, `path → text` with paths relative to its folder, as the caller has them
   * (`workflow` is still what runs). With them a failed call's `result.details.source` says where the
   * error is written: `{file, json_path, line, column}` (src/core/workflow/error-source.ts).
   */
  source_files?: Record<string, string>;
  /** The entry file among `source_files`; default: the first one given. */
  source_entry?: string;
  /** wfv only: the response carries `trace` and `resolved_inputs` (the panel's run story, trace.ts). */
  trace?: boolean;
  /** wfv only, up_to: answer nothing on the caller's behalf (no remembered answer, auto-selection or mock default): stop at each interaction. */
  stop_at_interactions?: boolean;
}

export type ExecuteStatus = "awaiting_input" | "completed" | "error" | "validation_failed";

export interface ExecuteResult {
  /** On completion: the outputs the target module returned (null when the target did not run). */
  module_outputs?: Record<string, unknown> | null;
  /** The DB after the call; on error, exactly as given. Absent with `db_format: "none"`. */
  virtual_db?: DbSnapshot | string | null;
  /** The flat state (`get_module_outputs`) after the call. */
  state?: Record<string, unknown> | null;
  /** On error. */
  error_type?: ErrorType;
  details?: Record<string, unknown>;
}

export interface ExecuteResponse {
  /** `virtual_…`, stable for the life of a virtual DB. */
  workflow_run_id: string;
  status: ExecuteStatus;
  message: string;
  progress?: WorkflowProgress;
  /** When awaiting input: every field of the engine's interaction request (ruling 7). */
  interaction_request?: ApiInteractionRequest;
  result: ExecuteResult;
  error?: string;
  validation_errors: ValidationMessage[];
  validation_warnings: ValidationMessage[];
  /**
   * up_to: the interactions the call answered on its own before the target, in order, each with its
   * source (`scripted`, `remembered`, `auto_select`, `mock_default` and the default's `rule`).
   */
  auto_answers?: AutoAnswer[];
  /**
   * When the target names a `pipeline.execution_groups` module: the group, the path the run chose,
   * its expanded modules (`module_outputs` are the last one's) and those that completed in this call.
   */
  group?: WorkflowResponse["group"];
  /**
   * Only for an in-process caller that asked (`executeOnSession`'s `changes`), never in the JSON API:
   * what the call changed in the DB, per collection; null when it failed.
   */
  changes?: CollectionChanges[] | null;
  /** wfv only, with `trace: true`: the modules the call ran, in order, with durations, statuses and the answers given (trace.ts). */
  trace?: TraceEntry[];
  /** wfv only, with `trace: true`: the inputs of the target (or of the module the call stopped at) as resolved, beside their templates. */
  resolved_inputs?: ModuleInputs | null;
}

function checkRequest(request: ExecuteRequest): void {
  const problems: Array<{ field: string; message: string }> = [];
  if (request === null || typeof request !== "object") throw new WfvError("bad_request", "the request must be an object", {});
  if (typeof request.target_step_id !== "string" || request.target_step_id === "") problems.push({ field: "target_step_id", message: "required string" });
  if (typeof request.target_module_name !== "string" || request.target_module_name === "") problems.push({ field: "target_module_name", message: "required string" });
  if (request.mode !== undefined && request.mode !== "module" && request.mode !== "up_to") problems.push({ field: "mode", message: "must be 'module' or 'up_to'" });
  if (request.response !== undefined && request.response !== null && (typeof request.response !== "object" || Array.isArray(request.response))) {
    problems.push({ field: "response", message: "must be an object or null" });
  }
  if (problems.length > 0) {
    throw new WfvError("bad_request", `Invalid execute request: ${problems.map((p) => `${p.field} ${p.message}`).join("; ")}`, { problems });
  }
}

/** The public status of an engine status: a reached target is a completed run of the module. */
function publicStatus(status: SessionResponse["status"]): ExecuteStatus {
  switch (status) {
    case "awaiting_input":
    case "error":
    case "validation_failed":
      return status;
    default:
      return "completed";
  }
}

/** Shapes a session response as virtual-execution.md's response; `db` supplies `result.virtual_db`. */
export function toExecuteResponse(response: SessionResponse, db: () => DbSnapshot | string | null | undefined, givenDb: VirtualDbInput): ExecuteResponse {
  const status = publicStatus(response.status);
  const out = { workflow_run_id: response.workflow_run_id, status, message: response.message } as ExecuteResponse;
  if (response.progress) out.progress = response.progress;
  if (response.interaction_request && status === "awaiting_input") out.interaction_request = response.interaction_request;
  if (status === "error") {
    out.result = { error_type: response.error_type ?? "execution_failed", details: response.error_details ?? {}, virtual_db: givenDb ?? null };
    out.error = response.error ?? response.message;
  } else {
    out.result = {};
    if (status === "completed") out.result.module_outputs = response.target_outputs ?? null;
    const virtualDb = db();
    if (virtualDb !== undefined) out.result.virtual_db = virtualDb;
    out.result.state = response.state;
  }
  out.validation_errors = response.validation_errors;
  out.validation_warnings = response.validation_warnings;
  if (response.auto_answers) out.auto_answers = response.auto_answers;
  if (response.group) out.group = response.group;
  if (response.changes !== undefined) out.changes = response.changes;
  return out;
}

/** The answer to a call that failed before the engine ran or outside it: the error's type and details. */
export function errorResponse(error: unknown): ExecuteResponse {
  const failure = toWfvError(error);
  return {
    workflow_run_id: "",
    status: "error",
    message: failure.message,
    error: failure.message,
    result: { error_type: failure.errorType, details: failure.details },
    validation_errors: [],
    validation_warnings: [],
  };
}

/** The answer to a call that failed before the engine ran (a bad request, an unreadable DB): the DB as given. */
export function failureResponse(error: unknown, givenDb: VirtualDbInput): ExecuteResponse {
  const response = errorResponse(error);
  response.result = { ...response.result, virtual_db: givenDb ?? null };
  return response;
}

/** Runs `request` on a live session (no import, export only as `db_format` asks; default none); `call` gives this call its own providers and abort signal, and may ask for its `changes`. */
export async function executeOnSession(session: VirtualSession, request: ExecuteRequest, call: Pick<RunCallOptions, "providers" | "signal" | "changes"> = {}): Promise<ExecuteResponse> {
  try {
    checkRequest(request);
  } catch (error) {
    return failureResponse(error, undefined);
  }
  const target = { step_id: request.target_step_id, module_name: request.target_module_name };
  const tracer = request.trace === true ? new RunTracer() : null;
  const options = { ...call, mock: request.mock ?? true, ...(tracer ? { observer: tracer.observer } : {}) };
  const response = request.response ?? null;
  const pending = tracer && response ? pendingAnswer(session, response) : null;
  const result =
    request.mode === "up_to"
      ? await session.runUpTo(request.workflow, target, response, {
          ...options,
          default_answers: request.default_answers,
          answers: request.answers,
          ...(request.stop_at_interactions === true ? { auto_answer: false } : {}),
        })
      : await session.runModule(request.workflow, target, response, options);
  const format = request.db_format ?? "none";
  const db = () => (format === "object" ? session.exportSnapshot() : format === "compressed" ? session.exportBlob() : undefined);
  const out = attachSourceFromRequest(toExecuteResponse(result, db, format === "none" ? undefined : request.virtual_db), request);
  if (tracer) Object.assign(out, traceOf(tracer, session, request, result, pending));
  return out;
}

/** `trace` and `resolved_inputs` of a traced call: the inputs are the target's, or those of the module the call stopped or failed at. */
function traceOf(tracer: RunTracer, session: VirtualSession, request: ExecuteRequest, result: SessionResponse, pending: ReturnType<typeof pendingAnswer>) {
  const details = result.error_details ?? {};
  const stoppedStep = result.status === "error" ? details.step_id : result.progress?.current_step;
  const stoppedModule = result.status === "error" ? details.module_name : result.progress?.current_module;
  const ended =
    (result.status === "awaiting_input" || result.status === "error") && typeof stoppedModule === "string"
      ? { step_id: typeof stoppedStep === "string" ? stoppedStep : request.target_step_id, module_name: stoppedModule, status: result.status }
      : null;
  return tracer.finish({
    workflow: request.workflow,
    autoAnswers: result.auto_answers ?? [],
    pending,
    ended,
    inputsOf: ended ?? { step_id: request.target_step_id, module_name: request.target_module_name },
    storedInputs: (stepId, moduleName) => storedInputs(session, result.workflow_run_id, stepId, moduleName),
  });
}

/**
 * virtual-execution.md's `execute`: opens the DB given (or a fresh one), runs the call and returns the
 * updated DB in the form given. A failed call returns the DB exactly as given. `opened` sees the
 * session before the call runs (the CLI watches it for the modules it starts).
 */
export async function execute(request: ExecuteRequest, options: EngineOptions = {}, opened?: (session: VirtualSession) => void): Promise<ExecuteResponse> {
  try {
    checkRequest(request);
  } catch (error) {
    return failureResponse(error, request?.virtual_db);
  }
  let session: VirtualSession;
  try {
    session = VirtualSession.open(request.virtual_db, options);
  } catch (error) {
    return failureResponse(error, request.virtual_db);
  }
  opened?.(session);
  const format: DbFormat = request.db_format ?? (request.virtual_db !== null && typeof request.virtual_db === "object" ? "object" : "compressed");
  const response = await executeOnSession(session, { ...request, db_format: format === "none" ? "none" : format });
  if (response.status === "error") response.result.virtual_db = request.virtual_db ?? null;
  return response;
}

/** `source_files` given: a failed call's `details.source`, from those files (execute and the HTTP API). */
function attachSourceFromRequest(response: ExecuteResponse, request: ExecuteRequest): ExecuteResponse {
  if (response.status !== "error" || !isFileMap(request.source_files)) return response;
  const files = request.source_files;
  const entry = request.source_entry ?? Object.keys(files)[0];
  try {
    if (entry !== undefined) attachErrorSource(response, resolveWorkflow(entry, memoryFileReader(files)), (file) => files[file]);
  } catch {
    // The files do not resolve (they are not what ran): the error goes out without a source.
  }
  return response;
}

function isFileMap(value: unknown): value is Record<string, string> {
  return value !== null && typeof value === "object" && !Array.isArray(value) && Object.values(value).every((text) => typeof text === "string");
}

/**
 * Adds `details.source` to a failed call's details (unless they have one): where in the workflow's
 * files the error is written, from the resolver's `$ref` map and the files' text (`readText` takes a
 * root-relative path). For hosts that know the files: the CLI, the extension, `execute` (and the
 * HTTP API) with `source_files`.
 */
export function attachErrorSource(response: ExecuteResponse, resolved: ResolvedWorkflowSource, readText: (file: string) => string | undefined): ExecuteResponse {
  const details = response.result?.details;
  if (response.status !== "error" || !details || details.source !== undefined) return response;
  const source = errorSource(resolved, details, readText);
  if (source !== null) response.result.details = { ...details, source };
  return response;
}
