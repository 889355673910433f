/**
 * Mock-mode defaults cover every interaction type the modules ask (tracker issue 18, item 1): a review
 * (`user.select` with `mode: "review"`) is accepted as it is, a select with nothing selectable is
 * submitted empty, and every default names the rule that chose it (the run trace shows it).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { defaultMockAnswerWithRule } from "../../src/core/mock";
import { getModule, type InteractiveModule } from "../../src/core/modules";
import { execute } from "../../src/core/virtual";
import { createTestContext, response } from "../modules/helpers";

const newId = () => "0".repeat(32);

describe("defaultMockAnswerWithRule", () => {
  test("every interaction type of docs/modules.md §1.5 has a default, named by its rule", () => {
    const rules = Object.fromEntries(
      [
        { interaction_type: "text_input", default_value: "", context: { pause: true } },
        { interaction_type: "text_input", default_value: "kittens" },
        { interaction_type: "text_input", default_value: "" },
        { interaction_type: "form_input", form_defaults: [] },
        { interaction_type: "file_input" },
        { interaction_type: "file_input", display_data: { extensions: [".pdf"] } },
        { interaction_type: "file_download", file_name: "a.md" },
        { interaction_type: "media_generation", display_data: { data: { leonardo: { prompt: "x" } } } },
        { interaction_type: "review_grouped" },
        { interaction_type: "select_from_structured" },
      ].map((request, index) => [index, defaultMockAnswerWithRule(request, { newId })?.rule]),
    );
    assert.deepEqual(Object.values(rules), [
      "pause_acknowledged",
      "text_default",
      "text_mock",
      "form_defaults",
      "file_png",
      "file_any_type",
      "download_written",
      "media_first_provider",
      "review_accept",
      "select_nothing",
    ]);
    assert.equal(defaultMockAnswerWithRule({ interaction_type: "something_new" }, { newId }), null);
  });

  test("a review is accepted as it is: user.select outputs an empty selection and no retry", async () => {
    const select = getModule("user.select") as InteractiveModule;
    const { context } = createTestContext();
    const inputs = { data: { prompts: [{ text: "a" }] }, schema: { type: "object" }, mode: "review" };
    const request = (await select.getInteractionRequest(inputs, context))!;
    assert.equal(request.interaction_type, "review_grouped");
    const fallback = defaultMockAnswerWithRule(request, { newId })!;
    assert.deepEqual(fallback, { rule: "review_accept", answer: { value: "accepted", selected_indices: [] } });
    const out = await select.executeWithResponse(inputs, context, response(fallback.answer));
    assert.deepEqual(out.selected_indices, []);
    assert.equal(out.retry_requested, false);
    assert.equal(out.jump_back_requested, false);
  });
});

describe("up_to in mock mode through a review that auto-selection cannot answer", () => {
  const workflow = {
    workflow_id: "review",
    steps: [
      {
        step_id: "s",
        modules: [
          {
            module_id: "user.select",
            name: "review_it",
            inputs: { data: { prompts: [{ text: "a" }] }, schema: { type: "object", properties: { prompts: { type: "array" } } }, mode: "review" },
            retryable: { default_option: "continue", options: [{ id: "continue", mode: "continue" }, { id: "retry", mode: "retry", target_module: "review_it" }] },
          },
          { module_id: "io.render_template", name: "after", inputs: { template: "done" } },
        ],
      },
    ],
  };

  test("reaches the target; the trace says the review took the mock default 'review_accept'", async () => {
    const through = await execute({ workflow, target_step_id: "s", target_module_name: "after", mode: "up_to", db_format: "none" });
    assert.equal(through.status, "completed", through.message);
    assert.deepEqual(through.auto_answers, [
      { step_id: "s", module_name: "review_it", interaction_type: "review_grouped", source: "mock_default", rule: "review_accept", response: { value: "accepted", selected_indices: [] } },
    ]);
  });

  test("real mode and default_answers: false stop at the review, as before", async () => {
    for (const options of [{ mock: false }, { default_answers: false }]) {
      const stopped = await execute({ workflow, target_step_id: "s", target_module_name: "after", mode: "up_to", db_format: "none", ...options });
      assert.equal(stopped.status, "awaiting_input");
      assert.equal(stopped.progress?.current_module, "review_it");
      assert.deepEqual(stopped.auto_answers, []);
    }
  });
});
