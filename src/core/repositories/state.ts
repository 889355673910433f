/**
 * State reconstruction from the event log (engine.md 2.5) and the branch moves built on it (2.6).
 * Everything reads the lineage only; "latest" means highest `event_id` (ruling 4).
 */
import type { VirtualDb } from "../db/types";
import { WfvError } from "../errors";
import type { BranchRepository } from "./branches";
import type { EventRepository } from "./events";
import { buildFileTree, buildMediaTree, type TreeNode } from "./file-tree";
import { isTruthy } from "../python/builtins";
import { pythonJsonDumps } from "../python/json-dumps";
import { pythonStr } from "./python-json";
import { Collections, EventType, type EventData, type EventDocument, type Timestamp } from "./types";

type Json = Record<string, unknown>;

/** The flat state: raw outputs under module names mixed with `outputs_to_state`/result-mapping keys. */
export type ModuleOutputs = Record<string, unknown>;

export interface WorkflowPosition {
  current_step: string | null;
  current_module_index: number;
  /** `step_id` of every `step_completed`, in order, duplicates kept. */
  completed_steps: string[];
  /** The raw `data` of the pending `interaction_requested`, or null. */
  pending_interaction: EventData | null;
}

/** What has happened inside the step that is open (started, not completed) on the lineage. */
export interface OpenStepProgress {
  step_id: string;
  /** The step_started that opened it (the first one since the step last completed). */
  opened_by_event_id: string;
  /** Names of the modules completed in it since then, in order, repeats kept. */
  completed_modules: string[];
}

/**
 * The step open on a lineage (started, not completed) and the modules completed in it since it opened:
 * since the *first* `step_started` after its last completion, so an as-built DB whose mid-step resume
 * stored a second `step_started` still counts the modules completed before it (ruling 2). Null when no
 * step is open. The engine resumes from this (executor.ts firstIncompleteModule).
 */
export function openStepProgress(lineage: readonly EventDocument[]): OpenStepProgress | null {
  // Per step: the event that opened it since its last completion.
  const openedBy = new Map<string, number>();
  const completed = new Set<string>();
  let latestStarted: string | null = null;
  lineage.forEach((event, index) => {
    if (!event.step_id) return;
    if (event.event_type === EventType.STEP_STARTED) {
      latestStarted = event.step_id;
      if (!openedBy.has(event.step_id)) openedBy.set(event.step_id, index);
    } else if (event.event_type === EventType.STEP_COMPLETED) {
      completed.add(event.step_id);
      openedBy.delete(event.step_id);
    }
  });
  // Same rule as get_workflow_position: a step that ever completed on the lineage is not open.
  if (latestStarted === null || completed.has(latestStarted)) return null;
  const stepId: string = latestStarted;
  const start = openedBy.get(stepId)!;
  const modules = lineage
    .slice(start + 1)
    .filter((e) => e.event_type === EventType.MODULE_COMPLETED && e.step_id === stepId && e.module_name)
    .map((e) => e.module_name as string);
  return { step_id: stepId, opened_by_event_id: lineage[start]!.event_id, completed_modules: modules };
}

export interface CompletedInteraction {
  interaction_id: string;
  request: EventData;
  response: unknown;
  timestamp: Timestamp | null;
  step_id: string | null;
  module_name: string | null;
}

export interface ConversationMessage {
  role: "assistant" | "user";
  content: string;
}

export interface RetryContext {
  conversation_history: ConversationMessage[];
  feedback: unknown;
}

export interface HierarchicalState {
  steps: Json;
  state_mapped: Json;
}

export interface FullWorkflowState extends HierarchicalState {
  files: TreeNode[];
}

export interface StoreModuleOutputsInput {
  workflowRunId: string;
  stepId: string;
  moduleName: string;
  outputs: Json;
  /** The module's `outputs_to_state`: output path (dots walk into objects) → state key. */
  outputsToState?: Record<string, string> | null;
  /** The executor's in-memory state; receives the mapped state keys only (engine.md 2.5). */
  workingState?: Record<string, unknown>;
  branchId?: string | null;
  workflowVersionId?: string | null;
}

export interface StateRepository {
  /** The state API: called on every engine call, one lineage query and one pass. */
  getModuleOutputs(workflowRunId: string, branchId?: string | null): ModuleOutputs;
  getModuleOutputsHierarchical(workflowRunId: string, branchId?: string | null): HierarchicalState;
  /** Hierarchical state, the file tree (workflow files plus a `media` node) and the flat state. */
  getFullWorkflowState(workflowRunId: string, branchId?: string | null): FullWorkflowState;
  getWorkflowPosition(workflowRunId: string, branchId?: string | null): WorkflowPosition;
  /**
   * The open step and the modules it completed, for resuming after the last completed module of
   * the step's definition instead of counting (ruling 2). Null when no step is open.
   */
  getOpenStepProgress(workflowRunId: string, branchId?: string | null): OpenStepProgress | null;
  /** Requests paired with responses by `interaction_id` (the last one per id wins), answer order. */
  getInteractionHistory(workflowRunId: string, branchId?: string | null): CompletedInteraction[];
  /** The target module's earlier answers and the feedback that followed each, in `event_id` order. */
  getRetryContext(workflowRunId: string, targetModule: string, branchId?: string | null): RetryContext;
  /** Forks just before the target module's first event in the lineage; returns the new branch. */
  jumpToModule(workflowRunId: string, targetStep: string, targetModule: string): string;
  /** Forks at (and including) the `interaction_requested` that asked `interactionId`. */
  branchFromInteractionRequest(workflowRunId: string, interactionId: string): string;
  /** Stores `module_completed{...outputs, _state_mapped}` and returns the event id and the mapping. */
  storeModuleOutputs(input: StoreModuleOutputsInput): { eventId: string; stateMapped: Json };
}

/** Python `get_nested_value`: dots walk through objects; a missing key or a non-object gives null. */
export function getNestedValue(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const key of path.split(".")) {
    if (current === null || typeof current !== "object" || Array.isArray(current)) return null;
    const record = current as Json;
    if (!Object.prototype.hasOwnProperty.call(record, key)) return null;
    current = record[key];
  }
  return current === undefined ? null : current;
}

/** `outputs_to_state` applied to a module's outputs: state key → value. */
export function mapOutputsToState(outputs: Json, outputsToState: Record<string, string> | null | undefined): Json {
  const mapped: Json = {};
  for (const [outputPath, stateKey] of Object.entries(outputsToState ?? {})) {
    setOwn(mapped, stateKey, getNestedValue(outputs, outputPath));
  }
  return mapped;
}

/** `target[key] = value`, also for the key `__proto__`, which plain assignment would treat as the prototype. */
function setOwn(target: Json, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

const stateMappedOf = (data: EventData | undefined): Json => {
  const mapped = data?._state_mapped;
  return mapped !== null && typeof mapped === "object" && !Array.isArray(mapped) ? (mapped as Json) : {};
};

function retryContent(value: unknown): string {
  return Array.isArray(value) || (value !== null && typeof value === "object" && !(value instanceof Date))
    ? pythonJsonDumps(value, { indent: 2, dates: "iso" })
    : pythonStr(value);
}

/**
 * The flat state (`get_module_outputs`) and the position's running values (`get_workflow_position`),
 * built by applying a lineage's events one at a time in `event_id` order. The one implementation of
 * both: the repository replays a queried lineage through it, and the engine's event view extends one
 * incrementally as the log grows. `outputs` holds the events' own values (no copies).
 */
export class LineageReplay {
  readonly outputs: ModuleOutputs = {};
  private readonly completedSteps: string[] = [];
  private lastStepStarted: EventDocument | null = null;
  /** `module_completed` events of the latest started step since it started. */
  private stepCompletions = 0;
  private lastRequest: EventDocument | null = null;
  private lastResponse: EventDocument | null = null;

  apply(event: EventDocument): void {
    switch (event.event_type) {
      case EventType.MODULE_COMPLETED:
        if (event.module_name) setOwn(this.outputs, event.module_name, event.data ?? {});
        this.applyStateMapped(event.data);
        if (this.lastStepStarted && event.step_id === this.lastStepStarted.step_id) this.stepCompletions++;
        break;
      case EventType.SUB_ACTION_COMPLETED:
        // Sub-action completions only contribute their mapped keys, never a module entry.
        this.applyStateMapped(event.data);
        break;
      case EventType.STEP_COMPLETED:
        if (event.step_id) this.completedSteps.push(event.step_id);
        break;
      case EventType.STEP_STARTED:
        this.lastStepStarted = event;
        this.stepCompletions = 0;
        break;
      case EventType.INTERACTION_REQUESTED:
        this.lastRequest = event;
        break;
      case EventType.INTERACTION_RESPONSE:
        this.lastResponse = event;
        break;
    }
  }

  private applyStateMapped(data: EventData | undefined): void {
    const mapped = stateMappedOf(data);
    for (const key of Object.keys(mapped)) setOwn(this.outputs, key, mapped[key]);
  }

  /** A fresh flat state, `copy` applied to each value. */
  copyOutputs(copy: <T>(value: T) => T): ModuleOutputs {
    const out: ModuleOutputs = {};
    for (const key of Object.keys(this.outputs)) setOwn(out, key, copy(this.outputs[key]));
    return out;
  }

  /** The position; `copy` is applied to the pending interaction's data (identity by default). */
  position(copy: <T>(value: T) => T = (value) => value): WorkflowPosition {
    let currentStep: string | null = null;
    let currentModuleIndex = 0;
    const started = this.lastStepStarted;
    if (started) {
      const stepId = started.step_id ?? null;
      if (!this.completedSteps.includes(stepId as string)) {
        currentStep = stepId;
        currentModuleIndex = this.stepCompletions;
      }
    }
    // Pairing is by recency only: the latest request is pending unless a later response exists.
    const request = this.lastRequest;
    const response = this.lastResponse;
    const pending = request && (!response || response.event_id < request.event_id) ? copy(request.data ?? null) : null;
    return {
      current_step: currentStep,
      current_module_index: currentModuleIndex,
      completed_steps: [...this.completedSteps],
      pending_interaction: pending,
    };
  }
}

const replayLineage = (lineage: readonly EventDocument[]): LineageReplay => {
  const replay = new LineageReplay();
  for (const event of lineage) replay.apply(event);
  return replay;
};

export function createStateRepository(db: VirtualDb, branches: BranchRepository, events: EventRepository): StateRepository {
  const lineageEvents = (workflowRunId: string, branchId?: string | null) =>
    events.getLineageEvents(workflowRunId, { branchId });

  const getModuleOutputs = (workflowRunId: string, branchId?: string | null): ModuleOutputs =>
    replayLineage(
      events.getLineageEvents(workflowRunId, {
        branchId,
        eventType: [EventType.MODULE_COMPLETED, EventType.SUB_ACTION_COMPLETED],
      }),
    ).outputs;

  const getModuleOutputsHierarchical = (workflowRunId: string, branchId?: string | null): HierarchicalState => {
    const steps: Json = { _metadata: { node_type: "steps_container" } };
    for (const event of lineageEvents(workflowRunId, branchId)) {
      if (!event.module_name) continue;
      const stepKey = "step_id" in event ? (event.step_id as string) : "_unknown";
      // Own-key checks: a step or module named like an Object.prototype member ("constructor") is
      // still just a name.
      if (!Object.hasOwn(steps, stepKey)) steps[stepKey] = { _metadata: { node_type: "step" } };
      const step = steps[stepKey] as Json;
      if (!Object.hasOwn(step, event.module_name)) step[event.module_name] = { _metadata: { node_type: "module" } };
      const module = step[event.module_name] as Json;
      const entry = { _metadata: { node_type: "event_data", event_type: event.event_type }, ...(event.data ?? {}) };
      let key: string = event.event_type;
      for (let n = 1; Object.hasOwn(module, key); n++) key = `${event.event_type}.${n}`;
      module[key] = entry;
    }
    return { steps, state_mapped: {} };
  };

  const fork = (workflowRunId: string, parentBranchId: string, parentEventId: string | null) =>
    branches.createBranch(workflowRunId, parentBranchId, parentEventId);

  return {
    getModuleOutputs,
    getModuleOutputsHierarchical,

    getFullWorkflowState(workflowRunId, branchId) {
      const state = getModuleOutputsHierarchical(workflowRunId, branchId);
      const files = buildFileTree(
        workflowRunId,
        db.collection(Collections.workflowFiles).find(
          { workflow_run_id: workflowRunId },
          { sort: [["created_at", 1], ["file_id", 1]] },
        ),
      );
      const media = buildMediaTree(workflowRunId, db);
      if (media.length > 0) {
        files.push({
          _meta: { display_name: "media", icon: "folder", download_url: `/workflow/${workflowRunId}/media/download` },
          children: media,
        });
      }
      return { steps: state.steps, state_mapped: getModuleOutputs(workflowRunId, branchId), files };
    },

    getWorkflowPosition(workflowRunId, branchId) {
      return replayLineage(lineageEvents(workflowRunId, branchId)).position();
    },

    getOpenStepProgress(workflowRunId, branchId) {
      return openStepProgress(lineageEvents(workflowRunId, branchId));
    },

    getInteractionHistory(workflowRunId, branchId) {
      const requests = new Map<string, EventDocument>();
      const responses = new Map<string, EventDocument>();
      for (const event of lineageEvents(workflowRunId, branchId)) {
        const interactionId = event.data?.interaction_id;
        if (!isTruthy(interactionId)) continue;
        if (event.event_type === EventType.INTERACTION_REQUESTED) requests.set(interactionId as string, event);
        else if (event.event_type === EventType.INTERACTION_RESPONSE) responses.set(interactionId as string, event);
      }
      const completed: (CompletedInteraction & { answeredBy: string })[] = [];
      for (const [interactionId, request] of requests) {
        const response = responses.get(interactionId);
        if (!response) continue;
        const responseData = response.data ?? {};
        completed.push({
          interaction_id: interactionId,
          request: request.data ?? {},
          response: "response" in responseData ? responseData.response : responseData,
          timestamp: response.timestamp ?? null,
          step_id: request.step_id ?? null,
          module_name: request.module_name ?? null,
          answeredBy: response.event_id,
        });
      }
      // The original sorts by the response's timestamp; the response's event id gives the same order
      // and survives imported string timestamps (ruling 4).
      completed.sort((a, b) => (a.answeredBy < b.answeredBy ? -1 : a.answeredBy > b.answeredBy ? 1 : 0));
      return completed.map(({ answeredBy: _answeredBy, ...interaction }) => interaction);
    },

    getRetryContext(workflowRunId, targetModule, branchId) {
      const relevant = events.getLineageEvents(workflowRunId, {
        branchId,
        eventType: [EventType.MODULE_COMPLETED, EventType.RETRY_REQUESTED],
      });
      const completions = relevant.filter(
        (e) => e.event_type === EventType.MODULE_COMPLETED && e.module_name === targetModule,
      );
      const retries = relevant.filter(
        (e) => e.event_type === EventType.RETRY_REQUESTED && e.data?.target_module === targetModule,
      );

      const history: ConversationMessage[] = [];
      completions.forEach((completion, i) => {
        const data = completion.data ?? {};
        const content = isTruthy(data.response) ? data.response : data.response_text;
        if (isTruthy(content)) history.push({ role: "assistant", content: retryContent(content) });
        const after = completion.event_id;
        const before = completions[i + 1]?.event_id;
        for (const retry of retries) {
          if (retry.event_id > after && (before === undefined || retry.event_id < before)) {
            const feedback = retry.data?.feedback;
            if (isTruthy(feedback)) history.push({ role: "user", content: `FEEDBACK FROM USER: ${pythonStr(feedback)}` });
          }
        }
      });

      const latest = retries.at(-1);
      return { conversation_history: history, feedback: latest ? (latest.data?.feedback ?? null) : null };
    },

    jumpToModule(workflowRunId, targetStep, targetModule) {
      const currentBranchId = branches.getCurrentBranchId(workflowRunId);
      const all = lineageEvents(workflowRunId, currentBranchId);
      const first = all.findIndex((e) => e.step_id === targetStep && e.module_name === targetModule);
      if (first < 0) {
        throw new WfvError("module_not_found", `Module ${targetStep}/${targetModule} not found in branch lineage`, {
          step_id: targetStep,
          module_name: targetModule,
          workflow_run_id: workflowRunId,
        });
      }
      const parent = first > 0 ? all[first - 1] : null;
      if (parent) return fork(workflowRunId, parent.branch_id as string, parent.event_id);
      // As built: with nothing before the target, the fork keeps the whole current branch (a null
      // cutoff). Unreachable in practice: workflow_created and step_started always come first.
      return fork(workflowRunId, currentBranchId as string, null);
    },

    branchFromInteractionRequest(workflowRunId, interactionId) {
      const currentBranchId = branches.getCurrentBranchId(workflowRunId);
      if (!currentBranchId) {
        throw new WfvError("db_invalid", `Workflow '${workflowRunId}' has no current branch`, {
          workflow_run_id: workflowRunId,
        });
      }
      const target = events
        .getLineageEvents(workflowRunId, { branchId: currentBranchId, eventType: EventType.INTERACTION_REQUESTED })
        .find((e) => e.data?.interaction_id === interactionId);
      if (!target) {
        throw new WfvError("bad_request", `Interaction '${interactionId}' not found in branch lineage`, {
          workflow_run_id: workflowRunId,
          interaction_id: interactionId,
        });
      }
      return fork(workflowRunId, target.branch_id as string, target.event_id);
    },

    storeModuleOutputs(input) {
      const stateMapped = mapOutputsToState(input.outputs, input.outputsToState);
      if (input.workingState) for (const key of Object.keys(stateMapped)) setOwn(input.workingState, key, stateMapped[key]);
      const eventId = events.storeEvent({
        workflowRunId: input.workflowRunId,
        eventType: EventType.MODULE_COMPLETED,
        data: { ...input.outputs, _state_mapped: stateMapped },
        stepId: input.stepId,
        moduleName: input.moduleName,
        branchId: input.branchId,
        workflowVersionId: input.workflowVersionId,
      });
      return { eventId, stateMapped };
    },
  };
}
