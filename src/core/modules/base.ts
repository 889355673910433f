/**
 * What the original `ModuleBase` gives every module (modules.md §1.2–1.3): input validation that only
 * checks keys, `get_input_value`, `ModuleExecutionError` and the error sanitiser the engine applies.
 */
import { WfvError } from "../errors";
import { LimitExceeded } from "../limits";
import type { ModuleContext, WorkflowModule } from "./types";

type Declared = Pick<WorkflowModule, "moduleId" | "inputs">;

export type InputValidation = { ok: true } | { ok: false; inputName: string; message: string };

/**
 * The original's `validate_inputs`: every required input's name must be a key of the resolved inputs.
 * Values are not checked (null and empty pass), nor are types.
 */
export function validateInputs(module: Declared, resolved: Record<string, unknown>): InputValidation {
  for (const input of module.inputs) {
    if (input.required && !Object.prototype.hasOwnProperty.call(resolved, input.name)) {
      return { ok: false, inputName: input.name, message: `Required input '${input.name}' missing` };
    }
  }
  return { ok: true };
}

/**
 * The original's `get_input_value`: a declared input gives its value when the key is present (even a
 * null), else its default; an undeclared name gives the value or null.
 */
export function getInputValue(module: Declared, inputs: Record<string, unknown>, name: string): unknown {
  const present = Object.prototype.hasOwnProperty.call(inputs, name);
  const declared = module.inputs.find((input) => input.name === name);
  if (declared === undefined) return present ? inputs[name] : null;
  return present ? inputs[name] : (declared.default ?? null);
}

/**
 * `ModuleExecutionError(module_id, message, original_error)`. Its message carries the one
 * `Module '<id>' failed: ` prefix (ruling 11); `reason` is the bare message, so the engine can build
 * its own text without doubling the prefix.
 */
export class ModuleExecutionError extends WfvError {
  readonly moduleId: string;
  readonly reason: string;
  readonly originalError: unknown;

  constructor(moduleId: string, reason: string, originalError: unknown = null) {
    // A limit that stopped the module stays machine-readable (details.limit, limit_value, requested).
    const limit = originalError instanceof LimitExceeded ? originalError.details : limitDetailsOf(originalError);
    super("execution_failed", `Module '${moduleId}' failed: ${reason}`, { module_id: moduleId, reason, ...limit });
    this.name = "ModuleExecutionError";
    this.moduleId = moduleId;
    this.reason = reason;
    this.originalError = originalError;
  }
}

/** The limit fields of a structured error that carries them (a DB error over a limit). */
function limitDetailsOf(error: unknown): Record<string, unknown> {
  if (!(error instanceof WfvError) || typeof error.details.limit !== "string") return {};
  const { limit, limit_value, requested } = error.details;
  return { limit, limit_value, ...(requested === undefined ? {} : { requested }) };
}

export function isModuleExecutionError(value: unknown): value is ModuleExecutionError {
  return value instanceof ModuleExecutionError;
}

/** `str(e)` of whatever a module threw. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * The engine's `sanitize_error_message`: API keys, `api_key=…` values and user home folders are
 * masked before an error is stored in an event or shown.
 */
export function sanitizeErrorMessage(message: string): string {
  return message
    .replace(/sk-[A-Za-z0-9]{20,}/g, "[API_KEY_REDACTED]")
    .replace(/api[_-]?key\s*[=:]\s*["']?[^\s"',&]+["']?/gi, "api_key=[REDACTED]")
    .replace(/\/home\/[^/\s]+/g, "/home/[USER]")
    .replace(/\/Users\/[^/\s]+/g, "/Users/[USER]")
    .replace(/C:\\Users\\[^\\\s]+/gi, "C:\\Users\\[USER]");
}

/** `<prefix>_<32-hex uuid7>`, the interaction id form every interactive module uses. */
export function newInteractionId(prefix: string, context: Pick<ModuleContext, "newId">): string {
  return `${prefix}_${context.newId()}`;
}
