/**
 * Fast reads of the event log for the engine's hot path: the lineage, the flat state
 * (`get_module_outputs`) and the position, with the repositories' exact semantics (engine.md §2.4,
 * §2.5), but without a Mongo query and a deep copy of every event on every read.
 *
 * Why: a live session keeps its DB between calls, and state is rebuilt from events several times per
 * call. Through the query layer that costs ~20 ms per read at 10k events (every document is matched
 * and copied). Here the in-memory DB's stored event documents are indexed per run once, and later
 * calls only look at events appended since (the log is append-only; a deletion or a rollback swaps
 * the stored array, which triggers a full re-index). Only the values handed out are copied.
 *
 * Stored documents are never mutated in place by the DB (updates store copies), so holding
 * references to them is safe as long as nothing here writes to them. A DB that is not the built-in
 * in-memory one is read through the repositories instead.
 */
import { cloneValue } from "../db/clone";
import { MemoryDb } from "../db/memory-db";
import type { Document } from "../db/types";
import { EventType, type EventDocument, type Repositories, type WorkflowPosition } from "../repositories";

export interface EventView {
  /** The lineage's events in `event_id` order (stored documents: read them, never change them). */
  lineage(workflowRunId: string, branchId?: string | null): readonly EventDocument[];
  /** Every event of a run on every branch, in `event_id` order (stored documents, read-only). */
  runEvents(workflowRunId: string): readonly EventDocument[];
  /** `get_module_outputs`: the flat state, as fresh copies. */
  moduleOutputs(workflowRunId: string, branchId?: string | null): Record<string, unknown>;
  /** `get_workflow_position`; the pending interaction's data is a fresh copy. */
  position(workflowRunId: string, branchId?: string | null): WorkflowPosition;
}

/** The `interaction_requested` that asked `interactionId`, on any branch (engine.md §4.4 step 2). */
export function findInteractionRequest(view: EventView, workflowRunId: string, interactionId: string): EventDocument | null {
  for (const event of view.runEvents(workflowRunId)) {
    if (event.event_type === EventType.INTERACTION_REQUESTED && event.data?.interaction_id === interactionId) return event;
  }
  return null;
}

/** The lineage's latest event of a type (ruling 4: by `event_id`, on the lineage). */
export function latestLineageEvent(view: EventView, workflowRunId: string, eventType: EventDocument["event_type"]): EventDocument | null {
  const events = view.lineage(workflowRunId);
  for (let i = events.length - 1; i >= 0; i--) if (events[i].event_type === eventType) return events[i];
  return null;
}

const stateMappedOf = (data: Record<string, unknown> | undefined): Record<string, unknown> => {
  const mapped = data?._state_mapped;
  return mapped !== null && typeof mapped === "object" && !Array.isArray(mapped) ? (mapped as Record<string, unknown>) : {};
};

/** Stored events indexed per run, kept up to date by scanning only what was appended. */
class MemoryEventIndex {
  private source: readonly Document[] | null = null;
  private scanned = 0;
  private lastSeen: Document | undefined;
  private readonly byRun = new Map<string, EventDocument[]>();
  private readonly unsorted = new Set<string>();
  /** Changes whenever a run's list is rebuilt or reordered, so derived caches know to start over. */
  generation = 0;

  constructor(private readonly db: MemoryDb) {}

  private sync(): void {
    const stored = this.db.storedDocuments("events");
    const appendedOnly =
      stored === this.source && stored.length >= this.scanned && (this.scanned === 0 || stored[this.scanned - 1] === this.lastSeen);
    if (!appendedOnly) {
      this.byRun.clear();
      this.unsorted.clear();
      this.scanned = 0;
      this.source = stored;
      this.generation++;
    }
    for (let i = this.scanned; i < stored.length; i++) {
      const event = stored[i] as unknown as EventDocument;
      let list = this.byRun.get(event.workflow_run_id);
      if (list === undefined) this.byRun.set(event.workflow_run_id, (list = []));
      const previous = list[list.length - 1];
      if (previous !== undefined && previous.event_id > event.event_id) this.unsorted.add(event.workflow_run_id);
      list.push(event);
    }
    this.scanned = stored.length;
    this.lastSeen = stored[stored.length - 1];
  }

  runEvents(workflowRunId: string): readonly EventDocument[] {
    this.sync();
    const list = this.byRun.get(workflowRunId) ?? [];
    // An imported log may be out of order; reads are always in event_id order.
    if (this.unsorted.delete(workflowRunId)) {
      list.sort((a, b) => (a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0));
      this.generation++;
    }
    return list;
  }
}

/**
 * One lineage's events and what is derived from them (the flat state as references, the position's
 * running values), extended event by event as the run's log grows.
 */
class LineageState {
  readonly events: EventDocument[] = [];
  private consumed = 0;
  readonly outputs: Record<string, unknown> = {};
  readonly completedSteps: string[] = [];
  lastStepStarted: EventDocument | null = null;
  /** `module_completed` events of the latest started step since it started. */
  stepCompletions = 0;
  lastRequest: EventDocument | null = null;
  lastResponse: EventDocument | null = null;

  constructor(
    readonly generation: number,
    readonly runList: readonly EventDocument[],
    private readonly cutoffs: ReadonlyMap<string, string | null>,
  ) {}

  advance(): void {
    const list = this.runList;
    for (let i = this.consumed; i < list.length; i++) {
      const event = list[i];
      const branchOf = event.branch_id as string;
      if (!this.cutoffs.has(branchOf)) continue;
      const cutoff = this.cutoffs.get(branchOf);
      if (cutoff && event.event_id > cutoff) continue;
      this.events.push(event);
      this.apply(event);
    }
    this.consumed = list.length;
  }

  private apply(event: EventDocument): void {
    switch (event.event_type) {
      case EventType.MODULE_COMPLETED:
        if (event.module_name) this.outputs[event.module_name] = event.data ?? {};
        Object.assign(this.outputs, stateMappedOf(event.data));
        if (this.lastStepStarted && event.step_id === this.lastStepStarted.step_id) this.stepCompletions++;
        break;
      case EventType.SUB_ACTION_COMPLETED:
        Object.assign(this.outputs, stateMappedOf(event.data));
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

  moduleOutputs(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(this.outputs)) out[key] = cloneValue(this.outputs[key]);
    return out;
  }

  position(): WorkflowPosition {
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
    const request = this.lastRequest;
    const response = this.lastResponse;
    const pending = request && (!response || response.event_id < request.event_id) ? cloneValue(request.data ?? null) : null;
    return { current_step: currentStep, current_module_index: currentModuleIndex, completed_steps: [...this.completedSteps], pending_interaction: pending };
  }
}

const CACHE_LIMIT = 64;

export function createEventView(repos: Repositories): EventView {
  if (!(repos.db instanceof MemoryDb)) {
    return {
      lineage: (runId, branchId) => repos.events.getLineageEvents(runId, { branchId }),
      runEvents: (runId) => repos.events.getEvents(runId),
      moduleOutputs: (runId, branchId) => repos.state.getModuleOutputs(runId, branchId),
      position: (runId, branchId) => repos.state.getWorkflowPosition(runId, branchId),
    };
  }
  const index = new MemoryEventIndex(repos.db);
  const cache = new Map<string, LineageState>();

  const lineageState = (runId: string, branchId?: string | null): LineageState | null => {
    const branch = branchId ?? repos.branches.getCurrentBranchId(runId);
    if (!branch) return null;
    const entries = repos.branches.getBranchLineage(branch);
    if (entries.length === 0) return null;
    const runList = index.runEvents(runId);
    const key = `${runId}\u0000${entries.map((entry) => `${entry.branch_id}:${entry.cutoff_event_id ?? ""}`).join(",")}`;
    let state = cache.get(key);
    if (state === undefined || state.generation !== index.generation || state.runList !== runList) {
      if (cache.size >= CACHE_LIMIT) cache.clear();
      state = new LineageState(index.generation, runList, new Map(entries.map((entry) => [entry.branch_id, entry.cutoff_event_id])));
      cache.set(key, state);
    }
    state.advance();
    return state;
  };

  return {
    lineage: (runId, branchId) => lineageState(runId, branchId)?.events ?? [],
    runEvents: (runId) => index.runEvents(runId),
    moduleOutputs: (runId, branchId) => lineageState(runId, branchId)?.moduleOutputs() ?? {},
    position: (runId, branchId) =>
      lineageState(runId, branchId)?.position() ?? { current_step: null, current_module_index: 0, completed_steps: [], pending_interaction: null },
  };
}
