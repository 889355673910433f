/**
 * What the language server knows about a definition, told at run time too (tracker issue 18): an
 * input name the module does not declare (a typo such as `multi_selct`), two modules with one name in
 * a step, and a template that reads a state key no module produces. The original runs all three
 * silently, and so does wfv — the run goes on exactly as before — but the response lists them in
 * `validation_warnings`, in the original's shape (`{id, field, rule, message, severity}`,
 * docs/engine.md §1.6), for the modules the call ran.
 *
 * The rules are the language server's (src/server/README.md "Rules worth knowing"): only strings the
 * engine renders are templates (server-resolved inputs, addon inputs); a state key is produced by an
 * `outputs_to_state` mapping, a module's name, a sub-action's `result_mapping` target, or the engine
 * itself (`_retry_feedback`, `_retry_conversation_history`, a sub-action's feedback `state_key`). At
 * run time "produced" means produced anywhere in the definition in force (its execution groups
 * already expanded): the finer "produced only later" checks stay in the editor.
 */
import { isPlainObject } from "../python/builtins";
import type { ModuleRegistry } from "../modules/registry";
import { tokenize } from "../template/lexer";
import { moduleName, type Workflow, type WorkflowModule, type WorkflowStep } from "../workflow/model";
import type { ValidationMessage } from "./types";

const ENGINE_KEYS = ["_retry_feedback", "_retry_conversation_history"];

/**
 * Inputs a module reads although it does not declare them (docs/modules.md: `media.generate` reads
 * `source_image` with `inputs.get`): not typos, so neither the run nor the editor warns about them.
 */
export const INPUTS_READ_UNDECLARED: Readonly<Record<string, readonly string[]>> = { "media.generate": ["source_image"] };

/** A module the call ran (stored an event for), by step and name. */
export interface RanModule {
  step_id: string;
  module_name: string;
}

function warning(id: string, field: string, rule: string, message: string): ValidationMessage {
  return { id, field, rule, message, severity: "warning" };
}

/** Every state key the definition produces (cached per definition object). */
const producedCache = new WeakMap<Workflow, Set<string>>();

function producedKeys(workflow: Workflow): Set<string> {
  const cached = producedCache.get(workflow);
  if (cached) return cached;
  const keys = new Set<string>(ENGINE_KEYS);
  for (const step of workflow.steps) {
    for (const module of step.modules ?? []) {
      keys.add(moduleName(module));
      for (const stateKey of Object.values(module.outputs_to_state ?? {})) keys.add(String(stateKey));
      for (const subAction of module.sub_actions ?? []) {
        for (const mapping of subAction.result_mapping ?? []) {
          if (typeof mapping.target === "string" && mapping.target !== "") keys.add(mapping.target.split(".")[0]);
        }
        keys.add(subAction.feedback?.state_key || "_retry_feedback");
      }
    }
  }
  producedCache.set(workflow, keys);
  return keys;
}

/** The template strings the engine renders in a module's inputs (`resolve_with_schema`'s walk), with their paths. */
function renderedStrings(module: WorkflowModule): Array<{ path: string; template: string }> {
  const found: Array<{ path: string; template: string }> = [];
  const visit = (value: unknown, resolved: boolean, path: string): void => {
    if (typeof value === "string") {
      if (resolved && (value.includes("{{") || value.includes("{%"))) found.push({ path, template: value });
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, resolved, `${path}[${index}]`));
    } else if (isPlainObject(value)) {
      const schema = value.resolver_schema;
      const properties = isPlainObject(schema) && isPlainObject(schema.properties) ? schema.properties : {};
      for (const [key, child] of Object.entries(value)) {
        if (key === "resolver_schema") continue;
        const property = properties[key];
        const resolver = isPlainObject(property) ? property.resolver : undefined;
        visit(child, resolver === "server" ? true : resolver === "client" ? false : resolved, `${path}.${key}`);
      }
    }
  };
  visit(module.inputs ?? {}, false, "inputs");
  (module.addons ?? []).forEach((addon, index) => visit(addon.inputs ?? {}, true, `addons[${index}].inputs`));
  return found;
}

/** The state keys a template reads: `state.x…` and `state['x']…` (the root `state`, not `y.state`). */
const keysCache = new Map<string, string[]>();

export function stateKeysRead(template: string): string[] {
  const cached = keysCache.get(template);
  if (cached) return cached;
  let tokens: ReturnType<typeof tokenize> = [];
  try {
    tokens = tokenize(template);
  } catch {
    tokens = []; // a syntax error fails the module itself, with its own message
  }
  const keys: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.type !== "name" || token.value !== "state") continue;
    const previous = tokens[i - 1];
    if (previous?.type === "operator" && previous.value === ".") continue;
    const op = tokens[i + 1];
    const next = tokens[i + 2];
    let key: string | undefined;
    if (op?.type === "operator" && op.value === "." && next?.type === "name") key = next.value;
    else if (op?.type === "operator" && op.value === "[" && next?.type === "string" && tokens[i + 3]?.value === "]") key = next.value;
    if (key !== undefined && !keys.includes(key)) keys.push(key);
  }
  if (keysCache.size >= 5000) keysCache.clear();
  keysCache.set(template, keys);
  return keys;
}

function closest(wanted: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(wanted.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance && distance <= Math.max(2, Math.floor(Math.max(wanted.length, candidate.length) / 3))) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

function moduleWarnings(step: WorkflowStep, module: WorkflowModule, registry: ModuleRegistry, produced: Set<string>): ValidationMessage[] {
  const out: ValidationMessage[] = [];
  const name = moduleName(module);
  const where = `${step.step_id}/${name}`;
  if (registry.has(module.module_id)) {
    const declared = registry.getModule(module.module_id).inputs.map((input) => input.name);
    // A module that declares no inputs takes any (transform.extract passes every input through).
    if (declared.length > 0) {
      for (const key of Object.keys(module.inputs ?? {})) {
        if (key === "resolver_schema" || declared.includes(key) || INPUTS_READ_UNDECLARED[module.module_id]?.includes(key)) continue;
        const hint = closest(key, declared);
        out.push(
          warning(
            `unknown_input:${where}.${key}`,
            `${where}.inputs.${key}`,
            "declared_input",
            `Input '${key}' is not declared by ${module.module_id} (module '${name}', step '${step.step_id}')${hint ? `; did you mean '${hint}'?` : ""}: ` +
              "the module does not read it, so its value is ignored.",
          ),
        );
      }
    }
  }
  for (const { path, template } of renderedStrings(module)) {
    for (const key of stateKeysRead(template)) {
      if (produced.has(key)) continue;
      const hint = closest(key, produced);
      out.push(
        warning(
          `state_key_not_produced:${where}.${path}:${key}`,
          `${where}.${path}`,
          "state_key_produced",
          `The template in ${path} of module '${name}' (step '${step.step_id}') reads state.${key}, which no module produces` +
            `${hint ? ` (did you mean state.${hint}?)` : ""}: it renders as undefined. Template: ${JSON.stringify(template.length > 200 ? `${template.slice(0, 200)}…` : template)}`,
        ),
      );
    }
  }
  return out;
}

/**
 * The definition warnings of the modules `ran`, each once: unknown inputs and unproduced state keys of
 * every module that ran, and duplicate module names in every step one of them belongs to.
 */
export function definitionWarnings(workflow: Workflow, ran: readonly RanModule[], registry: ModuleRegistry): ValidationMessage[] {
  const out: ValidationMessage[] = [];
  const produced = producedKeys(workflow);
  const seenModules = new Set<string>();
  const seenSteps = new Set<string>();
  for (const { step_id: stepId, module_name: name } of ran) {
    const step = workflow.steps.find((candidate) => candidate.step_id === stepId);
    if (!step) continue;
    if (!seenSteps.has(stepId)) {
      seenSteps.add(stepId);
      const positions = new Map<string, number[]>();
      (step.modules ?? []).forEach((module, index) => {
        const list = positions.get(moduleName(module)) ?? [];
        list.push(index);
        positions.set(moduleName(module), list);
      });
      for (const [duplicate, indices] of positions) {
        if (indices.length < 2) continue;
        out.push(
          warning(
            `duplicate_module_name:${stepId}/${duplicate}`,
            `${stepId}/${duplicate}`,
            "unique_module_name",
            `Step '${stepId}' has ${indices.length} modules named '${duplicate}' (modules[${indices.join("], modules[")}]): the engine tells ` +
              `modules apart by name only, so targets, answers, retries and jumps find the first, and state.${duplicate} is whichever ran last.`,
          ),
        );
      }
    }
    const key = `${stepId}\u0000${name}`;
    if (seenModules.has(key)) continue;
    seenModules.add(key);
    const module = (step.modules ?? []).find((candidate) => moduleName(candidate) === name);
    if (module) out.push(...moduleWarnings(step, module, registry, produced));
  }
  return out;
}
