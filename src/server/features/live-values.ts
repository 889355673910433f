/** Values of `state.<path>` in the live virtual state the extension pushes (hover, inlay hints). */

/** A path the state does not have (distinct from a stored `null`). */
export const MISSING = Symbol("missing");

/** The value at `path` in `state` (list indexes as digits, negative from the end), or {@link MISSING}. */
export function valueAt(state: Record<string, unknown>, path: readonly string[]): unknown {
  let current: unknown = state;
  for (const segment of path) {
    if (Array.isArray(current) && /^-?\d+$/.test(segment)) {
      const index = Number(segment);
      current = current[index < 0 ? current.length + index : index];
    } else if (current && typeof current === "object" && Object.hasOwn(current, segment)) {
      current = (current as Record<string, unknown>)[segment];
    } else return MISSING;
    if (current === undefined) return MISSING;
  }
  return current;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** A value in a few characters: `"Cat"`, `[3 items]`, `{4 keys}`, `12`, cut to `max` characters. */
export function shortValue(value: unknown, max = 40): string {
  if (value === MISSING) return "⚠ undefined";
  let text: string;
  if (Array.isArray(value)) text = `[${plural(value.length, "item", "items")}]`;
  else if (value !== null && typeof value === "object") text = `{${plural(Object.keys(value).length, "key", "keys")}}`;
  else if (typeof value === "string") {
    text = JSON.stringify(value);
    if (text.length > max) return `${text.slice(0, max - 2)}…"`;
  } else if (typeof value === "bigint") text = value.toString();
  else text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
