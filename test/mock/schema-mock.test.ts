import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, test } from "node:test";
import Ajv from "ajv";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { generateMockFromSchema, generateMocksFromSchema } from "../../src/core/mock";
import { fixturesDir } from "../helpers/paths";

type Schema = Record<string, any>;

function ccOutputSchemas(): Array<[string, Schema]> {
  const workflow = JSON.parse(readFileSync(resolve(fixturesDir, "cc_resolved_workflow.json"), "utf8"));
  const found: Array<[string, Schema]> = [];
  for (const step of workflow.steps) for (const module of step.modules) if (module.inputs.output_schema) found.push([module.name, module.inputs.output_schema]);
  return found;
}

function validator(schema: Schema) {
  const ajv = schema.$schema?.includes("2020-12") ? new Ajv2020({ strict: false }) : new Ajv({ strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return (value: unknown) => {
    const ok = validate(value);
    return ok ? "" : JSON.stringify(validate.errors);
  };
}

/** Every array in the value, with its schema's bounds, walked along the schema. */
function arrays(value: unknown, schema: Schema, out: Array<{ length: number; min: number; max: number }> = []) {
  if (Array.isArray(value) && schema.type === "array") {
    out.push({ length: value.length, min: schema.minItems ?? 0, max: schema.maxItems ?? Infinity });
    for (const item of value) if (schema.items) arrays(item, schema.items, out);
  } else if (value && typeof value === "object" && schema.properties) {
    for (const [key, sub] of Object.entries(schema.properties)) arrays((value as Schema)[key], sub as Schema, out);
  }
  return out;
}

const EDGE_SCHEMAS: Array<[string, Schema]> = [
  [
    "formats, patterns and bounds",
    {
      type: "object",
      properties: {
        when: { type: "string", format: "date-time" },
        day: { type: "string", format: "date" },
        email: { type: "string", format: "email" },
        link: { type: "string", format: "uri" },
        id: { type: "string", format: "uuid" },
        code: { type: "string", pattern: "^[a-z]{3}-\\d{2}$" },
        long: { type: "string", minLength: 60 },
        short: { type: "string", maxLength: 4 },
        small: { type: "integer", minimum: 10, maximum: 12 },
        fraction: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 },
        step: { type: "integer", multipleOf: 5 },
        negative: { type: "number", maximum: -100 },
      },
    },
  ],
  [
    "enums, combinators, refs and nullable types",
    {
      type: "object",
      properties: {
        choice: { enum: [1, "a", null] },
        fixed: { const: "x" },
        either: { anyOf: [{ type: "string" }, { type: "integer" }] },
        one: { oneOf: [{ type: "boolean" }, { type: "null" }] },
        both: { allOf: [{ type: "object", properties: { a: { type: "string" } }, required: ["a"] }, { properties: { b: { type: "integer" } }, required: ["b"] }] },
        ref: { $ref: "#/$defs/Thing" },
        maybe: { type: ["integer", "null"] },
        map: { type: "object", additionalProperties: { type: "integer" } },
        closed: { type: "object", properties: { only: { type: "string" } }, additionalProperties: false },
      },
      $defs: { Thing: { type: "object", properties: { flag: { type: "boolean" } }, required: ["flag"] } },
    },
  ],
  [
    "arrays of every shape",
    {
      type: "object",
      properties: {
        plain: { type: "array", items: { type: "string" } },
        untyped: { type: "array" },
        atLeastFive: { type: "array", items: { type: "integer" }, minItems: 5 },
        atMostOne: { type: "array", items: { type: "integer" }, maxItems: 1 },
        none: { type: "array", items: { type: "integer" }, maxItems: 0 },
        unique: { type: "array", items: { type: "integer", minimum: 0, maximum: 100 }, uniqueItems: true },
        nested: { type: "array", items: { type: "array", items: { type: "boolean" } } },
      },
    },
  ],
  [
    "draft 2020-12 tuples",
    {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      properties: { pair: { type: "array", prefixItems: [{ type: "string" }, { type: "integer" }], items: false } },
      required: ["pair"],
    },
  ],
];

describe("generateMockFromSchema (ruling 14, modules.md 4)", () => {
  for (const [name, schema] of [...ccOutputSchemas(), ...EDGE_SCHEMAS]) {
    test(`${name}: valid for 50 seeds, deterministic per seed`, () => {
      const check = validator(schema);
      for (let seed = 0; seed < 50; seed++) {
        const value = generateMockFromSchema(schema, seed);
        assert.equal(check(value), "", `seed ${seed}: ${JSON.stringify(value)}`);
        assert.deepEqual(generateMockFromSchema(schema, seed), value);
      }
    });
  }

  test("every optional property is present", () => {
    const schema = { type: "object", properties: { a: { type: "string" }, b: { type: "integer" }, c: { type: "object", properties: { d: { type: "boolean" } } } } };
    for (let seed = 0; seed < 20; seed++) {
      const value = generateMockFromSchema(schema, seed) as Schema;
      assert.deepEqual(Object.keys(value), ["a", "b", "c"]);
      assert.deepEqual(Object.keys(value.c), ["d"]);
    }
  });

  test("arrays get 2–3 items unless the schema's bounds say otherwise", () => {
    const schemas = [...ccOutputSchemas().map(([, schema]) => schema), EDGE_SCHEMAS[2][1]];
    const lengths = new Set<number>();
    for (const schema of schemas) {
      for (let seed = 0; seed < 20; seed++) {
        for (const { length, min, max } of arrays(generateMockFromSchema(schema, seed), schema)) {
          const low = Math.min(Math.max(2, min), max);
          const high = Math.min(Math.max(3, min), max);
          assert.ok(length >= low && length <= high, `length ${length} outside [${low}, ${high}]`);
          if (min <= 2 && max >= 3) lengths.add(length);
        }
      }
    }
    assert.deepEqual([...lengths].sort(), [2, 3]);
  });

  test("cc-specific bounds win: 10 title options, 3 scenes, 5 potential elements", () => {
    const byName = Object.fromEntries(ccOutputSchemas());
    assert.equal((generateMockFromSchema(byName.generate_titles_social) as Schema).options.length, 10);
    assert.equal((generateMockFromSchema(byName.generate_scenes) as Schema).scenes.length, 3);
    assert.equal((generateMockFromSchema(byName.analyze_image) as Schema).motion_elements.all_potential_elements.length, 5);
  });

  test("numbers stay in the original generator's range; strings are never empty", () => {
    const schema = { type: "object", properties: { n: { type: "integer" }, x: { type: "number" }, s: { type: "string" } } };
    for (let seed = 0; seed < 50; seed++) {
      const value = generateMockFromSchema(schema, seed) as Schema;
      assert.ok(Number.isInteger(value.n) && value.n >= 0 && value.n <= 9999);
      assert.ok(value.x >= 0 && value.x <= 9999);
      assert.ok(value.s.length > 0);
    }
  });

  test("the default seed is 42; different seeds give different values", () => {
    const [, schema] = ccOutputSchemas()[0];
    assert.deepEqual(generateMockFromSchema(schema), generateMockFromSchema(schema, 42));
    assert.notDeepEqual(generateMockFromSchema(schema, 1), generateMockFromSchema(schema, 2));
  });

  test("the schema given is never modified", () => {
    for (const [, schema] of [...ccOutputSchemas(), ...EDGE_SCHEMAS]) {
      const before = structuredClone(schema);
      generateMockFromSchema(schema, 3);
      assert.deepEqual(schema, before);
    }
  });

  test("schemas the faker cannot handle fall back to a valid value", () => {
    const schema = { type: "object", properties: { broken: { $ref: "#/$defs/Missing" }, ok: { type: "string" } } };
    const value = generateMockFromSchema(schema, 1) as Schema;
    assert.equal(typeof value.ok, "string");
    assert.deepEqual(generateMockFromSchema(schema, 1), value);
  });

  test("primitive and boolean schemas", () => {
    assert.equal(typeof generateMockFromSchema({ type: "string" }), "string");
    assert.equal(typeof generateMockFromSchema({ type: "boolean" }), "boolean");
    assert.equal(generateMockFromSchema({ type: "null" }), null);
    assert.equal(generateMockFromSchema({ const: 5 }), 5);
  });
});

describe("generateMocksFromSchema", () => {
  test("count values, each valid, reproducible for the same seed", () => {
    const [, schema] = ccOutputSchemas()[3];
    const check = validator(schema);
    const values = generateMocksFromSchema(schema, 4, 7);
    assert.equal(values.length, 4);
    for (const value of values) assert.equal(check(value), "");
    assert.deepEqual(generateMocksFromSchema(schema, 4, 7), values);
    assert.notDeepEqual(values[0], values[1]);
  });
});
