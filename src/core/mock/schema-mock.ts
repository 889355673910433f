/**
 * Mock data from a JSON schema (modules.md §4, ruling 14): deterministic for a (schema, seed), valid
 * against the schema, every optional property present, arrays of 2–3 items.
 *
 * json-schema-faker does the generating (formats, patterns, `$ref`, `allOf` merging); it reads a
 * seeded random source and a copy of the schema tightened by `prepareSchemaForMock`. Its value is
 * checked with Ajv, and the small fallback generator takes over when the faker throws or misses.
 * Its freely made-up strings (lorem ipsum) are then replaced by plausible ones for their field
 * (plausible-strings.ts), kept only when the whole value still validates.
 */
import Ajv from "ajv";
import Ajv2019 from "ajv/dist/2019";
import Ajv2020 from "ajv/dist/2020";
import { JSONSchemaFaker } from "json-schema-faker";
import { WfvError } from "../errors";
import { LimitExceeded } from "../limits";
import { generateFallbackMock } from "./fallback";
import { checkMockSize } from "./mock-limits";
import { withPlausibleStrings } from "./plausible-strings";
import { prepareSchemaForMock } from "./prepare-schema";
import { seededRandom, type RandomSource } from "./random";

/** The original's seed (`generate_mock_from_schema(schema, seed=42)`). */
export const DEFAULT_MOCK_SEED = 42;

type Validate = (value: unknown) => boolean;

/** Compiled validators by schema text: the same output_schema is mocked on every run of its module. */
const validators = new Map<string, Validate | null>();
const MAX_CACHED_VALIDATORS = 64;

function validatorFor(schema: unknown): Validate | null {
  if (typeof schema === "boolean") return () => schema;
  if (schema === null || typeof schema !== "object") return null;
  const key = JSON.stringify(schema);
  if (validators.has(key)) return validators.get(key)!;
  const validate = compileValidator(schema);
  if (validators.size >= MAX_CACHED_VALIDATORS) validators.delete(validators.keys().next().value!);
  validators.set(key, validate);
  return validate;
}

function compileValidator(schema: object): Validate | null {
  const draft = String((schema as Record<string, unknown>).$schema ?? "");
  const options = { strict: false, validateFormats: false, allErrors: false } as const;
  try {
    // A fresh instance per schema: schemas with the same `$id` must not collide in a shared cache.
    const ajv = draft.includes("2020-12") ? new Ajv2020(options) : draft.includes("2019-09") ? new Ajv2019(options) : new Ajv(options);
    const compiled = ajv.compile(schema as Record<string, unknown>);
    return (value) => compiled(value) === true;
  } catch {
    // A schema Ajv cannot compile cannot be checked; the faker's value is taken as it is.
    return null;
  }
}

function fake(schema: unknown, random: RandomSource): unknown {
  // The faker keeps its options globally; every call sets all of them, and runs synchronously.
  JSONSchemaFaker.option({
    random,
    alwaysFakeOptionals: true,
    fillProperties: false,
    useDefaultValue: false,
    useExamplesValue: false,
    failOnInvalidTypes: false,
    failOnInvalidFormat: false,
    ignoreMissingRefs: true,
    refDepthMax: 5,
    minLength: 1,
  });
  return JSONSchemaFaker.generate(schema as Parameters<typeof JSONSchemaFaker.generate>[0]);
}

function prepared(schema: unknown, random: RandomSource): unknown {
  try {
    return prepareSchemaForMock(schema, random);
  } catch {
    return undefined;
  }
}

/**
 * One mock value for `schema`; the same (schema, seed) always gives the same value. Throws
 * {@link LimitExceeded} before generating anything when the schema asks for more than the mock
 * limits allow (MAX_MOCK_ITEMS, MAX_MOCK_STRING_LENGTH, MAX_MOCK_OUTPUT).
 */
export function generateMockFromSchema(schema: unknown, seed: number = DEFAULT_MOCK_SEED): unknown {
  const value = generateRawMock(schema, seed);
  let plausible: unknown;
  try {
    plausible = withPlausibleStrings(value, schema, seed);
  } catch {
    return value;
  }
  const validate = validatorFor(schema);
  return validate === null || validate(plausible) ? plausible : value;
}

/** The faker's value (or the fallback generator's), before its strings are made plausible. */
function generateRawMock(schema: unknown, seed: number): unknown {
  const random = seededRandom(seed);
  const tightened = prepared(schema, random);
  checkMockSize(tightened ?? schema);
  // The faker assigns properties, so one named `__proto__` is lost (and Ajv's `required` sees the
  // prototype and passes): such a schema goes to the fallback generator, which keeps the property.
  if (namesProtoProperty(schema)) return generateFallbackMock(schema, seededRandom(seed));
  const validate = validatorFor(schema);
  try {
    if (tightened !== undefined) {
      const value = fake(tightened, random);
      if (validate === null || validate(value)) return value;
    }
  } catch {
    // Fall through to the fallback generator, as the original does when jsf throws.
  }
  return generateFallbackMock(schema, seededRandom(seed));
}

/** Whether a `properties` map anywhere in the schema has its own `__proto__` key. */
function namesProtoProperty(schema: unknown, depth = 0): boolean {
  if (schema === null || typeof schema !== "object" || depth > 64) return false;
  if (Array.isArray(schema)) return schema.some((item) => namesProtoProperty(item, depth + 1));
  const record = schema as Record<string, unknown>;
  const properties = record.properties;
  if (properties !== null && typeof properties === "object" && Object.prototype.hasOwnProperty.call(properties, "__proto__")) return true;
  return Object.keys(record).some((key) => namesProtoProperty(record[key], depth + 1));
}

/**
 * The one seeding rule of mock data (tracker issue 18, item 5): item `i` of a run with seed `S` is
 * `generateMockFromSchema(schema, S + i)` (modulo 2^32). So item 0 is exactly what a mock-mode module
 * gives for the same seed: an LLM module's mock response (seed 42) is `wfv mock --schema <its
 * output_schema> --seed 42`, and item `i` alone is `--seed S+i --count 1`.
 */
export function mockItemSeed(seed: number, index: number): number {
  return (seed + index) >>> 0;
}

/**
 * `count` mock values, item `i` seeded by {@link mockItemSeed}: each is reproducible alone. A request
 * over the mock limits (all `count` items together against MAX_MOCK_OUTPUT) is a `bad_request`
 * naming the limit, raised before the first item is made.
 */
export function generateMocksFromSchema(schema: unknown, count: number, seed: number = DEFAULT_MOCK_SEED): unknown[] {
  try {
    checkMockSize(prepared(schema, seededRandom(seed)) ?? schema, count);
    return Array.from({ length: count }, (_, index) => generateMockFromSchema(schema, mockItemSeed(seed, index)));
  } catch (error) {
    if (error instanceof LimitExceeded) throw new WfvError("bad_request", error.message, error.details);
    throw error;
  }
}
