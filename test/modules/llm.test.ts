import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, test } from "node:test";
import Ajv from "ajv";
import { getModule, MOCK_MODEL, ModuleExecutionError, validateInputs, type ExecutableModule } from "../../src/core/modules";
import { debianPython } from "../helpers/oracle";
import { ccModule, createTestContext, resolvedInputs } from "./helpers";

function llm(): ExecutableModule {
  return getModule("api.llm") as ExecutableModule;
}

const CC_LLM_MODULES = ["generate_scenes", "analyze_image", "generate_text_overlays", "generate_titles_social"];

const MOCK_USAGE = {
  model: MOCK_MODEL,
  usage: {},
  token_usage: 0,
  token_usage_detailed: { model_used: "mock-preview", prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, cached_tokens: 0 },
};

/** Python's `json.dumps(value, indent=2)` of the same JSON. */
function pythonIndent2(value: unknown): string {
  const result = spawnSync(debianPython, ["-c", "import json,sys; sys.stdout.write(json.dumps(json.load(sys.stdin), indent=2))"], {
    input: JSON.stringify(value),
    encoding: "utf8",
  });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

describe("api.llm in mock mode (modules.md 2.6)", () => {
  for (const name of CC_LLM_MODULES) {
    test(`${name}: schema-shaped, valid, deterministic, in the real module's output shape`, async () => {
      const inputs = resolvedInputs(ccModule(name));
      const { context, db } = createTestContext({ mockMode: true });
      const out = await llm().execute(inputs, context);
      const { response, response_text, ...rest } = out;
      assert.deepEqual(rest, MOCK_USAGE);
      const validate = new Ajv({ strict: false }).compile(inputs.output_schema as object);
      assert.ok(validate(response), JSON.stringify(validate.errors));
      assert.equal(response_text, pythonIndent2(response));
      // Same schema, same mock (seed 42), also from a fresh instance and context.
      const again = await llm().execute(inputs, createTestContext({ mockMode: true }).context);
      assert.deepEqual(again, out);
      // Mock mode stores nothing (no api_calls files, no tokens).
      assert.deepEqual(db.collectionNames(), []);
    });
  }

  test("generate_scenes' mock feeds the cc pipeline: three scenes with 3–6 keywords each", async () => {
    const out = await llm().execute(resolvedInputs(ccModule("generate_scenes")), createTestContext().context);
    const scenes = (out.response as { scenes: Array<{ scene_keywords: unknown[] }> }).scenes;
    assert.equal(scenes.length, 3);
    for (const scene of scenes) assert.ok(scene.scene_keywords.length >= 3 && scene.scene_keywords.length <= 6);
  });

  test("without an output_schema: one lorem paragraph, the same every time, response_text is the text", async () => {
    const inputs = { input: "Say something" };
    const out = await llm().execute(inputs, createTestContext().context);
    assert.equal(typeof out.response, "string");
    assert.match(out.response as string, /^[A-Z][a-z ]+[.?]( [A-Z][a-z ]+[.?])+$/);
    assert.equal(out.response_text, out.response);
    assert.deepEqual(await llm().execute({ input: "Other" }, createTestContext().context), out);
    // An empty schema is falsy: the text path too.
    assert.equal(typeof (await llm().execute({ input: "x", output_schema: {} }, createTestContext().context)).response, "string");
  });

  test("getMockOutput is what execute returns in mock mode", async () => {
    const inputs = resolvedInputs(ccModule("generate_titles_social"));
    assert.deepEqual(llm().getMockOutput!(inputs, createTestContext().context), await llm().execute(inputs, createTestContext().context));
  });

  test("input is the one required input", () => {
    assert.deepEqual(validateInputs(llm(), { system: "s" }), { ok: false, inputName: "input", message: "Required input 'input' missing" });
    assert.deepEqual(validateInputs(llm(), { input: null }), { ok: true });
  });
});

describe("api.llm outside mock mode", () => {
  test("without a configured key it fails as LLM API call failed, before any request (real calls: llm-providers.test.ts)", async () => {
    const { context } = createTestContext({ mockMode: false, services: { ai_config: { model: "gpt-4o-mini" } } });
    const previous = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      await assert.rejects(
        llm().execute({ input: "hi" }, context),
        (error: unknown) =>
          error instanceof ModuleExecutionError && error.reason === "LLM API call failed: OpenAI API key not provided and OPENAI_API_KEY env var not set",
      );
    } finally {
      if (previous !== undefined) process.env.OPENAI_API_KEY = previous;
    }
  });

  test("an unknown provider is reported as the original does", async () => {
    const { context } = createTestContext({ mockMode: false });
    await assert.rejects(
      llm().execute({ input: "hi", ai_config: { provider: "mistral" } }, context),
      (error: unknown) =>
        error instanceof ModuleExecutionError &&
        error.reason === "LLM API call failed: Unknown provider: 'mistral'. Available providers: ['openai', 'anthropic']",
    );
  });
});
