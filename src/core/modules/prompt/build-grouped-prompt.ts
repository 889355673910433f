/**
 * `prompt.build_grouped_prompt` (modules.md 2.25): the shared instructions followed by each selected
 * group's `prompt_instructions`, separated by a blank line. Groups come from `data` + `selected_indices`
 * (dict keys, or in-range int indices into a list), else the legacy `selected_group_configs`.
 * Every error is wrapped as "Failed to build grouped prompt"; the module prefix appears once (ruling 11).
 */
import { errorText, getInputValue, isModuleExecutionError, ModuleExecutionError } from "../base";
import { isPlainObject, isPythonInt, isTruthy, pythonIntValue, pythonTypeName } from "../../python/builtins";
import type { ExecutableModule, ModuleContext, ModuleInputDecl, ModuleOutputDecl } from "../types";
import { pyStr, pythonGet, pythonInDict, pythonIterate, pythonLen } from "../../python/values";

/** Groups chosen by key or index, in selection order (shared with transform.build_dynamic_schema). */
export function selectGroups(data: unknown, selectedIndices: unknown): Array<[unknown, unknown]> {
  const groups: Array<[unknown, unknown]> = [];
  for (const index of pythonIterate(selectedIndices)) {
    if (isPlainObject(data) && pythonInDict(index, data)) groups.push([index, data[index as string]]);
    else if (Array.isArray(data) && isPythonInt(index)) {
      const at = pythonIntValue(index);
      if (at >= 0 && at < data.length) groups.push([index, data[at]]);
    }
  }
  return groups;
}

/** The legacy `selected_group_configs`: a non-list is one group; each is labelled by its `label`. */
export function legacyGroups(configs: unknown): Array<[unknown, unknown]> {
  const list = Array.isArray(configs) ? configs : [configs];
  return list.map((group) => [pythonGet(group, "label", "unknown"), group]);
}

/** `merged += "\n\n..."` on whatever type the shared instructions have (a list grows by characters). */
function append(merged: unknown, text: string): unknown {
  if (typeof merged === "string") return merged + text;
  if (Array.isArray(merged)) return [...merged, ...text];
  throw new TypeError(`unsupported operand type(s) for +=: '${pythonTypeName(merged)}' and 'str'`);
}

export class BuildGroupedPromptModule implements ExecutableModule {
  readonly kind = "executable";
  readonly moduleId = "prompt.build_grouped_prompt";

  readonly inputs: readonly ModuleInputDecl[] = [
    { name: "shared_instructions", type: "string", required: true, description: "Shared instructions content (resolved via $ref)" },
    { name: "data", type: "object", required: false, description: "Raw data object containing groups with prompt_instructions content" },
    { name: "selected_indices", type: "array", required: false, description: "Array of selected keys/indices to extract from data" },
    { name: "selected_group_configs", type: "array", required: false, description: "Array of selected group config objects (legacy)" },
  ];

  readonly outputs: readonly ModuleOutputDecl[] = [
    { name: "merged_prompt", type: "string", description: "Merged system prompt with shared + group instructions" },
  ];

  async execute(inputs: Record<string, unknown>, context: ModuleContext): Promise<Record<string, unknown>> {
    try {
      const shared = getInputValue(this, inputs, "shared_instructions");
      const data = getInputValue(this, inputs, "data");
      const selectedIndices = getInputValue(this, inputs, "selected_indices");
      const selectedGroupConfigs = getInputValue(this, inputs, "selected_group_configs");
      if (!isTruthy(shared)) throw new ModuleExecutionError(this.moduleId, "shared_instructions is required");

      let merged: unknown = shared;
      context.logger.info(`Starting with shared instructions (${pythonLen(shared)} chars)`);

      let groups: Array<[unknown, unknown]> = [];
      if (isTruthy(data) && isTruthy(selectedIndices)) groups = selectGroups(data, selectedIndices);
      else if (isTruthy(selectedGroupConfigs)) groups = legacyGroups(selectedGroupConfigs);

      for (const [key, group] of groups) {
        const instructions = pythonGet(group, "prompt_instructions");
        if (!isTruthy(instructions)) {
          context.logger.warning(`No prompt_instructions for group '${pyStr(key)}', skipping`);
          continue;
        }
        merged = append(merged, `\n\n${pyStr(instructions)}`);
        context.logger.info(`Appended instructions for group: ${pyStr(key)}`);
      }
      context.logger.info(`Built merged prompt with ${groups.length} groups (${pythonLen(merged)} characters)`);
      return { merged_prompt: merged };
    } catch (error) {
      const reason = isModuleExecutionError(error) ? error.reason : errorText(error);
      throw new ModuleExecutionError(this.moduleId, `Failed to build grouped prompt: ${reason}`, error);
    }
  }
}
