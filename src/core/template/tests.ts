/** Jinja2's built-in tests (jinja2/tests.py), with its signatures. */
import { bindArgs, required } from "../python/call-args";
import { pyArithmetic, pyCompare, pyContains, pyEquals } from "../python/operators";
import { pyStr } from "../python/format";
import { typeError } from "./template-error";
import { isFloat, isInt, isDict, isTuple, PyCallable, PyFloat, PyIterator, PyMarkup, pyTypeName, strOf, Undef } from "../python/objects";
import { isAttributeSource } from "../python/attributes";
import { lowerRe, upperRe } from "../python/strings";
import type { TestFn } from "./filters/common";

function oneArg(name: string, fn: (value: unknown, other: unknown) => boolean): TestFn {
  return (value, call) => fn(value, bindArgs(name, call, [["other", required]]).other);
}

function noArgTest(name: string, fn: (value: unknown) => boolean): TestFn {
  return (value, call) => {
    bindArgs(name, call, []);
    return fn(value);
  };
}

/** `value in environment.filters`: a dict lookup, so unhashable values raise. */
function isRegistered(value: unknown, registry: Readonly<Record<string, unknown>>): boolean {
  if ((Array.isArray(value) && !isTuple(value)) || isDict(value)) throw typeError(`unhashable type: '${pyTypeName(value)}'`);
  const name = strOf(value);
  return name !== undefined && Object.hasOwn(registry, name);
}

const eq = oneArg("eq", (a, b) => pyEquals(a, b));
const ne = oneArg("ne", (a, b) => !pyEquals(a, b));
const lt = oneArg("lt", (a, b) => pyCompare(a, b, "lt"));
const le = oneArg("le", (a, b) => pyCompare(a, b, "lteq"));
const gt = oneArg("gt", (a, b) => pyCompare(a, b, "gt"));
const ge = oneArg("ge", (a, b) => pyCompare(a, b, "gteq"));

export const tests: Record<string, TestFn> = {
  odd: noArgTest("odd", (v) => pyEquals(pyArithmetic("mod", v, 2), 1)),
  even: noArgTest("even", (v) => pyEquals(pyArithmetic("mod", v, 2), 0)),
  divisibleby: (v, call) => pyEquals(pyArithmetic("mod", v, bindArgs("divisibleby", call, [["num", required]]).num), 0),
  defined: noArgTest("defined", (v) => !(v instanceof Undef)),
  undefined: noArgTest("undefined", (v) => v instanceof Undef),
  filter: (v, call, env) => {
    bindArgs("filter", call, []);
    return isRegistered(v, env.filters);
  },
  test: (v, call, env) => {
    bindArgs("test", call, []);
    return isRegistered(v, env.tests);
  },
  none: noArgTest("none", (v) => v === null),
  boolean: noArgTest("boolean", (v) => typeof v === "boolean"),
  false: noArgTest("false", (v) => v === false),
  true: noArgTest("true", (v) => v === true),
  integer: noArgTest("integer", (v) => isInt(v)),
  float: noArgTest("float", (v) => isFloat(v)),
  lower: noArgTest("lower", (v) => {
    const text = pyStr(v);
    return lowerRe.test(text) && !upperRe.test(text);
  }),
  upper: noArgTest("upper", (v) => {
    const text = pyStr(v);
    return upperRe.test(text) && !lowerRe.test(text);
  }),
  string: noArgTest("string", (v) => strOf(v) !== undefined),
  mapping: noArgTest("mapping", (v) => isDict(v)),
  number: noArgTest("number", (v) => typeof v === "number" || v instanceof PyFloat || typeof v === "boolean"),
  sequence: noArgTest("sequence", (v) => strOf(v) !== undefined || Array.isArray(v) || isDict(v) || v instanceof Undef),
  iterable: noArgTest("iterable", (v) => strOf(v) !== undefined || Array.isArray(v) || isDict(v) || v instanceof Undef || v instanceof PyIterator),
  callable: noArgTest("callable", (v) => v instanceof PyCallable || v instanceof Undef || (isAttributeSource(v) && "call" in (v as object))),
  sameas: oneArg("sameas", (a, b) => a === b),
  escaped: noArgTest("escaped", (v) => v instanceof PyMarkup),
  in: (v, call) => pyContains(bindArgs("in", call, [["seq", required]]).seq, v),
  "==": eq,
  eq,
  equalto: eq,
  "!=": ne,
  ne,
  ">": gt,
  gt,
  greaterthan: gt,
  ">=": ge,
  ge,
  "<": lt,
  lt,
  lessthan: lt,
  "<=": le,
  le,
};
