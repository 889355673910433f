/**
 * wfv's public API: run workflow modules virtually (virtual-execution.md).
 *
 * ## One call, DB in and out
 * ```ts
 * const first = await execute({ workflow, virtual_db: null, target_step_id: "user_input",
 *                               target_module_name: "select_pet_type" });
 * // first.status === "awaiting_input", first.interaction_request = the full request
 * const answer = await execute({ workflow, virtual_db: first.result.virtual_db,
 *                                target_step_id: "user_input", target_module_name: "select_pet_type",
 *                                response: { selected_indices: [0] } });
 * // answer.status === "completed", answer.result = { module_outputs, virtual_db, state }
 * ```
 * - `virtual_db`: a snapshot object `{collection: [documents]}`, the compressed blob (base64 of gzip of
 *   extended JSON), or null/absent for a fresh DB holding the virtual user. The response returns the DB
 *   in the form given (a blob when none was given) unless `db_format` says otherwise.
 * - `mode`: `"module"` (default) runs only the target with the state the DB holds; `"up_to"` runs from
 *   the run's position through the target, answering earlier interactions from remembered answers,
 *   else by auto-selection, else stopping there with `awaiting_input` (`progress` names the module).
 * - `mock` (default true): no real LLM/HTTP/media call on any path.
 * - `workflow_run_id` is `virtual_…`, stable for the life of a DB.
 * - Errors: `status: "error"`, `error` (one `Module '<id>' failed: ` prefix at most),
 *   `result: {error_type, details, virtual_db}` — the DB exactly as given. Types: `workflow_invalid`,
 *   `step_not_found`, `module_not_found`, `module_not_registered`, `unsupported_module_type`,
 *   `input_validation_failed`, `resolution_failed`, `execution_failed`, `db_invalid`, `bad_request`.
 *
 * ## Live sessions (fast path)
 * `VirtualSession.open(dbInput, options)` keeps the DB in memory between calls: no decompress/import/
 * export per call. `executeOnSession(session, request)` takes the same request (its `virtual_db` is
 * ignored) and returns the DB only if `db_format` asks; `session.exportBlob()` / `exportSnapshot()`
 * when the caller wants it. A failed call restores the live DB to where it was (cheap checkpoint,
 * see rollback.ts). Calls on one session are serialised.
 *
 * ## The original virtual server's routes
 * `start`, `respond`, `resumeConfirm`, `getState`, `getInteractionHistory`, `subAction` (an
 * `AsyncIterable` of `{type: "started"|"progress"|"complete"|"error", data}` for server-sent events),
 * and `interactionData` (display-data refresh after a sub-action, ruling 9). The same calls exist as
 * session methods.
 *
 * Engine options (`EngineOptions`): `registry` (defaults to the built-in modules), `providers`
 * (real-mode settings, never read in mock mode), `logger`.
 */
export { attachErrorSource, errorResponse, execute, executeOnSession, failureResponse, toExecuteResponse } from "./execute";
export type { DbFormat, ExecuteMode, ExecuteRequest, ExecuteResponse, ExecuteResult, ExecuteStatus } from "./execute";
export {
  VirtualSession,
  VIRTUAL_AI_CONFIG,
  VIRTUAL_PROJECT_NAME,
  isEmptyDbInput,
  openVirtualDb,
  toWfvError,
  type RunCallOptions,
  type SessionResponse,
  type VirtualDbInput,
} from "./session";
export { collectSubAction, type SubActionOutcome } from "./sub-action-outcome";
export { getInteractionHistory, getState, interactionData, respond, resumeConfirm, start, subAction } from "./server-calls";
export type { TargetFields, VirtualCallBase, VirtualWorkflowResponse } from "./server-calls";
export { checkpoint, type Checkpoint } from "./rollback";
export type {
  ApiInteractionRequest,
  EngineOptions,
  ExecutionTarget,
  InteractionResponseData,
  SseEvent,
  ValidationMessage,
  WorkflowProgress,
  WorkflowResponse,
} from "../engine/types";
