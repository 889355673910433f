/**
 * `transform.conditional_text` (modules.md 2.24): one text when a value is "empty" (only null, `""`
 * or whitespace; `0`, `false`, `[]`, `{}` are not empty), another otherwise, with
 * `$state.condition_value` replaced by the value's Python `str()`.
 */
import { errorText, ModuleExecutionError } from "../base";
import { isPlainObject, pythonTypeName } from "../../python/builtins";
import type { ExecutableModule, ModuleContext, ModuleInputDecl, ModuleOutputDecl } from "../types";
import { pyRepr, pyStr, pythonInList, pythonLen } from "../../python/values";

const PLACEHOLDER = "$state.condition_value";

/** Python's `PLACEHOLDER in result`, for whatever type the text input has. */
function containsPlaceholder(result: unknown): boolean {
  if (typeof result === "string") return result.includes(PLACEHOLDER);
  if (Array.isArray(result)) return pythonInList(PLACEHOLDER, result);
  if (isPlainObject(result)) return Object.prototype.hasOwnProperty.call(result, PLACEHOLDER);
  throw new TypeError(`argument of type '${pythonTypeName(result)}' is not iterable`);
}

export class ConditionalTextModule implements ExecutableModule {
  readonly kind = "executable";
  readonly moduleId = "transform.conditional_text";

  readonly inputs: readonly ModuleInputDecl[] = [
    { name: "condition_value", type: "string", required: true, description: "Value to check for emptiness" },
    { name: "text_if_not_empty", type: "string", required: true, description: "Text to return when condition_value is not empty" },
    { name: "text_if_empty", type: "string", required: false, default: "", description: "Text to return when condition_value is empty" },
  ];

  readonly outputs: readonly ModuleOutputDecl[] = [{ name: "result", type: "string", description: "The selected text based on condition" }];

  async execute(inputs: Record<string, unknown>, context: ModuleContext): Promise<Record<string, unknown>> {
    try {
      const conditionValue = inputs.condition_value ?? null;
      const textIfNotEmpty = inputs.text_if_not_empty;
      const textIfEmpty = Object.prototype.hasOwnProperty.call(inputs, "text_if_empty") ? inputs.text_if_empty : "";

      const isEmpty = conditionValue === null || (typeof conditionValue === "string" && conditionValue.trim() === "");
      let result = isEmpty ? textIfEmpty : textIfNotEmpty;

      if (!isEmpty) {
        if (containsPlaceholder(result)) {
          context.logger.debug(`Found placeholder '${PLACEHOLDER}' in result, replacing with: ${pyRepr(conditionValue)}`);
          if (typeof result !== "string") throw new TypeError(`'${pythonTypeName(result)}' object has no attribute 'replace'`);
          result = result.split(PLACEHOLDER).join(pyStr(conditionValue));
        } else {
          // The warning shows `repr(result[:100])`; a dict cannot be sliced.
          if (isPlainObject(result)) throw new TypeError("unhashable type: 'slice'");
          const preview = typeof result === "string" ? [...result].slice(0, 100).join("") : (result as unknown[]).slice(0, 100);
          context.logger.warning(`Placeholder '${PLACEHOLDER}' NOT found in result! Result preview: ${pyRepr(preview)}`);
        }
      }
      // The original logs len(result), which fails for a text that has no length (e.g. null).
      context.logger.debug(`Conditional text: ${isEmpty ? "empty" : "not empty"} -> ${pythonLen(result)} chars (condition_value: ${pyRepr(conditionValue)})`);
      return { result };
    } catch (error) {
      throw new ModuleExecutionError(this.moduleId, `Failed to process conditional text: ${errorText(error)}`, error);
    }
  }
}
