/**
 * The few Python behaviours modules must copy (modules.md §1.9): truthiness, `type(x).__name__`,
 * `isinstance(x, int)` and `str(datetime)` (Python's `re`: regex.ts).
 * Truthiness and type names are the value model's (operators.ts, objects.ts), which the template
 * engine uses too, so a template and a module never disagree.
 */

import { truthy } from "./operators";
import { datetimeStr } from "./format";
import { NaiveDateTime, pyTypeName } from "./objects";

/**
 * Python truthiness: `None`, `False`, `0`, `""`, `[]` and `{}` are false (JS thinks `[]`/`{}` true); NaN
 * is true. The value model's rule: one implementation for templates and modules.
 */
export function isTruthy(value: unknown): boolean {
  return truthy(value);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof RegExp);
}

/**
 * `type(x).__name__` of the Python value a value would be (JS cannot tell 1.0 from 1: integral numbers
 * are ints, README "Differences JavaScript forces"). The value model's rule.
 */
export function pythonTypeName(value: unknown): string {
  return pyTypeName(value);
}

/** `isinstance(x, int)`: booleans are ints in Python. */
export function isPythonInt(value: unknown): value is number | boolean {
  return typeof value === "boolean" || (typeof value === "number" && Number.isInteger(value));
}

/** The int a Python int-like value stands for (`True` acts as 1). */
export function pythonIntValue(value: number | boolean): number {
  return typeof value === "boolean" ? (value ? 1 : 0) : value;
}

/**
 * Python `str(datetime)` of a naive UTC datetime: `2026-02-15 10:03:11`, with `.ffffff` microseconds
 * only when they are not zero (JS dates hold milliseconds, so the last three digits are zeros).
 */
export function pythonDatetimeString(date: Date): string {
  return datetimeStr(NaiveDateTime.fromUtcDate(date));
}
