/**
 * The interaction protocol's one source (src/core/interaction/schema.ts): the JSON the engine emits
 * keeps the original's two field orders, defaults are never shared between requests, every type has a
 * mock default answer, and the API shape the engine sends parses with the union the panel uses.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { convertInteractionRequest, serializeInteractionRequest } from "../../src/core/engine";
import { INTERACTION_TYPES, interactionRequestSchema, isInteractionType, makeInteractionRequest, makeInteractionResponse } from "../../src/core/interaction/schema";
import { defaultMockAnswerWithRule } from "../../src/core/mock";

/** The stored event dict's order (the original's `serialize_interaction_request`). */
const STORED_ORDER = [
  "interaction_id", "interaction_type", "title", "options", "min_selections", "max_selections", "allow_custom",
  "default_selection", "groups", "display_data", "multiline", "placeholder", "default_value", "allow_empty", "context",
  "extra_options", "file_content", "file_name", "file_content_type", "file_destination", "form_schema", "form_type", "form_defaults",
];

/** The API model's order (the original's `InteractionRequest` pydantic model). */
const API_ORDER = [
  "interaction_id", "interaction_type", "title", "options", "min_selections", "max_selections", "allow_custom",
  "default_selection", "groups", "display_data", "multiline", "placeholder", "default_value", "allow_empty", "yes_label",
  "no_label", "default_confirm", "accepted_types", "multiple_files", "base_path", "context", "extra_options",
  "resolver_schema", "file_content", "file_name", "file_content_type", "file_destination", "form_schema", "form_type", "form_defaults",
];

describe("interaction protocol", () => {
  test("the stored dict and the API shape keep their own field orders", () => {
    const stored = serializeInteractionRequest(
      makeInteractionRequest({ interaction_id: "i1", interaction_type: "select_from_structured", options: [{ id: "a", label: "A" }], title: "Pick" }),
    );
    assert.deepEqual(Object.keys(stored), STORED_ORDER);
    assert.deepEqual(stored.options, [{ id: "a", label: "A", description: "", metadata: {} }]);
    const api = convertInteractionRequest({ ...stored, module_id: "user.select", _resolved_inputs: {} });
    assert.deepEqual(Object.keys(api), API_ORDER);
    assert.equal(api.yes_label, "Yes");
    assert.equal(api.resolver_schema, null);
  });

  test("defaults are fresh per request and per answer", () => {
    const a = makeInteractionRequest({ interaction_id: "a", interaction_type: "text_input" });
    a.display_data.x = 1;
    a.form_defaults.push(1);
    const b = makeInteractionRequest({ interaction_id: "b", interaction_type: "text_input" });
    assert.deepEqual([b.display_data, b.form_defaults], [{}, []]);
    const first = makeInteractionResponse({ interaction_id: "a" });
    first.selected_indices.push(0);
    assert.deepEqual(makeInteractionResponse({ interaction_id: "b" }).selected_indices, []);
    const api = convertInteractionRequest({ interaction_id: "c", interaction_type: "text_input" });
    api.groups.y = 2;
    assert.deepEqual(convertInteractionRequest({ interaction_id: "d", interaction_type: "text_input" }).groups, {});
  });

  test("every interaction type has a mock default answer, and the API shape parses with the union", () => {
    let n = 0;
    const newId = () => (n++).toString(16).padStart(32, "0");
    for (const type of INTERACTION_TYPES) {
      assert.ok(isInteractionType(type));
      const stored = serializeInteractionRequest(
        makeInteractionRequest({ interaction_id: `id-${type}`, interaction_type: type, display_data: { data: { prompts: { p: { prompt: "x" } } } } }),
      );
      assert.notEqual(defaultMockAnswerWithRule(stored, { newId }), null, type);
      const parsed = interactionRequestSchema.safeParse(convertInteractionRequest(stored));
      assert.ok(parsed.success, type);
    }
    assert.equal(isInteractionType("confirm"), false);
    assert.equal(defaultMockAnswerWithRule({ interaction_type: "confirm" }, { newId }), null);
  });
});
