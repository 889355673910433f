/**
 * The immutable event log (engine.md 2.3) and the lineage query that is the only source of state
 * (2.4). "Latest" lookups are scoped to the lineage and ordered by `event_id`, never by timestamp
 * (ruling 4).
 */
import type { Filter, VirtualDb } from "../db/types";
import type { BranchRepository } from "./branches";
import { newPrefixedId } from "./ids";
import { Collections, EventType, type EventData, type EventDocument, type EventTypeName, type LineageEntry } from "./types";

export interface StoreEventInput {
  workflowRunId: string;
  eventType: EventTypeName;
  data?: EventData | null;
  stepId?: string | null;
  moduleName?: string | null;
  /** Defaults to the run's `current_branch_id`. */
  branchId?: string | null;
  /** Defaults to the run's `current_workflow_version_id`. */
  workflowVersionId?: string | null;
}

export interface LineageQuery {
  /** Defaults to the run's current branch. */
  branchId?: string | null;
  eventType?: EventTypeName | readonly EventTypeName[];
}

export interface EventQuery {
  eventType?: EventTypeName;
  moduleName?: string;
  stepId?: string;
  limit?: number;
}

export interface EventRepository {
  /** Stores one event and returns its id. */
  storeEvent(input: StoreEventInput): string;
  getEvent(eventId: string): EventDocument | null;
  /** Events of a run on every branch, in `event_id` order. */
  getEvents(workflowRunId: string, query?: EventQuery): EventDocument[];
  /** The lineage's events (root to branch, honouring cutoffs), in `event_id` order. */
  getLineageEvents(workflowRunId: string, query?: LineageQuery): EventDocument[];
  /** The lineage's latest event of a type, by `event_id`. */
  getLatestLineageEvent(workflowRunId: string, eventType: EventTypeName, branchId?: string | null): EventDocument | null;
  /** The lineage's latest `interaction_requested` (ruling 4). */
  getLatestInteractionRequest(workflowRunId: string, branchId?: string | null): EventDocument | null;
  /** The `interaction_requested` event that asked `interactionId`, on any branch (engine.md 4.4 step 2). */
  findInteractionRequest(workflowRunId: string, interactionId: string): EventDocument | null;
  countEvents(workflowRunId: string): number;
  deleteRunEvents(workflowRunId: string): number;
  /** The Mongo filter that selects a lineage's events; exposed for callers with their own projections. */
  lineageFilter(workflowRunId: string, lineage: readonly LineageEntry[], eventType?: LineageQuery["eventType"]): Filter;
}

export function buildLineageFilter(
  workflowRunId: string,
  lineage: readonly LineageEntry[],
  eventType?: LineageQuery["eventType"],
): Filter {
  const branchConditions = lineage.map((entry) =>
    entry.cutoff_event_id
      ? { branch_id: entry.branch_id, event_id: { $lte: entry.cutoff_event_id } }
      : { branch_id: entry.branch_id },
  );
  const filter: Filter = { workflow_run_id: workflowRunId, $or: branchConditions };
  if (typeof eventType === "string") filter.event_type = eventType;
  else if (eventType && eventType.length > 0) filter.event_type = { $in: [...eventType] };
  return filter;
}

/**
 * Whether an event of the run belongs to a lineage given as branch id → cutoff (`cutoff_event_id`,
 * null for the whole branch): the selection of buildLineageFilter's `$or`, as a Map look-up.
 */
export function isOnLineage(event: EventDocument, cutoffs: ReadonlyMap<string, string | null>): boolean {
  if (typeof event.branch_id !== "string" || !cutoffs.has(event.branch_id)) return false;
  const cutoff = cutoffs.get(event.branch_id);
  return !cutoff || event.event_id <= cutoff;
}

export function createEventRepository(db: VirtualDb, branches: BranchRepository): EventRepository {
  const events = () => db.collection(Collections.events);
  const runs = () => db.collection(Collections.workflowRuns);

  const lineageOf = (workflowRunId: string, branchId?: string | null): LineageEntry[] => {
    const branch = branchId ?? branches.getCurrentBranchId(workflowRunId);
    return branch ? branches.getBranchLineage(branch) : [];
  };

  const getLineageEvents = (workflowRunId: string, query: LineageQuery = {}): EventDocument[] => {
    const lineage = lineageOf(workflowRunId, query.branchId);
    if (lineage.length === 0) return [];
    // The same selection as buildLineageFilter's `$or`, applied in one pass over the run's events:
    // mingo evaluates an `$or` per document, which costs more than a Map look-up on 10k+ events.
    const cutoffs = new Map(lineage.map((entry) => [entry.branch_id, entry.cutoff_event_id]));
    const filter: Filter = { workflow_run_id: workflowRunId };
    if (typeof query.eventType === "string") filter.event_type = query.eventType;
    else if (query.eventType && query.eventType.length > 0) filter.event_type = { $in: [...query.eventType] };
    const candidates = events().find(filter, { sort: { event_id: 1 } }) as unknown as EventDocument[];
    return candidates.filter((event) => isOnLineage(event, cutoffs));
  };

  const getLatestLineageEvent = (workflowRunId: string, eventType: EventTypeName, branchId?: string | null) =>
    getLineageEvents(workflowRunId, { branchId, eventType }).at(-1) ?? null;

  return {
    storeEvent(input) {
      let branchId = input.branchId ?? null;
      let versionId = input.workflowVersionId ?? null;
      if (branchId === null || versionId === null) {
        const run = runs().findOne(
          { workflow_run_id: input.workflowRunId },
          { projection: { current_branch_id: 1, current_workflow_version_id: 1 } },
        );
        if (run) {
          branchId ??= (run.current_branch_id as string | undefined) ?? null;
          versionId ??= (run.current_workflow_version_id as string | undefined) ?? null;
        }
      }
      const eventId = newPrefixedId(db, "evt");
      const event: EventDocument = {
        event_id: eventId,
        workflow_run_id: input.workflowRunId,
        branch_id: branchId,
        workflow_version_id: versionId,
        event_type: input.eventType,
        timestamp: db.now(),
        data: input.data ?? {},
      };
      if (input.stepId) event.step_id = input.stepId;
      if (input.moduleName) event.module_name = input.moduleName;
      events().insertOne(event as unknown as Record<string, unknown>);
      return eventId;
    },

    getEvent(eventId) {
      return events().findOne({ event_id: eventId }) as EventDocument | null;
    },

    getEvents(workflowRunId, query = {}) {
      const filter: Filter = { workflow_run_id: workflowRunId };
      if (query.eventType) filter.event_type = query.eventType;
      if (query.moduleName) filter.module_name = query.moduleName;
      if (query.stepId) filter.step_id = query.stepId;
      return events().find(filter, { sort: { event_id: 1 }, limit: query.limit }) as unknown as EventDocument[];
    },

    getLineageEvents,
    getLatestLineageEvent,

    getLatestInteractionRequest(workflowRunId, branchId) {
      return getLatestLineageEvent(workflowRunId, EventType.INTERACTION_REQUESTED, branchId);
    },

    findInteractionRequest(workflowRunId, interactionId) {
      return events().findOne(
        {
          workflow_run_id: workflowRunId,
          event_type: EventType.INTERACTION_REQUESTED,
          "data.interaction_id": interactionId,
        },
        { sort: { event_id: 1 } },
      ) as EventDocument | null;
    },

    countEvents(workflowRunId) {
      return events().countDocuments({ workflow_run_id: workflowRunId });
    },

    deleteRunEvents(workflowRunId) {
      return events().deleteMany({ workflow_run_id: workflowRunId }).deletedCount;
    },

    lineageFilter: buildLineageFilter,
  };
}
