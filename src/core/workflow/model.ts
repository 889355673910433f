/**
 * The workflow definition (engine.md §1.2–1.7) as zod schemas, the types inferred from them, and the
 * look-ups the engine and the editor share.
 *
 * Leniency follows the original: it reads definitions with `dict.get`, so only the ids it cannot do
 * without are required, and a field is typed only where the engine reads it (a string it formats, a
 * list it iterates, a dict it copies). UI-only fields (`hidden`, `label`, `shortcut`, ...) and unknown
 * keys pass through untouched.
 */
import * as z from "zod";
import { WfvError } from "../errors";
import { formatJsonPath, type JsonPathSegment } from "./json-path";
import { LIMITS, limitMessage } from "../limits";

const jsonObject = z.record(z.string(), z.unknown());
const stringMap = z.record(z.string(), z.string());

/** `retryable.options[].validations[]`, evaluated by the server's validation.py (§1.6). */
export const validationRuleSchema = z.looseObject({
  id: z.string().optional(),
  rule: z.string().optional(),
  field: z.string().optional(),
  severity: z.string().optional(),
  message: z.string().optional(),
  // The original tests `"server" in validator`, which a plain string also answers.
  validator: z.union([z.array(z.string()), z.string()]).optional(),
  min: z.number().optional(),
});

export const retryOptionSchema = z.looseObject({
  id: z.string().optional(),
  /** `continue` | `retry` | `jump` (the UI also knows `retry_all`, `retry_selected`); others never match. */
  mode: z.string().optional(),
  target_step: z.string().optional(),
  target_module: z.string().optional(),
  validations: z.array(validationRuleSchema).optional(),
  feedback: z.looseObject({ default_message: z.string().optional() }).optional(),
});

export const retryableSchema = z.looseObject({
  default_option: z.string().optional(),
  options: z.array(retryOptionSchema).optional(),
});

export const subActionStepRefSchema = z.looseObject({
  step_id: z.string().optional(),
  module_name: z.string().optional(),
});

export const subActionActionSchema = z.looseObject({
  /** The first action's type picks the kind: `target_sub_action` | `self_sub_action` (others fail when run). */
  type: z.string().optional(),
  ref: subActionStepRefSchema.optional(),
  module_id: z.string().optional(),
  name: z.string().optional(),
  inputs: jsonObject.optional(),
  outputs_to_state: stringMap.optional(),
  overrides: jsonObject.optional(),
  params: jsonObject.optional(),
});

export const resultMappingSchema = z.looseObject({
  source: z.string().optional(),
  target: z.string().optional(),
  /** `replace` (default) | `merge`. */
  mode: z.string().optional(),
});

export const subActionSchema = z.looseObject({
  id: z.string().optional(),
  actions: z.array(subActionActionSchema).optional(),
  result_mapping: z.array(resultMappingSchema).optional(),
  feedback: z.looseObject({ state_key: z.string().optional() }).optional(),
});

export const addonSchema = z.looseObject({
  addon_id: z.string().optional(),
  inputs: jsonObject.optional(),
});

export const moduleSchema = z.looseObject({
  module_id: z.string(),
  name: z.string().optional(),
  inputs: jsonObject.optional(),
  outputs_to_state: stringMap.optional(),
  retryable: retryableSchema.optional(),
  sub_actions: z.array(subActionSchema).optional(),
  addons: z.array(addonSchema).optional(),
  _metadata: jsonObject.optional(),
  comment: z.string().optional(),
});

export const stepSchema = z.looseObject({
  step_id: z.string(),
  /** May hold the literal `{step_number}`, replaced only in `current_step_name`. */
  name: z.string().optional(),
  description: z.string().optional(),
  modules: z.array(moduleSchema).optional(),
});

export const statusDisplaySchema = z.looseObject({
  fields: z.array(z.looseObject({ id: z.string().optional(), label: z.string().optional(), value: z.string().optional() })).optional(),
  layout: z.array(z.array(z.string())).optional(),
});

export const workflowSchema = z.looseObject({
  // The original refuses an empty one too (`if not workflow_template_name`).
  workflow_id: z.string().min(1),
  name: z.string().optional(),
  description: z.string().optional(),
  version: z.union([z.string(), z.number()]).optional(),
  initial_state: jsonObject.optional(),
  config: jsonObject.optional(),
  status_display: statusDisplaySchema.optional(),
  steps: z.array(stepSchema).min(1),
});

export type ValidationRule = z.infer<typeof validationRuleSchema>;
export type RetryOption = z.infer<typeof retryOptionSchema>;
export type Retryable = z.infer<typeof retryableSchema>;
export type SubActionAction = z.infer<typeof subActionActionSchema>;
export type ResultMapping = z.infer<typeof resultMappingSchema>;
export type SubAction = z.infer<typeof subActionSchema>;
export type Addon = z.infer<typeof addonSchema>;
export type WorkflowModule = z.infer<typeof moduleSchema>;
export type WorkflowStep = z.infer<typeof stepSchema>;
export type Workflow = z.infer<typeof workflowSchema>;

export interface WorkflowIssue {
  /** JSON path of the offending node, e.g. `$.steps[0].modules[1].module_id`. */
  path: string;
  message: string;
  code: string;
}

/**
 * The first node nested deeper than MAX_JSON_DEPTH, as a workflow issue (an inline workflow reaches
 * the engine without the `$ref` resolver, whose own check this is). Iterative, so it cannot overflow
 * the stack that such a workflow would overflow later (JSON.stringify, the content hash).
 */
function depthIssue(value: unknown): WorkflowIssue | undefined {
  const max = LIMITS.MAX_JSON_DEPTH.value;
  const seen = new WeakSet<object>();
  interface Entry { node: unknown; depth: number; parent?: Entry; key?: JsonPathSegment }
  const stack: Entry[] = [{ node: value, depth: 0 }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    const { node, depth } = entry;
    if (node === null || typeof node !== "object" || seen.has(node)) continue;
    seen.add(node);
    if (depth >= max) {
      const path: JsonPathSegment[] = [];
      for (let at: Entry | undefined = entry; at?.parent; at = at.parent) path.unshift(at.key!);
      return { path: formatJsonPath(path), message: limitMessage("MAX_JSON_DEPTH", "the workflow's nesting", depth + 1), code: "too_deep" };
    }
    if (Array.isArray(node)) node.forEach((item, index) => stack.push({ node: item, depth: depth + 1, parent: entry, key: index }));
    else for (const key of Object.keys(node)) stack.push({ node: (node as Record<string, unknown>)[key], depth: depth + 1, parent: entry, key });
  }
  return undefined;
}

/** Every schema issue of `value` as a workflow (empty when it is valid). */
export function workflowIssues(value: unknown): WorkflowIssue[] {
  const tooDeep = depthIssue(value);
  if (tooDeep) return [tooDeep];
  const result = workflowSchema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ path: formatJsonPath(issue.path), message: issue.message, code: issue.code }));
}

/**
 * Checks `value` against the workflow schema and returns it *as given*: zod's parsed copy would reorder
 * keys, and key order is visible (Python `repr` of a dict in a template, the content hash input).
 */
export function validateWorkflow(value: unknown): Workflow {
  const issues = workflowIssues(value);
  if (issues.length > 0) {
    const first = issues[0]!;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
    throw new WfvError("workflow_invalid", `Workflow is invalid: ${first.path}: ${first.message}${more}`, { issues });
  }
  return value as Workflow;
}

/** The module's instance name: `name` when the key is there, else `module_id` (the executor's rule). */
export function moduleName(module: WorkflowModule): string {
  return module.name !== undefined ? module.name : module.module_id;
}

/**
 * The name the original's `jump` looks modules up by: a falsy `name` falls back to the last dotted
 * segment of `module_id` ([QUIRK], inconsistent with {@link moduleName}; kept for jump parity).
 */
export function jumpLookupName(module: WorkflowModule): string {
  return module.name || (module.module_id.split(".").pop() ?? "");
}

export function findStep(workflow: Workflow, stepId: string): WorkflowStep | undefined {
  return workflow.steps.find((step) => step.step_id === stepId);
}

export function findModule(step: WorkflowStep, name: string): WorkflowModule | undefined {
  return (step.modules ?? []).find((module) => moduleName(module) === name);
}

export function availableSteps(workflow: Workflow): string[] {
  return workflow.steps.map((step) => step.step_id);
}

export function availableModules(step: WorkflowStep): string[] {
  return (step.modules ?? []).map(moduleName);
}

/** {@link findStep}, failing with `step_not_found` and the steps there are. */
export function requireStep(workflow: Workflow, stepId: string): WorkflowStep {
  const step = findStep(workflow, stepId);
  if (!step) {
    throw new WfvError("step_not_found", `Step '${stepId}' not found in workflow`, {
      step_id: stepId,
      available_steps: availableSteps(workflow),
    });
  }
  return step;
}

/** {@link findModule}, failing with `module_not_found` and the modules the step has. */
export function requireModule(step: WorkflowStep, name: string): WorkflowModule {
  const module = findModule(step, name);
  if (!module) {
    throw new WfvError("module_not_found", `Module '${name}' not found in step '${step.step_id}'`, {
      step_id: step.step_id,
      module_name: name,
      available_modules: availableModules(step),
    });
  }
  return module;
}
