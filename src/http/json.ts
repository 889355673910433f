/**
 * JSON on the wire. Responses write `Date`s as `{"$date": ISO}` (extended JSON), so a DB snapshot that
 * travels uncompressed keeps its dates; requests are parsed as plain JSON and `{"$date"}` wrappers are
 * left for the DB import to revive (so a failed call can hand the caller's DB back exactly as sent).
 */

/**
 * One pass of `JSON.stringify`: the replacer sees the raw value through `this[key]` (before
 * `Date.prototype.toJSON` ran) and writes dates as `{$date}`; an invalid date becomes null, as JSON does.
 */
export function stringifyWire(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, converted: unknown) {
    const raw = this[key];
    if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? null : { $date: raw.toISOString() };
    return converted;
  });
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
