/**
 * The editor client's auto-selection (engine.md §4.9, `auto-select.ts`): how an `up_to` run answers an
 * earlier interaction nobody has answered yet. Only schema-driven selections can be chosen this way;
 * anything else (text, forms, media) returns null and the run stops there.
 */
import { isPlainObject } from "../python/builtins";
import type { InteractionResponseData } from "./types";

type Candidate = number | unknown[];

function isSelectable(schema: Record<string, unknown>): boolean {
  if (schema.selectable === true || schema["_ux.selectable"] === true) return true;
  const ux = schema._ux;
  return isPlainObject(ux) && ux.selectable === true;
}

/** Candidate paths into `data` at the first selectable level, in order. */
function findCandidates(schema: unknown, data: unknown): unknown[][] | null {
  if (!isPlainObject(schema)) return null;
  if (Array.isArray(data)) {
    const items = schema.items;
    if (isPlainObject(items) && isSelectable(items)) return data.map((_, i) => [i]);
    if (data.length === 0) return null;
    const inner = findCandidates(items, data[0]);
    return inner === null ? null : inner.map((path) => [0, ...path]);
  }
  if (isPlainObject(data)) {
    const properties = schema.properties;
    if (!isPlainObject(properties)) return null;
    for (const key of Object.keys(properties)) {
      if (!(key in data)) continue;
      const inner = findCandidates(properties[key], data[key]);
      if (inner !== null) return inner.map((path) => [key, ...path]);
    }
  }
  return null;
}

/** A single-element path unwraps to its index (`[0]` → `0`), as the client sends it. */
function unwrap(path: unknown[]): Candidate {
  return path.length === 1 ? (path[0] as number) : path;
}

/** The answer the editor would pick, or null when the interaction cannot be answered automatically. */
export function autoSelectResponse(interactionRequest: { display_data?: unknown; min_selections?: number; max_selections?: number }): InteractionResponseData | null {
  const displayData = interactionRequest.display_data;
  if (!isPlainObject(displayData)) return null;
  const candidates = findCandidates(displayData.schema, displayData.data);
  if (candidates === null || candidates.length === 0) return null;
  let count = 1;
  if (displayData.multi_select === true) {
    const min = interactionRequest.min_selections ?? 1;
    const max = interactionRequest.max_selections ?? 1;
    // A max of -1 (unlimited) does not cap the count.
    count = Math.max(1, max < 0 ? min : Math.min(min, max));
  }
  return { selected_indices: candidates.slice(0, count).map(unwrap), cancelled: false };
}
