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
import { EventType, isOnLineage, LineageReplay, type EventDocument, type Repositories, type WorkflowPosition } from "../repositories";

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
 * One lineage's events and what is derived from them (the repositories' LineageReplay: the flat state
 * as references, the position's running values), extended event by event as the run's log grows.
 */
class LineageState {
  readonly events: EventDocument[] = [];
  private consumed = 0;
  readonly replay = new LineageReplay();

  constructor(
    readonly generation: number,
    readonly runList: readonly EventDocument[],
    private readonly cutoffs: ReadonlyMap<string, string | null>,
  ) {}

  advance(): void {
    const list = this.runList;
    for (let i = this.consumed; i < list.length; i++) {
      const event = list[i];
      if (!isOnLineage(event, this.cutoffs)) continue;
      this.events.push(event);
      this.replay.apply(event);
    }
    this.consumed = list.length;
  }

  moduleOutputs(): Record<string, unknown> {
    return this.replay.copyOutputs(cloneValue);
  }

  position(): WorkflowPosition {
    return this.replay.position(cloneValue);
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
