/**
 * Deep copies of stored documents. The DB holds JSON values plus `Date`s (and, rarely, RegExps), so a
 * hand-rolled walk is several times faster than structuredClone or a JSON round trip.
 */
import type { Document } from "./types";

/**
 * `out[key] = value`, also for a field named `__proto__` (a legal field name, e.g. from JSON.parse),
 * which plain assignment would turn into the copy's prototype and so drop.
 */
export function put(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

export function cloneValue<T>(value: T): T {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    const length = value.length;
    const out = new Array(length);
    for (let i = 0; i < length; i++) out[i] = cloneValue(value[i]);
    return out as T;
  }
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (value instanceof RegExp) return new RegExp(value.source, value.flags) as T;
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) put(out, key, cloneValue(v));
  }
  return out as T;
}

export function cloneDocument(document: Document): Document {
  return cloneValue(document);
}

/** Thrown by cloneWithinDepth when the value nests deeper than allowed. */
export class TooDeepToStore extends Error {}

/**
 * A deep copy that also enforces a nesting limit (the value itself is level 1), in one walk: writes
 * check MongoDB's depth limit on what they copy in anyway.
 */
export function cloneWithinDepth<T>(value: T, levels: number): T {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (value instanceof RegExp) return new RegExp(value.source, value.flags) as T;
  if (levels <= 0) throw new TooDeepToStore();
  if (Array.isArray(value)) {
    const length = value.length;
    const out = new Array(length);
    for (let i = 0; i < length; i++) out[i] = cloneWithinDepth(value[i], levels - 1);
    return out as T;
  }
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) put(out, key, cloneWithinDepth(v, levels - 1));
  }
  return out as T;
}
