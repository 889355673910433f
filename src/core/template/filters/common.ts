/** What filters and tests share: their types, the environment's shape, Jinja's attribute getters, `ignore_case`, Python's `sorted`. */
import { getItem } from "../../python/attributes";
import { bindArgs, type ParamSpec } from "../../python/call-args";
import { pyOrder, pyIterate } from "../../python/operators";
import { pyStr } from "../../python/format";
import type { CallArgs } from "../../python/objects";
import { PyMarkup, Undef } from "../../python/objects";

/** A filter: the piped value, the call's arguments, and the environment (for filters that name others). */
export type FilterFn = (value: unknown, call: CallArgs, env: Environment) => unknown;
/** A test (`value is name(...)`), with the same arguments as a filter. */
export type TestFn = (value: unknown, call: CallArgs, env: Environment) => boolean;

/** Jinja's Environment as filters and tests see it: the tables they look names up in. */
export interface Environment {
  readonly filters: Readonly<Record<string, FilterFn>>;
  readonly tests: Readonly<Record<string, TestFn>>;
}

/** A filter with Jinja's signature: `params` after the value, bound Python-style. */
export function filter(name: string, params: ParamSpec, fn: (value: unknown, args: Record<string, unknown> & { varargs: unknown[] }) => unknown): FilterFn {
  return (value, call) => fn(value, bindArgs(name, call, params));
}

/** Markup in, Markup out: filters that call Markup's own str methods in Jinja. */
export function keepMarkup(fn: FilterFn): FilterFn {
  return (value, call, env) => {
    const result = fn(value, call, env);
    return value instanceof PyMarkup && typeof result === "string" ? new PyMarkup(result) : result;
  };
}

/** Jinja's `soft_str`. */
export function softStr(value: unknown): string {
  return typeof value === "string" ? value : pyStr(value);
}

export function ignoreCase(value: unknown): unknown {
  return typeof value === "string" ? value.toLowerCase() : value;
}

function attributeParts(attribute: unknown): unknown[] {
  if (attribute === null || attribute === undefined) return [];
  if (typeof attribute === "string") return attribute.split(".").map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  return [attribute];
}

/** Jinja's `make_attrgetter`: dotted path of items/attributes, with an optional default. */
export function makeAttrGetter(attribute: unknown, postprocess?: (value: unknown) => unknown, defaultValue: unknown = null): (item: unknown) => unknown {
  const parts = attributeParts(attribute);
  return (item) => {
    let value = item;
    for (const part of parts) {
      value = getItem(value, part);
      if (defaultValue !== null && value instanceof Undef) value = defaultValue;
    }
    return postprocess ? postprocess(value) : value;
  };
}

/** Jinja's `make_multi_attrgetter`: `"a,b.c"` gives a list key. */
export function makeMultiAttrGetter(attribute: unknown, postprocess?: (value: unknown) => unknown): (item: unknown) => unknown[] {
  const getters = (typeof attribute === "string" ? attribute.split(",") : [attribute]).map((part) => makeAttrGetter(part, postprocess));
  return (item) => getters.map((getter) => getter(item));
}

/** Python's `sorted(items, key=key, reverse=reverse)`: stable, raising on unorderable keys. */
export function pySorted(items: unknown[], key: (item: unknown) => unknown, reverse: boolean): unknown[] {
  const keyed = items.map((item) => ({ item, key: key(item) }));
  keyed.sort((a, b) => {
    const order = pyOrder(a.key, b.key, "lt") || 0;
    return reverse ? -order : order;
  });
  return keyed.map((entry) => entry.item);
}

export function iterate(value: unknown): unknown[] {
  return pyIterate(value);
}
