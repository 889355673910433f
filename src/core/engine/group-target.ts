/**
 * A `pipeline.execution_groups` module as a target (docs/engine.md §1.10). At run time the group is no
 * module: the stored version inlines the chosen path's modules (and the `_<group>_validator` exit
 * module) in its place, each marked `_metadata.expanded_from: <group>`. The name the author sees in
 * the file therefore stands for that run of modules: `up_to` runs through the last of them, `module`
 * mode runs them as a whole, and the response says which of them ran.
 */
import { isPlainObject } from "../python/builtins";
import { EventType } from "../repositories";
import { findModule, moduleName, requireModule, requireStep, type Workflow, type WorkflowStep } from "../workflow/model";
import type { RunScope } from "./executor";
import type { ExecutionTarget, WorkflowResponse } from "./types";

/** A group target resolved against the definition that runs (its expanded variant). */
export interface GroupTarget {
  step_id: string;
  group_name: string;
  /** The path the run's variant chose (capability selection, docs/engine.md §1.10). */
  path_name: string | null;
  /** The expanded modules standing for the group, in step order. */
  modules: string[];
  /** Index of the first of them in the step. */
  first_index: number;
}

/** What a call on a group target reports: the group, and which of its modules completed in the call. */
export interface GroupRun {
  step_id: string;
  group_name: string;
  path_name: string | null;
  modules: string[];
  modules_run: string[];
}

/** The group `name` expanded into `step`, or null when no module of the step came from it. */
export function findGroupTarget(step: WorkflowStep, name: string): GroupTarget | null {
  const modules: string[] = [];
  let firstIndex = -1;
  let pathName: string | null = null;
  (step.modules ?? []).forEach((module, index) => {
    const metadata = module._metadata;
    if (!isPlainObject(metadata) || metadata.expanded_from !== name) return;
    if (firstIndex < 0) firstIndex = index;
    const origin = metadata._group_origin;
    if (pathName === null && isPlainObject(origin) && typeof origin.path_name === "string") pathName = origin.path_name;
    modules.push(moduleName(module));
  });
  if (modules.length === 0) return null;
  return { step_id: step.step_id, group_name: name, path_name: pathName, modules, first_index: firstIndex };
}

/**
 * A target as the engine runs it: a module of the step as it is, else a group expanded into the step
 * (the engine then targets the group's last module), else `module_not_found` / `step_not_found`.
 */
export function resolveTarget(workflow: Workflow, target: ExecutionTarget): { target: ExecutionTarget; group: GroupTarget | null } {
  const step = requireStep(workflow, target.step_id);
  if (findModule(step, target.module_name)) return { target, group: null };
  const group = findGroupTarget(step, target.module_name);
  if (group === null) {
    requireModule(step, target.module_name); // throws module_not_found with the modules there are
    return { target, group: null };
  }
  return { target: { step_id: target.step_id, module_name: group.modules[group.modules.length - 1] }, group };
}

/** Runs `work` and adds `group` to its response: the group, and its modules completed during the call. */
export async function reportGroupRun(scope: RunScope, group: GroupTarget, work: () => Promise<WorkflowResponse>): Promise<WorkflowResponse> {
  const before = scope.env.view.runEvents(scope.workflowRunId).length;
  const result = await work();
  const members = new Set(group.modules);
  const ran: string[] = [];
  const events = scope.env.view.runEvents(scope.workflowRunId);
  for (let i = before; i < events.length; i++) {
    const event = events[i];
    if (event.event_type !== EventType.MODULE_COMPLETED || event.step_id !== group.step_id) continue;
    if (event.module_name && members.has(event.module_name)) ran.push(event.module_name);
  }
  result.group = { step_id: group.step_id, group_name: group.group_name, path_name: group.path_name, modules: [...group.modules], modules_run: ran };
  if (result.status === "target_reached") {
    const path = group.path_name === null ? "" : ` (path '${group.path_name}')`;
    result.message = `Execution stopped at group ${group.step_id}/${group.group_name}${path} after ${group.modules[group.modules.length - 1]}; ran: ${ran.join(", ") || "none"}`;
  }
  return result;
}
