/**
 * One seeding rule for mock data (tracker issue 18, item 5): item `i` of `wfv mock --seed S` is seeded
 * `S + i`, the rule mock-mode modules follow, so an author reproduces an LLM module's mock response
 * (seed 42) with `wfv mock --schema <its output_schema> --seed 42`.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { generateMockFromSchema, generateMocksFromSchema, mockItemSeed } from "../../src/core/mock";
import { execute } from "../../src/core/virtual";
import { callCli } from "../helpers/cli";

const OUTPUT_SCHEMA = {
  type: "object",
  properties: {
    scenes: { type: "array", items: { type: "object", properties: { title: { type: "string" }, mood: { enum: ["calm", "wild"] } }, required: ["title"] } },
    score: { type: "integer", minimum: 1, maximum: 9 },
  },
  required: ["scenes"],
};

const workflow = {
  workflow_id: "seeding",
  steps: [{ step_id: "s", modules: [{ module_id: "api.llm", name: "generate", inputs: { input: "Scenes please", output_schema: OUTPUT_SCHEMA } }] }],
};

describe("mock seeding", () => {
  test("the LLM mock's response is item 0 of wfv mock --seed 42", async () => {
    const run = await execute({ workflow, target_step_id: "s", target_module_name: "generate", db_format: "none" });
    assert.equal(run.status, "completed", run.message);
    const cli = (await callCli(["mock", "--schema", JSON.stringify(OUTPUT_SCHEMA), "--seed", "42"])).json as { items: unknown[] };
    assert.deepEqual(cli.items[0], run.result.module_outputs?.response);
    // Without --seed the default is the same 42.
    assert.deepEqual(((await callCli(["mock", "--schema", JSON.stringify(OUTPUT_SCHEMA)])).json as { items: unknown[] }).items[0], cli.items[0]);
  });

  test("item i of seed S is seed S+i alone; the rule wraps at 2^32", async () => {
    const three = generateMocksFromSchema(OUTPUT_SCHEMA, 3, 7);
    assert.deepEqual(three, [7, 8, 9].map((seed) => generateMockFromSchema(OUTPUT_SCHEMA, seed)));
    const alone = (await callCli(["mock", "--schema", JSON.stringify(OUTPUT_SCHEMA), "--seed", "9"])).json as { items: unknown[] };
    assert.deepEqual(alone.items[0], three[2]);
    assert.equal(mockItemSeed(0xffffffff, 1), 0);
  });
});
