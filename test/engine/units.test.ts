/** Small engine pieces on their own: auto-selection, option validations, result mapping, error text. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { applyResultMapping, autoSelectResponse, validateRetryableAction } from "../../src/core/engine";
import { describeModuleFailure } from "../../src/core/engine/responses";
import { ModuleExecutionError } from "../../src/core/modules";

describe("auto-select (engine.md 4.9)", () => {
  const cardSchema = { type: "array", items: { type: "object", _ux: { selectable: true } } };

  test("a selectable array gives the first index, unwrapped", () => {
    assert.deepEqual(autoSelectResponse({ display_data: { schema: cardSchema, data: [{}, {}] } }), { selected_indices: [0], cancelled: false });
  });

  test("a selectable array under an object gives a path; dotted `_ux.selectable` counts too", () => {
    const schema = { type: "object", properties: { other: { type: "string" }, scenes: { type: "array", items: { "_ux.selectable": true } } } };
    assert.deepEqual(autoSelectResponse({ display_data: { schema, data: { other: "x", scenes: [{}, {}] } } }), {
      selected_indices: [["scenes", 0]],
      cancelled: false,
    });
  });

  test("multi-select takes min(min, max) items, at least one; an unlimited max does not cap", () => {
    const displayData = { schema: cardSchema, data: [{}, {}, {}], multi_select: true };
    assert.deepEqual(autoSelectResponse({ display_data: displayData, min_selections: 2, max_selections: 3 })?.selected_indices, [0, 1]);
    assert.deepEqual(autoSelectResponse({ display_data: displayData, min_selections: 2, max_selections: -1 })?.selected_indices, [0, 1]);
    assert.deepEqual(autoSelectResponse({ display_data: displayData, min_selections: 0, max_selections: 3 })?.selected_indices, [0]);
  });

  test("nothing selectable (text, media, empty data) gives null", () => {
    assert.equal(autoSelectResponse({ display_data: {} }), null);
    assert.equal(autoSelectResponse({ display_data: { schema: cardSchema, data: [] } }), null);
    assert.equal(autoSelectResponse({ display_data: { schema: { type: "array", items: { type: "object" } }, data: [{}] } }), null);
  });
});

describe("retryable-option validations (engine.md 1.6)", () => {
  const retryable = {
    options: [
      {
        id: "continue",
        validations: [
          { id: "img", rule: "response_field_required", field: "selected_content_id", severity: "error", message: "Pick an image" },
          { id: "few", rule: "min_selections", min: 2, severity: "warning", message: "Only one?" },
          { id: "ui_only", rule: "response_field_required", field: "value", validator: ["webui"], message: "never on the server" },
          { id: "odd", rule: "no_such_rule", message: "skipped" },
        ],
      },
    ],
  };

  test("errors fail; warnings fail unless confirmed; webui-only and unknown rules are skipped", () => {
    const failed = validateRetryableAction(retryable, { action_id: "continue", selected_indices: [0] });
    assert.equal(failed.valid, false);
    assert.deepEqual(failed.errors.map((e) => e.id), ["img"]);
    assert.deepEqual(failed.warnings.map((e) => e.id), ["few"]);
    const confirmed = validateRetryableAction(retryable, { action_id: "continue", selected_content_id: "c1", selected_indices: [0], confirmed_warnings: ["few"] });
    assert.deepEqual(confirmed, { valid: true, errors: [], warnings: [] });
  });

  test("no action id, or an option without validations, is valid", () => {
    assert.equal(validateRetryableAction(retryable, {}).valid, true);
    assert.equal(validateRetryableAction(retryable, { action_id: "other" }).valid, true);
  });

  test("not_empty and equals", () => {
    const rules = { options: [{ id: "a", validations: [{ id: "n", rule: "response_field_not_empty", field: "form_data" }, { id: "e", rule: "response_field_equals", field: "value", value: 3 }] }] };
    assert.deepEqual(validateRetryableAction(rules, { action_id: "a", form_data: [], value: 2 }).errors.map((e) => e.id), ["n", "e"]);
    assert.equal(validateRetryableAction(rules, { action_id: "a", form_data: [{}], value: 3 }).valid, true);
  });
});

describe("result mapping (engine.md 1.7)", () => {
  test("replace copies the child's value to a dot path; merge appends to the parent's list", () => {
    const child = { scene_concepts: { scenes: [3, 4] }, label: "x" };
    const parent = { scene_concepts: { scenes: [1, 2], other: true } };
    assert.deepEqual(
      applyResultMapping(
        [
          { source: "scene_concepts.scenes", target: "scene_concepts.scenes", mode: "merge" },
          { source: "label", target: "copied.label" },
          { source: "missing", target: "gone" },
        ],
        child,
        parent,
      ),
      { scene_concepts: { scenes: [1, 2, 3, 4] }, copied: { label: "x" }, gone: null },
    );
  });
});

describe("module failure text (ruling 11)", () => {
  test("one prefix, even when the module's error and a wrapped one both carry it", () => {
    const inner = new ModuleExecutionError("m.x", "reason");
    const outer = new ModuleExecutionError("m.x", `Failed to X: ${inner.message}`);
    const failure = describeModuleFailure("m.x", outer, { step_id: "s", module_name: "n" });
    assert.equal(failure.message, "Module 'm.x' failed: Failed to X: reason");
    assert.equal(failure.errorType, "execution_failed");
  });
});
