import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { defaultMockAnswer, MOCK_MEDIA_DATA_URL, MOCK_PNG_DATA_URL } from "../../src/core/mock";
import { getModule, type InteractiveModule } from "../../src/core/modules";
import { ccModule, createTestContext, resolvedInputs, response } from "../modules/helpers";

let counter = 0;
const newId = () => (counter++).toString(16).padStart(32, "0");

describe("defaultMockAnswer: what a headless mock run answers", () => {
  test("text inputs take their default (or a mock text), pauses are acknowledged", () => {
    assert.deepEqual(defaultMockAnswer({ interaction_type: "text_input", default_value: "kittens" }, { newId }), { value: "kittens" });
    assert.deepEqual(defaultMockAnswer({ interaction_type: "text_input", default_value: "" }, { newId }), { value: "mock input" });
    assert.deepEqual(defaultMockAnswer({ interaction_type: "text_input", default_value: "", allow_empty: true }, { newId }), { value: "" });
    assert.deepEqual(defaultMockAnswer({ interaction_type: "text_input", default_value: "state dump", context: { pause: true } }, { newId }), { value: "state dump" });
  });

  test("forms take their defaults, downloads report written, file inputs get a PNG data URL", () => {
    assert.deepEqual(defaultMockAnswer({ interaction_type: "form_input", form_defaults: [{ w: 1 }, { w: 1 }] }, { newId }), { form_data: [{ w: 1 }, { w: 1 }] });
    assert.deepEqual(defaultMockAnswer({ interaction_type: "file_download", file_name: "summary.md" }, { newId }), { file_written: true, file_path: "summary.md" });
    assert.deepEqual(defaultMockAnswer({ interaction_type: "file_input" }, { newId }), { value: MOCK_PNG_DATA_URL });
    assert.deepEqual(defaultMockAnswer({ interaction_type: "file_input", display_data: { extensions: [".PNG", ".jpg"] } }, { newId }), { value: MOCK_PNG_DATA_URL });
    // Only other types allowed: a data URL of an unknown type, which user.file_input lets through.
    assert.deepEqual(defaultMockAnswer({ interaction_type: "file_input", display_data: { extensions: [".pdf"] } }, { newId }), {
      value: "data:application/octet-stream;base64,AA==",
    });
  });

  test("a text input's validation_pattern: the mock answer passes it, so user.text_input completes (issue 12.4)", async () => {
    const textInput = getModule("user.text_input") as InteractiveModule;
    const { context } = createTestContext();
    for (const [pattern, fallback] of [["\\d+$", ""], ["[a-z]+@", ""], ["^[A-Z]{2}$", ""], ["\\d+", "kittens"], ["mock", ""]] as const) {
      const inputs = { prompt: "Code?", default: fallback || null, validation_pattern: pattern, validation_error: "Digits only." };
      const request = await textInput.getInteractionRequest(inputs, context);
      const answer = defaultMockAnswer(request!, { newId }) as Record<string, unknown>;
      const out = await textInput.executeWithResponse(inputs, context, response(answer));
      assert.equal(out.retry_requested, false, `${pattern}: ${String(answer.value)}`);
    }
    // A pattern no mock text is known to pass: no default, so up_to stops and asks instead of failing.
    const strict = await textInput.getInteractionRequest({ prompt: "Order code?", validation_pattern: "[A-Z]{3}-[0-9]{3}$", validation_error: "ABC-123" }, context);
    assert.equal(defaultMockAnswer(strict!, { newId }), null);
    // Without a pattern nothing changes.
    assert.deepEqual(defaultMockAnswer({ interaction_type: "text_input", default_value: "", context: { module_id: "user.text_input" } }, { newId }), { value: "mock input" });
  });

  test("the file answers pass user.file_input's extension check", async () => {
    const fileInput = getModule("user.file_input") as InteractiveModule;
    const { context } = createTestContext();
    for (const extensions of [null, [".png"], [".pdf"]]) {
      const inputs = { prompt: "Upload", extensions };
      const request = await fileInput.getInteractionRequest(inputs, context);
      const answer = defaultMockAnswer(request!, { newId }) as Record<string, unknown>;
      const out = await fileInput.executeWithResponse(inputs, context, response(answer));
      assert.equal(out.value, answer.value);
      assert.equal(out.filename, "uploaded_file");
    }
  });

  test("pause, form and text input accept their default answers", async () => {
    const { context } = createTestContext();
    const cases: Array<[string, Record<string, unknown>]> = [
      ["user.pause", { message: "Check the state" }],
      ["user.form", { data: [{ n: 1 }, { n: 2 }], schema: { input_schema: { properties: { w: { type: "integer", default: 3 } } } } }],
      ["user.text_input", { prompt: "Topic?" }],
    ];
    for (const [moduleId, inputs] of cases) {
      const module = getModule(moduleId) as InteractiveModule;
      const request = await module.getInteractionRequest(inputs, context);
      const answer = defaultMockAnswer(request!, { newId });
      assert.ok(answer, moduleId);
      const out = await module.executeWithResponse(inputs, context, response(answer));
      if (moduleId === "user.pause") assert.equal(out.confirmed, true);
      if (moduleId === "user.form") assert.deepEqual(out.form_data, [{ _item: { n: 1 }, _index: 0, w: 3 }, { _item: { n: 2 }, _index: 1, w: 3 }]);
      if (moduleId === "user.text_input") assert.equal(out.value, "mock input");
    }
  });

  test("selections are left to the engine's auto-selection; unknown types have no default", () => {
    assert.equal(defaultMockAnswer({ interaction_type: "select_from_structured" }, { newId }), null);
    assert.equal(defaultMockAnswer({ interaction_type: "review_grouped" }, { newId }), null);
    assert.equal(defaultMockAnswer({ interaction_type: "something_new" }, { newId }), null);
  });

  test("media: a fresh mock generation of the first provider, which the module accepts", async () => {
    const module = ccModule("generate_and_select_images_v2");
    const inputs = resolvedInputs(module);
    const { context } = createTestContext();
    const v2 = getModule("media.generateV2") as InteractiveModule;
    const request = await v2.getInteractionRequest(inputs, context);
    const answer = defaultMockAnswer(request!, { newId: context.newId }) as Record<string, any>;
    assert.match(answer.selected_content_id, /^mock-[0-9a-f]{32}$/);
    assert.deepEqual(Object.keys(answer.generations), ["midjourney"]);
    assert.deepEqual(answer.generations.midjourney[0].urls, [MOCK_MEDIA_DATA_URL]);
    const out = await v2.executeWithResponse(inputs, context, response(answer));
    assert.deepEqual(out.selected_content, { content_id: answer.selected_content_id, url: MOCK_MEDIA_DATA_URL, metadata_id: answer.generations.midjourney[0].metadata_id, prompt_key: "midjourney" });
    // Without any prompt entries there is nothing to pick.
    assert.equal(defaultMockAnswer({ interaction_type: "media_generation", display_data: { data: {} } }, { newId }), null);
  });
});
