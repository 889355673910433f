/**
 * Tracker issue 11, item 3, for mock data: a schema's minItems / minLength and the total size of a
 * call are bounded (src/core/limits), checked on the tightened schema before anything is generated.
 * Over a limit: `LimitExceeded` from the core, `bad_request` from `wfv mock`, `execution_failed`
 * with details.limit from a mock-mode api.llm (through `wfv run`). Just under: generated as before.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import Ajv from "ajv";
import { isWfvError } from "../../src/core/errors";
import { LimitExceeded, LIMITS } from "../../src/core/limits";
import { generateMockFromSchema, generateMocksFromSchema } from "../../src/core/mock";
import { getModule, ModuleExecutionError, type ExecutableModule } from "../../src/core/modules";
import { createTestContext } from "../modules/helpers";
import { callCli } from "../helpers/cli";

const arrayOf = (minItems: number, items: unknown = { type: "string" }) => ({ type: "array", minItems, items });

function limitOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof LimitExceeded) return error.limit;
    if (isWfvError(error)) return String(error.details.limit);
    throw error;
  }
  assert.fail("generated");
}

describe("mock limits: the reproductions of issue 11", () => {
  test("minItems: 1000000 with count: 1000 (the ~100-byte mock-data request) fails before generating", () => {
    assert.equal(limitOf(() => generateMocksFromSchema(arrayOf(1_000_000), 1000)), "MAX_MOCK_ITEMS");
    assert.throws(() => generateMocksFromSchema(arrayOf(1_000_000), 1000), (error: unknown) => {
      assert.ok(isWfvError(error));
      assert.equal(error.errorType, "bad_request");
      assert.match(error.message, /1,000,000 items, over wfv's limit of 10,000 \(MAX_MOCK_ITEMS\)/);
      return true;
    });
  });

  test("an output_schema with minItems: 3000000", () => {
    assert.equal(limitOf(() => generateMockFromSchema({ type: "object", properties: { scenes: arrayOf(3_000_000, { type: "object", properties: { text: { type: "string" } } }) } })), "MAX_MOCK_ITEMS");
  });

  test("minLength, nested arrays, and the total over count", () => {
    assert.equal(limitOf(() => generateMockFromSchema({ type: "string", minLength: 100_000_000 })), "MAX_MOCK_STRING_LENGTH");
    assert.equal(limitOf(() => generateMockFromSchema(arrayOf(1000, arrayOf(1000, arrayOf(1000))))), "MAX_MOCK_OUTPUT");
    assert.equal(limitOf(() => generateMocksFromSchema(arrayOf(5000, { type: "string", minLength: 100 }), 1000)), "MAX_MOCK_OUTPUT");
    const viaRef = { $defs: { big: arrayOf(2000, arrayOf(2000)) }, type: "object", properties: { a: { $ref: "#/$defs/big" } } };
    assert.equal(limitOf(() => generateMockFromSchema(viaRef)), "MAX_MOCK_OUTPUT");
  });

  test("api.llm in mock mode: execution_failed naming the limit, details.limit", async () => {
    const llm = getModule("api.llm") as ExecutableModule;
    const { context } = createTestContext({ mockMode: true });
    const inputs = { input: "x", output_schema: { type: "object", properties: { items: arrayOf(3_000_000) } } };
    await assert.rejects(llm.execute(inputs, context), (error: unknown) => {
      assert.ok(error instanceof ModuleExecutionError);
      assert.equal(error.details.limit, "MAX_MOCK_ITEMS");
      assert.match(error.message, /MAX_MOCK_ITEMS/);
      return true;
    });
  });
});

describe("mock data just under the limits", () => {
  test("minItems at the limit, a long minLength, and 1,000 small items", () => {
    const items = generateMockFromSchema(arrayOf(LIMITS.MAX_MOCK_ITEMS.value)) as unknown[];
    assert.equal(items.length, LIMITS.MAX_MOCK_ITEMS.value);
    const text = generateMockFromSchema({ type: "string", minLength: 100_000 }) as string;
    assert.ok(text.length >= 100_000);
    const schema = { type: "object", properties: { title: { type: "string" }, tags: arrayOf(2) } };
    const many = generateMocksFromSchema(schema, 1000);
    assert.equal(many.length, 1000);
    const validate = new Ajv({ strict: false }).compile(schema);
    assert.ok(many.every((item) => validate(item)));
  });

  test("the limits change nothing for ordinary schemas (same values as item 0 of the batch)", () => {
    const schema = { type: "object", properties: { a: { type: "array", items: { type: "integer" } }, b: { type: "string", format: "email" } } };
    assert.deepEqual(generateMockFromSchema(schema, 42), generateMocksFromSchema(schema, 1, 42)[0]);
  });
});

describe("the CLI: wfv mock and wfv run", () => {
  test("wfv mock --count 1000 with minItems: 1000000 is a bad_request naming the limit", async () => {
    const result = await callCli(["mock", "--schema", JSON.stringify(arrayOf(1_000_000)), "--count", "1000"]);
    assert.equal(result.status, 1);
    const answer = result.json as { error: string; error_type: string; details: Record<string, unknown> };
    assert.equal(answer.error_type, "bad_request");
    assert.equal(answer.details.limit, "MAX_MOCK_ITEMS");
  });

  test("wfv run: a mock api.llm whose output_schema says minItems: 3000000 fails fast and leaves no DB", async () => {
    const root = mkdtempSync(join(tmpdir(), "wfv-mock-limits-"));
    mkdirSync(join(root, "steps"));
    writeFileSync(join(root, "workflow.json"), JSON.stringify({ workflow_id: "w", steps: [{ $ref: "steps/one.json", type: "json" }] }));
    const step = {
      step_id: "one",
      modules: [{ module_id: "api.llm", name: "gen", inputs: { input: "hi", output_schema: { type: "object", properties: { items: arrayOf(3_000_000) } } } }],
    };
    writeFileSync(join(root, "steps/one.json"), JSON.stringify(step));
    const db = join(root, "db.txt");
    const result = await callCli(["run", join(root, "workflow.json"), "--step", "one", "--module", "gen", "--db", db]);
    assert.equal(result.status, 1, result.stdout);
    const answer = result.json as { error: string; result?: { error_type: string; details: Record<string, unknown> }; error_type?: string; details?: Record<string, unknown> };
    const details = answer.result?.details ?? answer.details ?? {};
    assert.equal(answer.result?.error_type ?? answer.error_type, "execution_failed");
    assert.equal(details.limit, "MAX_MOCK_ITEMS");
    assert.match(answer.error, /MAX_MOCK_ITEMS/);
  });
});
