/**
 * `user.text_input`'s `validation_pattern` check (modules.md §2.1 step 4), in one place: the module runs
 * it on the server, the panel runs it on the request's `context.validation` before submitting (the
 * original sent that context "so the client can validate too"), and headless mock defaults pick an
 * answer that passes it. Python semantics: `re.match` is a prefix match; an invalid pattern skips the
 * check.
 */
import { compilePythonPattern, type CompiledPythonRegex, pythonMatch, pythonSplit } from "../python/regex";

/** The request's `context.validation`, or the module's inputs under these names. */
export interface TextValidation {
  pattern?: unknown;
  separator?: unknown;
  separator_is_regex?: unknown;
  error?: unknown;
  require_at_least_one_match?: unknown;
}

export interface TextValidationResult {
  valid: boolean;
  /** `validation_error`, plus ` Invalid: 'a', 'b'` when specific segments failed; "" when valid. */
  feedback: string;
  error: string;
  invalidSegments: string[];
}

export const DEFAULT_VALIDATION_ERROR = "Invalid format. Please check your input and try again.";

/** Python truthiness for the JSON values a config holds. */
function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}

/** `re.compile(pattern)`, or null where Python raises `re.error`. */
function compileOrNull(pattern: string): CompiledPythonRegex | null {
  try {
    return compilePythonPattern(pattern);
  } catch {
    return null;
  }
}

/** Checks an answer; a falsy pattern or answer is valid (the module validates only when both are truthy). */
export function checkTextAnswer(answer: string, validation: TextValidation): TextValidationResult {
  const error = typeof validation.error === "string" ? validation.error : DEFAULT_VALIDATION_ERROR;
  const ok: TextValidationResult = { valid: true, feedback: "", error: "", invalidSegments: [] };
  if (!truthy(validation.pattern) || answer === "") return ok;
  const compiled = compileOrNull(String(validation.pattern));
  if (compiled === null) return ok;

  let segments: string[];
  const separator = validation.separator;
  if (truthy(separator)) {
    let pieces: Array<string | null>;
    if (truthy(validation.separator_is_regex)) {
      const splitter = compileOrNull(String(separator));
      if (splitter === null) throw new Error(`invalid separator pattern: ${String(separator)}`);
      pieces = pythonSplit(splitter, answer);
    } else {
      pieces = answer.split(String(separator));
    }
    segments = pieces.map((piece) => (piece ?? "").trim()).filter((piece) => piece.length > 0);
  } else {
    segments = [answer.trim()];
  }

  const invalid = (invalidSegments: string[]): TextValidationResult => ({
    valid: false,
    feedback: invalidSegments.length > 0 ? `${error} Invalid: ${invalidSegments.join(", ")}` : error,
    error,
    invalidSegments,
  });
  if (segments.length === 0) return invalid([]);
  let validCount = 0;
  const invalidSegments: string[] = [];
  for (const segment of segments) {
    if (pythonMatch(compiled, segment) !== null) validCount++;
    else invalidSegments.push(`'${segment}'`);
  }
  if (invalidSegments.length > 0) return invalid(invalidSegments);
  // Default true, as the module's input.
  const requireOne = validation.require_at_least_one_match === undefined ? true : truthy(validation.require_at_least_one_match);
  if (requireOne && validCount === 0) return invalid([]);
  return ok;
}
