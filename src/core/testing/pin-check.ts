/**
 * Whether pinned outputs (`.wfv/pins.json`, tracker issue 13.3) can stand in for their modules: checked
 * before a run uses them (the extension's worker, a debug session). Pure.
 */
import Ajv2020 from "ajv/dist/2020";
import type { Pins } from "./pins";

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Finds a module's config in a resolved workflow by `step_id/name` (its name, else its module id). */
function moduleConfig(workflow: unknown, key: string): Record<string, unknown> | undefined {
  const steps = isPlainObject(workflow) && Array.isArray(workflow.steps) ? workflow.steps : [];
  for (const step of steps) {
    if (!isPlainObject(step) || !Array.isArray(step.modules)) continue;
    for (const module of step.modules) {
      if (!isPlainObject(module)) continue;
      if (`${String(step.step_id)}/${String(module.name ?? module.module_id)}` === key) return module;
    }
  }
  return undefined;
}

let ajv: Ajv2020 | undefined;

/**
 * Pinned outputs that cannot stand in for their module: not an object, or (a module with an
 * `output_schema`, api.llm) a `response` that the schema rejects.
 */
export function pinProblems(workflow: unknown, pins: Pins): string[] {
  const problems: string[] = [];
  for (const [key, pin] of Object.entries(pins)) {
    const config = moduleConfig(workflow, key);
    if (!config) continue; // a pin of a module this workflow does not have: ignored
    if (!isPlainObject(pin) || !isPlainObject(pin.module_outputs)) {
      problems.push(`${key}: the pinned module_outputs is not a JSON object`);
      continue;
    }
    const schema = isPlainObject(config.inputs) ? config.inputs.output_schema : undefined;
    if (!isPlainObject(schema) || !Object.prototype.hasOwnProperty.call(pin.module_outputs, "response")) continue;
    ajv ??= new Ajv2020({ allErrors: true, strict: false });
    let validate;
    try {
      validate = ajv.compile(schema);
    } catch {
      continue; // the module's schema itself is broken: the run reports that
    }
    if (!validate(pin.module_outputs.response)) {
      const errors = (validate.errors ?? []).map((error) => `${error.instancePath || "(response)"} ${error.message ?? "is invalid"}`);
      problems.push(`${key}: the pinned response does not match the module's output_schema: ${errors.join("; ")}`);
    }
  }
  return problems;
}

