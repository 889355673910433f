/**
 * Sub-actions (engine.md §4.6): work that runs while an interaction stays pending, streamed as
 * server-sent-event-like `{type, data}` items. `target_sub_action` runs the referenced modules in a
 * child run over the parent's state; `self_sub_action` runs the interactive module's own
 * `subAction`. The result mapping is stored as `sub_action_completed` on the parent. Mock mode
 * reaches the child and the module (ruling 5).
 */
import { cloneValue } from "../db";
import { WfvError } from "../errors";
import { errorText } from "../modules/base";
import { isPlainObject, isTruthy } from "../python/builtins";
import type { SubActionContext } from "../modules/types";
import { EventType, getNestedValue, type EventDocument } from "../repositories";
import { moduleName, type ResultMapping, type SubAction, type SubActionAction, type Workflow, type WorkflowModule, type WorkflowStep } from "../workflow/model";
import { findInteractionRequest } from "./event-view";
import { executeStepModules, loadModule, type RunScope } from "./executor";
import type { SseEvent } from "./types";

type Json = Record<string, unknown>;

/** Dicts merged recursively (the later one wins on anything else). */
function deepMerge(base: Json, extra: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : cloneValue(value);
  }
  return out;
}

/** `set(out, "a.b.c", v)`: creates the dicts on the way. */
function setPath(target: Json, path: string, value: unknown): void {
  const keys = path.split(".");
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key] as Json;
  }
  node[keys[keys.length - 1]] = value;
}

/** `_apply_result_mapping` (engine.md §1.7): `replace` copies the child's value; `merge` appends it to the parent's list. */
export function applyResultMapping(mappings: readonly ResultMapping[] | undefined, childState: Json, parentState: Json): Json {
  const out: Json = {};
  for (const mapping of mappings ?? []) {
    if (!mapping.source || !mapping.target) continue;
    const source = getNestedValue(childState, mapping.source);
    if ((mapping.mode ?? "replace") === "merge") {
      const existing = getNestedValue(parentState, mapping.target);
      const before = Array.isArray(existing) ? existing : [];
      const added = Array.isArray(source) ? source : [];
      setPath(out, mapping.target, [...before, ...added]);
    } else {
      setPath(out, mapping.target, source);
    }
  }
  return out;
}

/** An action turned into a module config: the referenced module, inline fields merged in, overrides last. */
function resolveActionModule(workflow: Workflow, action: SubActionAction): WorkflowModule {
  let config: Json = {};
  const ref = action.ref;
  if (ref?.step_id || ref?.module_name) {
    const step = workflow.steps.find((candidate) => candidate.step_id === ref.step_id);
    const referenced = step?.modules?.find((module) => moduleName(module) === ref.module_name);
    if (!referenced) {
      throw new WfvError("module_not_found", `Sub-action module '${ref.module_name}' not found in step '${ref.step_id}'`, {
        step_id: ref.step_id ?? null,
        module_name: ref.module_name ?? null,
        available_modules: (step?.modules ?? []).map(moduleName),
      });
    }
    config = cloneValue(referenced as Json);
  }
  if (action.module_id !== undefined) config.module_id = action.module_id;
  if (action.name !== undefined) config.name = action.name;
  for (const key of ["inputs", "outputs_to_state"] as const) {
    const inline = action[key];
    if (isPlainObject(inline)) config[key] = isPlainObject(config[key]) ? deepMerge(config[key] as Json, inline) : cloneValue(inline);
  }
  if (isPlainObject(action.overrides)) config = deepMerge(config, action.overrides);
  if (typeof config.module_id !== "string") {
    throw new WfvError("module_not_found", "Sub-action action names no module (ref or module_id)", { action: action as Json });
  }
  return config as WorkflowModule;
}

export interface SubActionRequest {
  interactionId: string;
  subActionId: string;
  params?: Json;
}

function findRequest(scope: RunScope, interactionId: string): EventDocument | null {
  return findInteractionRequest(scope.env.view, scope.workflowRunId, interactionId);
}

/**
 * `execute_sub_action`: yields `progress` events, then `complete{execution_id, updated_state,
 * sub_action_result}` or `error{message, execution_id?}`.
 */
export async function* executeSubAction(scope: RunScope, request: SubActionRequest): AsyncGenerator<SseEvent> {
  const { env, workflowRunId, workflow } = scope;
  const params: Json = request.params ?? {};
  const executionId = `${request.subActionId}_${env.repos.db.newUuid7Hex()}`;
  const interaction = findRequest(scope, request.interactionId);
  if (interaction === null) {
    yield { type: "error", data: { message: `Interaction ${request.interactionId} not found`, error_type: "bad_request" } };
    return;
  }
  const step: WorkflowStep | undefined = workflow.steps.find((candidate) => candidate.step_id === interaction.step_id);
  const module = step?.modules?.find((candidate) => moduleName(candidate) === interaction.module_name);
  const subAction: SubAction | undefined = (module?.sub_actions ?? []).find((candidate) => candidate.id === request.subActionId);
  if (!step || !module || !subAction) {
    yield {
      type: "error",
      data: { message: `Sub-action '${request.subActionId}' not found in module config`, error_type: "bad_request", execution_id: executionId },
    };
    return;
  }

  const stepId = step.step_id;
  const name = moduleName(module);
  try {
    env.repos.events.storeEvent({
      workflowRunId,
      eventType: EventType.SUB_ACTION_STARTED,
      data: { execution_id: executionId, sub_action_id: request.subActionId, interaction_id: request.interactionId, params },
      stepId,
      moduleName: name,
    });
    const loadingLabel = (subAction as Json).loading_label;
    yield { type: "progress", data: { workflow_run_id: workflowRunId, execution_id: executionId, message: isTruthy(loadingLabel) ? loadingLabel : "Processing..." } };

    const actions = subAction.actions ?? [];
    const kind = actions[0]?.type;
    let childState: Json;
    let childWorkflowId: string | null = null;

    if (kind === "target_sub_action") {
      const parentState = env.view.moduleOutputs(workflowRunId);
      if (isTruthy(params.feedback)) parentState[subAction.feedback?.state_key || "_retry_feedback"] = params.feedback;
      const modules = actions.map((action) => resolveActionModule(workflow, action));
      for (const config of modules) {
        if (loadModule(env, config).kind === "interactive") {
          throw new Error(`Sub-action cannot run interactive module '${config.module_id}'`);
        }
      }
      const virtualStep: WorkflowStep = { step_id: `sub_action_${executionId}`, modules };
      const child = env.repos.runs.createChildRun(workflowRunId, executionId);
      childWorkflowId = child.workflowRunId;
      const childScope: RunScope = { ...scope, workflowRunId: child.workflowRunId, target: null };
      for (let index = 0; index < modules.length; index++) {
        const result = await executeStepModules(childScope, virtualStep, index, parentState, { onlyOne: true });
        if (result.status === "error") throw new WfvError(result.error_type ?? "execution_failed", `Sub-action failed: ${result.error ?? result.message}`, result.error_details ?? {});
        yield {
          type: "progress",
          data: { workflow_run_id: workflowRunId, execution_id: executionId, message: `Completed ${moduleName(modules[index])}`, module_name: moduleName(modules[index]), module_index: index, module_count: modules.length },
        };
      }
      childState = env.view.moduleOutputs(child.workflowRunId);
    } else if (kind === "self_sub_action") {
      const moduleId = String(interaction.data?.module_id ?? module.module_id);
      const instance = loadModule(env, { ...module, module_id: moduleId });
      if (instance.kind !== "interactive" || typeof instance.subAction !== "function") {
        throw new Error(`Module '${moduleId}' does not support sub-actions`);
      }
      const context: SubActionContext = {
        workflowRunId,
        executionId,
        interactionId: request.interactionId,
        db: env.moduleDb,
        params: { ...(actions[0].params ?? {}), ...params },
        mockMode: scope.services.mock_mode,
        providers: env.providers,
        newId: () => env.repos.db.newUuid7Hex(),
        now: () => env.repos.db.now(),
      };
      let result: Json | null = null;
      for await (const [eventType, data] of instance.subAction(context)) {
        if (eventType === "progress") yield { type: "progress", data: { workflow_run_id: workflowRunId, execution_id: executionId, ...data } };
        else if (eventType === "result") result = data;
      }
      if (result === null) throw new Error("Sub-action produced no result");
      childState = result;
    } else {
      throw new Error(`Unknown sub-action type: ${String(kind)}`);
    }

    const updatedState = applyResultMapping(subAction.result_mapping, childState, env.view.moduleOutputs(workflowRunId));
    const completedData: Json = { execution_id: executionId, sub_action_id: request.subActionId, child_state: childState, _state_mapped: updatedState };
    if (childWorkflowId) completedData.child_workflow_id = childWorkflowId;
    env.repos.events.storeEvent({ workflowRunId, eventType: EventType.SUB_ACTION_COMPLETED, data: completedData, stepId, moduleName: name });
    yield { type: "complete", data: { execution_id: executionId, updated_state: updatedState, sub_action_result: childState } };
  } catch (error) {
    const data: Json = { message: errorText(error), execution_id: executionId, error_type: error instanceof WfvError ? error.errorType : "execution_failed" };
    if (error instanceof WfvError) data.details = error.details;
    yield { type: "error", data };
  }
}
