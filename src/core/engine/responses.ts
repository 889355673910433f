/**
 * Building `WorkflowResponse`s and turning thrown errors into structured ones: one
 * `Module '<id>' failed: ` prefix at most, an `error_type` and `details` (ruling 11).
 */
import { isWfvError, type ErrorType } from "../errors";
import { errorText, isModuleExecutionError, sanitizeErrorMessage } from "../modules/base";
import type { EngineStatus, WorkflowProgress, WorkflowResponse } from "./types";

export function makeResponse(workflowRunId: string, status: EngineStatus, message: string, extra: Partial<WorkflowResponse> = {}): WorkflowResponse {
  return { workflow_run_id: workflowRunId, status, message, validation_errors: [], validation_warnings: [], ...extra };
}

export function errorResponse(workflowRunId: string, error: string, errorType: ErrorType, details: Record<string, unknown>, progress?: WorkflowProgress): WorkflowResponse {
  return makeResponse(workflowRunId, "error", error, { error, error_type: errorType, error_details: details, ...(progress ? { progress } : {}) });
}

export function progressAt(stepId: string | null, moduleName: string | null, stepIndex: number, extra: Partial<WorkflowProgress> = {}): WorkflowProgress {
  return { current_step: stepId, current_module: moduleName, completed_steps: [], total_steps: 0, step_index: stepIndex, ...extra };
}

export interface ModuleFailure {
  message: string;
  /** The sanitised message without the module prefix (what `module_error` stores). */
  stored: string;
  errorType: ErrorType;
  details: Record<string, unknown>;
}

const PREFIX = /Module '[^']*' failed: /g;

/**
 * A module failure (the original's `Module '<module_id>' failed: <msg>`), with the prefix only once even
 * when the module's own error (or a wrapped one) already carries it.
 */
export function describeModuleFailure(moduleId: string, error: unknown, where: { step_id: string; module_name: string }): ModuleFailure {
  const reason = (isModuleExecutionError(error) ? error.reason : errorText(error)).replace(PREFIX, "");
  const stored = sanitizeErrorMessage(reason);
  const errorType: ErrorType = isWfvError(error) ? error.errorType : "execution_failed";
  const details: Record<string, unknown> = { ...(isWfvError(error) ? error.details : {}), ...where, module_id: moduleId };
  if (errorType === "execution_failed") details.reason = stored;
  return { message: `Module '${moduleId}' failed: ${stored}`, stored, errorType, details };
}
