/**
 * The one JSON dialect wfv speaks on the wire and on disk: plain JSON where a `Date` is written
 * `{"$date": "<ISO-8601>"}` (the Mongo shell's and the oracle's form). Plain strings stay strings, so a
 * blob from the original Python server, whose dates are ISO strings, keeps them as strings (ruling 13).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isDateWrapper(value: Record<string, unknown>): value is { $date: string | number } {
  let keys = 0;
  for (const _ in value) if (++keys > 1) return false;
  return keys === 1 && (typeof value.$date === "string" || typeof value.$date === "number");
}

/** A key named `__proto__` (JSON.parse makes one) stays a field; plain assignment would set the prototype. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** Dates become `{$date}`; everything else is copied as JSON would see it. */
export function toExtendedJson(value: unknown): Json {
  if (value === null || typeof value !== "object") {
    if (value === undefined || typeof value === "function" || typeof value === "symbol") return null;
    if (typeof value === "bigint") return Number(value);
    if (typeof value === "number" && !Number.isFinite(value)) return null;
    return value as Json;
  }
  if (value instanceof Date) return { $date: value.toISOString() };
  if (Array.isArray(value)) return value.map(toExtendedJson);
  const out: { [key: string]: Json } = {};
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined && typeof v !== "function") setOwn(out, key, toExtendedJson(v));
  }
  return out;
}

/** `{$date}` objects become `Date`s; everything else is returned as a fresh copy. */
export function fromExtendedJson(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(fromExtendedJson);
  if (value instanceof Date) return new Date(value.getTime());
  const record = value as Record<string, unknown>;
  if (isDateWrapper(record)) {
    const date = new Date(record.$date);
    if (Number.isNaN(date.getTime())) throw new TypeError(`invalid $date: ${JSON.stringify(record.$date)}`);
    return date;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) setOwn(out, key, fromExtendedJson(record[key]));
  return out;
}

export function stringifyExtended(value: unknown, indent?: number): string {
  return JSON.stringify(toExtendedJson(value), null, indent);
}

export function parseExtended(text: string): unknown {
  return fromExtendedJson(JSON.parse(text));
}
