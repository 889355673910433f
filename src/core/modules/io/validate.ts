/**
 * `io.validate` (modules.md 2.13): validates `{key: state[key]}` for the given state keys against a
 * JSON Schema 2020-12. A missing key is validated as null (the original's context has no
 * `get_state_value`), so it fails on `type`, not on `required`. Strict mode fails the module;
 * otherwise the result is only logged.
 */
import { errorText, getInputValue, isModuleExecutionError, ModuleExecutionError } from "../base";
import { isTruthy } from "../../python/builtins";
import { pyRepr, pythonIterate } from "../../python/values";
import type { ExecutableModule, ModuleContext, ModuleInputDecl, ModuleOutputDecl } from "../types";
import { formatErrorsForDisplay, InvalidSchemaError, validateAgainstSchema } from "./json-schema-errors";

export class ValidateModule implements ExecutableModule {
  readonly kind = "executable";
  readonly moduleId = "io.validate";

  readonly inputs: readonly ModuleInputDecl[] = [
    { name: "schema", type: "object", required: true, description: "JSON Schema to validate against" },
    { name: "state_keys", type: "array", required: true, description: "List of state keys to extract and validate" },
    { name: "strict", type: "boolean", required: false, default: false, description: "Whether to fail on validation errors" },
    { name: "error_message", type: "string", required: false, default: null, description: "Custom error message prefix for validation failures" },
  ];

  readonly outputs: readonly ModuleOutputDecl[] = [
    { name: "valid", type: "boolean", description: "Whether validation passed" },
    { name: "errors", type: "array", description: "List of validation error messages (empty if valid)" },
  ];

  async execute(inputs: Record<string, unknown>, context: ModuleContext): Promise<Record<string, unknown>> {
    try {
      const schema = inputs.schema;
      const stateKeys = inputs.state_keys;
      const strict = getInputValue(this, inputs, "strict");
      const errorMessage = getInputValue(this, inputs, "error_message");

      const data: Record<string, unknown> = {};
      for (const key of pythonIterate(stateKeys)) {
        const name = key as string;
        data[name] = context.state.has(name) ? context.state.get(name) : null;
      }

      const result = validateAgainstSchema(data, schema);
      const errors = formatErrorsForDisplay(result.errors);
      if (result.valid) {
        context.logger.debug(`✓ Validation passed for keys: ${pyRepr(stateKeys)}`);
      } else {
        const logMessage = `Validation failed for keys ${pyRepr(stateKeys)}: ${pyRepr(errors)}`;
        if (isTruthy(strict)) {
          context.logger.error(logMessage);
          const prefix = isTruthy(errorMessage) ? String(errorMessage) : "State validation failed";
          throw new ModuleExecutionError(this.moduleId, `${prefix}: ${errors.join("; ")}`);
        }
        context.logger.warning(logMessage);
      }
      return { valid: result.valid, errors };
    } catch (error) {
      if (isModuleExecutionError(error)) throw error;
      if (error instanceof InvalidSchemaError) throw new ModuleExecutionError(this.moduleId, `Invalid JSON Schema: ${error.message}`, error);
      throw new ModuleExecutionError(this.moduleId, `Unexpected error during validation: ${errorText(error)}`, error);
    }
  }
}
