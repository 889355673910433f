/**
 * Structured errors at the engine's boundaries. Every failure a caller can see carries a
 * machine-readable `errorType` (virtual-execution.md "Error types") and `details`.
 */
export type ErrorType =
  | "workflow_invalid"
  | "step_not_found"
  | "module_not_found"
  | "module_not_registered"
  | "unsupported_module_type"
  | "input_validation_failed"
  | "resolution_failed"
  | "execution_failed"
  | "validation_failed"
  | "db_invalid"
  | "bad_request"
  /** A run went over its memory or wall-clock budget (isolation, src/node/isolate.ts): details {limit, value, module_name, step_id}. */
  | "limit_exceeded";

export class WfvError extends Error {
  readonly errorType: ErrorType;
  readonly details: Record<string, unknown>;

  constructor(errorType: ErrorType, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = "WfvError";
    this.errorType = errorType;
    this.details = details;
  }

  toJSON(): { error: string; error_type: ErrorType; details: Record<string, unknown> } {
    return { error: this.message, error_type: this.errorType, details: this.details };
  }
}

export function isWfvError(value: unknown): value is WfvError {
  return value instanceof WfvError;
}
