import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, test } from "node:test";
import Ajv from "ajv";
import { getModule, type InteractiveModule } from "../../src/core/modules";
import { buildV2OutputSchema, defaultDisplaySchema, pythonTitle, stitchInstructions } from "../../src/core/modules/media/generate-v2";
import { fixturesDir } from "../helpers/paths";
import { startLoopback } from "../providers/loopback";
import { ccModule, createTestContext, resolvedInputs, response } from "./helpers";

/** The module's interaction request (never null for this module). */
async function ask(module: InteractiveModule, inputs: Record<string, unknown>, context: Parameters<InteractiveModule["getInteractionRequest"]>[1]) {
  const request = await module.getInteractionRequest(inputs, context);
  assert.ok(request);
  return request;
}

const STATIC = JSON.parse(readFileSync(resolve(fixturesDir, "media_provider_static_data.json"), "utf8")).providers;
const CC_V2 = ["generate_and_select_images_v2", "generate_and_select_videos_v2", "generate_and_select_music_v2"];

function v2(): InteractiveModule {
  return getModule("media.generateV2") as InteractiveModule;
}

function minimal(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { providers: ["openai"], prompt_config: { user: "Make prompts" }, ...overrides };
}

async function message(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).message;
  }
  assert.fail("expected a failure");
}

describe("media.generateV2 (modules.md 2.27)", () => {
  test("validation errors are plain errors with the original's messages", async () => {
    const { context } = createTestContext();
    const run = (inputs: Record<string, unknown>) => message(v2().getInteractionRequest(inputs, context));
    assert.equal(await run(minimal({ providers: "openai" })), "providers must be an array");
    assert.equal(await run(minimal({ providers: ["openai", " "] })), "provider ids must be non-empty strings");
    assert.equal(await run(minimal({ providers: ["openai", 3] })), "provider ids must be non-empty strings");
    assert.equal(await run(minimal({ providers: ["openai", "openai"] })), "duplicate provider not allowed: openai");
    assert.equal(await run(minimal({ providers: [] })), "providers cannot be empty");
    assert.equal(await run(minimal({ action_type: "img2img" })), "Unsupported action_type: img2img");
    assert.equal(await run(minimal({ providers: ["midjourney", "elevenlabs"], action_type: "img2vid" })), "Invalid providers for action_type 'img2vid': midjourney, elevenlabs");
    assert.equal(await run(minimal({ prompt_config: "x" })), "prompt_config must be an object");
    assert.equal(await run(minimal({ prompt_config: { user: "  " } })), "prompt_config.user must be a non-empty string");
  });

  test("the LLM output schema: provider data schemas under prompts plus the action's extra fields", () => {
    const image = buildV2OutputSchema(["midjourney", "openai"], "txt2img");
    assert.deepEqual(image.required, ["scene_title", "key_moment", "prompts"]);
    assert.equal(image.additionalProperties, false);
    const prompts = (image.properties as Record<string, any>).prompts;
    assert.deepEqual(prompts.required, ["midjourney", "openai"]);
    assert.equal(prompts.additionalProperties, false);
    assert.deepEqual(prompts.properties.midjourney, STATIC.midjourney.data_schemas.txt2img);
    assert.deepEqual(buildV2OutputSchema(["leonardo"], "img2vid").required, ["scene_title", "motion_summary", "prompts"]);
    assert.deepEqual(buildV2OutputSchema(["elevenlabs"], "txt2audio").required, ["prompts"]);
  });

  test("stitched instructions are literal text, one block per provider", () => {
    const text = stitchInstructions("Shared rules", { midjourney: "MJ only", openai: "  " }, ["midjourney", "openai"]);
    assert.equal(
      text,
      "## Shared Provider Instructions\n\nShared rules\n\nReference: {{shared_prompt_ref}} means 'shared instructions above'.\n\n" +
        "## Provider: midjourney\nFollow provider-specific output requirements.\nMJ only\n\n" +
        "## Provider: openai\nFollow provider-specific output requirements.\nUse {{shared_prompt_ref}}.",
    );
  });

  test("default display schema: one tab per provider, Python title case", () => {
    assert.equal(pythonTitle("stable diffusion"), "Stable Diffusion");
    assert.equal(pythonTitle("gpt4o-mini x"), "Gpt4O-Mini X");
    const schema = defaultDisplaySchema(["stable_diffusion"], "img2vid") as Record<string, any>;
    const tab = schema.properties.prompts.properties.stable_diffusion;
    assert.equal(tab._ux.tab_label, "Stable Diffusion");
    assert.equal(tab._ux.render_as, "tab.media[input_schema,video_generation]");
    assert.equal(tab.input_schema.properties._text.destination_field, "prompt");
  });

  for (const name of CC_V2) {
    test(`${name} in mock mode: schema-valid prompts, enriched per provider, persisted in the inputs`, async () => {
      const module = ccModule(name);
      const inputs = resolvedInputs(module);
      const { context } = createTestContext({ subActions: module.sub_actions as Record<string, unknown>[] });
      const request = await ask(v2(), inputs, context);
      assert.equal(request.interaction_type, "media_generation");
      assert.equal(request.title, inputs.title);
      const generated = inputs._generated_prompts as Record<string, any>;
      const providers = inputs.providers as string[];
      const schema = buildV2OutputSchema(providers, String(inputs.action_type));
      const validate = new Ajv({ strict: false }).compile(schema);
      assert.ok(validate(generated), JSON.stringify(validate.errors));

      const data = request.display_data.data as Record<string, any>;
      assert.deepEqual(Object.keys(data.prompts), providers);
      for (const provider of providers) {
        assert.deepEqual(data.prompts[provider]._generations, []);
        assert.deepEqual(data.prompts[provider]._provider_metadata, provider === "stable_diffusion" ? {} : STATIC[provider].metadata[String(inputs.action_type)]);
        for (const [key, value] of Object.entries(generated.prompts[provider])) assert.deepEqual(data.prompts[provider][key], value);
      }
      assert.deepEqual(data._generated_prompts, generated);
      if (inputs.action_type === "txt2img") assert.equal(data.scene_title, generated.scene_title);
      if (inputs.source_image) assert.deepEqual(data._source_image, inputs.source_image);
      assert.deepEqual(request.display_data.sub_actions, module.sub_actions);

      // A rebuild (retry, display refresh) gives the same prompts in mock mode.
      const again = resolvedInputs(ccModule(name));
      await v2().getInteractionRequest(again, createTestContext().context);
      assert.deepEqual(again._generated_prompts, generated);
    });
  }

  test("answers carry generated_prompts, also on retry and jump", async () => {
    const { context } = createTestContext();
    const inputs = { ...minimal(), _generated_prompts: { prompts: { openai: { prompt: "p" } } } };
    const picked = await v2().executeWithResponse(inputs, context, response({ selected_content_id: "c1", generations: { openai: [{ content_ids: ["c1"], urls: ["u"], metadata_id: "m" }] } }));
    assert.deepEqual(picked.generated_prompts, inputs._generated_prompts);
    assert.deepEqual(picked.selected_content, { content_id: "c1", url: "u", metadata_id: "m", prompt_key: "openai" });
    const retried = await v2().executeWithResponse(inputs, context, response({ retry_requested: true }));
    assert.equal(retried.retry_requested, true);
    assert.deepEqual(retried.generated_prompts, inputs._generated_prompts);
    const jumped = await v2().executeWithResponse(minimal(), context, response({ jump_back_requested: true, jump_back_target: "x" }));
    assert.deepEqual(jumped.generated_prompts, {});
  });

  test("a response without a prompts object fails", async () => {
    const server = await startLoopback(() => ({
      json: { model: "gpt-5.2", output: [{ type: "message", role: "assistant", content: [{ type: "output_text", text: '{"scene_title":"x"}' }] }], usage: {} },
    }));
    try {
      const { context } = createTestContext({ mockMode: false });
      context.providers = { openai: { apiKey: "test-key", baseUrl: server.url } };
      assert.equal(await message(v2().getInteractionRequest(minimal(), context)), "V2 LLM response must include prompts object");
    } finally {
      await server.close();
    }
  });

  test("real mode: the prompts come from the LLM while the request is built (OpenAI wire format)", async () => {
    const answer = { scene_title: "Nap", key_moment: "yawn", prompts: { openai: { prompt: "a cat napping", camera_notes: "close" } } };
    const server = await startLoopback(() => ({
      json: { model: "gpt-5.2", output: [{ type: "message", role: "assistant", content: [{ type: "output_text", text: JSON.stringify(answer) }] }], usage: { input_tokens: 10, output_tokens: 5, total_tokens: 15 } },
    }));
    try {
      const { context, db } = createTestContext({ mockMode: false });
      context.providers = { openai: { apiKey: "test-key", baseUrl: server.url } };
      const inputs = minimal({ prompt_config: { user: "Make prompts", shared_prompt: "Shared", system: "Be brief", metadata: { step_id: "image_prompts" } } });
      const request = await ask(v2(), inputs, context);
      assert.deepEqual(inputs._generated_prompts, answer);
      assert.equal((request.display_data.data as any).prompts.openai.prompt, "a cat napping");
      assert.equal(server.requests.length, 1);
      const sent = server.requests[0].json as Record<string, any>;
      assert.equal(sent.model, "gpt-5.2");
      assert.deepEqual(sent.text.format.schema, buildV2OutputSchema(["openai"], "txt2img"));
      assert.equal(sent.input[0].role, "developer");
      assert.deepEqual(sent.input[0].content, [{ type: "input_text", text: "Be brief" }]);
      assert.match(sent.input[1].content[0].text, /^## Shared Provider Instructions\n\nShared/);
      assert.deepEqual(sent.input[2], { role: "user", content: [{ type: "input_text", text: "Make prompts" }] });
      assert.equal(db.collection("tokens").countDocuments({}), 1);
    } finally {
      await server.close();
    }
  });
});
