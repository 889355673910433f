/** Small value helpers shared by the collection code and the pipeline stages. */
import { toExtendedJson } from "../json/extended-json";
import { cloneValue } from "./clone";

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof RegExp);
}

/**
 * A string that identifies a value for equality the way Mongo matches it (1 and 1.0 are one number in
 * JS, as in Mongo; missing and null are one key, as in Mongo's indexes and `$lookup`).
 */
export function keyOf(value: unknown): string {
  if (typeof value === "string") return "s" + value;
  if (typeof value === "number") return "n" + value;
  if (value === undefined || value === null) return "z";
  return "j" + JSON.stringify(toExtendedJson(value));
}

/** Sets a dotted path, creating (or replacing non-object) parents on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = target;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = node[parts[i]];
    if (!isPlainObject(next)) node[parts[i]] = {};
    node = node[parts[i]] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = cloneValue(value);
}

/** The value at a dotted path without descending into arrays, or undefined. */
export function getPath(target: unknown, path: string): unknown {
  let node = target;
  for (const part of path.split(".")) {
    if (node === null || typeof node !== "object" || node instanceof Date) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** MongoDB stores documents nested at most 100 levels deep (each object or array is a level). */
export const MAX_NESTING_DEPTH = 100;

/** Whether `value` nests no deeper than `limit` objects/arrays (the document itself is level 1). */
export function withinNestingDepth(value: unknown, limit = MAX_NESTING_DEPTH): boolean {
  if (value === null || typeof value !== "object" || value instanceof Date || value instanceof RegExp) return true;
  if (limit <= 0) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!withinNestingDepth(value[i], limit - 1)) return false;
    return true;
  }
  for (const key in value) if (!withinNestingDepth((value as Record<string, unknown>)[key], limit - 1)) return false;
  return true;
}
