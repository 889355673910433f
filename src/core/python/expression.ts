/**
 * The Python expressions of transform.parse_pattern's computed fields (modules.md 2.20), evaluated
 * the way simpleeval's `EvalWithCompoundTypes` evaluates them: Python syntax and operators, the
 * item's fields as names, only the given functions callable, methods of str/list/dict values,
 * `a.b` falling back to `a['b']`, and simpleeval's limits and error texts
 * (`'x' is not defined for expression 'x + 1'`). Values follow Python: ints and floats stay apart
 * (integral floats as `PyFloat`), tuples are marked arrays.
 */
import { pyArithmetic, pyCompare, pyContains, pyEquals, pyIterate, pyLength, pyNegate, truthy } from "./operators";
import { getPythonAttribute, sliceIndices } from "./attributes";
import { pyStr, roundHalfEven } from "./format";
import { PyError } from "./errors";
import { isDict, isFloat, isTuple, makeFloat, makeTuple, numberOf, PyCallable, PyFloat, pyTypeName, Undef, type CallArgs } from "./objects";
import { PythonEvalError, syntaxError } from "./expression-tokens";
import { parsePythonExpression, type Node } from "./expression-parser";

export { PythonEvalError };

const MAX_STRING_LENGTH = 100000;
const MAX_POWER = 4000000;

// ------------------------------------------------------------------ evaluation

export type PythonFunction = (args: unknown[], kwargs: Map<string, unknown>) => unknown;

class Evaluator {
  constructor(
    private readonly expression: string,
    private readonly names: Record<string, unknown>,
    private readonly functions: Record<string, PythonFunction>,
  ) {}

  eval(node: Node, scope: Map<string, unknown>): unknown {
    switch (node.type) {
      case "const":
        return node.value;
      case "name": {
        if (scope.has(node.name)) return scope.get(node.name);
        if (Object.prototype.hasOwnProperty.call(this.names, node.name)) return this.names[node.name];
        if (Object.prototype.hasOwnProperty.call(this.functions, node.name)) return this.functions[node.name];
        throw new PythonEvalError("NameNotDefined", `'${node.name}' is not defined for expression '${this.expression}'`);
      }
      case "tuple":
        return makeTuple(node.items.map((item) => this.eval(item, scope)));
      case "list":
        return node.items.map((item) => this.eval(item, scope));
      case "set": {
        const out: unknown[] = [];
        for (const item of node.items.map((entry) => this.eval(entry, scope))) if (!out.some((seen) => pyEquals(seen, item))) out.push(item);
        return out;
      }
      case "dict": {
        const out: Record<string, unknown> = {};
        node.keys.forEach((keyNode, i) => {
          const key = this.eval(keyNode, scope);
          if (Array.isArray(key) && !isTuple(key)) throw new TypeError("unhashable type: 'list'");
          if (isDict(key)) throw new TypeError("unhashable type: 'dict'");
          Object.defineProperty(out, typeof key === "string" ? key : pyStr(key), { value: this.eval(node.values[i]!, scope), enumerable: true, writable: true, configurable: true });
        });
        return out;
      }
      case "binary":
        return this.binary(node.op, this.eval(node.left, scope), this.eval(node.right, scope));
      case "unary":
        return this.unary(node.op, this.eval(node.operand, scope));
      case "bool": {
        let value: unknown = false;
        for (const part of node.values) {
          value = this.eval(part, scope);
          if (node.op === "and" ? !truthy(value) : truthy(value)) return value;
        }
        return value;
      }
      case "compare": {
        let left = this.eval(node.first, scope);
        for (const { op, right: rightNode } of node.ops) {
          const right = this.eval(rightNode, scope);
          if (!this.compare(op, left, right)) return false;
          left = right;
        }
        return true;
      }
      case "ifexp":
        return truthy(this.eval(node.test, scope)) ? this.eval(node.body, scope) : this.eval(node.orelse, scope);
      case "attribute":
        return this.attribute(this.eval(node.target, scope), node.name);
      case "subscript":
        return this.subscript(this.eval(node.target, scope), node.index, scope);
      case "slice":
        throw new PythonEvalError("FeatureNotAvailable", "Sorry, Slice is not available in this evaluator");
      case "call":
        return this.call(node, scope);
      case "comprehension":
        return this.comprehension(node, scope);
      case "unsupported":
        throw new PythonEvalError("FeatureNotAvailable", `Sorry, ${node.what} is not available in this evaluator`);
    }
  }

  private binary(op: string, a: unknown, b: unknown): unknown {
    switch (op) {
      case "+":
        if (hasLength(a) && hasLength(b) && pyLength(a) + pyLength(b) > MAX_STRING_LENGTH) {
          throw new PythonEvalError("IterableTooLong", "Sorry, adding those two together would make something too long.");
        }
        return pyArithmetic("add", a, b);
      case "-":
        return pyArithmetic("sub", a, b);
      case "*":
        if ((hasLength(a) && isNumeric(b) && numberOf(b as number) * pyLength(a) > MAX_STRING_LENGTH) || (hasLength(b) && isNumeric(a) && numberOf(a as number) * pyLength(b) > MAX_STRING_LENGTH)) {
          throw new PythonEvalError("IterableTooLong", "Sorry, I will not evalute something that long.");
        }
        return pyArithmetic("mul", a, b);
      case "/":
        return pyArithmetic("div", a, b);
      case "//":
        return pyArithmetic("floordiv", a, b);
      case "%":
        return pyArithmetic("mod", a, b);
      case "**":
        if (isNumeric(a) && isNumeric(b) && (Math.abs(numberOf(a)) > MAX_POWER || Math.abs(numberOf(b)) > MAX_POWER)) {
          throw new PythonEvalError("NumberTooHigh", `Sorry! I don't want to evaluate ${pyStr(a)} ** ${pyStr(b)}`);
        }
        return pyArithmetic("pow", a, b);
      case "<<":
      case ">>":
      case "&":
      case "|":
      case "^":
        return bitwise(op, a, b);
      default:
        throw new PythonEvalError("FeatureNotAvailable", `Sorry, ${op} is not available in this evaluator`);
    }
  }

  private unary(op: string, value: unknown): unknown {
    if (op === "not") return !truthy(value);
    if (op === "-") return pyNegate(value, "neg");
    if (op === "+") return pyNegate(value, "pos");
    if (typeof value === "boolean" || (typeof value === "number" && Number.isInteger(value))) return -numberOf(value) - 1;
    throw new TypeError(`bad operand type for unary ~: '${pyTypeName(value)}'`);
  }

  private compare(op: string, a: unknown, b: unknown): boolean {
    switch (op) {
      case "==": return pyEquals(a, b);
      case "!=": return !pyEquals(a, b);
      case "<": return pyCompare(a, b, "lt");
      case ">": return pyCompare(a, b, "gt");
      case "<=": return pyCompare(a, b, "lteq");
      case ">=": return pyCompare(a, b, "gteq");
      case "in": return pyContains(b, a);
      case "not in": return !pyContains(b, a);
      case "is": return isSame(a, b);
      default: return !isSame(a, b);
    }
  }

  private attribute(target: unknown, name: string): unknown {
    if (name.startsWith("_") || name.startsWith("func_")) {
      throw new PythonEvalError("FeatureNotAvailable", `Sorry, access to __attributes  or func_ attributes is not available. (${name})`);
    }
    if (name === "format" || name === "format_map" || name === "mro") throw new PythonEvalError("FeatureNotAvailable", `Sorry, this method is not available. (${name})`);
    const found = getPythonAttribute(target, name);
    if (!(found instanceof Undef)) return found;
    // simpleeval's fallback: `x.key` reads `x['key']`.
    if (isDict(target) && Object.prototype.hasOwnProperty.call(target, name)) return target[name];
    throw new PythonEvalError("AttributeDoesNotExist", `Attribute '${name}' does not exist in expression '${this.expression}'`);
  }

  private subscript(target: unknown, indexNode: Node, scope: Map<string, unknown>): unknown {
    if (indexNode.type === "slice") {
      const part = (node: Node | null) => (node === null ? null : this.eval(node, scope));
      const [lower, upper, step] = [part(indexNode.lower), part(indexNode.upper), part(indexNode.step)];
      if (typeof target === "string") {
        const chars = [...target];
        return sliceIndices(chars.length, lower, upper, step).map((i) => chars[i]).join("");
      }
      if (Array.isArray(target)) {
        const picked = sliceIndices(target.length, lower, upper, step).map((i) => target[i]);
        return isTuple(target) ? makeTuple(picked) : picked;
      }
      if (isDict(target)) throw new TypeError("unhashable type: 'slice'");
      throw new TypeError(`'${pyTypeName(target)}' object is not subscriptable`);
    }
    const key = this.eval(indexNode, scope);
    if (isDict(target)) {
      if (Array.isArray(key) && !isTuple(key)) throw new TypeError("unhashable type: 'list'");
      if (isDict(key)) throw new TypeError("unhashable type: 'dict'");
      if (typeof key === "string" && Object.prototype.hasOwnProperty.call(target, key)) return target[key];
      throw new PythonEvalError("KeyError", pyRepr(key));
    }
    if (typeof target === "string" || Array.isArray(target)) {
      const kind = typeof target === "string" ? "string" : isTuple(target) ? "tuple" : "list";
      if (!(typeof key === "boolean" || (typeof key === "number" && Number.isInteger(key)))) {
        throw new TypeError(kind === "string" ? `string indices must be integers, not '${pyTypeName(key)}'` : `${kind} indices must be integers or slices, not ${pyTypeName(key)}`);
      }
      const items = typeof target === "string" ? [...target] : target;
      const at = numberOf(key) < 0 ? numberOf(key) + items.length : numberOf(key);
      if (at < 0 || at >= items.length) throw new PythonEvalError("IndexError", `${kind} index out of range`);
      return items[at];
    }
    throw new TypeError(`'${pyTypeName(target)}' object is not subscriptable`);
  }

  private call(node: Extract<Node, { type: "call" }>, scope: Map<string, unknown>): unknown {
    let callee: unknown;
    if (node.callee.type === "attribute") {
      callee = this.eval(node.callee, scope);
    } else if (node.callee.type === "name") {
      if (!Object.prototype.hasOwnProperty.call(this.functions, node.callee.name)) {
        throw new PythonEvalError("FunctionNotDefined", `Function '${node.callee.name}' not defined, for expression '${this.expression}'.`);
      }
      callee = this.functions[node.callee.name];
    } else {
      throw new PythonEvalError("FeatureNotAvailable", "Lambda Functions not implemented");
    }
    const args = node.args.map((arg) => this.eval(arg, scope));
    const kwargs = new Map(node.kwargs.map(({ name, value }) => [name, this.eval(value, scope)] as const));
    if (callee instanceof PyCallable) return callee.invoke({ args, kwargs } satisfies CallArgs);
    if (typeof callee === "function") return (callee as PythonFunction)(args, kwargs);
    throw new TypeError(`'${pyTypeName(callee)}' object is not callable`);
  }

  private comprehension(node: Extract<Node, { type: "comprehension" }>, scope: Map<string, unknown>): unknown[] {
    const out: unknown[] = [];
    const run = (level: number, inner: Map<string, unknown>): void => {
      if (level === node.generators.length) {
        out.push(this.eval(node.element, inner));
        return;
      }
      const generator = node.generators[level]!;
      for (const item of pyIterate(this.eval(generator.iter, inner))) {
        const next = new Map(inner);
        this.bind(generator.target, item, next);
        if (generator.ifs.every((condition) => truthy(this.eval(condition, next)))) run(level + 1, next);
      }
    };
    run(0, scope);
    return out;
  }

  private bind(target: Node, value: unknown, scope: Map<string, unknown>): void {
    if (target.type === "name") {
      scope.set(target.name, value);
      return;
    }
    if (target.type === "tuple" || target.type === "list") {
      const items = pyIterate(value);
      if (items.length !== target.items.length) {
        throw new PythonEvalError(
          "ValueError",
          items.length < target.items.length ? `not enough values to unpack (expected ${target.items.length}, got ${items.length})` : `too many values to unpack (expected ${target.items.length})`,
        );
      }
      target.items.forEach((item, i) => this.bind(item, items[i], scope));
      return;
    }
    throw syntaxError("cannot assign to expression");
  }
}

function pyRepr(value: unknown): string {
  return typeof value === "string" ? `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'` : pyStr(value);
}

function hasLength(value: unknown): boolean {
  return typeof value === "string" || Array.isArray(value) || isDict(value);
}

function isNumeric(value: unknown): value is number | PyFloat | boolean {
  return typeof value === "number" || typeof value === "boolean" || value instanceof PyFloat;
}

function isIntValue(value: unknown): value is number | boolean {
  return typeof value === "boolean" || (typeof value === "number" && Number.isInteger(value));
}

function isSame(a: unknown, b: unknown): boolean {
  if (a === null || b === null || typeof a === "boolean" || typeof b === "boolean") return a === b;
  if (typeof a === "number" && typeof b === "number") return a === b && Number.isInteger(a) && a >= -5 && a <= 256;
  return a === b;
}

function bitwise(op: string, a: unknown, b: unknown): unknown {
  if (!isIntValue(a) || !isIntValue(b)) throw new TypeError(`unsupported operand type(s) for ${op}: '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
  if (typeof a === "boolean" && typeof b === "boolean" && (op === "&" || op === "|" || op === "^")) {
    return op === "&" ? a && b : op === "|" ? a || b : a !== b;
  }
  const x = BigInt(numberOf(a));
  const y = BigInt(numberOf(b));
  if ((op === "<<" || op === ">>") && y < 0n) throw new PythonEvalError("ValueError", "negative shift count");
  const result = op === "<<" ? x << y : op === ">>" ? x >> y : op === "&" ? x & y : op === "|" ? x | y : x ^ y;
  return Number(result);
}

// ------------------------------------------------------------------ the math functions of parse_pattern

function realNumber(value: unknown): number {
  if (isNumeric(value)) return numberOf(value);
  throw new TypeError(`must be real number, not ${pyTypeName(value)}`);
}

function toInteger(x: number): number {
  if (Number.isNaN(x)) throw new PythonEvalError("ValueError", "cannot convert float NaN to integer");
  if (!Number.isFinite(x)) throw new PythonEvalError("OverflowError", "cannot convert float infinity to integer");
  return x;
}

function extreme(name: "min" | "max", args: unknown[], kwargs: Map<string, unknown>): unknown {
  const items = args.length === 1 ? pyIterate(args[0]) : args;
  if (args.length === 0) throw new TypeError(`${name} expected at least 1 argument, got 0`);
  if (items.length === 0) {
    if (kwargs.has("default")) return kwargs.get("default");
    throw new PythonEvalError("ValueError", `${name}() arg is an empty sequence`);
  }
  let best = items[0];
  for (const item of items.slice(1)) if (pyCompare(item, best, name === "min" ? "lt" : "gt")) best = item;
  return best;
}

/** The functions parse_pattern gives its evaluator (math.ceil, floor, sqrt, pow and builtins). */
export const PARSE_PATTERN_FUNCTIONS: Record<string, PythonFunction> = {
  ceil: ([x]) => (isIntValue(x) ? numberOf(x) : toInteger(Math.ceil(realNumber(x)))),
  floor: ([x]) => (isIntValue(x) ? numberOf(x) : toInteger(Math.floor(realNumber(x)))),
  sqrt: ([x]) => {
    const n = realNumber(x);
    if (n < 0) throw new PythonEvalError("ValueError", "math domain error");
    return makeFloat(Math.sqrt(n));
  },
  pow: ([x, y]) => {
    const result = Math.pow(realNumber(x), realNumber(y));
    if (Number.isNaN(result)) throw new PythonEvalError("ValueError", "math domain error");
    if (!Number.isFinite(result) && Number.isFinite(realNumber(x)) && Number.isFinite(realNumber(y))) {
      if (realNumber(x) === 0) throw new PythonEvalError("ValueError", "math domain error");
      throw new PythonEvalError("OverflowError", "math range error");
    }
    return makeFloat(result);
  },
  min: (args, kwargs) => extreme("min", args, kwargs),
  max: (args, kwargs) => extreme("max", args, kwargs),
  abs: ([x]) => {
    if (typeof x === "boolean") return x ? 1 : 0;
    if (typeof x === "number") return Math.abs(x);
    if (x instanceof PyFloat) return makeFloat(Math.abs(x.value));
    throw new TypeError(`bad operand type for abs(): '${pyTypeName(x)}'`);
  },
  round: ([x, digits]) => {
    if (!isNumeric(x)) throw new TypeError(`type ${pyTypeName(x)} doesn't define __round__ method`);
    const n = numberOf(x);
    if (digits === undefined || digits === null) return isFloat(x) ? toInteger(roundHalfEven(n, 0)) : n;
    if (!isIntValue(digits)) throw new TypeError(`'${pyTypeName(digits)}' object cannot be interpreted as an integer`);
    const places = numberOf(digits);
    if (!isFloat(x)) return places >= 0 ? n : Number(roundHalfEven(n, places));
    return makeFloat(roundHalfEven(n, places));
  },
  len: ([x]) => pyLength(x),
};

/**
 * `EvalWithCompoundTypes(names=names, functions=functions).eval(expression)`. Python-side errors
 * come back as `PythonEvalError`, `TypeError` or the value model's `PyError`; in each,
 * `message` is Python's `str(e)`.
 */
export function evaluatePythonExpression(expression: string, names: Record<string, unknown>, functions: Record<string, PythonFunction>): unknown {
  const tree = parsePythonExpression(expression.trim());
  try {
    return new Evaluator(expression, names, functions).eval(tree, new Map());
  } catch (error) {
    if (error instanceof PyError) throw new PythonEvalError(error.exception, error.reason);
    throw error;
  }
}
