import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, test } from "node:test";
import { MOCK_MEDIA_DATA_URL } from "../../src/core/mock";
import { getModule, ModuleExecutionError, type InteractiveModule, type SubActionContext, type SubActionEvent } from "../../src/core/modules";
import { fixturesDir } from "../helpers/paths";
import { createTestContext, response } from "./helpers";

/** The module's interaction request (never null for this module). */
async function ask(module: InteractiveModule, inputs: Record<string, unknown>, context: Parameters<InteractiveModule["getInteractionRequest"]>[1]) {
  const request = await module.getInteractionRequest(inputs, context);
  assert.ok(request);
  return request;
}

const STATIC = JSON.parse(readFileSync(resolve(fixturesDir, "media_provider_static_data.json"), "utf8")).providers;

function media(): InteractiveModule {
  return getModule("media.generate") as InteractiveModule;
}

const SCHEMA = { type: "object", _ux: { display: "passthrough" } };

async function reason(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ModuleExecutionError, String(error));
    return error.reason;
  }
  assert.fail("expected a failure");
}

function subActionContext(mockMode: boolean, params: Record<string, unknown> = {}): SubActionContext {
  const { context } = createTestContext();
  return {
    workflowRunId: "virtual_run_test",
    executionId: "image_generation_x",
    interactionId: "media_x",
    db: context.db,
    params,
    mockMode,
    providers: {},
    newId: context.newId,
    now: context.now,
  };
}

async function collect(events: AsyncIterable<SubActionEvent>): Promise<SubActionEvent[]> {
  const out: SubActionEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

describe("media.generate interaction request (modules.md 2.26)", () => {
  test("flat prompts: each provider entry gets _provider_metadata and _generations, its own keys last", async () => {
    const { context } = createTestContext({ subActions: [{ id: "image_generation" }], retryable: { options: [] } });
    const prompts = { midjourney: { prompt: "a cat", _generations: ["kept"] }, leonardo: { prompt: "a dog" }, note: "plain" };
    const request = await ask(media(), { prompts, schema: SCHEMA }, context);
    assert.equal(request.interaction_type, "media_generation");
    assert.match(request.interaction_id, /^media_[0-9a-f]{32}$/);
    assert.equal(request.title, "Generate Media");
    assert.deepEqual(request.context, { module_id: "media.generate" });
    const data = request.display_data.data as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(data.midjourney), ["_provider_metadata", "_generations", "prompt"]);
    assert.deepEqual(data.midjourney._provider_metadata, STATIC.midjourney.metadata.txt2img);
    assert.deepEqual(data.midjourney._generations, ["kept"]);
    assert.deepEqual(data.leonardo._provider_metadata, STATIC.leonardo.metadata.txt2img);
    assert.equal(data.note, "plain");
    assert.deepEqual(request.display_data.schema, SCHEMA);
    assert.deepEqual(request.display_data.generations, {});
    assert.deepEqual(request.display_data.sub_actions, [{ id: "image_generation" }]);
    assert.deepEqual(request.display_data.retryable, { options: [] });
  });

  test("nested prompts keep their top-level keys; action_type picks the metadata; source_image is added", async () => {
    const { context } = createTestContext();
    const prompts = { scene_title: "Nap", prompts: { openai: { prompt: "p" } } };
    const request = await ask(media(), { prompts, schema: SCHEMA, title: "Videos", action_type: "img2vid", source_image: { url: "u" } }, context);
    const data = request.display_data.data as Record<string, any>;
    assert.equal(request.title, "Videos");
    assert.equal(data.scene_title, "Nap");
    assert.deepEqual(data.prompts.openai._provider_metadata, STATIC.openai.metadata.img2vid);
    assert.deepEqual(data._source_image, { url: "u" });
  });

  test("unknown providers and Stable Diffusion (no SD_FORGE_API_URL) get {} and a warning", async () => {
    const { context, logs } = createTestContext();
    const request = await ask(media(), { prompts: { stable_diffusion: { tag_prompt: "t" }, dalle9: { prompt: "x" } }, schema: SCHEMA }, context);
    const data = request.display_data.data as Record<string, any>;
    assert.deepEqual(data.stable_diffusion._provider_metadata, {});
    assert.deepEqual(data.dalle9._provider_metadata, {});
    assert.equal(logs.filter((entry) => entry.level === "warning").length, 2);
  });

  test("array prompts become an object by provider (last one wins); bad items fail", async () => {
    const { context } = createTestContext();
    const request = await ask(media(), { prompts: [{ provider: "openai", prompt: "1" }, { provider: "openai", prompt: "2" }], schema: SCHEMA }, context);
    const data = request.display_data.data as Record<string, any>;
    assert.deepEqual(Object.keys(data), ["openai"]);
    assert.equal(data.openai.prompt, "2");
    assert.equal("provider" in data.openai, false);
    assert.equal(await reason(media().getInteractionRequest({ prompts: ["x"], schema: SCHEMA }, context)), "Prompts array item 0 is not a dict");
    assert.equal(await reason(media().getInteractionRequest({ prompts: [{ prompt: "p" }], schema: SCHEMA }, context)), "Prompts array item 0 is missing required 'provider' field");
    const other = await ask(media(), { prompts: "text", schema: SCHEMA }, context);
    assert.deepEqual(other.display_data.data, {});
  });
});

describe("media.generate answers", () => {
  const generations = {
    midjourney: [{ content_ids: ["c1", "c2"], urls: ["u1", "u2"], metadata_id: "m1" }],
    openai: [{ content_ids: ["c3"], urls: [], metadata_id: "m3" }],
  };

  test("the picked content is found in the generations (url by position, metadata id, prompt key)", async () => {
    const { context } = createTestContext();
    const out = await media().executeWithResponse({}, context, response({ selected_content_id: "c2", generations }));
    assert.deepEqual(out, {
      selected_content_id: "c2",
      selected_content: { content_id: "c2", url: "u2", metadata_id: "m1", prompt_key: "midjourney" },
      generations,
    });
    const noUrl = await media().executeWithResponse({}, context, response({ selected_content_id: "c3", generations }));
    assert.deepEqual(noUrl.selected_content, { content_id: "c3", url: null, metadata_id: "m3", prompt_key: "openai" });
  });

  test("falls back to the client's selected_content; adds the stored local path", async () => {
    const { context, db } = createTestContext();
    db.collection("generated_content").insertOne({ generated_content_id: "c9", local_path: "/media/run/c9.png" });
    const out = await media().executeWithResponse({}, context, response({ selected_content_id: "c9", selected_content: { content_id: "c9", url: "x" } }));
    assert.deepEqual(out.selected_content, { content_id: "c9", url: "x", local_path: "/media/run/c9.png" });
    const none = await media().executeWithResponse({}, context, response({}));
    assert.deepEqual(none, { selected_content_id: null, selected_content: null, generations: {} });
  });

  test("cancel fails; retry and jump return the navigation keys", async () => {
    const { context } = createTestContext();
    assert.equal(await reason(media().executeWithResponse({}, context, response({ cancelled: true }))), "User cancelled media generation");
    assert.deepEqual(await media().executeWithResponse({}, context, response({ jump_back_requested: true, jump_back_target: "select_scene" })), {
      selected_content_id: null,
      selected_content: null,
      generations: {},
      jump_back_requested: true,
      jump_back_target: "select_scene",
    });
    assert.deepEqual(await media().executeWithResponse({}, context, response({ retry_requested: true, retry_feedback: "more", retry_groups: ["a"] })), {
      selected_content_id: null,
      selected_content: null,
      generations: {},
      retry_requested: true,
      retry_feedback: "more",
      retry_groups: ["a"],
    });
  });
});

describe("media.generate sub-action", () => {
  test("mock: progress, then one placeholder (SVG data URL) with unique full-uuid7 ids", async () => {
    const events = await collect(media().subAction!(subActionContext(true, { provider: "openai", action_type: "txt2img", prompt_id: "openai" })));
    assert.deepEqual(events[0], ["progress", { status: "processing", progress: { elapsed_ms: 200, message: "Generating mock content..." } }]);
    assert.equal(events.length, 2);
    const [kind, result] = events[1];
    assert.equal(kind, "result");
    assert.match(String(result.metadata_id), /^mock-meta-[0-9a-f]{32}$/);
    const ids = result.content_ids as string[];
    assert.equal(ids.length, 1);
    assert.match(ids[0], /^mock-[0-9a-f]{32}$/);
    assert.deepEqual(result.urls, [MOCK_MEDIA_DATA_URL]);
    assert.equal(result.prompt_id, "openai");
    assert.equal(result.mock, true);
    assert.match(MOCK_MEDIA_DATA_URL, /^data:image\/svg\+xml;base64,/);
    const svg = Buffer.from(MOCK_MEDIA_DATA_URL.split(",")[1], "base64").toString("utf8");
    assert.match(svg, /<rect width="512" height="512" fill="#e0e0e0"\/>/);
    assert.match(svg, />MOCK</);
    assert.match(svg, />Preview Image</);

    // Two generations at the same moment never share ids (ruling 12).
    const context = subActionContext(true, { prompt_id: "p" });
    const first = await collect(media().subAction!(context));
    const second = await collect(media().subAction!(context));
    assert.notDeepEqual(first[1][1].content_ids, second[1][1].content_ids);
    assert.notEqual(first[1][1].metadata_id, second[1][1].metadata_id);
  });

  test("real mode explains that generation needs the media worker", async () => {
    await assert.rejects(collect(media().subAction!(subActionContext(false, { provider: "openai" }))), /media worker/);
  });
});
