/**
 * The processor (engine.md §4.2–4.4, §4.9): the engine calls a caller makes on a run whose definition,
 * services and target are fixed in a {@link RunScope}. Start (a pending interaction is returned as it
 * is), resume (run from the position), respond, retry, jump, module mode (only the target), up-to mode
 * (the editor client's run-to-module loop, in-process), and the display-data refresh (ruling 9).
 */
import { WfvError } from "../errors";
import { isPlainObject, isTruthy } from "../python/builtins";
import { EventType, type EventDocument, type WorkflowPosition } from "../repositories";
import { moduleName, requireModule, requireStep, type Workflow } from "../workflow/model";
import { defaultMockAnswerWithRule } from "../mock";
import { autoSelectResponse } from "./auto-select";
import { cloneValue } from "../db/clone";
import { buildModuleContext } from "./context";
import { findInteractionRequest, latestLineageEvent } from "./event-view";
import { executeFromPosition, executeStepModules, isTarget, loadModule, type RunScope } from "./executor";
import type { GroupTarget } from "./group-target";
import { convertInteractionRequest, serializeInteractionRequest } from "./interaction-request";
import { isRetryResponse, respond } from "./interaction";
import { attachAddons } from "../modules/addons";
import { resolveAllInputs, resolveModuleInputs } from "./resolve";
import { describeModuleFailure, errorResponse, makeResponse, progressAt } from "./responses";
import type { AutoAnswer, InteractionResponseData, WorkflowProgress, WorkflowResponse } from "./types";

export { respond } from "./interaction";
export { jump, retry } from "./navigation";
export { executeSubAction, type SubActionRequest } from "./sub-actions";

/** `build_progress` for a pending interaction (plus the module it is waiting at). */
export function buildProgress(workflow: Workflow, position: WorkflowPosition): WorkflowProgress {
  const stepContext = position.pending_interaction?._step_context;
  const pendingModule = isPlainObject(stepContext) ? (stepContext.module_name as string | undefined) : undefined;
  return {
    current_step: position.current_step,
    ...(pendingModule ? { current_module: pendingModule } : {}),
    completed_steps: [...position.completed_steps],
    total_steps: workflow.steps.length,
    step_index: position.completed_steps.length,
  };
}

function pendingResponse(scope: RunScope, position: WorkflowPosition): WorkflowResponse {
  const pending = position.pending_interaction as Record<string, unknown>;
  const stepContext = isPlainObject(pending._step_context) ? pending._step_context : {};
  return makeResponse(scope.workflowRunId, "awaiting_input", `Waiting for input at ${String(stepContext.module_name ?? "")}`, {
    interaction_request: convertInteractionRequest(pending),
    progress: buildProgress(scope.workflow, position),
  });
}

/** `start_workflow` after the run is set up: a pending interaction is returned unless the version changed. */
export async function startFromPosition(scope: RunScope, versionChanged: boolean): Promise<WorkflowResponse> {
  const position = scope.env.view.position(scope.workflowRunId);
  if (position.pending_interaction && !versionChanged) return pendingResponse(scope, position);
  return executeFromPosition(scope);
}

/** `resume_workflow_with_update`: run from the position; a pending module asks again. */
export function resume(scope: RunScope): Promise<WorkflowResponse> {
  return executeFromPosition(scope);
}

/** The lineage's latest request of a module that has no answer yet, or null. */
export function pendingRequestOf(scope: RunScope, stepId: string, name: string): EventDocument | null {
  const lineage = scope.env.view.lineage(scope.workflowRunId);
  const answered = new Set<unknown>();
  for (let i = lineage.length - 1; i >= 0; i--) {
    const event = lineage[i];
    if (event.event_type === EventType.INTERACTION_RESPONSE) answered.add(event.data?.interaction_id);
    else if (event.event_type === EventType.INTERACTION_REQUESTED && event.step_id === stepId && event.module_name === name) {
      return answered.has(event.data?.interaction_id) ? null : event;
    }
  }
  return null;
}

/**
 * Module mode: run only the target with the state the DB already holds. An interactive target asks
 * for its interaction (no answer) or takes the answer (asking first when nothing is pending).
 */
export async function runModuleOnly(scope: RunScope, response: InteractionResponseData | null): Promise<WorkflowResponse> {
  const target = scope.target as NonNullable<RunScope["target"]>;
  const step = requireStep(scope.workflow, target.step_id);
  const config = requireModule(step, target.module_name);
  const index = (step.modules ?? []).indexOf(config);
  const module = loadModule(scope.env, config);

  if (response !== null && module.kind === "interactive") {
    let request = pendingRequestOf(scope, step.step_id, target.module_name);
    if (request === null) {
      const asked = await executeStepModules(scope, step, index, scope.env.view.moduleOutputs(scope.workflowRunId), { onlyOne: true });
      if (asked.status !== "awaiting_input") return asked;
      request = pendingRequestOf(scope, step.step_id, target.module_name);
    }
    return respond(scope, String(request?.data?.interaction_id ?? ""), response);
  }
  const state = scope.env.view.moduleOutputs(scope.workflowRunId);
  return executeStepModules(scope, step, index, state, { onlyOne: true });
}

/**
 * Module mode on an execution group (docs/engine.md §1.10): its expanded modules run as a whole, from
 * the first through the last (the engine's target), with the state the DB holds. An answer goes to the
 * group's pending interaction, or else to the first one the group asks.
 */
export async function runGroupOnly(scope: RunScope, group: GroupTarget, response: InteractionResponseData | null): Promise<WorkflowResponse> {
  const step = requireStep(scope.workflow, group.step_id);
  const members = new Set(group.modules);
  const pendingInGroup = (): EventDocument | null => {
    for (const name of group.modules) {
      const request = pendingRequestOf(scope, step.step_id, name);
      if (request !== null) return request;
    }
    return null;
  };
  let pending = response !== null ? pendingInGroup() : null;
  if (pending === null) {
    const ran = await executeStepModules(scope, step, group.first_index, scope.env.view.moduleOutputs(scope.workflowRunId));
    if (response === null || ran.status !== "awaiting_input" || !members.has(ran.progress?.current_module ?? "")) return ran;
    pending = pendingInGroup();
  }
  return respond(scope, String(pending?.data?.interaction_id ?? ""), response as InteractionResponseData);
}

/** An answer that moved the run elsewhere (retry, jump, cancel) is not one to give again. */
function isNavigation(response: InteractionResponseData): boolean {
  return isTruthy(response.retry_requested) || isTruthy(response.jump_back_requested) || isTruthy(response.cancelled) || isRetryResponse(response);
}

/**
 * The answer last given to a module (retry, jump and cancel answers aside): on the lineage first, else
 * on any branch of the run.
 */
export function rememberedAnswer(scope: RunScope, stepId: string, name: string): InteractionResponseData | null {
  const { view } = scope.env;
  const pick = (list: readonly EventDocument[]) => {
    for (let i = list.length - 1; i >= 0; i--) {
      const event = list[i];
      if (event.event_type !== EventType.INTERACTION_RESPONSE || event.step_id !== stepId || event.module_name !== name) continue;
      if (!isPlainObject(event.data?.response)) continue;
      const response = event.data.response as InteractionResponseData;
      if (!isNavigation(response)) return cloneValue(response);
    }
    return null;
  };
  return pick(view.lineage(scope.workflowRunId)) ?? pick(view.runEvents(scope.workflowRunId));
}

/**
 * Up-to mode (engine.md §4.9 `runToModule`, in-process): from the run's position through the target.
 * Earlier interactions are answered from remembered answers, else by auto-selection, else the call stops
 * there. `response` answers the interaction pending when the call starts, or else the first one the
 * run would stop at (normally the target). A target that already ran on the lineage is run again on a
 * branch forked just before it.
 */
export interface UpToOptions {
  /**
   * In mock mode, answer what neither a scripted, a remembered answer nor auto-selection can (text,
   * forms, files, media, pauses, reviews) with the mock defaults (`defaultMockAnswerWithRule`), so a headless run gets
   * through (the modules issue asks for this in mock mode). False: the call stops at that interaction,
   * as virtual-execution.md describes for up_to.
   */
  defaultAnswers?: boolean;
  /** Scripted answers keyed `step_id/module_name`; they come before remembered answers. */
  answers?: Readonly<Record<string, InteractionResponseData>>;
  /** False: answer nothing on the caller's behalf (not even scripted or remembered answers); stop at each interaction. Default true. */
  autoAnswer?: boolean;
}

export async function runUpTo(scope: RunScope, response: InteractionResponseData | null, options: UpToOptions = {}): Promise<WorkflowResponse> {
  const target = scope.target as NonNullable<RunScope["target"]>;
  const step = requireStep(scope.workflow, target.step_id);
  requireModule(step, target.module_name);
  const { repos } = scope.env;

  // A target behind the run's position is run again on a branch forked just before it: before its
  // own first event when it ran, else before its step's first event (a module added to a step that
  // already completed).
  const lineage = scope.env.view.lineage(scope.workflowRunId);
  let ranBefore = false;
  let stepDone = false;
  for (const event of lineage) {
    if (event.step_id !== target.step_id) continue;
    if (event.event_type === EventType.MODULE_COMPLETED && event.module_name === target.module_name) ranBefore = true;
    else if (event.event_type === EventType.STEP_COMPLETED) stepDone = true;
  }
  let newBranchId: string | null = null;
  if (ranBefore) {
    newBranchId = repos.state.jumpToModule(scope.workflowRunId, target.step_id, target.module_name);
  } else if (stepDone) {
    const first = lineage.findIndex((event) => event.step_id === target.step_id);
    const parent = first > 0 ? lineage[first - 1] : null;
    if (parent) newBranchId = repos.branches.createBranch(scope.workflowRunId, parent.branch_id as string, parent.event_id);
  }
  if (newBranchId !== null) {
    repos.events.storeEvent({
      workflowRunId: scope.workflowRunId,
      eventType: EventType.JUMP_REQUESTED,
      data: { target_step: target.step_id, target_module: target.module_name, new_branch_id: newBranchId },
    });
    scope = { ...scope, services: { ...scope.services, branch_id: newBranchId } };
  }

  let answerLeft = response;
  let result: WorkflowResponse;
  const position = scope.env.view.position(scope.workflowRunId);
  if (position.pending_interaction && answerLeft) {
    result = await respond(scope, String(position.pending_interaction.interaction_id ?? ""), answerLeft);
    answerLeft = null;
  } else {
    result = await executeFromPosition(scope);
  }

  const answeredAutomatically = new Set<string>();
  const trace: AutoAnswer[] = [];
  while (result.status === "awaiting_input" && result.interaction_request) {
    const stepId = result.progress?.current_step ?? "";
    const name = result.progress?.current_module ?? "";
    const key = `${stepId}/${name}`;
    let answer: InteractionResponseData | null = null;
    // The same module asked twice in one call (a retry loop) is left to the user.
    if (options.autoAnswer !== false && !isTarget(target, stepId, name) && !answeredAutomatically.has(key)) {
      const request = result.interaction_request;
      const found = automaticAnswer(scope, request, stepId, name, options);
      if (found !== null) {
        answer = found.response;
        answeredAutomatically.add(key);
        trace.push({ step_id: stepId, module_name: name, interaction_type: String(request.interaction_type ?? ""), ...found, response: cloneValue(found.response) });
      }
    }
    if (answer === null && answerLeft) {
      answer = answerLeft;
      answerLeft = null;
    }
    if (answer === null) break;
    result = await respond(scope, result.interaction_request.interaction_id, answer);
  }

  if (result.status === "awaiting_input") {
    const stepId = result.progress?.current_step ?? "";
    const name = result.progress?.current_module ?? "";
    if (!isTarget(target, stepId, name)) {
      result.message =
        `Stopped at ${stepId}/${name} before reaching the target ${target.step_id}/${target.module_name}: ` +
        "it needs an answer (none remembered, and it cannot be auto-selected)";
    }
  } else if (result.status === "completed") {
    result.message = `Workflow completed without reaching the target ${target.step_id}/${target.module_name}`;
  }
  result.auto_answers = trace;
  return result;
}

/**
 * How up_to answers an interaction before the target, in this order: the caller's scripted answer,
 * the answer remembered from an earlier run, the editor's auto-selection, and in mock mode (with
 * `defaultAnswers`) the mock default for its type — a review accepted as it is among them.
 */
function automaticAnswer(
  scope: RunScope,
  request: NonNullable<WorkflowResponse["interaction_request"]>,
  stepId: string,
  name: string,
  options: UpToOptions,
): Pick<AutoAnswer, "source" | "rule" | "response"> | null {
  const scripted = options.answers?.[`${stepId}/${name}`];
  if (scripted) return { source: "scripted", response: cloneValue(scripted) };
  const remembered = rememberedAnswer(scope, stepId, name);
  if (remembered !== null) return { source: "remembered", response: remembered };
  const selected = autoSelectResponse(request);
  if (selected !== null) return { source: "auto_select", response: selected };
  if (!options.defaultAnswers || !scope.services.mock_mode) return null;
  const fallback = defaultMockAnswerWithRule(request, { newId: () => scope.env.repos.db.newUuid7Hex() });
  return fallback === null ? null : { source: "mock_default", rule: fallback.rule, response: fallback.answer as InteractionResponseData };
}

/**
 * Display-data refresh (ruling 9): the pending interaction's inputs resolved again against the current
 * state and the module asked again, without answering it. The request keeps its interaction id.
 * Stores nothing.
 */
export async function refreshInteraction(scope: RunScope, interactionId: string | null): Promise<WorkflowResponse> {
  const { env, workflowRunId, workflow } = scope;
  const request = interactionId
    ? findInteractionRequest(env.view, workflowRunId, interactionId)
    : latestLineageEvent(env.view, workflowRunId, EventType.INTERACTION_REQUESTED);
  if (request === null) {
    return errorResponse(workflowRunId, `Interaction ${interactionId ?? "(pending)"} not found`, "bad_request", { interaction_id: interactionId });
  }
  const stepId = request.step_id ?? "";
  const name = request.module_name ?? "";
  const step = requireStep(workflow, stepId);
  const config = requireModule(step, name);
  const index = (step.modules ?? []).indexOf(config);
  try {
    const module = loadModule(env, config);
    if (module.kind !== "interactive") throw new WfvError("unsupported_module_type", `Module '${config.module_id}' is not interactive`, { module_id: config.module_id });
    const state = env.view.moduleOutputs(workflowRunId);
    const resolved = resolveModuleInputs({ ...(config.inputs ?? {}) }, state, step, workflow, { step_id: stepId, module_name: name }, env.templateNow);
    const context = buildModuleContext({ env, services: scope.services, workflow, step, module: config, moduleIndex: index, state });
    attachAddons(module, config, context, (inputs) => resolveAllInputs(inputs, state, step, workflow, { step_id: stepId, module_name: name }, env.templateNow));
    const fresh = await module.getInteractionRequest(resolved, context);
    if (!fresh) throw new Error("get_interaction_request returned no interaction request");
    const data = { ...serializeInteractionRequest(fresh), interaction_id: request.data.interaction_id };
    return makeResponse(workflowRunId, "awaiting_input", `Waiting for input at ${moduleName(config)}`, {
      interaction_request: convertInteractionRequest(data),
      progress: progressAt(stepId, name, index),
    });
  } catch (error) {
    const failure = describeModuleFailure(config.module_id, error, { step_id: stepId, module_name: name });
    return errorResponse(workflowRunId, failure.message, failure.errorType, failure.details, progressAt(stepId, name, index));
  }
}
