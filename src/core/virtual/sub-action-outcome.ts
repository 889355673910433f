/**
 * A sub-action's event stream (VirtualSession.subAction) gathered into one answer: the progress events
 * (with `started`), the `complete` event's data as the result, or the error's message. The extension's
 * engine and the debugger answer the panel with it.
 */
import type { SseEvent } from "../engine/types";

export interface SubActionOutcome {
  progress: Record<string, unknown>[];
  /** The `complete` event's data (`sub_action_result`, `state`, and `changes` when asked for). */
  result: Record<string, unknown> | null;
  error: string | null;
}

export async function collectSubAction(events: AsyncIterable<SseEvent>): Promise<SubActionOutcome> {
  const outcome: SubActionOutcome = { progress: [], result: null, error: null };
  for await (const event of events) {
    if (event.type === "progress" || event.type === "started") outcome.progress.push(event.data);
    else if (event.type === "complete") outcome.result = event.data;
    else if (event.type === "error") outcome.error = String(event.data.message ?? "the sub-action failed");
  }
  return outcome;
}
