/**
 * Python's operators on the value model (objects.ts): truthiness, `==`, ordering, arithmetic, `in`,
 * `len()` and iteration, with SilentUndefined raising where Jinja's Undefined raises.
 */
import { percentFormat } from "./format";
import { PyError, typeError } from "./errors";
import { checkChars, checkIntBits, checkItems } from "./limits";
import {
  asNaive,
  isDate,
  isDict,
  isFloat,
  isNumberLike,
  isTuple,
  makeFloat,
  makeTuple,
  Namespace,
  numberOf,
  PyFloat,
  escapeHtml,
  plain,
  PyIterator,
  PyMarkup,
  pyTypeName,
  sequenceKind,
  strOf,
  Undef,
} from "./objects";

export function undefinedError(value: Undef): PyError {
  return new PyError("undefined", value.hint);
}

export function truthy(value: unknown): boolean {
  if (value instanceof PyMarkup) return value.text.length > 0;
  if (value === null || value === undefined || value === false) return false;
  if (value === true) return true;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") return value.length > 0;
  if (value instanceof Undef) return false;
  if (value instanceof PyFloat) return value.value !== 0;
  if (Array.isArray(value)) return value.length > 0;
  if (isDict(value)) {
    for (const _ in value) return true;
    return false;
  }
  return true;
}

function dateKey(value: unknown): number {
  const naive = asNaive(value as Date);
  return Date.UTC(naive.year, naive.month - 1, naive.day, naive.hour, naive.minute, naive.second) * 1000 + naive.microsecond;
}

export function pyEquals(a: unknown, b: unknown): boolean {
  a = plain(a);
  b = plain(b);
  if (a === b) return true;
  if (a instanceof Undef || b instanceof Undef) return a instanceof Undef && b instanceof Undef;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (isNumberLike(a)) return isNumberLike(b) && numberOf(a) === numberOf(b);
  if (typeof a === "string" || typeof b === "string") return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || sequenceKind(a) !== sequenceKind(b) || a.length !== b.length) return false;
    return a.every((item, i) => pyEquals(item, b[i]));
  }
  if (isDate(a)) return isDate(b) && dateKey(a) === dateKey(b);
  if (isDict(a)) {
    if (!isDict(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.hasOwn(b, key) && pyEquals(a[key], b[key]));
  }
  return false;
}

const opSymbols = { lt: "<", lteq: "<=", gt: ">", gteq: ">=" } as const;
export type OrderOp = keyof typeof opSymbols;

function compareStrings(a: string, b: string): number {
  // Python orders by code point; JS `<` by UTF-16 unit, which differs only beyond the BMP.
  if (!/[\ud800-\udfff]/.test(a + b)) return a < b ? -1 : a > b ? 1 : 0;
  const ca = [...a];
  const cb = [...b];
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const diff = (ca[i].codePointAt(0) as number) - (cb[i].codePointAt(0) as number);
    if (diff) return diff;
  }
  return ca.length - cb.length;
}

/** -1/0/1 as Python orders `a` and `b`, or a TypeError for unorderable types. */
export function pyOrder(a: unknown, b: unknown, op: OrderOp): number {
  a = plain(a);
  b = plain(b);
  if (a instanceof Undef) throw undefinedError(a);
  if (b instanceof Undef) throw undefinedError(b);
  if (isNumberLike(a) && isNumberLike(b)) {
    const x = numberOf(a);
    const y = numberOf(b);
    return x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN;
  }
  if (typeof a === "string" && typeof b === "string") return compareStrings(a, b);
  if (Array.isArray(a) && Array.isArray(b) && sequenceKind(a) === sequenceKind(b) && (isTuple(a) || sequenceKind(a) === "list")) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!pyEquals(a[i], b[i])) return pyOrder(a[i], b[i], op);
    }
    return a.length - b.length;
  }
  if (isDate(a) && isDate(b)) return Math.sign(dateKey(a) - dateKey(b));
  throw typeError(`'${opSymbols[op]}' not supported between instances of '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
}

export function pyCompare(a: unknown, b: unknown, op: OrderOp): boolean {
  const order = pyOrder(a, b, op);
  if (Number.isNaN(order)) return false;
  switch (op) {
    case "lt": return order < 0;
    case "lteq": return order <= 0;
    case "gt": return order > 0;
    default: return order >= 0;
  }
}

export type ArithmeticOp = "add" | "sub" | "mul" | "div" | "floordiv" | "mod" | "pow";
const arithmeticSymbols: Record<ArithmeticOp, string> = { add: "+", sub: "-", mul: "*", div: "/", floordiv: "//", mod: "%", pow: "** or pow()" };

function unsupported(op: ArithmeticOp, a: unknown, b: unknown): PyError {
  return typeError(`unsupported operand type(s) for ${arithmeticSymbols[op]}: '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
}

function numeric(result: number, floatResult: boolean): number | PyFloat {
  if (floatResult) return makeFloat(result);
  // Python ints have no negative zero (JS gives -0 for 0 * -1 or -1 % 1).
  return result === 0 ? 0 : result;
}

/** Lists and tuples; ranges and dict views do not concatenate or repeat. */
function isPlainSequence(value: unknown[]): boolean {
  const kind = sequenceKind(value);
  return kind === "list" || kind === "tuple";
}

function isIntLike(value: unknown): value is number | boolean {
  return typeof value === "boolean" || (typeof value === "number" && Number.isInteger(value));
}

function repeat<T>(items: T[], times: number): T[] {
  const out: T[] = new Array(items.length * times);
  // Index writes, not push(...items): a long list spread as arguments overflows the stack.
  for (let i = 0, at = 0; i < times; i++) for (const item of items) out[at++] = item;
  return out;
}

function toBig(value: number | boolean | bigint): bigint {
  return typeof value === "bigint" ? value : BigInt(typeof value === "boolean" ? Number(value) : value);
}

function fromBig(value: bigint): number | bigint {
  return value >= -maxSafe && value <= maxSafe ? Number(value) : value;
}

const maxSafe = BigInt(Number.MAX_SAFE_INTEGER);

/** About how many bits `value` has (exact enough for a limit). */
function bitLength(value: bigint): number {
  const magnitude = value < 0n ? -value : value;
  return magnitude === 0n ? 0 : magnitude.toString(16).length * 4;
}

/** Exact int arithmetic once a result leaves the doubles' exact range (Python ints are unbounded). */
function bigArithmetic(op: ArithmeticOp, a: number | boolean | bigint, b: number | boolean | bigint): unknown {
  const x = toBig(a);
  const y = toBig(b);
  if (op === "mul") checkIntBits(bitLength(x) + bitLength(y), "the product");
  if (op === "pow" && y <= 4096n && y > 0n) checkIntBits(bitLength(x) * Number(y), "the power");
  switch (op) {
    case "add": return fromBig(x + y);
    case "sub": return fromBig(x - y);
    case "mul": return fromBig(x * y);
    case "pow": return y > 4096n ? Number(x) ** Number(y) : fromBig(x ** y);
    case "floordiv": {
      if (y === 0n) throw new PyError("zero_division", "integer division or modulo by zero");
      const q = x / y;
      return fromBig(q * y !== x && (x < 0n) !== (y < 0n) ? q - 1n : q);
    }
    case "mod": {
      if (y === 0n) throw new PyError("zero_division", "integer modulo by zero");
      const r = x % y;
      return fromBig(r !== 0n && (r < 0n) !== (y < 0n) ? r + y : r);
    }
    default: return pyArithmetic(op, Number(x), Number(y));
  }
}

function isIntegral(value: unknown): value is number | boolean | bigint {
  return typeof value === "bigint" || typeof value === "boolean" || (typeof value === "number" && Number.isInteger(value));
}

function exactIntResult(op: ArithmeticOp, x: number, y: number): boolean {
  switch (op) {
    case "add": case "sub": case "mul": {
      const result = op === "add" ? x + y : op === "sub" ? x - y : x * y;
      return Number.isSafeInteger(result);
    }
    case "pow": return y < 0 || Number.isSafeInteger(x ** y);
    default: return Number.isSafeInteger(x) && Number.isSafeInteger(y);
  }
}

/** markupsafe's Markup operators: the other operand is escaped and the result stays Markup. */
function markupArithmetic(op: ArithmeticOp, a: unknown, b: unknown): unknown {
  const escapeOperand = (value: unknown): string | undefined =>
    value instanceof PyMarkup ? value.text : typeof value === "string" ? escapeHtml(value) : undefined;
  if (op === "add") {
    const left = escapeOperand(a);
    const right = escapeOperand(b);
    if (left !== undefined && right !== undefined) {
      checkChars(left.length + right.length, "the joined string");
      return new PyMarkup(left + right);
    }
  }
  if (op === "mul") {
    const [markup, times] = a instanceof PyMarkup ? [a, b] : [b as PyMarkup, a];
    if (isIntLike(times)) {
      const n = Math.max(0, numberOf(times));
      checkChars(markup.text.length * n, "the repeated string");
      return new PyMarkup(markup.text.repeat(n));
    }
  }
  if (op === "mod" && a instanceof PyMarkup) return new PyMarkup(percentFormat(a.text, b, escapeHtml));
  return pyArithmetic(op, plain(a), plain(b));
}

export function pyArithmetic(op: ArithmeticOp, a: unknown, b: unknown): unknown {
  if (a instanceof PyMarkup || b instanceof PyMarkup) {
    // `str % Markup` is plain str formatting; everything else follows Markup's operators.
    if (!(op === "mod" && typeof a === "string")) return markupArithmetic(op, a, b);
    b = plain(b);
  }
  // str's own `%` runs before the right operand's __rmod__, so `'x' % undefined` formats.
  if (op === "mod" && typeof a === "string") return percentFormat(a, b);
  if (a instanceof Undef) throw undefinedError(a);
  if (b instanceof Undef) throw undefinedError(b);
  if (isIntegral(a) && isIntegral(b) && op !== "div" && (typeof a === "bigint" || typeof b === "bigint" || !exactIntResult(op, numberOf(a), numberOf(b)))) {
    if (!(op === "pow" && numberOf(b) < 0)) return bigArithmetic(op, a, b);
  }
  if (isNumberLike(a) && isNumberLike(b)) {
    const x = numberOf(a);
    const y = numberOf(b);
    const anyFloat = isFloat(a) || isFloat(b);
    switch (op) {
      case "add": return numeric(x + y, anyFloat);
      case "sub": return numeric(x - y, anyFloat);
      case "mul": return numeric(x * y, anyFloat);
      case "div":
        if (y === 0) throw new PyError("zero_division", anyFloat ? "float division by zero" : "division by zero");
        return makeFloat(x / y);
      case "floordiv":
        if (y === 0) throw new PyError("zero_division", anyFloat ? "float floor division by zero" : "integer division or modulo by zero");
        return numeric(Math.floor(x / y), anyFloat);
      case "mod": {
        if (y === 0) throw new PyError("zero_division", anyFloat ? "float modulo" : "integer modulo by zero");
        let r = x % y;
        if (r !== 0 && r < 0 !== y < 0) r += y;
        // Python's float modulo gives a zero the divisor's sign.
        if (r === 0 && anyFloat) r = y < 0 || Object.is(y, -0) ? -0 : 0;
        return numeric(r, anyFloat);
      }
      case "pow": {
        if (x === 0 && y < 0) throw new PyError("zero_division", "0.0 cannot be raised to a negative power");
        const power = x ** y;
        // Python's float power raises instead of giving inf.
        if (!Number.isFinite(power) && Number.isFinite(x) && Number.isFinite(y)) throw new PyError("overflow", "(34, 'Numerical result out of range')");
        return numeric(power, anyFloat || y < 0);
      }
    }
  }
  if (op === "add") {
    if (typeof a === "string" && typeof b === "string") {
      checkChars(a.length + b.length, "the joined string");
      return a + b;
    }
    if (Array.isArray(a) && Array.isArray(b) && isPlainSequence(a) && sequenceKind(a) === sequenceKind(b)) {
      checkItems(a.length + b.length, `the joined ${isTuple(a) ? "tuple" : "list"}`);
      const joined = [...a, ...b];
      return isTuple(a) ? makeTuple(joined) : joined;
    }
    if (typeof a === "string") throw typeError(`can only concatenate str (not "${pyTypeName(b)}") to str`);
    if (Array.isArray(a) && sequenceKind(a) === "list") throw typeError(`can only concatenate list (not "${pyTypeName(b)}") to list`);
  }
  if (op === "mul") {
    const [sequence, times] = isIntLike(b) ? [a, b] : isIntLike(a) ? [b, a] : [undefined, undefined];
    if (times !== undefined) {
      const n = Math.max(0, numberOf(times));
      if (typeof sequence === "string") {
        checkChars(sequence.length * n, "the repeated string");
        return sequence.repeat(n);
      }
      if (Array.isArray(sequence) && isPlainSequence(sequence)) {
        checkItems(sequence.length * n, `the repeated ${isTuple(sequence) ? "tuple" : "list"}`);
        return isTuple(sequence) ? makeTuple(repeat(sequence, n)) : repeat(sequence, n);
      }
    }
    if (typeof a === "string" || Array.isArray(a) || typeof b === "string" || Array.isArray(b)) {
      throw typeError(`can't multiply sequence by non-int of type '${pyTypeName(typeof a === "string" || Array.isArray(a) ? b : a)}'`);
    }
  }
  if (op === "mod" && typeof a === "string") return percentFormat(a, b);
  throw unsupported(op, a, b);
}

export function pyNegate(value: unknown, op: "neg" | "pos"): unknown {
  value = plain(value);
  if (value instanceof Undef) throw undefinedError(value);
  if (typeof value === "bigint") return op === "neg" ? -value : value;
  if (isNumberLike(value)) {
    const n = numberOf(value);
    const result = op === "neg" ? -n : n;
    return isFloat(value) ? makeFloat(result) : result === 0 ? 0 : result;
  }
  throw typeError(`bad operand type for unary ${op === "neg" ? "-" : "+"}: '${pyTypeName(value)}'`);
}

/** Python's `item in container`. */
export function pyContains(container: unknown, item: unknown): boolean {
  container = plain(container);
  item = plain(item);
  if (container instanceof Undef) return false;
  if (typeof container === "string") {
    if (typeof item !== "string") {
      if (item instanceof Undef) throw typeError("'in <string>' requires string as left operand, not SilentUndefined");
      throw typeError(`'in <string>' requires string as left operand, not ${pyTypeName(item)}`);
    }
    return container.includes(item);
  }
  if (Array.isArray(container)) return container.some((entry) => pyEquals(entry, item));
  if (container instanceof PyIterator) {
    // `in` consumes an iterator up to the first match.
    for (let step = container.next(); !step.done; step = container.next()) if (pyEquals(step.value, item)) return true;
    return false;
  }
  if (isDict(container)) {
    if (Array.isArray(item) && !isTuple(item)) throw typeError("unhashable type: 'list'");
    if (isDict(item)) throw typeError("unhashable type: 'dict'");
    return hashKey(item) !== undefined && Object.hasOwn(container, hashKey(item) as string);
  }
  throw typeError(`argument of type '${pyTypeName(container)}' is not iterable`);
}

/** The JS property name a Python dict key maps to, when it can be one (str keys only). */
export function hashKey(key: unknown): string | undefined {
  return strOf(key);
}

/** Python's `iter(value)` as an array. */
export function pyIterate(value: unknown): unknown[] {
  value = plain(value);
  if (value instanceof Undef) return [];
  if (Array.isArray(value)) return value;
  if (typeof value === "string") return [...value];
  if (isDict(value)) return Object.keys(value);
  if (value instanceof PyIterator) return value.rest();
  if (value instanceof Namespace) throw typeError("'Namespace' object is not iterable");
  throw typeError(`'${pyTypeName(value)}' object is not iterable`);
}

/** Python's `a, b = value`: exactly `count` items, with Python's errors. */
export function pyUnpack(value: unknown, count: number): unknown[] {
  value = plain(value);
  if (!(value instanceof Undef) && !(value instanceof PyIterator) && typeof value !== "string" && !Array.isArray(value) && !isDict(value)) {
    throw typeError(`cannot unpack non-iterable ${pyTypeName(value)} object`);
  }
  const items = pyIterate(value);
  if (items.length < count) throw new PyError("value", `not enough values to unpack (expected ${count}, got ${items.length})`);
  if (items.length > count) throw new PyError("value", `too many values to unpack (expected ${count})`);
  return items;
}

/** Python's `len(value)`. */
export function pyLength(value: unknown): number {
  value = plain(value);
  if (value instanceof Undef) return 0;
  if (typeof value === "string") {
    let count = 0;
    for (const _ of value) count++;
    return count;
  }
  if (Array.isArray(value)) return value.length;
  if (isDict(value)) return Object.keys(value).length;
  throw typeError(`object of type '${pyTypeName(value)}' has no len()`);
}
