/**
 * `transform.parse_pattern` (modules.md 2.20): splits user text into pieces, matches each piece with a
 * Python regex (`re.match`: anchored at the start only), and builds one item per piece from the named
 * groups, with Python `int()`/`float()` casts, type-exact mappings, lookups, simpleeval computed
 * fields and validation rules. Item errors are collected, never raised. Floats stay Python floats
 * while an item is built (`30.0` prints as `30.0` in messages); outputs are plain JSON values.
 */
import { toNative } from "../../template";
import { pyRepr, pyStr } from "../../python/format";
import { PyFloat } from "../../python/objects";
import { errorText, isModuleExecutionError, ModuleExecutionError } from "../base";
import { isPlainObject, isTruthy, pythonTypeName } from "../../python/builtins";
import type { ExecutableModule, ModuleContext, ModuleInputDecl, ModuleOutputDecl } from "../types";
import { evaluatePythonExpression, PARSE_PATTERN_FUNCTIONS } from "../../python/expression";
import { compilePythonPattern, pythonMatch, pythonSplit, PythonRegexError, type CompiledPythonRegex } from "../../python/regex";
import { pythonEquals, pythonGet, pythonInList, pythonIterate } from "../../python/values";

/** Python's `str.strip()` whitespace. */
const PY_SPACE = "[\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const PY_STRIP = new RegExp(`^${PY_SPACE}+|${PY_SPACE}+$`, "g");

function pyStrip(text: string): string {
  return text.replace(PY_STRIP, "");
}

/** What `int()` and `float()` strip: ASCII whitespace (not \x1c-\x1f) and non-ASCII Unicode spaces. */
const NUMBER_SPACE = "[\\t\\n\\v\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const NUMBER_STRIP = new RegExp(`^${NUMBER_SPACE}+|${NUMBER_SPACE}+$`, "g");

/** Unicode decimal digits (`٣`, `３`) as ASCII, as `int()` and `float()` read them. */
function asciiDigits(text: string): string {
  return text.replace(/\p{Nd}/gu, (digit) => {
    let code = digit.codePointAt(0)!;
    let start = code;
    while (start > 0 && /\p{Nd}/u.test(String.fromCodePoint(start - 1)) && code - start < 100) start--;
    code = (code - start) % 10;
    return String(code);
  });
}

/** A Python number as the item keeps it: ints as numbers, floats as numbers or `PyFloat`. */
type PyNumber = number | PyFloat;

function pyFloat(value: number): PyNumber {
  return Number.isInteger(value) ? new PyFloat(value) : value;
}

function numberValue(value: unknown): number | null {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "number") return value;
  if (value instanceof PyFloat) return value.value;
  return null;
}

/** `int(value)`. */
function pythonInt(value: unknown): number {
  if (typeof value === "string") {
    const text = asciiDigits(value.replace(NUMBER_STRIP, ""));
    if (!/^[+-]?\d(?:_?\d)*$/.test(text)) throw new Error(`invalid literal for int() with base 10: ${pyRepr(value)}`);
    return Number(text.replace(/_/g, ""));
  }
  if (value instanceof PyFloat || (typeof value === "number" && !Number.isInteger(value))) {
    const n = numberValue(value)!;
    if (!Number.isFinite(n)) throw new Error(Number.isNaN(n) ? "cannot convert float NaN to integer" : "cannot convert float infinity to integer");
    return Math.trunc(n);
  }
  const n = numberValue(value);
  if (n === null) throw new TypeError(`int() argument must be a string, a bytes-like object or a real number, not '${pythonTypeName(value)}'`);
  return n;
}

/** `float(value)`. */
function pythonFloat(value: unknown): PyNumber {
  if (typeof value === "string") {
    const text = asciiDigits(value.replace(NUMBER_STRIP, ""));
    const special = /^([+-]?)(inf|infinity|nan)$/i.exec(text);
    if (special) return special[2]!.toLowerCase() === "nan" ? NaN : special[1] === "-" ? -Infinity : Infinity;
    const digits = "\\d(?:_?\\d)*";
    if (!new RegExp(`^[+-]?(?:${digits}(?:\\.(?:${digits})?)?|\\.${digits})(?:[eE][+-]?${digits})?$`).test(text)) {
      throw new Error(`could not convert string to float: ${pyRepr(value)}`);
    }
    return pyFloat(Number(text.replace(/_/g, "")));
  }
  const n = numberValue(value);
  if (n === null) throw new TypeError(`float() argument must be a string or a real number, not '${pythonTypeName(value)}'`);
  return pyFloat(n);
}

/** `_cast_type`: int/integer, float/number, bool/boolean, string/str; anything else unchanged. */
function castType(value: unknown, typeName: unknown): unknown {
  if (typeof typeName !== "string") throw new AttributeError(`'${pythonTypeName(typeName)}' object has no attribute 'lower'`);
  const type = typeName.toLowerCase();
  if (type === "int" || type === "integer") return pythonInt(value);
  if (type === "float" || type === "number") return pythonFloat(value);
  if (type === "bool" || type === "boolean") {
    if (typeof value === "boolean") return value;
    if (typeof value === "string") return ["true", "yes", "1", "on"].includes(value.toLowerCase());
    return isTruthy(value instanceof PyFloat ? value.value : value);
  }
  if (type === "string" || type === "str") return pyStr(value);
  return value;
}

/** Python errors the cast's `except (ValueError, TypeError)` does not catch. */
class AttributeError extends Error {}

/** `value in mapping` and `mapping[value]`, with Python's type-exact dict lookup. */
function mapValue(mapping: unknown, value: unknown): { found: boolean; mapped?: unknown } {
  if (isPlainObject(mapping)) {
    if (Array.isArray(value) || isPlainObject(value)) throw new TypeError(`unhashable type: '${pythonTypeName(value)}'`);
    // JSON keys are strings, so only a string value can be a key (an int 1 is not the key "1").
    if (typeof value === "string" && Object.prototype.hasOwnProperty.call(mapping, value)) return { found: true, mapped: mapping[value] };
    return { found: false };
  }
  if (Array.isArray(mapping)) {
    if (!pythonInList(value, mapping)) return { found: false };
    if (typeof value === "boolean" || (typeof value === "number" && Number.isInteger(value))) {
      const index = Number(value) < 0 ? Number(value) + mapping.length : Number(value);
      if (index < 0 || index >= mapping.length) throw new Error("list index out of range");
      return { found: true, mapped: mapping[index] };
    }
    throw new TypeError(`list indices must be integers or slices, not ${pythonTypeName(value)}`);
  }
  if (typeof mapping === "string") {
    if (typeof value !== "string") throw new TypeError(`'in <string>' requires string as left operand, not ${pythonTypeName(value)}`);
    if (!mapping.includes(value)) return { found: false };
    throw new TypeError(`string indices must be integers, not '${pythonTypeName(value)}'`);
  }
  throw new TypeError(`argument of type '${pythonTypeName(mapping)}' is not iterable`);
}

function entries(value: unknown, what: string): Array<[string, unknown]> {
  if (!isPlainObject(value)) throw new TypeError(`'${pythonTypeName(value)}' object has no attribute '${what}'`);
  return Object.entries(value);
}

function has(item: Record<string, unknown>, field: string): boolean {
  return Object.prototype.hasOwnProperty.call(item, field);
}

interface ParseSettings {
  regex: CompiledPythonRegex;
  fieldTypes: unknown;
  lookups: unknown;
  mappings: unknown;
  computed: unknown;
  validation: unknown;
}

export class ParsePatternModule implements ExecutableModule {
  readonly kind = "executable";
  readonly moduleId = "transform.parse_pattern";

  readonly inputs: readonly ModuleInputDecl[] = [
    { name: "input", type: "string", required: true, description: "Raw input string to parse" },
    { name: "pattern", type: "object", required: true, description: "Pattern configuration: {regex, separator?, separator_is_regex?, trim?}" },
    { name: "field_types", type: "object", required: false, default: {}, description: "Type casting per field: {field: 'int'|'float'|'bool'|'string'}" },
    { name: "lookups", type: "object", required: false, default: {}, description: "Lookup configurations per field" },
    { name: "mappings", type: "object", required: false, default: {}, description: "Value mappings per field: {field: {old: new, ...}}" },
    { name: "computed", type: "array", required: false, default: [], description: "Computed field definitions: [{field, expression}, ...]" },
    { name: "validation", type: "object", required: false, default: {}, description: "Validation rules per field: {field: {min?, max?, in?, pattern?, required?}}" },
    { name: "sum_field", type: "string", required: false, default: null, description: "Field name to sum for total output" },
  ];

  readonly outputs: readonly ModuleOutputDecl[] = [
    { name: "items", type: "array", description: "Array of parsed items with all fields" },
    { name: "count", type: "number", description: "Number of parsed items" },
    { name: "total", type: "number", description: "Sum of sum_field values (if specified)" },
    { name: "valid", type: "boolean", description: "Whether all items passed validation" },
    { name: "errors", type: "array", description: "Array of validation error messages" },
  ];

  async execute(inputs: Record<string, unknown>, context: ModuleContext): Promise<Record<string, unknown>> {
    try {
      const get = (name: string, fallback: unknown) => (Object.prototype.hasOwnProperty.call(inputs, name) ? inputs[name] : fallback);
      const rawInput = get("input", "");
      const patternConfig = get("pattern", {});
      const sumField = get("sum_field", null);

      const regexPattern = pythonGet(patternConfig, "regex", "");
      const separator = pythonGet(patternConfig, "separator", null);
      const separatorIsRegex = pythonGet(patternConfig, "separator_is_regex", false);
      const trim = pythonGet(patternConfig, "trim", true);
      if (!isTruthy(regexPattern)) throw new ModuleExecutionError(this.moduleId, "Pattern regex is required");

      let regex: CompiledPythonRegex;
      try {
        regex = this.compileOrThrow(regexPattern);
      } catch (error) {
        if (error instanceof PythonRegexError) throw new ModuleExecutionError(this.moduleId, `Invalid regex pattern: ${error.message}`, error);
        throw error;
      }

      let pieces: Array<string | null>;
      if (isTruthy(separator)) {
        if (isTruthy(separatorIsRegex)) {
          const splitter = this.compileOrThrow(separator);
          if (typeof rawInput !== "string") throw new TypeError(`expected string or bytes-like object, got '${pythonTypeName(rawInput)}'`);
          pieces = pythonSplit(splitter, rawInput);
        } else {
          if (typeof rawInput !== "string") throw new TypeError(`'${pythonTypeName(rawInput)}' object has no attribute 'split'`);
          if (typeof separator !== "string") throw new TypeError(`must be str or None, not ${pythonTypeName(separator)}`);
          pieces = rawInput.split(separator);
        }
      } else {
        pieces = [rawInput as string];
      }
      if (isTruthy(trim)) {
        pieces = pieces.map((piece) => {
          if (typeof piece !== "string") throw new TypeError(`'${pythonTypeName(piece)}' object has no attribute 'strip'`);
          return pyStrip(piece);
        });
      }
      const kept = pieces.filter((piece) => isTruthy(piece)) as string[];

      const settings: ParseSettings = {
        regex,
        fieldTypes: get("field_types", {}),
        lookups: get("lookups", {}),
        mappings: get("mappings", {}),
        computed: get("computed", []),
        validation: get("validation", {}),
      };
      const items: Record<string, unknown>[] = [];
      const errors: string[] = [];
      kept.forEach((raw, index) => {
        const { item, itemErrors } = this.parseItem(raw, index, settings, context);
        errors.push(...itemErrors);
        items.push(item);
      });

      let total: unknown = 0;
      if (isTruthy(sumField)) {
        for (const item of items) {
          const value = item[sumField as string];
          if (has(item, sumField as string) && (typeof value === "number" || typeof value === "boolean" || value instanceof PyFloat)) {
            total = sumNumbers(total as PyNumber, value);
          }
        }
      }
      const valid = errors.length === 0;
      context.logger.info(`Parsed ${items.length} items from input, valid=${valid ? "True" : "False"}, errors=${errors.length}`);
      return { items: toNative(items), count: items.length, total: toNative(total), valid, errors };
    } catch (error) {
      if (isModuleExecutionError(error)) throw error;
      throw new ModuleExecutionError(this.moduleId, `Failed to parse pattern: ${errorText(error)}`, error);
    }
  }

  /** A separator or validation pattern: a bad one is Python's `re.error`, not the module's own. */
  private compileOrThrow(pattern: unknown): CompiledPythonRegex {
    if (typeof pattern !== "string") throw new TypeError("first argument must be string or compiled pattern");
    return compilePythonPattern(pattern);
  }

  private parseItem(raw: string, index: number, settings: ParseSettings, context: ModuleContext): { item: Record<string, unknown>; itemErrors: string[] } {
    const item: Record<string, unknown> = { _raw: raw, _index: index };
    const itemErrors: string[] = [];
    if (typeof raw !== "string") throw new TypeError(`expected string or bytes-like object, got '${pythonTypeName(raw)}'`);
    const match = pythonMatch(settings.regex, raw);
    if (match === null) return { item, itemErrors: [`Item '${raw}' does not match pattern`] };
    for (const [field, value] of Object.entries(match.groupdict)) item[field] = value;

    for (const [field, typeName] of entries(settings.fieldTypes, "items")) {
      if (!has(item, field) || item[field] === null) continue;
      try {
        item[field] = castType(item[field], typeName);
      } catch (error) {
        if (error instanceof AttributeError) throw new TypeError(error.message);
        itemErrors.push(`Item '${raw}': Cannot cast '${field}' to ${pyStr(typeName)}`);
      }
    }

    for (const [field, mapping] of entries(settings.mappings, "items")) {
      if (!has(item, field)) continue;
      const { found, mapped } = mapValue(mapping, numberOrValue(item[field]));
      if (!found) continue;
      const original = item[field];
      item[field] = mapped;
      item[`${field}_original`] = original;
    }

    for (const [field, config] of entries(settings.lookups, "items")) {
      if (!has(item, field)) continue;
      const result = this.lookup(item[field], config, context);
      if (result !== null) {
        item[pyStr(pythonGet(config, "output_field", `${field}_resolved`))] = result;
      } else if (isTruthy(pythonGet(config, "required", false))) {
        itemErrors.push(`Item '${raw}': Lookup failed for '${field}'=${pyStr(item[field])}`);
      }
    }

    for (const definition of pythonIterate(settings.computed)) {
      const field = pythonGet(definition, "field");
      const expression = pythonGet(definition, "expression");
      if (!isTruthy(field) || !isTruthy(expression)) continue;
      try {
        item[pyStr(field)] = evaluatePythonExpression(String(expression), item, PARSE_PATTERN_FUNCTIONS);
      } catch (error) {
        itemErrors.push(`Item '${raw}': Failed to compute '${pyStr(field)}': ${errorText(error)}`);
      }
    }

    for (const [field, rules] of entries(settings.validation, "items")) {
      if (has(item, field)) itemErrors.push(...this.validateField(field, item[field], rules, raw));
      else if (isTruthy(pythonGet(rules, "required", false))) itemErrors.push(`Item '${raw}': Missing required field '${field}'`);
    }
    return { item, itemErrors };
  }

  /** `_apply_lookup`: by position (`int(value) + offset`) or by the first object whose field equals the value. */
  private lookup(value: unknown, config: unknown, context: ModuleContext): unknown {
    const source = pythonGet(config, "source", []);
    context.logger.debug(`[LOOKUP] value=${pyStr(value)}, source type=${pythonTypeName(source)}`);
    if (!Array.isArray(source) || source.length === 0) return null;
    if (isTruthy(pythonGet(config, "match_by_position", false))) {
      const offset = pythonGet(config, "position_offset", -1);
      let position: number;
      try {
        const base = pythonInt(value);
        const shift = numberValue(offset);
        if (shift === null || (offset instanceof PyFloat)) throw new TypeError("non-int offset");
        position = base + shift;
        if (!Number.isInteger(position)) return null;
      } catch {
        return null;
      }
      return position >= 0 && position < source.length ? (source[position] ?? null) : null;
    }
    const matchField = pyStr(pythonGet(config, "match_field", "id"));
    for (const entry of source) {
      if (isPlainObject(entry) && pythonEquals(has(entry, matchField) ? entry[matchField] : null, numberOrValue(value))) return entry;
    }
    return null;
  }

  private validateField(field: string, value: unknown, rules: unknown, raw: string): string[] {
    const errors: string[] = [];
    const number = numberValue(value);
    const rule = (name: string) => (isPlainObject(rules) && has(rules, name) ? { present: true, value: rules[name] } : { present: false, value: undefined });
    if (!isPlainObject(rules)) throw new TypeError(`argument of type '${pythonTypeName(rules)}' is not iterable`);
    const min = rule("min");
    if (min.present && number !== null) {
      const limit = numberValue(min.value);
      if (limit !== null && number < limit) errors.push(`Item '${raw}': '${field}' (${pyStr(value)}) is less than minimum (${pyStr(min.value)})`);
    }
    const max = rule("max");
    if (max.present && number !== null) {
      const limit = numberValue(max.value);
      if (limit !== null && number > limit) errors.push(`Item '${raw}': '${field}' (${pyStr(value)}) exceeds maximum (${pyStr(max.value)})`);
    }
    const allowed = rule("in");
    if (allowed.present && Array.isArray(allowed.value) && !pythonInList(numberOrValue(value), allowed.value)) {
      errors.push(`Item '${raw}': '${field}' (${pyStr(value)}) not in allowed values ${pyRepr(allowed.value)}`);
    }
    const pattern = rule("pattern");
    if (pattern.present && typeof value === "string") {
      const compiled = this.compileOrThrow(pattern.value);
      if (pythonMatch(compiled, value) === null) errors.push(`Item '${raw}': '${field}' (${value}) does not match pattern '${pyStr(pattern.value)}'`);
    }
    return errors;
  }
}

/** A kept Python float compares by its number. */
function numberOrValue(value: unknown): unknown {
  return value instanceof PyFloat ? value.value : value;
}

/** `total += value` with Python's int/float result types. */
function sumNumbers(total: PyNumber, value: number | boolean | PyFloat): PyNumber {
  const isFloat = (x: unknown) => x instanceof PyFloat || (typeof x === "number" && !Number.isInteger(x));
  const sum = numberValue(total)! + numberValue(value)!;
  return isFloat(total) || isFloat(value) ? pyFloat(sum) : sum;
}
