/**
 * The fallback generator (modules.md §4.3), used when the faker throws or its value does not validate:
 * a direct walk over the schema that emits every property and gives arrays 2–3 items (ruling 14).
 */
import { parseJsonPointer } from "../json/pointer";
import { generateLoremText, loremWords } from "./lorem";
import { tupleLimit } from "./prepare-schema";
import { pick, randomInt, type RandomSource } from "./random";

type Schema = Record<string, unknown>;

const MAX_DEPTH = 10;

function isObject(value: unknown): value is Schema {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A local `$ref` (`#/$defs/x`): a URI fragment, percent-decoded to the JSON Pointer it holds. */
function resolveRef(root: unknown, ref: string): unknown {
  const keys = ref.startsWith("#") ? parseJsonPointer(decodeURIComponent(ref.slice(1))) : undefined;
  if (keys === undefined) return undefined;
  let node: unknown = root;
  for (const key of keys) {
    if (!isObject(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** allOf as one schema: properties and required merged, other keys first-wins (like the original's ChainMap). */
function mergeAllOf(schema: Schema): Schema {
  const merged: Schema = {};
  const properties: Schema = {};
  const required = new Set<string>();
  for (const part of [schema, ...((schema.allOf as unknown[]) ?? [])]) {
    if (!isObject(part)) continue;
    for (const [key, value] of Object.entries(part)) {
      if (key === "allOf") continue;
      if (key === "properties" && isObject(value)) Object.assign(properties, { ...value, ...properties });
      else if (key === "required" && Array.isArray(value)) value.forEach((name) => required.add(String(name)));
      else if (!(key in merged)) merged[key] = value;
    }
  }
  if (Object.keys(properties).length > 0) merged.properties = properties;
  if (required.size > 0) merged.required = [...required];
  return merged;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, "0");
}

function formatted(format: string, random: RandomSource): string | undefined {
  const date = new Date(Date.UTC(randomInt(random, 2000, 2030), randomInt(random, 0, 11), randomInt(random, 1, 28), randomInt(random, 0, 23), randomInt(random, 0, 59), randomInt(random, 0, 59)));
  const hex = (n: number) => Array.from({ length: n }, () => randomInt(random, 0, 15).toString(16)).join("");
  switch (format) {
    case "date-time":
      return date.toISOString().replace(".000Z", "Z");
    case "date":
      return date.toISOString().slice(0, 10);
    case "time":
      return `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}Z`;
    case "email":
    case "idn-email":
      return `${loremWords(random, 1)}.${loremWords(random, 1)}@example.com`;
    case "hostname":
    case "idn-hostname":
      return `${loremWords(random, 1)}.example.com`;
    case "uri":
    case "iri":
    case "uri-reference":
    case "iri-reference":
      return `https://example.com/${loremWords(random, 1)}`;
    case "uuid":
      return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
    case "ipv4":
      return Array.from({ length: 4 }, () => randomInt(random, 1, 254)).join(".");
    case "ipv6":
      return Array.from({ length: 8 }, () => hex(4)).join(":");
    case "duration":
      return `P${randomInt(random, 1, 30)}D`;
    default:
      return undefined;
  }
}

function generateString(schema: Schema, random: RandomSource): string {
  if (typeof schema.format === "string") {
    const value = formatted(schema.format, random);
    if (value !== undefined) return value;
  }
  const minLength = typeof schema.minLength === "number" ? schema.minLength : 1;
  const maxLength = typeof schema.maxLength === "number" ? schema.maxLength : 200;
  let text = generateLoremText(random, 1);
  while (text.length < minLength) text += ` ${loremWords(random, 1)}`;
  return text.slice(0, Math.max(maxLength, 0));
}

function generateNumber(schema: Schema, random: RandomSource, integer: boolean): number {
  let min = typeof schema.minimum === "number" ? schema.minimum : 0;
  let max = typeof schema.maximum === "number" ? schema.maximum : Math.max(min, 0) + 100;
  const delta = integer ? 1 : 0.01;
  if (typeof schema.exclusiveMinimum === "number") min = Math.max(min, schema.exclusiveMinimum + delta);
  else if (schema.exclusiveMinimum === true) min += delta;
  if (typeof schema.exclusiveMaximum === "number") max = Math.min(max, schema.exclusiveMaximum - delta);
  else if (schema.exclusiveMaximum === true) max -= delta;
  if (integer) return randomInt(random, Math.ceil(min), Math.max(Math.ceil(min), Math.floor(max)));
  const value = Math.round((min + random() * (max - min)) * 100) / 100;
  return Math.min(Math.max(value, min), max);
}

function generate(node: unknown, random: RandomSource, root: unknown, depth: number): unknown {
  if (!isObject(node) || depth > MAX_DEPTH) return depth > MAX_DEPTH ? null : loremWords(random, 2);
  let schema = node;
  if (typeof schema.$ref === "string") return generate(resolveRef(root, schema.$ref), random, root, depth + 1);
  if (Array.isArray(schema.allOf)) schema = mergeAllOf(schema);
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return pick(random, schema.enum);
  const choices = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : null;
  if (choices !== null && choices.length > 0) return generate(choices[0], random, root, depth + 1);

  let type = schema.type;
  if (Array.isArray(type)) type = type.find((t) => t !== "null") ?? "null";
  if (type === undefined) type = isObject(schema.properties) ? "object" : schema.items !== undefined ? "array" : "string";

  switch (type) {
    case "string":
      return generateString(schema, random);
    case "integer":
      return generateNumber(schema, random, true);
    case "number":
      return generateNumber(schema, random, false);
    case "boolean":
      return true;
    case "null":
      return null;
    case "array": {
      const min = typeof schema.minItems === "number" ? schema.minItems : 0;
      const max = Math.min(typeof schema.maxItems === "number" ? schema.maxItems : Infinity, tupleLimit(schema));
      const length = randomInt(random, Math.min(Math.max(2, min), max), Math.min(Math.max(3, min), max));
      const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : Array.isArray(schema.items) ? schema.items : [];
      const items = isObject(schema.items) ? schema.items : { type: "string" };
      return Array.from({ length }, (_, i) => generate(i < prefix.length ? prefix[i] : items, random, root, depth + 1));
    }
    case "object": {
      const out: Record<string, unknown> = {};
      const properties = isObject(schema.properties) ? schema.properties : {};
      for (const [name, sub] of Object.entries(properties)) {
        const value = generate(sub, random, root, depth + 1);
        // A property named `__proto__` is data: plain assignment would set the prototype and lose it.
        if (name === "__proto__") Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
        else out[name] = value;
      }
      return out;
    }
    default:
      return "mock_value";
  }
}

export function generateFallbackMock(schema: unknown, random: RandomSource): unknown {
  return generate(schema, random, schema, 0);
}
