/**
 * What a schema may ask of mock generation (limits/index.ts): checked on the tightened schema
 * (prepare-schema.ts) before the faker or the fallback generator makes a single value, so a
 * `minItems: 1000000` or an array of arrays of arrays fails at once with a message naming the limit.
 *
 * The size is an estimate of the JSON text the generators would produce: arrays as long as the
 * tightened schema fixes them (minItems = maxItems), every property present (ruling 14), strings
 * of at least their minLength, `anyOf`/`oneOf` as their largest branch, `allOf` as the sum, local
 * `$ref`s followed as deep as the faker follows them.
 */
import { checkLimit, LIMITS, LimitExceeded } from "../limits";

type Schema = Record<string, unknown>;

/** The faker's `refDepthMax` plus the nesting a schema writes out: deeper parts count as small values. */
const MAX_ESTIMATE_DEPTH = 24;
const SMALL_VALUE = 16;

function isObject(value: unknown): value is Schema {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function localRef(root: unknown, ref: string): unknown {
  if (!ref.startsWith("#")) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split("/").slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (!isObject(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function typesOf(schema: Schema): string[] {
  if (typeof schema.type === "string") return [schema.type];
  if (Array.isArray(schema.type)) return schema.type.filter((t): t is string => typeof t === "string");
  return [];
}

function estimate(node: unknown, root: unknown, depth: number): number {
  if (!isObject(node) || depth > MAX_ESTIMATE_DEPTH) return SMALL_VALUE;
  if (typeof node.$ref === "string") return estimate(localRef(root, node.$ref), root, depth + 1);
  if (node.enum !== undefined || node.const !== undefined) return SMALL_VALUE;
  let size = 0;
  for (const key of ["anyOf", "oneOf"]) {
    const branches = node[key];
    if (Array.isArray(branches) && branches.length) size = Math.max(size, ...branches.map((branch) => estimate(branch, root, depth + 1)));
  }
  if (Array.isArray(node.allOf)) for (const part of node.allOf) size += estimate(part, root, depth + 1);
  const types = typesOf(node);
  if (types.includes("array") || node.items !== undefined || node.prefixItems !== undefined) {
    const length = typeof node.minItems === "number" ? node.minItems : 3;
    checkLimit("MAX_MOCK_ITEMS", "a mock array (the schema's minItems)", length);
    const itemSchemas = [...(Array.isArray(node.prefixItems) ? node.prefixItems : []), ...(Array.isArray(node.items) ? node.items : [node.items])];
    const item = Math.max(SMALL_VALUE, ...itemSchemas.map((sub) => estimate(sub, root, depth + 1)));
    size += 2 + length * (item + 1);
  }
  if (isObject(node.properties)) {
    size += 2;
    for (const [key, sub] of Object.entries(node.properties)) size += key.length + 4 + estimate(sub, root, depth + 1);
  }
  if (types.includes("string") || typeof node.minLength === "number") {
    const length = typeof node.minLength === "number" ? node.minLength : 0;
    checkLimit("MAX_MOCK_STRING_LENGTH", "a mock string (the schema's minLength)", length);
    size += 2 + Math.max(length, SMALL_VALUE);
  }
  return Math.max(size, SMALL_VALUE);
}

/**
 * Throws {@link LimitExceeded} when mocking `count` values of the (tightened) schema would go over
 * MAX_MOCK_ITEMS, MAX_MOCK_STRING_LENGTH or MAX_MOCK_OUTPUT.
 */
export function checkMockSize(prepared: unknown, count = 1): void {
  const each = estimate(prepared, prepared, 0);
  const total = each * count;
  if (total > LIMITS.MAX_MOCK_OUTPUT.value) {
    throw new LimitExceeded("MAX_MOCK_OUTPUT", count === 1 ? "the mock value" : `${count} mock values`, total);
  }
}
