/**
 * Which modules a debug session ran, from the flat state before and after it: the state holds each
 * module's outputs under its name, so a module whose entry appeared or changed ran (a step back that
 * undid a module leaves no trace of it). Pure, no `vscode`.
 */

export interface RanModule {
  stepId: string;
  moduleName: string;
}

interface WorkflowShape {
  steps?: { step_id?: unknown; modules?: { name?: unknown; module_id?: unknown }[] }[];
}

export function modulesRan(workflow: unknown, before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>): RanModule[] {
  const ran: RanModule[] = [];
  for (const step of (workflow as WorkflowShape | null)?.steps ?? []) {
    if (typeof step?.step_id !== "string") continue;
    for (const module of step.modules ?? []) {
      const name = module?.name ?? module?.module_id;
      if (typeof name !== "string" || !(name in after)) continue;
      if (!(name in before) || JSON.stringify(before[name]) !== JSON.stringify(after[name])) ran.push({ stepId: step.step_id, moduleName: name });
    }
  }
  return ran;
}
