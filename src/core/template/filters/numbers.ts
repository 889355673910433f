/** Jinja2's number filters and Python's `int()` / `float()` conversions. */
import { undefinedError } from "../../python/operators";
import { roundHalfEven } from "../../python/format";
import { TemplateError, typeError, valueError } from "../template-error";
import { isFloat, isNumberLike, makeFloat, numberOf, plain, PyFloat, pyTypeName, Undef } from "../../python/objects";
import { filter, type FilterFn } from "./common";

const pyWhitespace = /^[\s\u001c-\u001f\u0085]+|[\s\u001c-\u001f\u0085]+$/g;
const floatTextRe = /^[+-]?(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*|\d(?:_?\d)*\.?)(?:[eE][+-]?\d(?:_?\d)*)?$/;

/** Python's `float(value)` as a number; ValueError/TypeError as Python raises them. */
export function pyFloatValue(value: unknown): number {
  value = plain(value);
  if (value instanceof Undef) throw undefinedError(value);
  if (isNumberLike(value)) return numberOf(value);
  if (typeof value === "string") {
    const text = value.replace(pyWhitespace, "");
    const lower = text.toLowerCase();
    const special = /^([+-]?)(inf|infinity|nan)$/.exec(lower);
    if (special) return special[2] === "nan" ? NaN : special[1] === "-" ? -Infinity : Infinity;
    if (!floatTextRe.test(text)) throw valueError(`could not convert string to float: ${JSON.stringify(value)}`);
    return parseFloat(text.replace(/_/g, ""));
  }
  throw typeError(`float() argument must be a string or a real number, not '${pyTypeName(value)}'`);
}

/** Python's `int(value, base)`. */
export function pyIntValue(value: unknown, base = 10): number {
  value = plain(value);
  if (value instanceof Undef) throw undefinedError(value);
  if (typeof value === "string") {
    let text = value.replace(pyWhitespace, "").toLowerCase();
    let sign = 1;
    if (text.startsWith("-") || text.startsWith("+")) {
      if (text[0] === "-") sign = -1;
      text = text.slice(1);
    }
    let radix = base;
    const prefixes: Record<string, number> = { "0x": 16, "0o": 8, "0b": 2 };
    const prefix = text.slice(0, 2);
    if (prefix in prefixes && (base === 0 || base === prefixes[prefix])) {
      radix = prefixes[prefix];
      text = text.slice(2).replace(/^_/, "");
    } else if (base === 0) radix = 10;
    const digits = "0123456789abcdefghijklmnopqrstuvwxyz".slice(0, radix);
    const valid = new RegExp(`^[${digits}](?:_?[${digits}])*$`);
    if (!valid.test(text)) throw valueError(`invalid literal for int() with base ${base}: ${JSON.stringify(value)}`);
    return sign * parseInt(text.replace(/_/g, ""), radix);
  }
  if (base !== 10) throw typeError("int() can't convert non-string with explicit base");
  if (isNumberLike(value)) {
    const n = numberOf(value);
    if (!Number.isFinite(n)) {
      throw new TemplateError(Number.isNaN(n) ? "value" : "overflow", Number.isNaN(n) ? "cannot convert float NaN to integer" : "cannot convert float infinity to integer");
    }
    return Math.trunc(n) || 0;
  }
  throw typeError(`int() argument must be a string, a bytes-like object or a real number, not '${pyTypeName(value)}'`);
}

function isConversionError(error: unknown): boolean {
  return error instanceof TemplateError && (error.kind === "type" || error.kind === "value");
}

export const numberFilters: Record<string, FilterFn> = {
  int: filter("int", [["default", 0], ["base", 10]], (input, a) => {
    const v = plain(input);
    const base = a.base as number;
    try {
      return typeof v === "string" ? pyIntValue(v, base) : pyIntValue(v);
    } catch (error) {
      if (!isConversionError(error)) throw error;
      try {
        return pyIntValue(pyFloatValue(v));
      } catch (inner) {
        if (!isConversionError(inner)) throw inner;
        return a.default;
      }
    }
  }),
  float: filter("float", [["default", new PyFloat(0)]], (v, a) => {
    try {
      return makeFloat(pyFloatValue(v));
    } catch (error) {
      if (!isConversionError(error)) throw error;
      return a.default;
    }
  }),
  abs: filter("abs", [], (v) => {
    if (!isNumberLike(v)) throw typeError(`bad operand type for abs(): '${pyTypeName(v)}'`);
    const n = Math.abs(numberOf(v));
    return isFloat(v) ? makeFloat(n) : n;
  }),
  round: filter("round", [["precision", 0], ["method", "common"]], (v, a) => {
    const method = a.method;
    if (method !== "common" && method !== "ceil" && method !== "floor") {
      throw new TemplateError("runtime", "method must be common, ceil or floor");
    }
    if (v instanceof Undef && method === "common") throw typeError("type SilentUndefined doesn't define __round__ method");
    if (!isNumberLike(v) && !(v instanceof Undef)) {
      if (method === "common") throw typeError(`type ${pyTypeName(v)} doesn't define __round__ method`);
    }
    const precision = a.precision;
    if (typeof precision !== "number" && typeof precision !== "boolean") {
      throw typeError(`'${pyTypeName(precision)}' object cannot be interpreted as an integer`);
    }
    const digits = numberOf(precision);
    if (method === "common") {
      const n = numberOf(v as number);
      if (!isFloat(v)) return digits >= 0 ? n : roundHalfEven(n, digits);
      return makeFloat(roundHalfEven(n, digits));
    }
    if (v instanceof Undef) throw undefinedError(v);
    if (!isNumberLike(v)) throw typeError(`unsupported operand type(s) for *: '${pyTypeName(v)}' and 'int'`);
    const scale = 10 ** digits;
    const scaled = numberOf(v) * scale;
    if (Number.isNaN(scaled)) throw new TemplateError("value", "cannot convert float NaN to integer");
    if (!Number.isFinite(scaled)) throw new TemplateError("overflow", "cannot convert float infinity to integer");
    return makeFloat((method === "ceil" ? Math.ceil(scaled) : Math.floor(scaled)) / scale);
  }),
  random: filter("random", [], (input) => {
    const v = plain(input);
    if (!Array.isArray(v) && typeof v !== "string") throw typeError(`object of type '${pyTypeName(v)}' has no len()`);
    const items = typeof v === "string" ? [...v] : v;
    if (!items.length) throw new TemplateError("index", "Cannot choose from an empty sequence");
    return items[Math.floor(Math.random() * items.length)];
  }),
};
