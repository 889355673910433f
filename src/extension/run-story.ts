/**
 * The engine's run story (`trace`, `resolved_inputs`: src/core/virtual/trace.ts) as the panel's
 * RunView fields (src/shared/run-story.ts), and the modules a run ran for their status lenses. Pure.
 */
import type { ExecuteResponse } from "../core/virtual/execute";
import type { RunStatus } from "./staleness";
import type { ModuleInputsView, TraceEntryView } from "../shared/run-story";
import type { RunView } from "../shared/protocol";

/** `inputs` and `trace` of a traced response (the keys only when the engine sent them). */
export function storyView(response: ExecuteResponse): Pick<RunView, "inputs" | "trace"> {
  const out: Pick<RunView, "inputs" | "trace"> = {};
  if (response.resolved_inputs !== undefined) {
    const given = response.resolved_inputs;
    out.inputs = given === null ? null : ({ stepId: given.step_id, moduleName: given.module_name, inputs: given.inputs } satisfies ModuleInputsView);
  }
  if (response.trace) {
    out.trace = response.trace.map(
      (entry): TraceEntryView => ({
        stepId: entry.step_id,
        moduleName: entry.module_name,
        moduleId: entry.module_id,
        status: entry.status,
        durationMs: entry.duration_ms,
        ...(entry.answer
          ? { answer: { source: entry.answer.source, ...(entry.answer.rule ? { rule: entry.answer.rule } : {}), interactionType: entry.answer.interaction_type, response: entry.answer.response } }
          : {}),
      }),
    );
  }
  return out;
}

/**
 * The status each traced module ended with, for its status lens: every module the run ran, not only
 * the target (whose own record the run writes). `running` (the call was cut short) records nothing.
 */
export function tracedStatuses(trace: readonly TraceEntryView[] | undefined): Array<{ stepId: string; moduleName: string; status: RunStatus }> {
  const last = new Map<string, { stepId: string; moduleName: string; status: RunStatus }>();
  for (const entry of trace ?? []) {
    if (entry.status === "running") continue;
    last.set(`${entry.stepId}/${entry.moduleName}`, { stepId: entry.stepId, moduleName: entry.moduleName, status: entry.status });
  }
  return [...last.values()];
}
