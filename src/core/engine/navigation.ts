/**
 * Retry and jump (engine.md §2.6 `NavigationHandler`). Both continue like a normal continuation after
 * an interaction: through the end of the step, on into later steps, honouring the target (ruling 3).
 */
import { WfvError } from "../errors";
import { EventType } from "../repositories";
import { jumpLookupName, moduleName, requireStep, type RetryOption, type Workflow, type WorkflowModule } from "../workflow/model";
import { continueStep, type RunScope } from "./executor";
import { errorResponse } from "./responses";
import type { WorkflowResponse } from "./types";

/** The first module in any step whose `name` or `module_id` is `target` (`find_module_in_workflow`). */
export function findModuleInWorkflow(workflow: Workflow, target: string): { stepIndex: number; moduleIndex: number } | null {
  for (let stepIndex = 0; stepIndex < workflow.steps.length; stepIndex++) {
    const modules = workflow.steps[stepIndex].modules ?? [];
    const moduleIndex = modules.findIndex((module) => module.name === target || module.module_id === target);
    if (moduleIndex >= 0) return { stepIndex, moduleIndex };
  }
  return null;
}

/** The module's first `mode: "retry"` option (the one the engine uses). */
export function firstRetryOption(module: WorkflowModule | undefined): RetryOption | undefined {
  return (module?.retryable?.options ?? []).find((option) => option.mode === "retry");
}

/** `navigator.retry`: store `retry_requested`, rebuild state with the retry context, run from the target. */
export async function retry(scope: RunScope, targetModule: string, feedback: unknown): Promise<WorkflowResponse> {
  const { env, workflowRunId, workflow } = scope;
  env.repos.events.storeEvent({
    workflowRunId,
    eventType: EventType.RETRY_REQUESTED,
    data: { target_module: targetModule, feedback },
  });
  const found = findModuleInWorkflow(workflow, targetModule);
  if (found === null) {
    return errorResponse(workflowRunId, `Retry target module '${targetModule}' not found in workflow`, "module_not_found", {
      module_name: targetModule,
      available_modules: workflow.steps.flatMap((step) => (step.modules ?? []).map(moduleName)),
    });
  }
  const retryContext = env.repos.state.getRetryContext(workflowRunId, targetModule);
  const state = env.view.moduleOutputs(workflowRunId);
  state._retry_conversation_history = retryContext.conversation_history;
  state._retry_feedback = feedback;
  const step = workflow.steps[found.stepIndex];
  env.repos.runs.updateWorkflowStatus(workflowRunId, "processing", { currentStep: step.step_id });
  return continueStep(scope, found.stepIndex, found.moduleIndex, state);
}

/** `navigator.jump`: fork a branch just before the target module's first event, then run from it. */
export async function jump(scope: RunScope, targetStep: string, targetModule: string): Promise<WorkflowResponse> {
  const { env, workflowRunId, workflow } = scope;
  let step;
  try {
    step = requireStep(workflow, targetStep);
  } catch (error) {
    const failure = error as WfvError;
    return errorResponse(workflowRunId, failure.message, failure.errorType, failure.details);
  }
  const stepIndex = workflow.steps.indexOf(step);
  const modules = step.modules ?? [];
  const moduleIndex = modules.findIndex((module) => jumpLookupName(module) === targetModule);
  if (moduleIndex < 0) {
    return errorResponse(workflowRunId, `Target module '${targetModule}' not found in step '${targetStep}'`, "module_not_found", {
      step_id: targetStep,
      module_name: targetModule,
      available_modules: modules.map(moduleName),
    });
  }
  let newBranchId: string | null = null;
  try {
    newBranchId = env.repos.state.jumpToModule(workflowRunId, targetStep, targetModule);
  } catch {
    // As built: a module that never ran on this lineage is run again on the same branch.
    newBranchId = null;
  }
  env.repos.events.storeEvent({
    workflowRunId,
    eventType: EventType.JUMP_REQUESTED,
    data: { target_step: targetStep, target_module: targetModule, new_branch_id: newBranchId },
  });
  const state = env.view.moduleOutputs(workflowRunId);
  env.repos.runs.updateWorkflowStatus(workflowRunId, "processing", { currentStep: targetStep });
  const onBranch: RunScope = newBranchId ? { ...scope, services: { ...scope.services, branch_id: newBranchId } } : scope;
  return continueStep(onBranch, stepIndex, moduleIndex, state);
}
