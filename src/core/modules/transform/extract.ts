/**
 * `transform.extract` (modules.md §2.16): returns every input whose key does not start with `_`,
 * unchanged, so `outputs_to_state` can store computed expressions. It declares no inputs or outputs.
 */
import { errorText, ModuleExecutionError } from "../base";
import { pythonTypeName } from "../../python/builtins";
import type { ExecutableModule, ModuleContext, ModuleInputDecl, ModuleOutputDecl } from "../types";

export class ExtractModule implements ExecutableModule {
  readonly kind = "executable";
  readonly moduleId = "transform.extract";
  readonly inputs: readonly ModuleInputDecl[] = [];
  readonly outputs: readonly ModuleOutputDecl[] = [];

  async execute(inputs: Record<string, unknown>, context: ModuleContext): Promise<Record<string, unknown>> {
    try {
      const outputs: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(inputs)) {
        if (key.startsWith("_")) continue;
        outputs[key] = value;
        if (value === null || value === undefined) context.logger.warning(`Extracted '${key}': None (Jinja2 expression may have failed)`);
        else context.logger.debug(`Extracted '${key}': ${pythonTypeName(value)}`);
      }
      context.logger.info(`Extracted ${Object.keys(outputs).length} value(s) for state storage`);
      return outputs;
    } catch (error) {
      throw new ModuleExecutionError(this.moduleId, `Failed to extract values: ${errorText(error)}`, error);
    }
  }
}
