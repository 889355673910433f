/**
 * Module input resolution as the executor does it (engine.md §5.2–5.3): `resolve_with_schema` over a
 * shallow copy of the inputs, with `state` (a shallow copy of the working state), `step` and `config`
 * in scope. A template failure carries the module it belongs to, besides the input path and position.
 */
import { isWfvError, WfvError } from "../errors";
import { resolveWithSchema, type TemplateContext } from "../template";
import type { Workflow, WorkflowStep } from "../workflow/model";

export function resolveModuleInputs(
  raw: Record<string, unknown>,
  state: Record<string, unknown>,
  step: WorkflowStep,
  workflow: Workflow,
  where: { step_id: string; module_name: string },
  now?: TemplateContext["now"],
): Record<string, unknown> {
  try {
    return resolveWithSchema(raw, {
      state: { ...state },
      step: step as Record<string, unknown>,
      config: (workflow.config as Record<string, unknown> | undefined) ?? {},
      ...(now ? { now } : {}),
    });
  } catch (error) {
    if (isWfvError(error) && error.errorType === "resolution_failed") {
      throw new WfvError("resolution_failed", error.message, { ...error.details, ...where });
    }
    throw error;
  }
}

/**
 * `resolve_value`: every string of `value` resolved, no schema (the engine uses it for addon configs
 * only). Done as a server-resolved field of `resolve_with_schema`, which resolves a subtree entirely.
 */
export function resolveAllInputs(
  value: Record<string, unknown>,
  state: Record<string, unknown>,
  step: WorkflowStep,
  workflow: Workflow,
  where: { step_id: string; module_name: string },
  now?: TemplateContext["now"],
): Record<string, unknown> {
  const wrapped = resolveModuleInputs(
    { resolver_schema: { type: "object", properties: { addon: { resolver: "server" } } }, addon: value },
    state,
    step,
    workflow,
    where,
    now,
  );
  return wrapped.addon as Record<string, unknown>;
}
