/**
 * Answering an interaction (engine.md §4.4 `respond` / `continue_after_interaction`), with the
 * rulings: the request is looked up on the current lineage by `event_id` (4); the answer is validated
 * before anything is stored, so a `validation_failed` leaves the interaction pending (6); answering
 * the target stores its outputs and stops there (1); mock mode is kept in the context (5); a module
 * failure carries one `Module '<id>' failed: ` prefix (11).
 */
import { WfvError } from "../errors";
import { attachAddons } from "../modules/addons";
import { validateInputs } from "../modules/base";
import { isPlainObject, isTruthy } from "../python/builtins";
import { makeInteractionResponse, type InteractionResponse } from "../modules/types";
import { EventType, type EventDocument } from "../repositories";
import { moduleName, type WorkflowModule, type WorkflowStep } from "../workflow/model";
import { buildModuleContext } from "./context";
import { latestLineageEvent } from "./event-view";
import { continueStep, isTarget, loadModule, targetReached, type RunScope } from "./executor";
import { firstRetryOption, jump, retry } from "./navigation";
import { resolveAllInputs, resolveModuleInputs } from "./resolve";
import { describeModuleFailure, errorResponse, makeResponse, progressAt } from "./responses";
import type { InteractionResponseData, WorkflowResponse } from "./types";
import { validateRetryableAction } from "./validation";

/** `InteractionResponseData.model_dump()`: every field, with the API model's defaults. */
export function dumpResponseData(response: InteractionResponseData): Record<string, unknown> {
  return {
    value: response.value ?? null,
    selected_indices: response.selected_indices ?? [],
    selected_options: response.selected_options ?? [],
    custom_value: response.custom_value ?? null,
    cancelled: response.cancelled ?? false,
    retry_requested: response.retry_requested ?? false,
    retry_groups: response.retry_groups ?? [],
    retry_feedback: response.retry_feedback ?? "",
    jump_back_requested: response.jump_back_requested ?? false,
    jump_back_target: response.jump_back_target ?? "",
    file_written: response.file_written ?? false,
    file_path: response.file_path ?? "",
    file_error: response.file_error ?? "",
    form_data: response.form_data ?? [],
    selected_content_id: response.selected_content_id ?? null,
    selected_content: response.selected_content ?? null,
    generations: response.generations ?? {},
    action_id: response.action_id ?? null,
    confirmed_warnings: response.confirmed_warnings ?? [],
  };
}

/** The engine-side answer modules receive: everything but `action_id`/`confirmed_warnings`. */
function engineResponse(interactionId: string, dumped: Record<string, unknown>): InteractionResponse {
  const { action_id: _action, confirmed_warnings: _confirmed, ...fields } = dumped;
  return makeInteractionResponse({ ...(fields as Partial<InteractionResponse>), interaction_id: interactionId });
}

/** `navigator.is_retry_response`: a retry option picked, or a custom value typed instead of a pick. */
export function isRetryResponse(response: InteractionResponseData): boolean {
  const options = response.selected_options ?? [];
  for (const option of options) {
    if (!isPlainObject(option)) continue;
    const metadata = option.metadata;
    if ((isPlainObject(metadata) && isTruthy(metadata.is_retry)) || option.id === "retry") return true;
  }
  return options.length === 0 && isTruthy(response.custom_value);
}

interface Located {
  request: EventDocument;
  step: WorkflowStep;
  stepIndex: number;
  module: WorkflowModule;
  moduleIndex: number;
}

/** The request event and where its module sits in the definition in force. */
function locate(scope: RunScope, request: EventDocument): Located {
  const { workflow } = scope;
  const stepId = request.step_id ?? String((request.data._step_context as Record<string, unknown> | undefined)?.step_id ?? "");
  const name = request.module_name ?? "";
  const stepIndex = workflow.steps.findIndex((step) => step.step_id === stepId);
  if (stepIndex < 0) {
    throw new WfvError("step_not_found", `Step '${stepId}' not found`, {
      step_id: stepId,
      available_steps: workflow.steps.map((step) => step.step_id),
    });
  }
  const step = workflow.steps[stepIndex];
  const modules = step.modules ?? [];
  const moduleIndex = modules.findIndex((module) => moduleName(module) === name || module.module_id === name);
  if (moduleIndex < 0) {
    throw new WfvError("module_not_found", `Module '${name}' not found in step`, {
      step_id: stepId,
      module_name: name,
      available_modules: modules.map(moduleName),
    });
  }
  return { request, step, stepIndex, module: modules[moduleIndex], moduleIndex };
}

/**
 * The `interaction_requested` an answer belongs to: the one that asked `interactionId` on the current
 * lineage, else the lineage's latest request (ruling 4).
 */
export function findRequestEvent(scope: RunScope, interactionId: string | null): EventDocument | null {
  const { view } = scope.env;
  if (interactionId) {
    const lineage = view.lineage(scope.workflowRunId);
    for (let i = lineage.length - 1; i >= 0; i--) {
      if (lineage[i].event_type === EventType.INTERACTION_REQUESTED && lineage[i].data?.interaction_id === interactionId) return lineage[i];
    }
  }
  return latestLineageEvent(view, scope.workflowRunId, EventType.INTERACTION_REQUESTED);
}

/** Answers the interaction `interactionId` (null: the pending one) and continues through the target. */
export async function respond(scope: RunScope, interactionId: string | null, response: InteractionResponseData): Promise<WorkflowResponse> {
  const { env, workflowRunId } = scope;
  const request = findRequestEvent(scope, interactionId);
  if (request === null) {
    return errorResponse(workflowRunId, "No pending interaction found", "bad_request", { interaction_id: interactionId });
  }
  const requestData = request.data ?? {};
  const askedId = String(requestData.interaction_id ?? interactionId ?? "");
  const dumped = dumpResponseData(response);

  let located: Located;
  try {
    located = locate(scope, request);
  } catch (error) {
    const failure = error as WfvError;
    return errorResponse(workflowRunId, failure.message, failure.errorType, failure.details);
  }
  const { step, stepIndex, module: config, moduleIndex } = located;
  const name = moduleName(config);

  const storeAnswer = () =>
    env.repos.events.storeEvent({
      workflowRunId,
      eventType: EventType.INTERACTION_RESPONSE,
      data: { interaction_id: askedId, response: dumped, module_id: requestData.module_id ?? config.module_id },
      stepId: request.step_id,
      moduleName: request.module_name,
    });

  // The retry shortcut (a retry option picked, or free text instead of a pick).
  if (isRetryResponse(response)) {
    const option = firstRetryOption(config);
    if (!option?.target_module) {
      return errorResponse(workflowRunId, "Retry requested but no target module configured", "execution_failed", {
        step_id: step.step_id,
        module_name: name,
      });
    }
    storeAnswer();
    const feedback = isTruthy(response.custom_value) ? response.custom_value : (option.feedback?.default_message ?? "");
    return retry(scope, option.target_module, feedback);
  }

  const validation = validateRetryableAction(config.retryable, response);
  if (!validation.valid) {
    return makeResponse(workflowRunId, "validation_failed", "Response validation failed", {
      validation_errors: validation.errors,
      validation_warnings: validation.warnings,
      progress: progressAt(step.step_id, name, moduleIndex),
    });
  }

  const state = env.view.moduleOutputs(workflowRunId);
  let outputs: Record<string, unknown>;
  try {
    const module = loadModule(env, config);
    if (module.kind !== "interactive") {
      throw new WfvError("unsupported_module_type", `Module '${config.module_id}' is not interactive and cannot take an answer`, {
        module_id: config.module_id,
      });
    }
    const stored = requestData._resolved_inputs;
    const resolved = isPlainObject(stored)
      ? stored
      : resolveModuleInputs({ ...(config.inputs ?? {}) }, state, step, scope.workflow, { step_id: step.step_id, module_name: name }, env.templateNow);
    if (!isPlainObject(stored)) {
      const check = validateInputs(module, resolved);
      if (!check.ok) throw new WfvError("input_validation_failed", check.message, { input_name: check.inputName });
    }
    storeAnswer();
    const context = buildModuleContext({ env, services: scope.services, workflow: scope.workflow, step, module: config, moduleIndex, state });
    attachAddons(module, config, context, (inputs) => resolveAllInputs(inputs, state, step, scope.workflow, { step_id: step.step_id, module_name: name }, env.templateNow));
    outputs = await module.executeWithResponse(resolved, context, engineResponse(askedId, dumped));
  } catch (error) {
    const failure = describeModuleFailure(config.module_id, error, { step_id: step.step_id, module_name: name });
    return errorResponse(workflowRunId, failure.message, failure.errorType, failure.details, progressAt(step.step_id, name, moduleIndex));
  }

  if (isTruthy(outputs.retry_requested)) {
    const option = firstRetryOption(config);
    if (!option?.target_module) {
      // The message is the original's; the module's feedback (a failed validation_pattern's
      // validation_error) goes along so that clients can show why.
      return errorResponse(workflowRunId, "Retry requested but no target module configured", "execution_failed", {
        step_id: step.step_id,
        module_name: name,
        ...(isTruthy(outputs.retry_feedback) ? { retry_feedback: outputs.retry_feedback } : {}),
      });
    }
    const feedback = isTruthy(outputs.retry_feedback) ? outputs.retry_feedback : (option.feedback?.default_message ?? "");
    return retry(scope, option.target_module, feedback);
  }

  if (isTruthy(outputs.jump_back_requested)) {
    const wanted = outputs.jump_back_target;
    const option = (config.retryable?.options ?? []).find(
      (candidate) => candidate.mode === "jump" && (candidate.target_module === wanted || candidate.id === wanted),
    );
    if (!option?.target_step || !option.target_module) {
      return errorResponse(workflowRunId, `Jump target '${String(wanted)}' not found`, "execution_failed", {
        step_id: step.step_id,
        module_name: name,
        jump_back_target: wanted,
      });
    }
    return jump(scope, option.target_step, option.target_module);
  }

  env.repos.state.storeModuleOutputs({
    workflowRunId,
    stepId: step.step_id,
    moduleName: name,
    outputs,
    outputsToState: config.outputs_to_state ?? null,
    workingState: state,
  });
  if (isTarget(scope.target, step.step_id, name)) {
    env.repos.runs.updateWorkflowStatus(workflowRunId, "processing", { currentStep: step.step_id, currentModule: name });
    return targetReached(scope, step.step_id, name, moduleIndex, outputs);
  }
  env.repos.runs.updateWorkflowStatus(workflowRunId, "processing", { currentStep: step.step_id });
  return continueStep(scope, stepIndex, moduleIndex + 1, state);
}
