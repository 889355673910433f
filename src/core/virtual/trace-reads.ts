/**
 * What a traced call reads from the DB besides the engine's hooks: the interaction the caller's answer
 * goes to (asked in an earlier call), and the inputs the engine stored with a module's interaction
 * request (`_resolved_inputs`), for a call that answered the module without resolving it again.
 * Two indexed-size queries on the events collection, never the whole history.
 */
import { EventType } from "../repositories";
import type { InteractionResponseData } from "../engine/types";
import type { VirtualSession } from "./session";
import type { PendingAnswer } from "./trace";

type Doc = Record<string, unknown>;

function latestRequest(session: VirtualSession, filter: Doc): Doc | null {
  return session.db.collection("events").findOne({ event_type: EventType.INTERACTION_REQUESTED, ...filter }, { sort: { event_id: -1 } });
}

function record(value: unknown): Doc {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Doc) : {};
}

/** The interaction pending before the call (the last one asked and not answered), which `response` answers. */
export function pendingAnswer(session: VirtualSession, response: InteractionResponseData): PendingAnswer | null {
  const runId = session.findRunId();
  if (!runId) return null;
  const request = latestRequest(session, { workflow_run_id: runId });
  if (!request) return null;
  const data = record(request.data);
  const answered = session.db.collection("events").findOne({ workflow_run_id: runId, event_type: EventType.INTERACTION_RESPONSE, "data.interaction_id": data.interaction_id });
  if (answered) return null;
  return {
    step_id: String(request.step_id ?? ""),
    module_name: String(request.module_name ?? ""),
    module_id: String(data.module_id ?? ""),
    interaction_type: String(data.interaction_type ?? ""),
    response,
  };
}

/** `_resolved_inputs` of the module's latest interaction request in the run, or null. */
export function storedInputs(session: VirtualSession, runId: string, stepId: string, moduleName: string): Doc | null {
  if (!runId) return null;
  const request = latestRequest(session, { workflow_run_id: runId, step_id: stepId, module_name: moduleName });
  const inputs = request ? record(request.data)._resolved_inputs : undefined;
  return inputs !== null && typeof inputs === "object" && !Array.isArray(inputs) ? (inputs as Doc) : null;
}
