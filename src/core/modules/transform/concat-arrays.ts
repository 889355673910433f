/** `transform.concat_arrays` (modules.md 2.23): a list of lists flattened one level. */
import { errorText, isModuleExecutionError, ModuleExecutionError } from "../base";
import { pythonTypeName } from "../../python/builtins";
import type { ExecutableModule, ModuleContext, ModuleInputDecl, ModuleOutputDecl } from "../types";

export class ConcatArraysModule implements ExecutableModule {
  readonly kind = "executable";
  readonly moduleId = "transform.concat_arrays";
  readonly inputs: readonly ModuleInputDecl[] = [{ name: "arrays", type: "array", required: true, description: "List of arrays to concatenate" }];
  readonly outputs: readonly ModuleOutputDecl[] = [{ name: "result", type: "array", description: "Concatenated array" }];

  async execute(inputs: Record<string, unknown>, context: ModuleContext): Promise<Record<string, unknown>> {
    try {
      const arrays = inputs.arrays;
      if (!Array.isArray(arrays)) throw new ModuleExecutionError(this.moduleId, `Expected list of arrays, got ${pythonTypeName(arrays)}`);
      const result: unknown[] = [];
      for (const array of arrays) {
        if (!Array.isArray(array)) throw new ModuleExecutionError(this.moduleId, `Expected array element, got ${pythonTypeName(array)}`);
        result.push(...array);
      }
      context.logger.debug(`✓ Concatenated ${arrays.length} arrays into ${result.length} items`);
      return { result };
    } catch (error) {
      if (isModuleExecutionError(error)) throw error;
      throw new ModuleExecutionError(this.moduleId, `Failed to concatenate arrays: ${errorText(error)}`, error);
    }
  }
}
