/**
 * What the fuzzer starts from: the cc workflow, the small purpose-built workflow of the engine tests,
 * workflows assembled from the registered modules with type-plausible inputs, and templates (valid,
 * broken and hostile) to splice into them.
 */
import { listModules, type ModuleSummary } from "../../src/core/modules";
import { loadCcWorkflow, miniWorkflow } from "../engine/fixtures";
import type { Rng } from "./random";

export type Workflow = Record<string, any>;

export interface Target {
  target_step_id: string;
  target_module_name: string;
  module_id: string;
}

/** Every (step, module) of a workflow, by module name (module_id for unnamed modules). */
export function targetsOf(workflow: Workflow): Target[] {
  const targets: Target[] = [];
  for (const step of Array.isArray(workflow.steps) ? workflow.steps : []) {
    for (const module of Array.isArray(step?.modules) ? step.modules : []) {
      targets.push({ target_step_id: String(step.step_id), target_module_name: String(module.name ?? module.module_id), module_id: String(module.module_id) });
    }
  }
  return targets;
}

let ccCache: Workflow | null = null;

export function ccWorkflow(): Workflow {
  ccCache ??= loadCcWorkflow();
  return structuredClone(ccCache);
}

export { miniWorkflow };

/** Valid Jinja2, broken Jinja2, and templates that probe the sandbox or the resolver's edges. */
export const TEMPLATES: readonly string[] = [
  "{{ state.topic }}",
  "{{ state.ideas }}",
  "{{ state.ideas.ideas | length }}",
  "{{ state.picked_indices[0][1] }}",
  "{{ state.missing.deep.path }}",
  "{{ state.missing + 1 }}",
  "{{ undefined_var < 3 }}",
  "{{ 1 / 0 }}",
  "{{ 10 // 0 }}",
  "{{ 7 % 0 }}",
  "{{ 'a' * 5 }}",
  "{{ 2 ** 10 }}",
  "{{ [1, 2, 3] | sum }}",
  "{{ range(5) | list }}",
  "{% for i in range(3) %}{{ loop.index }}{% endfor %}",
  "{% for k, v in state.items() %}{{ k }}{% endfor %}",
  "{% if state.topic %}yes{% else %}no{% endif %}",
  "{% set x = 4 %}{{ x * x }}",
  "{{ config.tone | upper }}",
  "{{ state | tojson }}",
  "{{ state.topic | default('none') | title }}",
  "{{ step.step_id }}-{{ step.name }}",
  "{{ now() }}",
  "{{ state.topic[-1] }}",
  "{{ state.topic[::-1] }}",
  "{{ {'a': 1} | dictsort }}",
  "{{ none.attribute }}",
  "{{ ''.__class__ }}",
  "{{ state.__proto__ }}",
  "{{ state['constructor'] }}",
  "{{ cycler }}",
  "{{ 'x' | no_such_filter }}",
  "{{ x is no_such_test }}",
  "{# only a comment #}",
  "{% raw %}{{ kept }}{% endraw %}",
  "{{",
  "}}",
  "{% if %}",
  "{% for %}",
  "{% endfor %}",
  "{{ state.topic ",
  "{{ (1, 2) | join('-') }}",
  "{{ '%s and %s' % ('a', 'b') }}",
  "{{ state.topic ~ 42 }}",
  "{{ [3, 1, 2] | sort | first }}",
  "{{ -1 | abs }}",
  "{{ 1e308 * 10 }}",
  "{{ '\\u0000' }}",
];

const TEMPLATE_TOKENS = ["{{", "}}", "{%", "%}", "state", ".", "topic", "|", "length", "(", ")", "[", "]", "0", "1", "'", '"', "+", "*", "/", "if", "for", "in", "endfor", "endif", "range", "~", " ", "x", ",", "not", "is"];

/** A template from the list, or tokens spliced at random (mostly broken). */
export function randomTemplate(rng: Rng): string {
  if (rng.chance(0.6)) return rng.pick(TEMPLATES);
  let out = "";
  for (let i = rng.int(1, 8); i > 0; i--) out += rng.pick(TEMPLATE_TOKENS);
  return out;
}

/** A value of the declared input type, sometimes a template resolving to it. */
function plausibleInput(rng: Rng, type: ModuleSummary["inputs"][number]["type"]): unknown {
  if (rng.chance(0.15)) return randomTemplate(rng);
  switch (type) {
    case "string":
      return rng.pick(["hello", "Pick one", "{{ state.topic }}", "", "key"]);
    case "number":
    case "integer":
      return rng.int(0, 5);
    case "boolean":
      return rng.chance(0.5);
    case "array":
      return rng.pick([[], [1, 2], [{ title: "a" }, { title: "b" }], ["{{ state.topic }}"]]);
    case "object":
      return rng.pick([{}, { type: "object", properties: { title: { type: "string" } } }, { a: 1 }, { items: [{ title: "x" }] }]);
    default:
      return rng.json(2);
  }
}

let summaries: ModuleSummary[] | null = null;

/** 1–2 steps of 1–4 registered modules each, every required input given a plausible value. */
export function registryWorkflow(rng: Rng): Workflow {
  summaries ??= listModules();
  const steps = Array.from({ length: rng.int(1, 2) }, (_, stepIndex) => ({
    step_id: `step_${stepIndex}`,
    name: `Step ${stepIndex}`,
    modules: Array.from({ length: rng.int(1, 4) }, (_, moduleIndex) => {
      const summary = rng.pick(summaries!);
      const inputs: Record<string, unknown> = {};
      for (const input of summary.inputs) {
        if (input.required || rng.chance(0.3)) inputs[input.name] = plausibleInput(rng, input.type);
      }
      if (rng.chance(0.5)) {
        inputs.resolver_schema = { type: "object", properties: Object.fromEntries(Object.keys(inputs).map((name) => [name, { resolver: "server" }])) };
      }
      const outputs = summary.outputs.slice(0, 2);
      return {
        module_id: summary.module_id,
        name: `m${stepIndex}_${moduleIndex}`,
        inputs,
        ...(outputs.length > 0 && rng.chance(0.7) ? { outputs_to_state: Object.fromEntries(outputs.map((output) => [output.name, `${output.name}_${moduleIndex}`])) } : {}),
      };
    }),
  }));
  return { workflow_id: `registry_${rng.int(0, 9)}`, name: "Registry", steps };
}
