/**
 * Python operations on JSON values that the transform and prompt modules copy: iteration, `len()`,
 * `dict.get` (an AttributeError on non-dicts), `key in container` (a TypeError for unhashable keys),
 * `==` (numbers and booleans compare by value; `"1" != 1`) and `str()`/`repr()` via the value model's
 * Python formatting.
 */
import { pyEquals } from "./operators";
import { pyRepr, pyStr } from "./format";
import { isPlainObject, pythonTypeName } from "./builtins";

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

/** Python `==` (numbers and booleans by value, datetimes by value, `"1" != 1`): the template engine's. */
export function pythonEquals(a: unknown, b: unknown): boolean {
  return pyEquals(a, b);
}

/** `x in list`. */
export function pythonInList(item: unknown, list: unknown[]): boolean {
  return list.some((entry) => pythonEquals(entry, item));
}
