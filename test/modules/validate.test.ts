import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, test } from "node:test";
import { getModule, ModuleExecutionError, validateInputs, type ExecutableModule } from "../../src/core/modules";
import { formatErrorsForDisplay, validateAgainstSchema } from "../../src/core/modules/io/json-schema-errors";
import { debianPython } from "../helpers/oracle";
import { createTestContext } from "./helpers";

async function validate(inputs: Record<string, unknown>, state: Record<string, unknown> = {}) {
  const made = createTestContext({ state });
  const out = await (getModule("io.validate") as ExecutableModule).execute(inputs, made.context);
  return { out, logs: made.logs };
}

function failsWith(message: string) {
  return (error: unknown) => error instanceof ModuleExecutionError && error.message === message;
}

const SCHEMA = {
  type: "object",
  properties: {
    weights: {
      type: "array",
      items: { type: "object", properties: { count: { type: "integer", minimum: 0 }, mode: { enum: ["a", "b"] } }, required: ["mode"] },
    },
    title: { type: "string" },
  },
};

describe("io.validate (modules.md 2.13)", () => {
  test("valid state: valid with no errors", async () => {
    const { out } = await validate({ schema: SCHEMA, state_keys: ["weights", "title"] }, { weights: [{ count: 1, mode: "a" }], title: "t" });
    assert.deepEqual(out, { valid: true, errors: [] });
  });

  test("all errors, as '<pointer>: <message>' in Python jsonschema wording and order; not strict only warns", async () => {
    const { out, logs } = await validate({ schema: SCHEMA, state_keys: ["weights", "title"] }, { weights: [{ count: -1, mode: "c" }, { count: 2 }], title: 5 });
    assert.deepEqual(out, {
      valid: false,
      errors: [
        "/weights/0/count: -1 is less than the minimum of 0",
        "/weights/0/mode: 'c' is not one of ['a', 'b']",
        "/weights/1: 'mode' is a required property",
        "/title: 5 is not of type 'string'",
      ],
    });
    assert.ok(logs.some((log) => log.level === "warning" && log.message.startsWith("Validation failed for keys ['weights', 'title']: ")));
  });

  test("a missing state key is validated as null: it fails on type, not on required", async () => {
    const schema = { type: "object", properties: { items: { type: "array" } }, required: ["items"] };
    const { out } = await validate({ schema, state_keys: ["items"] });
    assert.deepEqual(out, { valid: false, errors: ["/items: None is not of type 'array'"] });
  });

  test("strict: the errors joined with '; ', after the custom message or the default one", async () => {
    const inputs = { schema: SCHEMA, state_keys: ["title", "weights"], strict: true };
    await assert.rejects(
      validate(inputs, { title: null, weights: [{}] }),
      failsWith("Module 'io.validate' failed: State validation failed: /weights/0: 'mode' is a required property; /title: None is not of type 'string'"),
    );
    await assert.rejects(
      validate({ ...inputs, error_message: "Weights are off" }, { title: 1, weights: [] }),
      failsWith("Module 'io.validate' failed: Weights are off: /title: 1 is not of type 'string'"),
    );
    assert.deepEqual((await validate(inputs, { title: "x", weights: [] })).out, { valid: true, errors: [] });
  });

  test("an invalid schema or an unresolvable reference", async () => {
    await assert.rejects(validate({ schema: { type: "nonsense" }, state_keys: [] }), (error: unknown) =>
      error instanceof ModuleExecutionError && error.reason.startsWith("Invalid JSON Schema: "),
    );
    await assert.rejects(validate({ schema: { $ref: "#/nope" }, state_keys: [] }), (error: unknown) =>
      error instanceof ModuleExecutionError && error.reason.startsWith("Unexpected error during validation: "),
    );
  });

  test("schema and state_keys are required", () => {
    assert.deepEqual(validateInputs(getModule("io.validate"), { schema: {} }), { ok: false, inputName: "state_keys", message: "Required input 'state_keys' missing" });
  });
});

describe("io.validate error reporting (Python jsonschema)", () => {
  const errorsOf = (schema: unknown, data: unknown) => formatErrorsForDisplay(validateAgainstSchema(data, schema).errors);

  test("one error for all extra properties, sorted; one for a failed anyOf; schema order", () => {
    const schema = {
      type: "object",
      required: ["a", "b"],
      properties: { a: { type: "integer", minimum: 0 }, c: { anyOf: [{ type: "string" }, { type: "null" }] } },
      additionalProperties: false,
    };
    assert.deepEqual(errorsOf(schema, { a: -1, c: 5, y: 1, x: 2 }), [
      "'b' is a required property",
      "/a: -1 is less than the minimum of 0",
      "/c: 5 is not valid under any of the given schemas",
      "Additional properties are not allowed ('x', 'y' were unexpected)",
    ]);
  });

  test("Python wording of the newer jsonschema for empty/non-empty limits and items: false", () => {
    assert.deepEqual(errorsOf({ minItems: 1 }, []), ["[] should be non-empty"]);
    assert.deepEqual(errorsOf({ maxLength: 0 }, "a"), ["'a' is expected to be empty"]);
    assert.deepEqual(errorsOf({ minProperties: 3 }, { a: true }), ["{'a': True} does not have enough properties"]);
    assert.deepEqual(errorsOf({ prefixItems: [{}], items: false }, [1, 2, 3]), ["Expected at most 1 item but found 2 extra: [2, 3]"]);
    assert.deepEqual(errorsOf({ oneOf: [{ type: "integer" }, { type: "number" }] }, 5), ["5 is valid under each of {'type': 'number'}, {'type': 'integer'}"]);
  });

  test("Python regex syntax in pattern", () => {
    assert.deepEqual(errorsOf({ pattern: "^(?P<n>\\d+)$" }, "x1"), ["'x1' does not match '^(?P<n>\\\\d+)$'"]);
    assert.deepEqual(errorsOf({ pattern: "^(?P<n>\\d+)$" }, "12"), []);
  });

  // Differential: the wording both jsonschema versions share, against the local Python jsonschema.
  const hasJsonschema = spawnSync(debianPython, ["-c", "import jsonschema"], { stdio: "ignore" }).status === 0;
  test("same errors as Python jsonschema", { skip: hasJsonschema ? false : "python3-jsonschema is not installed" }, () => {
    const cases: Array<[unknown, unknown]> = [
      [{ type: "array", items: { type: "object", properties: { n: { type: ["string", "null"] }, m: { maximum: 3 } } }, minItems: 5 }, [{ n: 1, m: 5 }, { n: "x" }, { n: true, m: 4 }]],
      [{ if: { properties: { k: { const: 1 } } }, then: { required: ["z"] } }, { k: 1 }],
      [{ $defs: { p: { type: "string" } }, properties: { a: { $ref: "#/$defs/p" } } }, { a: 1 }],
      [{ propertyNames: { maxLength: 2 } }, { abc: 1 }],
      [{ not: { type: "string" } }, "s"],
      [{ contains: { type: "string" } }, [1]],
      [{ properties: { a: false } }, { a: 1 }],
      [{ dependentRequired: { a: ["b"] } }, { a: 1 }],
      [{ enum: ["x", 1, null] }, "y"],
      [{ const: { a: [1] } }, 2],
      [{ type: "string", minLength: 3, pattern: "^a" }, "b"],
      [{ uniqueItems: true, maxItems: 2 }, [1, 1, 2]],
      [{ type: "number", multipleOf: 3, exclusiveMinimum: 10, exclusiveMaximum: 1 }, 5],
      [{ type: "object", patternProperties: { "^x": { type: "integer" } }, additionalProperties: { type: "string" } }, { xa: "s", b: 1, xb: 2 }],
      [{ anyOf: [{ required: ["a"] }, { required: ["b"] }], properties: { z: { type: "integer" } } }, { z: "q" }],
      [{ type: "object", properties: { s: { type: "object", properties: { count: { type: "integer", minimum: 0 } } } }, required: ["s"] }, { s: { count: -1 } }],
      [{ format: "email" }, "nope"],
    ];
    const script = [
      "import json, sys",
      "from jsonschema import Draft202012Validator, FormatChecker",
      "out = []",
      "for schema, data in json.load(sys.stdin):",
      "    errs = []",
      "    for e in Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(data):",
      "        path = '/' + '/'.join(str(p) for p in e.absolute_path) if e.absolute_path else ''",
      "        errs.append(f'{path}: {e.message}' if path else e.message)",
      "    out.append(errs)",
      "print(json.dumps(out))",
    ].join("\n");
    const run = spawnSync(debianPython, ["-c", script], { input: JSON.stringify(cases), encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    const expected = JSON.parse(run.stdout) as string[][];
    cases.forEach(([schema, data], i) => assert.deepEqual(errorsOf(schema, data), expected[i], JSON.stringify(schema)));
  });
});
