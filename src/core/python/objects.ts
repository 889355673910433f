/**
 * The Python value model the template interpreter and the modules' Python helpers work on: JavaScript
 * values read as Python values.
 *
 * - `null` is None, booleans are bools, strings are str, arrays are lists (or tuples, see `makeTuple`),
 *   plain objects are dicts, `Date` is a naive UTC `datetime` (what pymongo hands the original engine).
 * - A number with a fraction is a float. An integral number is an int unless it is wrapped in
 *   `PyFloat` — the only way to keep Python's `2.0` apart from `2` (computed floats, float literals,
 *   and JSON read with `parseJsonKeepingFloats`).
 * - `Undef` is Jinja's SilentUndefined.
 */

/** An integral float (`2.0`, `1e+20`): JS cannot tell it from an int without a mark. */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** Jinja2's SilentUndefined; `hint` is the message an UndefinedError would carry. */
export class Undef {
  constructor(readonly hint: string) {}
}

/** A naive local date-time, as Python's `datetime.now()` returns (no time zone). */
export class NaiveDateTime {
  constructor(
    readonly year: number,
    readonly month: number,
    readonly day: number,
    readonly hour = 0,
    readonly minute = 0,
    readonly second = 0,
    readonly microsecond = 0,
  ) {}

  static fromLocalDate(date: Date): NaiveDateTime {
    return new NaiveDateTime(
      date.getFullYear(),
      date.getMonth() + 1,
      date.getDate(),
      date.getHours(),
      date.getMinutes(),
      date.getSeconds(),
      date.getMilliseconds() * 1000,
    );
  }

  /** pymongo gives the original engine naive UTC datetimes; a JS `Date` reads the same way. */
  static fromUtcDate(date: Date): NaiveDateTime {
    return new NaiveDateTime(
      date.getUTCFullYear(),
      date.getUTCMonth() + 1,
      date.getUTCDate(),
      date.getUTCHours(),
      date.getUTCMinutes(),
      date.getUTCSeconds(),
      date.getUTCMilliseconds() * 1000,
    );
  }

  /** ISO text without a zone: `2026-02-14T09:05:07` (what Python's `isoformat()` gives). */
  static parseIso(text: string): NaiveDateTime {
    const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?$/.exec(text);
    if (!match) throw new TypeError(`not a naive ISO date-time: ${text}`);
    const micro = match[7] ? Number(match[7].padEnd(6, "0")) : 0;
    return new NaiveDateTime(
      Number(match[1]),
      Number(match[2]),
      Number(match[3]),
      Number(match[4] ?? 0),
      Number(match[5] ?? 0),
      Number(match[6] ?? 0),
      micro,
    );
  }

  /** Treats the naive fields as UTC, the inverse of `fromUtcDate`. */
  toUtcDate(): Date {
    return new Date(
      Date.UTC(this.year, this.month - 1, this.day, this.hour, this.minute, this.second, Math.floor(this.microsecond / 1000)),
    );
  }

  /** Monday = 0, as Python's `weekday()`. */
  weekday(): number {
    return (new Date(Date.UTC(this.year, this.month - 1, this.day)).getUTCDay() + 6) % 7;
  }

  dayOfYear(): number {
    const start = Date.UTC(this.year, 0, 1);
    return Math.round((Date.UTC(this.year, this.month - 1, this.day) - start) / 86400000) + 1;
  }
}

export interface CallArgs {
  args: unknown[];
  kwargs: Map<string, unknown>;
}

/** Anything a template may call: built-in methods, globals, macros, `loop.cycle`. */
export class PyCallable {
  constructor(
    readonly name: string,
    readonly invoke: (call: CallArgs) => unknown,
    /** Python's type name for error messages and the `callable` test. */
    readonly kind: "builtin_function_or_method" | "function" | "Macro" | "method" = "builtin_function_or_method",
  ) {}
}

/** `namespace()` objects: the one mutable attribute bag templates can assign into. */
export class Namespace {
  readonly attributes = new Map<string, unknown>();
}

const tupleMark = new WeakSet<unknown[]>();

/** Marks an array as a Python tuple (it prints `(1, 2)` and is not equal to a list). */
export function makeTuple<T>(items: T[]): T[] {
  tupleMark.add(items);
  return items;
}

export function isTuple(value: unknown): value is unknown[] {
  return Array.isArray(value) && tupleMark.has(value);
}

/** A dict: a plain object (prototype Object.prototype or null), never a class instance. */
export function isDict(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Ints beyond 2^53 that arithmetic produced are kept exact as `bigint`, as Python's ints are. */
export function isNumberLike(value: unknown): value is number | PyFloat | boolean | bigint {
  return typeof value === "number" || value instanceof PyFloat || typeof value === "boolean" || typeof value === "bigint";
}

/** The number behind an int, float or bool. */
export function numberOf(value: number | PyFloat | boolean | bigint): number {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "bigint") return Number(value);
  return value.value;
}

export function isFloat(value: unknown): boolean {
  return value instanceof PyFloat || (typeof value === "number" && !Number.isInteger(value));
}

export function isInt(value: unknown): value is number | bigint {
  return (typeof value === "number" && Number.isInteger(value)) || typeof value === "bigint";
}

/** A Python float holding `n`: integral values keep their float mark. */
export function makeFloat(n: number): number | PyFloat {
  return Number.isInteger(n) ? new PyFloat(n) : n;
}

export function isDate(value: unknown): value is Date | NaiveDateTime {
  return value instanceof Date || value instanceof NaiveDateTime;
}

export function asNaive(value: Date | NaiveDateTime): NaiveDateTime {
  return value instanceof Date ? NaiveDateTime.fromUtcDate(value) : value;
}

/** Python's `type(x).__name__`, for error messages. */
export function pyTypeName(value: unknown): string {
  if (value === null || value === undefined) return "NoneType";
  if (value instanceof Undef) return "SilentUndefined";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  if (typeof value === "bigint") return "int";
  if (value instanceof PyFloat) return "float";
  if (typeof value === "string") return "str";
  if (Array.isArray(value)) return sequenceKind(value);
  if (isDate(value)) return "datetime";
  if (value instanceof PyCallable) return value.kind;
  if (value instanceof PyIterator) return value.typeName;
  if (value instanceof PyMarkup) return "Markup";
  if (value instanceof Namespace) return "Namespace";
  if (isDict(value)) return "dict";
  return "object";
}

/** Jinja's `object_type_repr`, used in "'dict object' has no attribute 'x'". */
export function objectTypeRepr(value: unknown): string {
  if (value === null || value === undefined) return "None";
  return `${pyTypeName(value)} object`;
}

export type DictViewKind = "dict_items" | "dict_keys" | "dict_values";
const dictViews = new WeakMap<unknown[], DictViewKind>();

/** `d.items()`, `d.keys()`, `d.values()`: lists that print as Python's dict views. */
export function makeDictView<T>(items: T[], kind: DictViewKind): T[] {
  dictViews.set(items, kind);
  return items;
}

export function dictViewKind(value: unknown[]): DictViewKind | undefined {
  return dictViews.get(value);
}

const groupTuples = new WeakSet<unknown[]>();

/** groupby's `(grouper, list)` pairs: tuples that also answer `.grouper` and `.list`. */
export function makeGroupTuple(grouper: unknown, list: unknown[]): unknown[] {
  const tuple = makeTuple([grouper, list]);
  groupTuples.add(tuple);
  return tuple;
}

export function isGroupTuple(value: unknown[]): boolean {
  return groupTuples.has(value);
}

/**
 * Writes `key` as an own data property. Plain `obj[key] = v` would run the `__proto__` setter and
 * re-parent the object; a template or a state key must never be able to do that.
 */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

/** `Object.assign` without setters: copies own enumerable keys as data properties. */
export function assignOwn(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const key of Object.keys(source)) setOwn(target, key, source[key]);
}

export interface RangeInfo {
  start: number;
  stop: number;
  step: number;
}
const ranges = new WeakMap<unknown[], RangeInfo>();

/** `range(...)`: a list of its numbers that prints, slices and compares as Python's range. */
export function makeRange(start: number, stop: number, step: number, items: number[]): number[] {
  ranges.set(items, { start, stop, step });
  return items;
}

export function rangeInfo(value: unknown[]): RangeInfo | undefined {
  return ranges.get(value);
}

export type SequenceKind = "list" | "tuple" | "range" | DictViewKind;

/** Which Python sequence type an array stands for. */
export function sequenceKind(value: unknown[]): SequenceKind {
  if (tupleMark.has(value)) return "tuple";
  if (ranges.has(value)) return "range";
  return dictViews.get(value) ?? "list";
}

/** Jinja's `self` in a template without blocks: prints as `<TemplateReference None>`. */
export class TemplateReference {
  pyAttribute(name: string): unknown {
    return new Undef(`'TemplateReference object' has no attribute '${name}'`);
  }
}

/**
 * A Python generator or iterator (what Jinja's `map`, `select`, `unique`, `batch`, `items`, ...
 * return): lazy, single-use, always true, without `len()`. Its work (and its errors) happen on
 * first iteration, as in Python.
 */
export class PyIterator {
  private iterator: Iterator<unknown> | undefined;

  constructor(
    /** Python's type name: "generator", "list_reverseiterator", ... */
    readonly typeName: string,
    /** For generators, the function's name as Python prints it (`sync_do_map`). */
    readonly functionName: string | undefined,
    private readonly source: () => Iterable<unknown>,
  ) {}

  next(): IteratorResult<unknown> {
    this.iterator ??= this.source()[Symbol.iterator]();
    return this.iterator.next();
  }

  /** Everything not consumed yet (and consumes it). */
  rest(): unknown[] {
    const out: unknown[] = [];
    for (let step = this.next(); !step.done; step = this.next()) out.push(step.value);
    return out;
  }
}

/**
 * markupsafe's `Markup`: a str that is already safe HTML. Jinja's `escape`, `safe`, `tojson` and
 * friends return it; it is a str everywhere, except that `escape` leaves it alone, the `escaped`
 * test sees it, and `+`, `%`, `*`, slicing and str methods keep it Markup and escape their other
 * operands.
 */
export class PyMarkup {
  constructor(readonly text: string) {}
}

/** The text of a str or Markup, or undefined for anything else. */
export function strOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value instanceof PyMarkup) return value.text;
  return undefined;
}

/** A Markup is a str for every consumer that does not care about markup. */
export function plain(value: unknown): unknown {
  return value instanceof PyMarkup ? value.text : value;
}

/** markupsafe.escape for text: `& < > " '`. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&#34;").replace(/'/g, "&#39;");
}
