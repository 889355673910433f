/**
 * Ruling 14 as schema constraints: before the faker sees a schema we tighten it (on a copy) so that
 * anything it generates is still valid against the original schema but also
 *   - gives every array 2–3 items (within the schema's own minItems/maxItems),
 *   - keeps numbers in the original generator's range (0–9999 unless the schema says otherwise),
 *   - never gives an empty string where the schema allows a longer one,
 *   - prefers a real type over `null` in `type: [..., "null"]`.
 * Draft-6+ numeric `exclusiveMinimum`/`exclusiveMaximum`, which the faker ignores, become inclusive bounds.
 */
import { randomInt, type RandomSource } from "./random";

type Schema = Record<string, unknown>;

const SUBSCHEMA_MAPS = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];
const SUBSCHEMA_LISTS = ["anyOf", "oneOf", "allOf", "prefixItems"];
const SUBSCHEMAS = ["additionalProperties", "contains", "not", "if", "then", "else", "propertyNames", "unevaluatedProperties"];

const DEFAULT_NUMBER_SPAN = 9999;

function isObject(value: unknown): value is Schema {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function typesOf(schema: Schema): string[] {
  if (typeof schema.type === "string") return [schema.type];
  if (Array.isArray(schema.type)) return schema.type.filter((t): t is string => typeof t === "string");
  return [];
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}

/** The most items a tuple schema allows (`prefixItems` + `items: false`, or draft-7 `additionalItems: false`). */
export function tupleLimit(schema: Schema): number {
  if (Array.isArray(schema.prefixItems) && schema.items === false) return schema.prefixItems.length;
  if (Array.isArray(schema.items) && schema.additionalItems === false) return schema.items.length;
  return Infinity;
}

function prepareArray(schema: Schema, random: RandomSource): void {
  const min = typeof schema.minItems === "number" ? schema.minItems : 0;
  const max = Math.min(typeof schema.maxItems === "number" ? schema.maxItems : Infinity, tupleLimit(schema));
  if (min > max) return;
  const low = clamp(2, min, max);
  const high = clamp(3, min, max);
  const length = randomInt(random, low, high);
  schema.minItems = length;
  schema.maxItems = length;
  if (schema.items === undefined && schema.prefixItems === undefined) schema.items = { type: "string" };
}

/** A step small against the bound, yet large enough to survive floating-point rounding. */
function nudge(bound: number): number {
  return Math.max(Math.abs(bound), 1) * 1e-6;
}

function prepareNumber(schema: Schema, integer: boolean): void {
  // Numeric exclusive bounds (draft 6+, which the faker does not read) become inclusive ones just inside.
  if (typeof schema.exclusiveMinimum === "number") {
    const bound = schema.exclusiveMinimum;
    const minimum = typeof schema.minimum === "number" ? schema.minimum : -Infinity;
    if (integer) {
      schema.minimum = Math.max(minimum, Math.floor(bound) + 1);
      delete schema.exclusiveMinimum;
    } else {
      schema.minimum = Math.max(minimum, bound + nudge(bound));
      delete schema.exclusiveMinimum;
    }
  }
  if (typeof schema.exclusiveMaximum === "number") {
    const bound = schema.exclusiveMaximum;
    const maximum = typeof schema.maximum === "number" ? schema.maximum : Infinity;
    if (integer) {
      schema.maximum = Math.min(maximum, Math.ceil(bound) - 1);
      delete schema.exclusiveMaximum;
    } else {
      schema.maximum = Math.min(maximum, bound - nudge(bound));
      delete schema.exclusiveMaximum;
    }
  }
  const hasMin = typeof schema.minimum === "number";
  const hasMax = typeof schema.maximum === "number";
  if (!hasMin) schema.minimum = hasMax ? Math.min(0, (schema.maximum as number) - DEFAULT_NUMBER_SPAN) : 0;
  if (!hasMax) schema.maximum = (schema.minimum as number) + DEFAULT_NUMBER_SPAN;
}

function prepareString(schema: Schema): void {
  const constrained = schema.pattern !== undefined || schema.format !== undefined || schema.enum !== undefined || schema.const !== undefined;
  if (constrained || schema.minLength !== undefined) return;
  if (typeof schema.maxLength === "number" && schema.maxLength < 1) return;
  schema.minLength = 1;
}

function prepare(node: unknown, random: RandomSource): unknown {
  if (!isObject(node)) return node;
  const schema: Schema = { ...node };

  for (const key of SUBSCHEMA_MAPS) {
    const map = schema[key];
    if (isObject(map)) schema[key] = Object.fromEntries(Object.entries(map).map(([name, sub]) => [name, prepare(sub, random)]));
  }
  for (const key of SUBSCHEMA_LISTS) {
    const list = schema[key];
    if (Array.isArray(list)) schema[key] = list.map((sub) => prepare(sub, random));
  }
  for (const key of SUBSCHEMAS) if (isObject(schema[key])) schema[key] = prepare(schema[key], random);
  if (Array.isArray(schema.items)) schema.items = schema.items.map((sub) => prepare(sub, random));
  else if (isObject(schema.items)) schema.items = prepare(schema.items, random);

  let types = typesOf(schema);
  if (types.length > 1 && types.includes("null")) {
    types = types.filter((t) => t !== "null");
    schema.type = types.length === 1 ? types[0] : types;
  }
  if (schema.enum !== undefined || schema.const !== undefined) return schema;

  const arrayLike = types.includes("array") || (types.length === 0 && (schema.items !== undefined || schema.prefixItems !== undefined));
  if (arrayLike) prepareArray(schema, random);
  if (types.includes("integer")) prepareNumber(schema, true);
  else if (types.includes("number")) prepareNumber(schema, false);
  if (types.includes("string")) prepareString(schema);
  return schema;
}

/** A tightened copy of `schema`; the input is never modified. */
export function prepareSchemaForMock(schema: unknown, random: RandomSource): unknown {
  return prepare(schema, random);
}
