/** Jinja2's filters over sequences and mappings, with their keyword arguments. */
import { getPythonAttribute } from "../../python/attributes";
import { required } from "../../python/call-args";
import { pyArithmetic, pyEquals, pyIterate, pyLength, pyOrder, truthy } from "../../python/operators";
import { pyStr } from "../../python/format";
import { checkedJoin, checkItems } from "../../python/limits";
import { TemplateError, typeError } from "../template-error";
import { type CallArgs, isDict, isNumberLike, isTuple, makeGroupTuple, makeTuple, numberOf, plain, PyIterator, PyMarkup, pyTypeName, sequenceKind, Undef } from "../../python/objects";
import { filter, ignoreCase, makeAttrGetter, makeMultiAttrGetter, pySorted, type Environment, type FilterFn } from "./common";

/** Python hash identity for `unique`: equal values (1, 1.0, True) share a key; lists and dicts are unhashable. */
function hashKey(input: unknown): string {
  const value = plain(input);
  if (value === null) return "None";
  if (value instanceof Undef) return "Undefined";
  if (isNumberLike(value)) return `n:${numberOf(value)}`;
  if (typeof value === "string") return `s:${value}`;
  if (isTuple(value)) return `t:(${value.map(hashKey).join(",")})`;
  throw typeError(`unhashable type: '${pyTypeName(value)}'`);
}

function reversedItems(input: unknown): unknown[] {
  const value = plain(input);
  if (value instanceof Undef) return [];
  if (typeof value === "string" || Array.isArray(value) || isDict(value)) return [...pyIterate(value)].reverse();
  throw typeError(`'${pyTypeName(value)}' object is not reversible`);
}

/** What `reversed(value)` returns in Python: a lazy iterator of the matching type. */
function reversedIterator(value: unknown): PyIterator {
  const items = reversedItems(value);
  const typeName = value instanceof Undef ? "reversed"
    : isDict(value) ? "dict_reversekeyiterator"
    : Array.isArray(value) ? ({ list: "list_reverseiterator", range: "range_iterator", tuple: "reversed" } as Record<string, string>)[sequenceKind(value)] ?? "reversed"
    : "reversed";
  return new PyIterator(typeName, undefined, () => items);
}

/** A Python generator function's result: nothing runs (or fails) until it is iterated. */
function generator(functionName: string, body: () => Iterable<unknown>): PyIterator {
  return new PyIterator("generator", functionName, body);
}

/** The callback of select/reject/selectattr/rejectattr (Jinja's `prepare_select_or_reject`). */
function selectFilter(lookupAttribute: boolean, keep: boolean): FilterFn {
  return (value, call, env) => generator("select_or_reject", () => selectItems(env, value, call, lookupAttribute, keep));
}

function selectItems(env: Environment, value: unknown, call: CallArgs, lookupAttribute: boolean, keep: boolean): unknown[] {
  if (!truthy(value)) return [];
  let args = call.args;
  let transform = (item: unknown) => item;
  if (lookupAttribute) {
    if (!args.length) throw new TemplateError("runtime", "Missing parameter for attribute name");
    transform = makeAttrGetter(args[0]);
    args = args.slice(1);
  }
  let check: (item: unknown) => boolean = truthy;
  if (args.length) {
    const [testName, ...testArgs] = args;
    const testCall: CallArgs = { args: testArgs, kwargs: call.kwargs };
    check = (item) => callTest(env, testName, item, testCall);
  }
  return pyIterate(value).filter((item) => check(transform(item)) === keep);
}

/** Jinja's `environment.call_test(name, …)` for a name a template passed as a value. */
function callTest(env: Environment, name: unknown, value: unknown, call: CallArgs): boolean {
  const key = pyStr(name);
  if (!Object.hasOwn(env.tests, key)) throw new TemplateError("runtime", `No test named '${key}'.`);
  return env.tests[key](value, call, env);
}

/** Jinja's `environment.call_filter(name, …)` for a name a template passed as a value. */
function callFilter(env: Environment, name: unknown, value: unknown, call: CallArgs): unknown {
  const key = pyStr(name);
  if (!Object.hasOwn(env.filters, key)) throw new TemplateError("runtime", `No filter named '${key}'.`);
  return env.filters[key](value, call, env);
}

function minOrMax(name: "min" | "max"): FilterFn {
  return filter(name, [["case_sensitive", false], ["attribute", null]], (v, a) => {
    const items = pyIterate(v);
    if (!items.length) return new Undef("No aggregated item, sequence was empty.");
    const key = makeAttrGetter(a.attribute, a.case_sensitive ? undefined : ignoreCase);
    let best = items[0];
    let bestKey = key(best);
    for (const item of items.slice(1)) {
      const itemKey = key(item);
      const order = pyOrder(itemKey, bestKey, name === "min" ? "lt" : "gt");
      if (name === "min" ? order < 0 : order > 0) {
        best = item;
        bestKey = itemKey;
      }
    }
    return best;
  });
}

function mapItems(env: Environment, v: unknown, call: CallArgs): unknown[] {
  if (!truthy(v)) return [];
  const items = pyIterate(v);
  if (call.args.length === 0 && call.kwargs.has("attribute")) {
    const kwargs = new Map(call.kwargs);
    const attribute = kwargs.get("attribute");
    kwargs.delete("attribute");
    const defaultValue = kwargs.has("default") ? kwargs.get("default") : null;
    kwargs.delete("default");
    if (kwargs.size) throw new TemplateError("runtime", `Unexpected keyword argument '${[...kwargs.keys()][0]}'`);
    return items.map(makeAttrGetter(attribute, undefined, defaultValue));
  }
  if (!call.args.length) throw new TemplateError("runtime", "map requires a filter argument");
  const [name, ...rest] = call.args;
  const filterCall: CallArgs = { args: rest, kwargs: call.kwargs };
  return items.map((item) => callFilter(env, name, item, filterCall));
}

export const sequenceFilters: Record<string, FilterFn> = {
  join: filter("join", [["d", ""], ["attribute", null]], (v, a) => {
    let items = pyIterate(v);
    if (a.attribute !== null) items = items.map(makeAttrGetter(a.attribute));
    return checkedJoin(items.map(pyStr), pyStr(a.d));
  }),
  length: filter("length", [], (v) => pyLength(v)),
  count: filter("count", [], (v) => pyLength(v)),
  first: filter("first", [], (v) => {
    if (v instanceof PyIterator) {
      const step = v.next();
      return step.done ? new Undef("No first item, sequence was empty.") : step.value;
    }
    const items = pyIterate(v);
    return items.length ? items[0] : new Undef("No first item, sequence was empty.");
  }),
  last: filter("last", [], (v) => {
    if (v instanceof PyIterator) throw typeError(`'${v.typeName}' object is not reversible`);
    const items = reversedItems(v);
    return items.length ? items[0] : new Undef("No last item, sequence was empty.");
  }),
  list: filter("list", [], (v) => [...pyIterate(v)]),
  reverse: filter("reverse", [], (v) => {
    if (typeof v === "string") return [...v].reverse().join("");
    if (v instanceof PyMarkup) return new PyMarkup([...v.text].reverse().join(""));
    // Sequences give Python's reversed() iterator; other iterables a reversed list.
    if (v instanceof Undef || Array.isArray(v) || isDict(v)) return reversedIterator(v);
    if (v instanceof PyIterator) return v.rest().reverse();
    throw new TemplateError("runtime", "argument must be iterable");
  }),
  sum: filter("sum", [["attribute", null], ["start", 0]], (v, a) => {
    let items = pyIterate(v);
    if (a.attribute !== null) items = items.map(makeAttrGetter(a.attribute));
    if (typeof a.start === "string") throw typeError("sum() can't sum strings [use ''.join(seq) instead]");
    return items.reduce((total, item) => pyArithmetic("add", total, item), a.start);
  }),
  sort: filter("sort", [["reverse", false], ["case_sensitive", false], ["attribute", null]], (v, a) =>
    pySorted(pyIterate(v), makeMultiAttrGetter(a.attribute, a.case_sensitive ? undefined : ignoreCase), truthy(a.reverse))),
  dictsort: filter("dictsort", [["case_sensitive", false], ["by", "key"], ["reverse", false]], (v, a) => {
    if (a.by !== "key" && a.by !== "value") throw new TemplateError("runtime", 'You can only sort by either "key" or "value"');
    if (v instanceof Undef) throw new TemplateError("undefined", v.hint);
    if (!isDict(v)) throw new TemplateError("attribute", `'${pyTypeName(v)}' object has no attribute 'items'`);
    const position = a.by === "key" ? 0 : 1;
    const pairs = Object.keys(v).map((key) => makeTuple([key, v[key]]));
    return pySorted(pairs, (pair) => {
      const item = (pair as unknown[])[position];
      return a.case_sensitive ? item : ignoreCase(item);
    }, truthy(a.reverse));
  }),
  unique: filter("unique", [["case_sensitive", false], ["attribute", null]], (v, a) => generator("do_unique", () => {
    const key = makeAttrGetter(a.attribute, a.case_sensitive ? undefined : ignoreCase);
    const seen = new Set<string>();
    const out: unknown[] = [];
    for (const item of pyIterate(v)) {
      const hashed = hashKey(key(item));
      if (!seen.has(hashed)) {
        seen.add(hashed);
        out.push(item);
      }
    }
    return out;
  })),
  min: minOrMax("min"),
  max: minOrMax("max"),
  map: (v, call, env) => generator("sync_do_map", () => mapItems(env, v, call)),
  select: selectFilter(false, true),
  reject: selectFilter(false, false),
  selectattr: selectFilter(true, true),
  rejectattr: selectFilter(true, false),
  groupby: filter("groupby", [["attribute", required], ["default", null], ["case_sensitive", false]], (v, a) => {
    const key = makeAttrGetter(a.attribute, a.case_sensitive ? undefined : ignoreCase, a.default);
    const sorted = pySorted(pyIterate(v), key, false);
    const groups: Array<{ key: unknown; items: unknown[] }> = [];
    for (const item of sorted) {
      const itemKey = key(item);
      const last = groups[groups.length - 1];
      if (last && pyEquals(last.key, itemKey)) last.items.push(item);
      else groups.push({ key: itemKey, items: [item] });
    }
    const outputKey = a.case_sensitive ? key : makeAttrGetter(a.attribute, undefined, a.default);
    return groups.map((group) => makeGroupTuple(a.case_sensitive ? group.key : outputKey(group.items[0]), group.items));
  }),
  batch: filter("batch", [["linecount", required], ["fill_with", null]], (v, a) => generator("do_batch", () => {
    const size = numberOf(a.linecount as number);
    const out: unknown[][] = [];
    let current: unknown[] = [];
    for (const item of pyIterate(v)) {
      if (current.length === size) {
        out.push(current);
        current = [];
      }
      current.push(item);
    }
    if (current.length) {
      if (a.fill_with !== null && current.length < size) {
        checkItems(size, "the padded last batch");
        while (current.length < size) current.push(a.fill_with);
      }
      out.push(current);
    }
    return out;
  })),
  slice: filter("slice", [["slices", required], ["fill_with", null]], (v, a) => generator("sync_do_slice", () => {
    const seq = [...pyIterate(v)];
    const slices = numberOf(a.slices as number);
    checkItems(slices, "the list of slices");
    const perSlice = Math.floor(seq.length / slices);
    const withExtra = seq.length % slices;
    let offset = 0;
    const out: unknown[][] = [];
    for (let i = 0; i < slices; i++) {
      const start = offset + i * perSlice;
      if (i < withExtra) offset++;
      const end = offset + (i + 1) * perSlice;
      const chunk = seq.slice(start, end);
      if (a.fill_with !== null && i >= withExtra) chunk.push(a.fill_with);
      out.push(chunk);
    }
    return out;
  })),
  items: filter("items", [], (v) => generator("do_items", () => {
    if (v instanceof Undef) return [];
    if (!isDict(v)) throw typeError("Can only get item pairs from a mapping.");
    return Object.keys(v).map((key) => makeTuple([key, v[key]]));
  })),
  default: filter("default", [["default_value", ""], ["boolean", false]], (v, a) =>
    v instanceof Undef || (truthy(a.boolean) && !truthy(v)) ? a.default_value : v),
  d: filter("d", [["default_value", ""], ["boolean", false]], (v, a) =>
    v instanceof Undef || (truthy(a.boolean) && !truthy(v)) ? a.default_value : v),
  attr: filter("attr", [["name", required]], (v, a) => getPythonAttribute(v, pyStr(a.name))),
};
