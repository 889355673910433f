/** Where a `$ref`'d text file lands in the resolved workflow: the module inputs it becomes. */
import type { JsonPathSegment } from "../workflow/json-path";
import type { ResolvedWorkflowSource } from "../workflow/ref-resolver";

export interface TemplateUse {
  step_id: string;
  module_name: string;
  /** The top-level input the file is (or is inside of), e.g. `template`. */
  input_name: string;
  /** The path below `inputs`, e.g. `["prompt", "user"]` for `inputs.prompt.user`. */
  input_path: JsonPathSegment[];
  /** The `$ref`'s type as written (`jinja2`, `text`, …). */
  ref_type: string;
}

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node => value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * The module inputs `file` (root-relative, as in `source.sources`) was `$ref`'d into as text, in
 * resolution order. A file used elsewhere (a step's description, a JSON ref) gives no use.
 */
export function templateUses(source: Pick<ResolvedWorkflowSource, "workflow" | "sources">, file: string): TemplateUse[] {
  const uses: TemplateUse[] = [];
  const steps = isNode(source.workflow) ? source.workflow.steps : undefined;
  if (!Array.isArray(steps)) return uses;
  for (const ref of source.sources) {
    if (ref.file !== file || ref.type === "json") continue;
    const [stepsKey, stepIndex, modulesKey, moduleIndex, inputsKey, inputName, ...rest] = ref.path;
    if (stepsKey !== "steps" || modulesKey !== "modules" || inputsKey !== "inputs" || typeof inputName !== "string") continue;
    const step: unknown = steps[stepIndex as number];
    const modules = isNode(step) ? step.modules : undefined;
    const module: unknown = Array.isArray(modules) ? modules[moduleIndex as number] : undefined;
    if (!isNode(step) || !isNode(module)) continue;
    const moduleName = module.name !== undefined ? module.name : module.module_id;
    uses.push({ step_id: String(step.step_id), module_name: String(moduleName), input_name: inputName, input_path: [inputName, ...rest], ref_type: ref.type });
  }
  return uses;
}
