import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildSelectModel, fieldOf, formatValue, prettyJsonString, selectionProblem, selectionResponse, selectionSummary } from "../../webview/structured";

const petSchema = {
  type: "array",
  items: {
    type: "object",
    _ux: { display: "visible", render_as: "card", selectable: true },
    properties: {
      id: { type: "string", "_ux.display": false },
      label: { type: "string", "_ux.display": true, "_ux.render_as": "card-title" },
      description: { type: "string", "_ux.display": true, "_ux.render_as": "card-subtitle" },
    },
  },
};

describe("schema-driven selection model", () => {
  it("flat list: titles and subtitles from render_as, hidden fields dropped, index = position", () => {
    const model = buildSelectModel({
      interaction_type: "select_from_structured",
      min_selections: 1,
      max_selections: 1,
      display_data: { data: [{ id: "cat", label: "Cat", description: "Feline" }, { id: "dog", label: "Dog", description: "Canine" }], schema: petSchema, multi_select: false },
    });
    const items = model.groups[0].items;
    assert.deepEqual(items.map((i) => [i.index, i.title, i.subtitle, i.fields.length]), [[0, "Cat", "Feline", 0], [1, "Dog", "Canine", 0]]);
    assert.deepEqual(selectionResponse([items[1]]).selected_indices, [1]);
    assert.equal(model.multi, false);
    assert.equal(model.review, false);
  });

  it("nested parent → child: selectable arrays under object properties, index = [key, i], labels and formats", () => {
    const model = buildSelectModel({
      interaction_type: "review_grouped",
      display_data: {
        mode: "review",
        multi_select: true,
        data: { scenes: [{ title: "A", visual_moments: ["x", "y"] }], note: "hello" },
        schema: {
          type: "object",
          properties: {
            scenes: {
              type: "array",
              "_ux.display_label": "Scenes",
              items: {
                type: "object",
                _ux: { selectable: true },
                properties: {
                  title: { type: "string", "_ux.render_as": "card-title" },
                  visual_moments: { type: "array", _ux: { display_label: "Key Moments", display_format: "{{ value | join(' → ') }}" } },
                },
              },
            },
            note: { type: "string", "_ux.display_label": "Note" },
          },
        },
      },
      min_selections: 0,
      max_selections: -1,
    });
    assert.equal(model.review, true);
    assert.equal(model.groups[0].label, "Scenes");
    assert.deepEqual(model.groups[0].items[0].index, ["scenes", 0]);
    assert.deepEqual(model.groups[0].items[0].fields, [{ label: "Key Moments", value: "x → y", highlight: false }]);
    assert.deepEqual(model.info, [{ label: "Note", value: "hello", highlight: false }]);
  });

  it("object keys: selectable additionalProperties, index = key", () => {
    const model = buildSelectModel({
      display_data: { data: { fast: { label: "Fast" }, slow: { label: "Slow" } }, schema: { type: "object", selectable: true, additionalProperties: { type: "object" } } },
    });
    assert.deepEqual(model.groups[0].items.map((i) => [i.index, i.title]), [["fast", "Fast"], ["slow", "Slow"]]);
  });

  it("min/max messages and value formatting", () => {
    assert.equal(selectionProblem({ min: 1, max: 1, multi: false }, 0), "Choose one option.");
    assert.equal(selectionProblem({ min: 2, max: -1, multi: true }, 1), "Choose at least 2 options.");
    assert.equal(selectionProblem({ min: 1, max: 2, multi: true }, 3), "Choose at most 2 options.");
    assert.equal(selectionProblem({ min: 1, max: 2, multi: true }, 2), undefined);
    assert.equal(formatValue([1, "a"]), "1, a");
    assert.equal(formatValue({ a: 1 }), '{"a":1}');
    assert.equal(formatValue(5, "{{ value }}s"), "5s");
  });
});

describe("card fields for nested values and JSON text (issue 12.11)", () => {
  it("a nested object is key: value rows (recursively), never raw JSON; a list of objects is numbered rows", () => {
    const field = fieldOf("Limits", { seats: 25, storage: { size: 1, unit: "TB" } }, { type: "object" });
    assert.deepEqual(field, {
      label: "Limits",
      value: "",
      highlight: false,
      children: [
        { label: "Seats", value: "25", highlight: false },
        { label: "Storage", value: "", highlight: false, children: [{ label: "Size", value: "1", highlight: false }, { label: "Unit", value: "TB", highlight: false }] },
      ],
    });
    const list = fieldOf("Owners", [{ name: "Ann" }, { name: "Bo" }], undefined);
    assert.deepEqual(list.children?.map((c) => [c.label, c.children?.[0].value]), [["1", "Ann"], ["2", "Bo"]]);
    assert.equal(fieldOf("Tags", ["a", "b"], undefined).value, "a, b", "a list of plain values stays one line");
  });

  it("display hints apply inside nested objects; display_format still wins over rows", () => {
    const schema = { type: "object", properties: { secret: { "_ux.display": false }, size: { "_ux.display_label": "Size (GB)" } } };
    assert.deepEqual(fieldOf("Disk", { secret: "x", size: 3 }, schema).children, [{ label: "Size (GB)", value: "3", highlight: false }]);
    assert.equal(fieldOf("Pair", { a: 1 }, { "_ux.display_format": "{{ value }}" }).value, '{"a":1}');
  });

  it("a long JSON string (an LLM's response_text) is pretty-printed; short or non-JSON strings are left alone", () => {
    const text = JSON.stringify({ summary: "A short story about a dog", scenes: ["park", "beach", "home"] });
    assert.equal(prettyJsonString(text), JSON.stringify(JSON.parse(text), null, 2));
    assert.deepEqual(fieldOf("Response text", text, undefined), { label: "Response text", value: JSON.stringify(JSON.parse(text), null, 2), highlight: false, block: true });
    assert.equal(prettyJsonString('{"a":1}'), undefined, "short: stays on its line");
    assert.equal(prettyJsonString(`{ not json ${"x".repeat(80)}`), undefined);
    assert.equal(prettyJsonString(`"${"x".repeat(80)}"`), undefined, "a JSON string literal is not a document");
  });

  it("the Submit bar's summary of a selection", () => {
    assert.equal(selectionSummary([], false), "Nothing selected");
    assert.equal(selectionSummary([{ title: "Team" }], false), "Selected: Team");
    assert.equal(selectionSummary([{ title: "A" }, { title: "B" }, { title: "C" }, { title: "D" }, { title: "E" }], true), "5 selected: A, B, C and 2 more");
  });
});
