/**
 * Run → view: the engine's response (the core's `ExecuteResponse`) as the panel's `RunView`, in one
 * step. Engine values become JSON (dates as ISO strings, as `JSON.stringify` writes them; the DB
 * changes as extended JSON), and an error says where it points in the workspace. Pure.
 */
import type { ExecuteResponse } from "../core/virtual/execute";
import type { RunMode, RunView, SourceLink } from "../shared/protocol";
import { panelChanges } from "./db-diff";
import { storyView } from "./run-story";
import type { ModuleRef } from "./source-links";

/** What a run targets. */
export interface RunTarget extends ModuleRef {
  mode: RunMode;
}

/** Where an error with these details points, given where an up_to run stopped. */
export type ErrorLink = (details: Record<string, unknown>, stoppedAt: ModuleRef | null) => SourceLink | null;

export function runView(runId: number, target: RunTarget, response: ExecuteResponse, errorLink: ErrorLink): RunView {
  const { status } = response;
  const result = response.result ?? {};
  const stoppedStep = response.progress?.current_step ?? undefined;
  const stoppedModule = response.progress?.current_module ?? undefined;
  const stoppedAt =
    status === "awaiting_input" && stoppedModule && (stoppedModule !== target.moduleName || stoppedStep !== target.stepId)
      ? { stepId: stoppedStep ?? target.stepId, moduleName: stoppedModule }
      : null;
  let error: RunView["error"] = null;
  if (status === "error") {
    const errorType = result.error_type ?? "execution_failed";
    const details = result.details ?? {};
    error = { error_type: errorType, message: response.error ?? response.message ?? errorType, details: jsonRecord(details), source: errorLink(details, stoppedAt) };
  }
  return {
    runId,
    stepId: target.stepId,
    moduleName: target.moduleName,
    mode: target.mode,
    status,
    message: String(response.message ?? ""),
    interaction: response.interaction_request ? jsonRecord(response.interaction_request) : null,
    stoppedAt,
    outputs: isObject(result.module_outputs) ? jsonRecord(result.module_outputs) : null,
    state: isObject(result.state) ? jsonRecord(result.state) : null,
    changes: response.changes && status !== "error" ? panelChanges(response.changes) : null,
    error,
    validationErrors: response.validation_errors ?? [],
    ...(response.validation_warnings?.length ? { validationWarnings: response.validation_warnings } : {}),
    ...storyView(response),
  };
}

/** A run that did not reach the engine (the workflow does not resolve or is invalid). */
export function errorView(
  runId: number,
  target: RunTarget,
  errorType: string,
  message: string,
  details: Record<string, unknown>,
  source: SourceLink | null,
): RunView {
  return {
    runId,
    stepId: target.stepId,
    moduleName: target.moduleName,
    mode: target.mode,
    status: "error",
    message,
    interaction: null,
    stoppedAt: null,
    outputs: null,
    state: null,
    changes: null,
    error: { error_type: errorType, message, details: jsonRecord(details), source },
    validationErrors: [],
  };
}

/** An engine call that threw (the engine failed to load, say), as the engine reports a failure. */
export function thrownResponse(error: unknown): ExecuteResponse {
  const message = String((error as Error)?.message ?? error);
  return {
    workflow_run_id: "",
    status: "error",
    message,
    error: message,
    result: { error_type: "execution_failed", details: { stack: (error as Error)?.stack ?? "" } },
    validation_errors: [],
    validation_warnings: [],
  };
}

function isObject(value: unknown): value is object {
  return value !== null && typeof value === "object";
}

/** Dates and other non-JSON values → JSON for the webview. */
export function toJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));
}

function jsonRecord(value: unknown): Record<string, unknown> {
  return toJson(value) as Record<string, unknown>;
}
