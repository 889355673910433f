/**
 * The executor (engine.md §4.3): runs a step's modules from an index, and a run from its position,
 * storing every event. State is always rebuilt from events; the working state of one call only gains
 * the `outputs_to_state` keys (a module's raw outputs under its name appear after the next reload, as
 * in the original).
 *
 * Rulings applied: a resume inside an open step starts at the first module of the step that has not
 * completed since the step started, and stores no second `step_started` (2); the target stops the run
 * after an executable target ran (1 for interactive targets is in interaction.ts).
 */
import { WfvError } from "../errors";
import { attachAddons } from "../modules/addons";
import { validateInputs } from "../modules/base";
import type { WorkflowModule as RegisteredModule } from "../modules/types";
import { EventType, openStepProgress, type EventDocument, type WorkflowPosition } from "../repositories";
import { moduleName, type Workflow, type WorkflowModule, type WorkflowStep } from "../workflow/model";
import { buildModuleContext, type EngineEnv, type ObservedModule } from "./context";
import { convertInteractionRequest, serializeInteractionRequest } from "./interaction-request";
import { resolveAllInputs, resolveModuleInputs } from "./resolve";
import { describeModuleFailure, errorResponse, makeResponse, progressAt } from "./responses";
import type { EngineServices, ExecutionTarget, WorkflowResponse } from "./types";

/** Everything one engine call works with: the definition in force (ruling 8), the run, services, target. */
export interface RunScope {
  env: EngineEnv;
  workflow: Workflow;
  workflowRunId: string;
  services: EngineServices;
  target: ExecutionTarget | null;
}

export function isTarget(target: ExecutionTarget | null, stepId: string, name: string): boolean {
  return target !== null && target.step_id === stepId && target.module_name === name;
}

/** `step.name` with `{step_number}` filled in, as the run's `current_step_name`. */
export function stepDisplayName(step: WorkflowStep, stepIndex: number): string {
  return (step.name ?? step.step_id).replace("{step_number}", String(stepIndex + 1));
}

function storeEvent(scope: RunScope, eventType: (typeof EventType)[keyof typeof EventType], data: Record<string, unknown>, stepId?: string, name?: string): string {
  return scope.env.repos.events.storeEvent({ workflowRunId: scope.workflowRunId, eventType, data, stepId, moduleName: name });
}

export interface StepRunOptions {
  /** Run only the module at `moduleStart` (module mode). */
  onlyOne?: boolean;
}

/**
 * `execute_step_modules`: runs `step.modules[moduleStart..]` against `state`. Returns `processing`
 * when the step's modules are done, or `awaiting_input` / `target_reached` / `error`.
 */
export async function executeStepModules(
  scope: RunScope,
  step: WorkflowStep,
  moduleStart: number,
  state: Record<string, unknown>,
  options: StepRunOptions = {},
): Promise<WorkflowResponse> {
  const { env, workflowRunId } = scope;
  const modules = step.modules ?? [];
  const end = options.onlyOne ? Math.min(moduleStart + 1, modules.length) : modules.length;
  for (let index = moduleStart; index < end; index++) {
    const config = modules[index];
    const name = moduleName(config);
    const observed: ObservedModule = { stepId: step.step_id, moduleName: name, moduleId: config.module_id, index };
    try {
      await env.observer?.moduleStarting?.(observed);
      storeEvent(scope, EventType.MODULE_STARTED, { module_id: config.module_id }, step.step_id, name);
      const outcome = await runModule(scope, step, config, index, state);
      if (outcome !== null) {
        await env.observer?.moduleFinished?.(observed, { status: outcome.status === "awaiting_input" || outcome.status === "target_reached" || outcome.status === "error" ? outcome.status : "completed" });
        return outcome;
      }
      await env.observer?.moduleFinished?.(observed, { status: "completed", outputs: lastOutputs.get(scope) });
    } catch (error) {
      const failure = describeModuleFailure(config.module_id, error, { step_id: step.step_id, module_name: name });
      storeEvent(scope, EventType.MODULE_ERROR, { error: failure.stored }, step.step_id, name);
      env.repos.runs.updateWorkflowStatus(workflowRunId, "error");
      await env.observer?.moduleFinished?.(observed, { status: "error", error });
      return errorResponse(workflowRunId, failure.message, failure.errorType, failure.details, progressAt(step.step_id, name, index));
    }
  }
  return makeResponse(workflowRunId, "processing", `Step ${step.step_id} completed`);
}

/** Loads a module of the registry, failing with the structured errors callers expect. */
export function loadModule(env: EngineEnv, config: WorkflowModule): RegisteredModule {
  const module = env.registry.getModule(config.module_id);
  if (module.kind !== "executable" && module.kind !== "interactive") {
    throw new WfvError("unsupported_module_type", `Module '${config.module_id}' is neither interactive nor executable`, {
      module_id: config.module_id,
    });
  }
  return module;
}

/** The outputs of the module a scope ran last, for ModuleObserver.moduleFinished (only kept while observed). */
const lastOutputs = new WeakMap<RunScope, Record<string, unknown>>();

/** Runs one module; null means "go on with the next module". */
async function runModule(
  scope: RunScope,
  step: WorkflowStep,
  config: WorkflowModule,
  index: number,
  state: Record<string, unknown>,
): Promise<WorkflowResponse | null> {
  const { env, workflow, workflowRunId, services } = scope;
  const name = moduleName(config);
  const module = loadModule(env, config);
  const raw: Record<string, unknown> = { ...(config.inputs ?? {}) };
  const resolverSchema = raw.resolver_schema;
  const resolved = resolveModuleInputs(raw, state, step, workflow, { step_id: step.step_id, module_name: name }, env.templateNow);

  const check = validateInputs(module, resolved);
  if (check.ok) await env.observer?.inputsResolved?.({ stepId: step.step_id, moduleName: name, moduleId: config.module_id, index }, resolved);
  if (!check.ok) {
    const declared = module.inputs.find((input) => input.name === check.inputName);
    const message = `Module '${config.module_id}' validation failed: ${check.message}`;
    env.repos.runs.updateWorkflowStatus(workflowRunId, "error");
    return errorResponse(
      workflowRunId,
      message,
      "input_validation_failed",
      { step_id: step.step_id, module_name: name, module_id: config.module_id, input_name: check.inputName, expected_type: declared?.type ?? null, reason: check.message },
      progressAt(step.step_id, name, index),
    );
  }

  const context = buildModuleContext({ env, services, workflow, step, module: config, moduleIndex: index, state, workflowRunId });

  if (module.kind === "interactive") {
    attachAddons(module, config, context, (inputs) => resolveAllInputs(inputs, state, step, workflow, { step_id: step.step_id, module_name: name }, env.templateNow));
    const request = await module.getInteractionRequest(resolved, context);
    if (request === null || request === undefined) {
      throw new Error("get_interaction_request returned no interaction request");
    }
    const data: Record<string, unknown> = {
      ...serializeInteractionRequest(request),
      _resolved_inputs: resolved,
      module_id: config.module_id,
      _step_context: { step_id: step.step_id, step_name: step.name ?? null, module_name: name, module_index: index },
    };
    if (resolverSchema !== undefined) data.resolver_schema = resolverSchema;
    storeEvent(scope, EventType.INTERACTION_REQUESTED, data, step.step_id, name);
    env.repos.runs.updateWorkflowStatus(workflowRunId, "awaiting_input", { currentModule: name });
    return makeResponse(workflowRunId, "awaiting_input", `Waiting for input at ${name}`, {
      interaction_request: convertInteractionRequest(data),
      progress: progressAt(step.step_id, name, index),
    });
  }

  const outputs = await module.execute(resolved, context);
  if (env.observer) lastOutputs.set(scope, outputs);
  env.repos.state.storeModuleOutputs({
    workflowRunId,
    stepId: step.step_id,
    moduleName: name,
    outputs,
    outputsToState: config.outputs_to_state ?? null,
    workingState: state,
  });
  if (isTarget(scope.target, step.step_id, name)) return targetReached(scope, step.step_id, name, index, outputs);
  return null;
}

export function targetReached(scope: RunScope, stepId: string, name: string, index: number, outputs: Record<string, unknown>): WorkflowResponse {
  return makeResponse(scope.workflowRunId, "target_reached", `Execution stopped at target ${stepId}/${name}`, {
    result: { target: { step_id: stepId, module_name: name } },
    progress: progressAt(stepId, name, index),
    target_outputs: outputs,
  });
}

/**
 * Where a resume starts inside an open step (ruling 2): the first module of the step definition that
 * has no `module_completed` since the step opened on the lineage (the repositories' openStepProgress,
 * the one rule for "what the open step has done").
 */
export function firstIncompleteModule(step: WorkflowStep, lineage: readonly EventDocument[]): number {
  const open = openStepProgress(lineage);
  const completed = new Set(open?.step_id === step.step_id ? open.completed_modules : []);
  const modules = step.modules ?? [];
  const first = modules.findIndex((module) => !completed.has(moduleName(module)));
  return first < 0 ? modules.length : first;
}

export interface StartPoint {
  stepIndex: number;
  moduleIndex: number;
  /** The step is already open on the lineage: no second `step_started` (ruling 2). */
  stepOpen: boolean;
}

export function startPointOf(workflow: Workflow, position: WorkflowPosition, lineage: readonly EventDocument[]): StartPoint {
  if (position.current_step) {
    const stepIndex = workflow.steps.findIndex((step) => step.step_id === position.current_step);
    if (stepIndex >= 0) {
      return { stepIndex, moduleIndex: firstIncompleteModule(workflow.steps[stepIndex], lineage), stepOpen: true };
    }
  }
  const completed = new Set(position.completed_steps);
  const stepIndex = workflow.steps.findIndex((step) => !completed.has(step.step_id));
  return { stepIndex: stepIndex < 0 ? workflow.steps.length : stepIndex, moduleIndex: 0, stepOpen: false };
}

/** Marks the run completed and stores `workflow_completed`. */
export function completeWorkflow(scope: RunScope, state: Record<string, unknown>): WorkflowResponse {
  scope.env.repos.runs.updateWorkflowStatus(scope.workflowRunId, "completed");
  storeEvent(scope, EventType.WORKFLOW_COMPLETED, {});
  return makeResponse(scope.workflowRunId, "completed", "Workflow completed successfully", { result: state });
}

export function openStep(scope: RunScope, step: WorkflowStep, stepIndex: number, storeStarted: boolean): void {
  if (storeStarted) storeEvent(scope, EventType.STEP_STARTED, {}, step.step_id);
  scope.env.repos.runs.updateWorkflowStatus(scope.workflowRunId, "processing", {
    currentStep: step.step_id,
    currentStepName: stepDisplayName(step, stepIndex),
  });
}

export function closeStep(scope: RunScope, step: WorkflowStep): void {
  storeEvent(scope, EventType.STEP_COMPLETED, {}, step.step_id);
}

/** `execute_from_position`: from the run's position on the current lineage through the target. */
export async function executeFromPosition(scope: RunScope): Promise<WorkflowResponse> {
  const { env, workflow, workflowRunId } = scope;
  const lineage = env.view.lineage(workflowRunId);
  const state = env.view.moduleOutputs(workflowRunId);
  const position = env.view.position(workflowRunId);
  const start = startPointOf(workflow, position, lineage);
  const completed = new Set(position.completed_steps);
  for (let stepIndex = start.stepIndex; stepIndex < workflow.steps.length; stepIndex++) {
    const step = workflow.steps[stepIndex];
    const resuming = stepIndex === start.stepIndex && start.stepOpen;
    if (!resuming && completed.has(step.step_id)) continue;
    openStep(scope, step, stepIndex, !resuming);
    const result = await executeStepModules(scope, step, resuming ? start.moduleIndex : 0, state);
    if (result.status !== "processing") return result;
    closeStep(scope, step);
  }
  return completeWorkflow(scope, state);
}

/**
 * The continuation after a module finished mid-step (respond, retry, jump — ruling 3): the rest of
 * the step, `step_completed`, then on from the run's fresh position, honouring the target.
 */
export async function continueStep(scope: RunScope, stepIndex: number, moduleStart: number, state: Record<string, unknown>): Promise<WorkflowResponse> {
  const step = scope.workflow.steps[stepIndex];
  const result = await executeStepModules(scope, step, moduleStart, state);
  if (result.status !== "processing") return result;
  closeStep(scope, step);
  if (stepIndex + 1 < scope.workflow.steps.length) return executeFromPosition(scope);
  return completeWorkflow(scope, state);
}
