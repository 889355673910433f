/**
 * Whether the engine renders a module input's string at all, asked of the engine's own resolver
 * rather than a second reading of `resolver_schema`: the strings at the path become a probe template
 * (`{{ 1 }}`), every other string becomes "" (no template), each `resolver_schema` is kept as written,
 * and the probe is resolved as a run would resolve the inputs.
 */
import { resolveModuleInputs } from "../engine/resolve";
import type { Workflow, WorkflowStep } from "../workflow/model";

export type InputPath = ReadonlyArray<string | number>;

const PROBE = "{{ 1 }}";
const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

function probed(value: unknown, rest: InputPath | null): unknown {
  // rest: the part of the path still to walk; [] means "at or below the path"; null means "off the path".
  const here = rest !== null && rest.length === 0;
  if (typeof value === "string") return here ? PROBE : "";
  const child = (key: string | number): InputPath | null => {
    if (rest === null || here) return rest;
    return rest[0] === key ? rest.slice(1) : null;
  };
  if (Array.isArray(value)) return value.map((item, index) => probed(item, child(index)));
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = key === "resolver_schema" ? item : probed(item, child(key));
    return out;
  }
  return value;
}

function holdsProbe(value: unknown): boolean {
  if (value === 1) return true;
  if (Array.isArray(value)) return value.some(holdsProbe);
  return isObject(value) && Object.values(value).some(holdsProbe);
}

/** True when a run renders (some string at or below) `path` of the module's `inputs`; false when it stays raw or is not there. */
export function resolvesAt(inputs: Record<string, unknown>, path: InputPath, step: WorkflowStep, workflow: Workflow, where: { step_id: string; module_name: string }): boolean {
  let resolved: unknown = resolveModuleInputs(probed(inputs, path) as Record<string, unknown>, {}, step, workflow, where);
  for (const key of path) {
    if (Array.isArray(resolved) && typeof key === "number") resolved = resolved[key];
    else if (isObject(resolved) && typeof key === "string" && Object.hasOwn(resolved, key)) resolved = resolved[key];
    else return false;
  }
  return holdsProbe(resolved);
}
