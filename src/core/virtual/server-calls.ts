/**
 * The original virtual server's routes (engine.md §4.7, §7) as in-process functions: each takes the DB
 * (object or blob), runs one session call and returns a `VirtualWorkflowResponse` with the DB in the
 * form given (a blob when none was given). Failed calls return the DB exactly as given.
 */
import type { DbSnapshot } from "../db";
import type { EngineOptions, ExecutionTarget, InteractionResponseData, SseEvent, WorkflowResponse } from "../engine/types";
import { failureResponse } from "./execute";
import { VirtualSession, type RunCallOptions, type SessionResponse, type VirtualDbInput } from "./session";

export interface VirtualCallBase extends RunCallOptions {
  workflow: unknown;
  virtual_db?: VirtualDbInput;
}

export interface TargetFields {
  target_step_id?: string | null;
  target_module_name?: string | null;
}

/** `WorkflowResponse` + the run id, the DB and the flat state (engine.md §3.2), with `error_type` in `result` on error. */
export interface VirtualWorkflowResponse extends WorkflowResponse {
  virtual_run_id: string;
  virtual_db: DbSnapshot | string | null;
  state: Record<string, unknown> | null;
}

function targetOf(fields: TargetFields): ExecutionTarget | null {
  return fields.target_step_id && fields.target_module_name ? { step_id: fields.target_step_id, module_name: fields.target_module_name } : null;
}

function exportLike(session: VirtualSession, given: VirtualDbInput): DbSnapshot | string {
  return given !== null && typeof given === "object" ? session.exportSnapshot() : session.exportBlob();
}

function shape(response: SessionResponse, session: VirtualSession, given: VirtualDbInput): VirtualWorkflowResponse {
  const failed = response.status === "error";
  const out: VirtualWorkflowResponse = {
    ...response,
    virtual_run_id: response.workflow_run_id,
    virtual_db: failed ? (given ?? null) : exportLike(session, given),
  };
  if (failed) out.result = { ...(out.result ?? {}), error_type: response.error_type ?? "execution_failed", details: response.error_details ?? {} };
  return out;
}

/** `failureResponse` in the original server's shape: the error type and details also at the top, the DB beside the result. */
function openFailure(error: unknown, given: VirtualDbInput): VirtualWorkflowResponse {
  const { workflow_run_id, status, message, error: text, result, ...rest } = failureResponse(error, given);
  const { error_type, details } = result;
  return {
    workflow_run_id,
    virtual_run_id: "",
    status,
    message,
    error: text,
    error_type,
    error_details: details,
    result: { error_type, details },
    ...rest,
    virtual_db: given ?? null,
    state: null,
  };
}

async function withSession(
  given: VirtualDbInput,
  options: EngineOptions,
  call: (session: VirtualSession) => Promise<SessionResponse>,
): Promise<VirtualWorkflowResponse> {
  let session: VirtualSession;
  try {
    session = VirtualSession.open(given, options);
  } catch (error) {
    return openFailure(error, given);
  }
  return shape(await call(session), session, given);
}

/** `POST /workflow/start`: a fresh DB (none given) or `force_new` starts over; otherwise the run goes on. */
export function start(request: VirtualCallBase & TargetFields & { force_new?: boolean }, options: EngineOptions = {}): Promise<VirtualWorkflowResponse> {
  return withSession(request.virtual_db, options, (session) =>
    session.start(request.workflow, targetOf(request), { mock: request.mock, ai_config: request.ai_config, force_new: request.force_new }),
  );
}

/** `POST /workflow/respond`. */
export function respond(
  request: VirtualCallBase & TargetFields & { virtual_run_id?: string; interaction_id?: string | null; response: InteractionResponseData },
  options: EngineOptions = {},
): Promise<VirtualWorkflowResponse> {
  return withSession(request.virtual_db, options, (session) =>
    session.respond(request.workflow, targetOf(request), request.interaction_id ?? null, request.response, { mock: request.mock, ai_config: request.ai_config }),
  );
}

/** `POST /workflow/resume/confirm`. */
export function resumeConfirm(request: VirtualCallBase & TargetFields, options: EngineOptions = {}): Promise<VirtualWorkflowResponse> {
  return withSession(request.virtual_db, options, (session) =>
    session.resumeConfirm(request.workflow, targetOf(request), { mock: request.mock, ai_config: request.ai_config }),
  );
}

/** Display-data refresh (ruling 9; the real server's `GET /workflow/{id}/interaction/{iid}/data`). */
export function interactionData(
  request: VirtualCallBase & { virtual_run_id?: string; interaction_id?: string | null },
  options: EngineOptions = {},
): Promise<VirtualWorkflowResponse> {
  return withSession(request.virtual_db, options, (session) =>
    session.interactionData(request.workflow, request.interaction_id ?? null, { mock: request.mock, ai_config: request.ai_config }),
  );
}

/** `POST /workflow/state`: empty values when the DB cannot be read, as the original. */
export function getState(request: { virtual_db?: VirtualDbInput; virtual_run_id?: string | null }): ReturnType<VirtualSession["state"]> {
  try {
    return VirtualSession.open(request.virtual_db).state(request.virtual_run_id);
  } catch {
    return { steps: {}, state_mapped: {}, files: [] };
  }
}

/** `POST /workflow/interaction-history`. An unreadable DB throws `db_invalid`. */
export function getInteractionHistory(request: { virtual_db?: VirtualDbInput; virtual_run_id?: string | null }): ReturnType<VirtualSession["interactionHistory"]> {
  return VirtualSession.open(request.virtual_db).interactionHistory(request.virtual_run_id);
}

/**
 * `POST /workflow/sub-action` as a stream of `{type, data}` events. `complete` carries
 * `updated_state`, `sub_action_result`, `virtual_db` and `state`; `error` carries the DB as given.
 */
export async function* subAction(
  request: VirtualCallBase & { virtual_run_id?: string; interaction_id: string; sub_action_id: string; params?: Record<string, unknown> },
  options: EngineOptions = {},
): AsyncGenerator<SseEvent> {
  let session: VirtualSession;
  try {
    session = VirtualSession.open(request.virtual_db, options);
  } catch (error) {
    const failed = openFailure(error, request.virtual_db);
    yield { type: "error", data: { message: failed.error, error_type: failed.error_type, details: failed.error_details, virtual_db: request.virtual_db ?? null } };
    return;
  }
  const stream = session.subAction(
    request.workflow,
    { interaction_id: request.interaction_id, sub_action_id: request.sub_action_id, params: request.params },
    { mock: request.mock, ai_config: request.ai_config },
  );
  for await (const event of stream) {
    if (event.type === "complete") yield { type: "complete", data: { ...event.data, virtual_db: exportLike(session, request.virtual_db) } };
    else if (event.type === "error") yield { type: "error", data: { ...event.data, virtual_db: request.virtual_db ?? null } };
    else yield event;
  }
}
