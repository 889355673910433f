/**
 * Attribute and item access — the only way a template (or any Python expression wfv evaluates)
 * reaches into a value. Plain objects give their own data properties, arrays their elements, and
 * str/dict/list/datetime give the whitelisted Python methods below. Nothing else of JavaScript
 * (`constructor`, `__proto__`, prototypes, functions) is reachable, so templates cannot escape into
 * the host.
 */
import { bindArgs, required } from "./call-args";
import { pyEquals, pyIterate, pyOrder, pyUnpack } from "./operators";
import { datetimeIso, formatWithSpec, pyRepr, pyStr, strftime } from "./format";
import { PyError, typeError, valueError } from "./errors";
import { checkChars, checkedJoin, checkItems } from "./limits";
import { casedRe, lowerRe, optionalInt, padded, prefixTest, pyCapitalize, pyReplace, pyRSplit, pySplit, pyTitle, requireString, stripChars, upperRe } from "./strings";
import {
  asNaive,
  assignOwn,
  dictViewKind,
  makeRange,
  rangeInfo,
  type CallArgs,
  isDate,
  isDict,
  isGroupTuple,
  isTuple,
  makeDictView,
  makeTuple,
  Namespace,
  NaiveDateTime,
  numberOf,
  objectTypeRepr,
  PyCallable,
  PyFloat,
  escapeHtml,
  plain,
  PyIterator,
  PyMarkup,
  pyTypeName,
  setOwn,
  strOf,
  Undef,
} from "./objects";

/** Objects of the interpreter (loop, cycler, joiner) that expose Python attributes. */
export interface AttributeSource {
  pyAttribute(name: string): unknown;
}

export function isAttributeSource(value: unknown): value is AttributeSource {
  return typeof value === "object" && value !== null && typeof (value as AttributeSource).pyAttribute === "function";
}

function missing(obj: unknown, name: unknown): Undef {
  const shown = typeof name === "string" ? `'${name}'` : pyStr(name);
  return new Undef(`${obj === null ? "'None'" : `'${objectTypeRepr(obj)}'`} has no attribute ${shown}`);
}

/** An own data property, never a getter or an inherited member. */
function ownValue(obj: object, key: string): { found: boolean; value?: unknown } {
  const descriptor = Object.getOwnPropertyDescriptor(obj, key);
  if (!descriptor || !("value" in descriptor)) return { found: false };
  return { found: true, value: descriptor.value };
}

/**
 * Names that lead into a host's internals (JavaScript's prototypes and constructors, Python's
 * dunder attributes used by Jinja sandbox escapes). Reaching for one is refused loudly; a dict's
 * own key of that name is still plain data and stays readable.
 */
function isForbiddenName(name: string): boolean {
  return name === "constructor" || name === "prototype" || name === "__proto__" || /^__\w+__$/.test(name) ||
    name === "__defineGetter__" || name === "__defineSetter__" || name === "__lookupGetter__" || name === "__lookupSetter__";
}

function refuse(name: string): PyError {
  return new PyError("security", `access to attribute '${name}' is not allowed in templates`);
}

/** Jinja's `environment.getattr(obj, name)`: Python attribute, then item, else undefined. */
export function getAttribute(obj: unknown, name: string): unknown {
  if (isDict(obj)) {
    // Ruling "Differences JavaScript forces": dot access is key lookup first; methods only when no key.
    const own = ownValue(obj, name);
    if (own.found) return own.value;
    if (isForbiddenName(name)) throw refuse(name);
    return dictMethod(obj, name) ?? missing(obj, name);
  }
  if (isForbiddenName(name)) throw refuse(name);
  if (obj instanceof Undef) return obj;
  if (typeof obj === "string") return stringMethod(obj, name) ?? missing(obj, name);
  if (obj instanceof PyMarkup) return markupMethod(obj, name) ?? missing(obj, name);
  if (Array.isArray(obj)) {
    if (isGroupTuple(obj) && (name === "grouper" || name === "list")) return obj[name === "grouper" ? 0 : 1];
    return listMethod(obj, name) ?? missing(obj, name);
  }
  if (isDate(obj)) return dateAttribute(obj, name) ?? missing(obj, name);
  if (obj instanceof Namespace) return obj.attributes.has(name) ? obj.attributes.get(name) : missing(obj, name);
  if (isAttributeSource(obj)) return obj.pyAttribute(name);
  if (typeof obj === "number" || obj instanceof PyFloat || typeof obj === "boolean") {
    if (name === "real") return obj;
    if (name === "imag") return 0;
  }
  return missing(obj, name);
}

function toIndex(key: unknown): number | undefined {
  if (typeof key === "boolean") return key ? 1 : 0;
  if (typeof key === "number" && Number.isInteger(key)) return key;
  return undefined;
}

function sliceIndex(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const index = toIndex(value);
  if (index === undefined) throw typeError("slice indices must be integers or None or have an __index__ method");
  return index;
}

/** Python's `slice.indices(length)`: clamped start, stop and step. */
function sliceBounds(length: number, start: unknown, stop: unknown, step: unknown): { from: number; to: number; step: number } {
  const stepValue = sliceIndex(step) ?? 1;
  if (stepValue === 0) throw valueError("slice step cannot be zero");
  const clamp = (value: number | null, fallback: number, low: number, high: number): number => {
    if (value === null) return fallback;
    const adjusted = value < 0 ? value + length : value;
    return Math.min(Math.max(adjusted, low), high);
  };
  if (stepValue > 0) {
    return { from: clamp(sliceIndex(start), 0, 0, length), to: clamp(sliceIndex(stop), length, 0, length), step: stepValue };
  }
  return { from: clamp(sliceIndex(start), length - 1, -1, length - 1), to: clamp(sliceIndex(stop), -1, -1, length - 1), step: stepValue };
}

/** Python's slice semantics on a sequence of length `length`: the picked indices. */
export function sliceIndices(length: number, start: unknown, stop: unknown, step: unknown): number[] {
  const { from, to, step: stepValue } = sliceBounds(length, start, stop, step);
  const out: number[] = [];
  if (stepValue > 0) for (let i = from; i < to; i += stepValue) out.push(i);
  else for (let i = from; i > to; i += stepValue) out.push(i);
  return out;
}

export class SliceValue {
  constructor(readonly start: unknown, readonly stop: unknown, readonly step: unknown) {}
}

/** Jinja's `environment.getitem(obj, key)`: item, then attribute for str keys, else undefined. */
export function getItem(obj: unknown, key: unknown): unknown {
  if (obj instanceof Undef) return obj;
  key = plain(key);
  if (obj instanceof PyMarkup) {
    // Markup's __getitem__ keeps the result Markup.
    const item = getItem(obj.text, key);
    return typeof item === "string" ? new PyMarkup(item) : item;
  }
  if (Array.isArray(obj) && dictViewKind(obj)) {
    // Dict views are not subscriptable: environment.getitem turns that into undefined, a slice raises.
    if (key instanceof SliceValue) throw typeError(`'${pyTypeName(obj)}' object is not subscriptable`);
    return missing(obj, key);
  }
  if (key instanceof SliceValue) {
    if (typeof obj === "string") {
      const chars = [...obj];
      return sliceIndices(chars.length, key.start, key.stop, key.step).map((i) => chars[i]).join("");
    }
    if (Array.isArray(obj)) {
      const picked = sliceIndices(obj.length, key.start, key.stop, key.step).map((i) => obj[i]);
      const range = rangeInfo(obj);
      if (range) {
        const bounds = sliceBounds(obj.length, key.start, key.stop, key.step);
        const at = (i: number) => range.start + i * range.step;
        return makeRange(at(bounds.from), at(bounds.to), range.step * bounds.step, picked as number[]);
      }
      return isTuple(obj) ? makeTuple(picked) : picked;
    }
    // Jinja compiles slices to a plain `obj[a:b]`, bypassing environment.getitem's forgiveness.
    if (obj instanceof PyIterator) throw typeError(`'${pyTypeName(obj)}' object is not subscriptable`);
    if (isDict(obj)) throw typeError("unhashable type: 'slice'");
    throw typeError(`'${pyTypeName(obj)}' object is not subscriptable`);
  }
  if (Array.isArray(obj) || typeof obj === "string") {
    const index = toIndex(key);
    if (index !== undefined) {
      const items = typeof obj === "string" ? [...obj] : obj;
      const at = index < 0 ? index + items.length : index;
      if (at >= 0 && at < items.length) return items[at];
      return missing(obj, key);
    }
  } else if (isDict(obj)) {
    if (typeof key === "string") {
      const own = ownValue(obj, key);
      if (own.found) return own.value;
    }
  }
  if (typeof key === "string") return getAttribute(obj, key);
  return missing(obj, key);
}

// ---------------------------------------------------------------- methods

function method(name: string, invoke: (call: CallArgs) => unknown): PyCallable {
  return new PyCallable(name, invoke, "builtin_function_or_method");
}

function stringFormat(template: string, call: CallArgs): string {
  let autoIndex = 0;
  let numbering: "auto" | "manual" | undefined;
  const useNumbering = (mode: "auto" | "manual") => {
    if (numbering && numbering !== mode) {
      throw valueError(mode === "manual"
        ? "cannot switch from automatic field numbering to manual field specification"
        : "cannot switch from manual field specification to automatic field numbering");
    }
    numbering = mode;
  };
  return template.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (whole, field: string | undefined) => {
    if (whole === "{{") return "{";
    if (whole === "}}") return "}";
    const body = field ?? "";
    const colon = body.indexOf(":");
    const spec = colon >= 0 ? body.slice(colon + 1) : "";
    let reference = colon >= 0 ? body.slice(0, colon) : body;
    let conversion = "";
    const bang = reference.indexOf("!");
    if (bang >= 0) {
      conversion = reference.slice(bang + 1);
      reference = reference.slice(0, bang);
    }
    const head = /^[^.[]*/.exec(reference)?.[0] ?? "";
    let value: unknown;
    if (head === "") {
      useNumbering("auto");
      if (autoIndex >= call.args.length) throw new PyError("index", "Replacement index out of range for positional args tuple");
      value = call.args[autoIndex++];
    } else if (/^\d+$/.test(head)) {
      useNumbering("manual");
      const index = Number(head);
      if (index >= call.args.length) throw new PyError("index", "Replacement index out of range for positional args tuple");
      value = call.args[index];
    } else {
      if (!call.kwargs.has(head)) throw new PyError("key", `'${head}'`);
      value = call.kwargs.get(head);
    }
    const accessRe = /\.([^.[]+)|\[([^\]]+)\]/g;
    accessRe.lastIndex = head.length;
    for (let match = accessRe.exec(reference); match; match = accessRe.exec(reference)) {
      value = match[1] !== undefined ? getAttribute(value, match[1]) : getItem(value, /^\d+$/.test(match[2]) ? Number(match[2]) : match[2]);
    }
    if (conversion === "r" || conversion === "a") value = pyRepr(value);
    else if (conversion === "s") value = pyStr(value);
    return formatWithSpec(value, spec);
  });
}

function stringMethod(text: string, name: string): PyCallable | undefined {
  const m = (params: ReadonlyArray<readonly [string, unknown?]>, fn: (a: Record<string, unknown>) => unknown) =>
    method(name, (call) => fn(bindArgs(name, call, params)));
  switch (name) {
    case "upper": return m([], () => text.toUpperCase());
    case "lower": return m([], () => text.toLowerCase());
    case "casefold": return m([], () => text.toLowerCase());
    case "swapcase": return m([], () => [...text].map((ch) => (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase())).join(""));
    case "title": return m([], () => pyTitle(text));
    case "capitalize": return m([], () => pyCapitalize(text));
    case "strip": return m([["chars", null]], (a) => stripChars(text, a.chars, "both"));
    case "lstrip": return m([["chars", null]], (a) => stripChars(text, a.chars, "left"));
    case "rstrip": return m([["chars", null]], (a) => stripChars(text, a.chars, "right"));
    case "split": return m([["sep", null], ["maxsplit", -1]], (a) => pySplit(text, a.sep, optionalInt(a.maxsplit, "maxsplit") ?? -1));
    case "rsplit": return m([["sep", null], ["maxsplit", -1]], (a) => pyRSplit(text, a.sep, optionalInt(a.maxsplit, "maxsplit") ?? -1));
    case "splitlines": return m([["keepends", false]], (a) => {
      const parts = text.split(/(\r\n|[\n\r\v\f\u001c-\u001e\u0085\u2028\u2029])/);
      const out: string[] = [];
      for (let i = 0; i < parts.length; i += 2) {
        const line = parts[i] + (a.keepends && parts[i + 1] ? parts[i + 1] : "");
        if (i + 1 < parts.length || parts[i] !== "") out.push(line);
      }
      return out;
    });
    case "startswith": return m([["prefix", required], ["start", null], ["end", null]], (a) => prefixTest(text, a.prefix, a.start, a.end, false));
    case "endswith": return m([["suffix", required], ["start", null], ["end", null]], (a) => prefixTest(text, a.suffix, a.start, a.end, true));
    case "replace": return m([["old", required], ["new", required], ["count", -1]], (a) =>
      pyReplace(text, requireString(a.old, "replace() argument 1"), requireString(a.new, "replace() argument 2"), optionalInt(a.count, "count") ?? -1));
    case "find": case "index": case "rfind": case "rindex": return m([["sub", required]], (a) => {
      const sub = requireString(a.sub, "must be str");
      const at = name.startsWith("r") ? text.lastIndexOf(sub) : text.indexOf(sub);
      if (at < 0 && name.endsWith("index")) throw valueError("substring not found");
      return at < 0 ? -1 : [...text.slice(0, at)].length;
    });
    case "count": return m([["sub", required]], (a) => {
      const sub = requireString(a.sub, "must be str");
      return sub === "" ? [...text].length + 1 : text.split(sub).length - 1;
    });
    case "join": return m([["iterable", required]], (a) =>
      checkedJoin(pyIterate(a.iterable).map((item, i) => {
        const text = strOf(item);
        if (text === undefined) throw typeError(`sequence item ${i}: expected str instance, ${pyTypeName(item)} found`);
        return text;
      }), text));
    case "format": return method(name, (call) => stringFormat(text, call));
    case "isdigit": case "isdecimal": case "isnumeric": return m([], () => /^\p{Nd}+$/u.test(text));
    case "isalpha": return m([], () => /^\p{L}+$/u.test(text));
    case "isalnum": return m([], () => /^[\p{L}\p{N}]+$/u.test(text));
    case "isspace": return m([], () => /^\s+$/.test(text));
    case "islower": return m([], () => lowerRe.test(text) && !upperRe.test(text));
    case "isupper": return m([], () => upperRe.test(text) && !lowerRe.test(text));
    case "istitle": return m([], () => casedRe.test(text) && pyTitle(text) === text);
    case "zfill": return m([["width", required]], (a) => {
      const width = optionalInt(a.width, "width") ?? 0;
      checkChars(Math.max(width, text.length), "the zero-filled string");
      const sign = /^[-+]/.test(text) ? text[0] : "";
      const body = sign ? text.slice(1) : text;
      return sign + body.padStart(width - sign.length, "0");
    });
    case "center": case "ljust": case "rjust": return m([["width", required], ["fillchar", " "]], (a) => padded(text, a.width, a.fillchar, name));
    case "partition": case "rpartition": return m([["sep", required]], (a) => {
      const sep = requireString(a.sep, "sep");
      if (sep === "") throw valueError("empty separator");
      const at = name === "partition" ? text.indexOf(sep) : text.lastIndexOf(sep);
      if (at < 0) return makeTuple(name === "partition" ? [text, "", ""] : ["", "", text]);
      return makeTuple([text.slice(0, at), sep, text.slice(at + sep.length)]);
    });
    default: return undefined;
  }
}

/** Markup methods that return Markup, escaping their str arguments (markupsafe's wrappers). */
const markupReturning = new Set(["capitalize", "title", "lower", "upper", "replace", "ljust", "rjust", "lstrip", "rstrip", "center", "strip", "zfill", "swapcase", "casefold"]);
const markupListReturning = new Set(["split", "rsplit", "splitlines", "partition", "rpartition"]);

function escapeArgument(value: unknown): unknown {
  if (value instanceof PyMarkup) return value.text;
  return typeof value === "string" ? escapeHtml(value) : value;
}

function markupMethod(markup: PyMarkup, name: string): PyCallable | undefined {
  if (name === "unescape" || name === "striptags") {
    return method(name, () => {
      const text = name === "striptags" ? markup.text.replace(/<!--.*?-->/gs, "").replace(/<.*?>/gs, "").split(/\s+/).filter(Boolean).join(" ") : markup.text;
      return text.replace(/&#34;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
    });
  }
  if (name === "join") {
    return method(name, (call) => {
      const { iterable } = bindArgs(name, call, [["iterable", required]]);
      return new PyMarkup(pyIterate(iterable).map((item) => {
        const text = escapeArgument(item);
        if (typeof text !== "string") throw typeError(`sequence item: expected str instance, ${pyTypeName(item)} found`);
        return text;
      }).join(markup.text));
    });
  }
  if (name === "format") {
    return method(name, (call) => new PyMarkup(stringFormat(markup.text, {
      args: call.args.map((arg) => (typeof arg === "string" ? escapeHtml(arg) : arg)),
      kwargs: new Map([...call.kwargs].map(([key, value]) => [key, typeof value === "string" ? escapeHtml(value) : value])),
    })));
  }
  const inner = stringMethod(markup.text, name);
  if (!inner) return undefined;
  if (markupReturning.has(name)) {
    return method(name, (call) => {
      const result = inner.invoke({ args: call.args.map(escapeArgument), kwargs: new Map([...call.kwargs].map(([k, v]) => [k, escapeArgument(v)])) });
      return typeof result === "string" ? new PyMarkup(result) : result;
    });
  }
  if (markupListReturning.has(name)) {
    return method(name, (call) => {
      const result = inner.invoke({ args: call.args.map(escapeArgument), kwargs: call.kwargs }) as string[];
      const wrapped = result.map((part) => new PyMarkup(part));
      return isTuple(result) ? makeTuple(wrapped) : wrapped;
    });
  }
  return inner;
}

function dictMethod(dict: Record<string, unknown>, name: string): PyCallable | undefined {
  const m = (params: ReadonlyArray<readonly [string, unknown?]>, fn: (a: Record<string, unknown>) => unknown) =>
    method(name, (call) => fn(bindArgs(name, call, params)));
  switch (name) {
    case "items": return m([], () => makeDictView(Object.keys(dict).map((key) => makeTuple([key, dict[key]])), "dict_items"));
    case "keys": return m([], () => makeDictView(Object.keys(dict), "dict_keys"));
    case "values": return m([], () => makeDictView(Object.values(dict), "dict_values"));
    case "get": return m([["key", required], ["default", null]], (a) =>
      typeof a.key === "string" && Object.hasOwn(dict, a.key) ? dict[a.key] : a.default);
    case "copy": return m([], () => ({ ...dict }));
    case "update": return method(name, (call) => {
      for (const source of call.args) {
        if (isDict(source)) assignOwn(dict, source);
        else for (const pair of pyIterate(source)) {
          const [key, value] = pyUnpack(pair, 2);
          setOwn(dict, pyStr(key), value);
        }
      }
      for (const [key, value] of call.kwargs) setOwn(dict, key, value);
      return null;
    });
    case "pop": return m([["key", required], ["default", required]], (a) => {
      if (typeof a.key === "string" && Object.hasOwn(dict, a.key)) {
        const value = dict[a.key];
        delete dict[a.key];
        return value;
      }
      return a.default;
    });
    case "setdefault": return m([["key", required], ["default", null]], (a) => {
      const key = pyStr(a.key);
      if (!Object.hasOwn(dict, key)) setOwn(dict, key, a.default);
      return dict[key];
    });
    default: return undefined;
  }
}

function listMethod(list: unknown[], name: string): PyCallable | undefined {
  const m = (params: ReadonlyArray<readonly [string, unknown?]>, fn: (a: Record<string, unknown>) => unknown) =>
    method(name, (call) => fn(bindArgs(name, call, params)));
  const mutable = !isTuple(list as unknown);
  switch (name) {
    case "count": return m([["value", required]], (a) => list.filter((item) => pyEquals(item, a.value)).length);
    case "index": return m([["value", required]], (a) => {
      const at = list.findIndex((item) => pyEquals(item, a.value));
      if (at < 0) throw valueError(`${pyStr(a.value)} is not in list`);
      return at;
    });
    default: if (!mutable) return undefined;
  }
  switch (name) {
    case "append": return m([["object", required]], (a) => {
      list.push(a.object);
      return null;
    });
    case "extend": return m([["iterable", required]], (a) => {
      const items = pyIterate(a.iterable);
      checkItems(list.length + items.length, "the extended list");
      for (let i = 0, n = items.length; i < n; i++) list.push(items[i]); // n fixed: x.extend(x) doubles
      return null;
    });
    case "insert": return m([["index", required], ["object", required]], (a) => {
      const index = optionalInt(a.index, "index") ?? 0;
      list.splice(index < 0 ? Math.max(0, index + list.length) : index, 0, a.object);
      return null;
    });
    case "pop": return m([["index", -1]], (a) => {
      if (!list.length) throw new PyError("index", "pop from empty list");
      const index = optionalInt(a.index, "index") ?? -1;
      const at = index < 0 ? index + list.length : index;
      if (at < 0 || at >= list.length) throw new PyError("index", "pop index out of range");
      return list.splice(at, 1)[0];
    });
    case "remove": return m([["value", required]], (a) => {
      const at = list.findIndex((item) => pyEquals(item, a.value));
      if (at < 0) throw valueError("list.remove(x): x not in list");
      list.splice(at, 1);
      return null;
    });
    case "reverse": return m([], () => {
      list.reverse();
      return null;
    });
    case "clear": return m([], () => {
      list.splice(0);
      return null;
    });
    case "copy": return m([], () => [...list]);
    case "sort": return m([["reverse", false]], (a) => {
      list.sort((x, y) => pyOrder(x, y, "lt"));
      if (a.reverse) list.reverse();
      return null;
    });
    default: return undefined;
  }
}

function dateAttribute(value: Date | NaiveDateTime, name: string): unknown {
  const naive = asNaive(value);
  switch (name) {
    case "year": case "month": case "day": case "hour": case "minute": case "second": case "microsecond":
      return naive[name];
    case "strftime":
      return method(name, (call) => strftime(naive, requireString(bindArgs(name, call, [["format", required]]).format, "strftime() argument 1")));
    case "isoformat":
      return method(name, (call) => {
        const { sep } = bindArgs(name, call, [["sep", "T"]]);
        return datetimeIso(naive).replace("T", String(sep));
      });
    case "weekday": return method(name, () => naive.weekday());
    case "isoweekday": return method(name, () => naive.weekday() + 1);
    case "timestamp": return method(name, () => numberOf(new PyFloat(naive.toUtcDate().getTime() / 1000)));
    default: return undefined;
  }
}

/** Python's plain `getattr(obj, name)` (the `attr` filter): methods and attributes, never dict keys. */
export function getPythonAttribute(obj: unknown, name: string): unknown {
  if (isDict(obj)) return dictMethod(obj, name) ?? missing(obj, name);
  return getAttribute(obj, name);
}
