/**
 * Python operations on JSON values that the transform and prompt modules copy: iteration, `len()`,
 * `dict.get` (an AttributeError on non-dicts), `key in container` (a TypeError for unhashable keys),
 * `==` (numbers and booleans compare by value; `"1" != 1`) and `str()`/`repr()` via the template's
 * Python formatting.
 */
import { pyRepr, pyStr } from "../../template/python-format";
import { isPlainObject, pythonTypeName } from "../python";

export { pyRepr, pyStr };

/** `for x in value`: list items, dict keys, string characters; anything else is not iterable. */
export function pythonIterate(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === "string") return [...value];
  if (isPlainObject(value)) return Object.keys(value);
  throw new TypeError(`'${pythonTypeName(value)}' object is not iterable`);
}

/** `len(value)`. */
export function pythonLen(value: unknown): number {
  if (typeof value === "string") return [...value].length;
  if (Array.isArray(value)) return value.length;
  if (isPlainObject(value)) return Object.keys(value).length;
  throw new TypeError(`object of type '${pythonTypeName(value)}' has no len()`);
}

/** `obj.get(key, fallback)`; only dicts have `.get`. */
export function pythonGet(obj: unknown, key: string, fallback: unknown = null): unknown {
  if (!isPlainObject(obj)) throw new TypeError(`'${pythonTypeName(obj)}' object has no attribute 'get'`);
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : fallback;
}

function isUnhashable(value: unknown): boolean {
  return Array.isArray(value) || isPlainObject(value);
}

/** `key in dict`: JSON dict keys are strings, so only a string key can be there. */
export function pythonInDict(key: unknown, dict: Record<string, unknown>): boolean {
  if (isUnhashable(key)) throw new TypeError(`unhashable type: '${pythonTypeName(key)}'`);
  return typeof key === "string" && Object.prototype.hasOwnProperty.call(dict, key);
}

function numeric(value: unknown): number | null {
  if (typeof value === "boolean") return value ? 1 : 0;
  return typeof value === "number" ? value : null;
}

/** Python `==` on JSON values. */
export function pythonEquals(a: unknown, b: unknown): boolean {
  const x = numeric(a);
  const y = numeric(b);
  if (x !== null || y !== null) return x !== null && y !== null && x === y;
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a === "string" || typeof b === "string") return a === b;
  // datetimes compare by value, as Python's do.
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => pythonEquals(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && pythonEquals(a[key], b[key]));
  }
  return a === b;
}

/** `x in list`. */
export function pythonInList(item: unknown, list: unknown[]): boolean {
  return list.some((entry) => pythonEquals(entry, item));
}
