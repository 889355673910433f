import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { generateMockFromSchema } from "../../src/core/mock";
import {
  extractSelectedData,
  flattenSelectionIndices,
  getModule,
  ModuleExecutionError,
  selectItemReferences,
  validateInputs,
  type AddonProcessor,
  type InteractiveModule,
} from "../../src/core/modules";
import { ccModule, createTestContext, resolvedInputs, response } from "./helpers";

function selectModule(): InteractiveModule {
  return getModule("user.select") as InteractiveModule;
}

const scenesData = { scenes: [{ t: 1 }, { t: 2 }] };
const objectSchema = { type: "object", properties: { scenes: { type: "array", items: { type: "object" } } } };
const arrayData = [{ a: 1 }, { a: 2 }, "s"];
const arraySchema = { type: "array", items: {} };

async function answer(inputs: Record<string, unknown>, fields: Parameters<typeof response>[0]) {
  const { context } = createTestContext();
  return selectModule().executeWithResponse(inputs, context, response(fields));
}

describe("user.select interaction request (modules.md 2.2)", () => {
  test("select mode: select_from_structured with the data, schema and context echoed", async () => {
    const retryable = { options: [{ id: "retry", mode: "retry", target_module: "gen" }] };
    const subActions = [{ id: "regenerate", actions: [] }];
    const { context } = createTestContext({ retryable, subActions });
    const inputs = { data: arrayData, schema: arraySchema };
    const request = (await selectModule().getInteractionRequest(inputs, context))!;
    assert.match(request.interaction_id, /^select_[0-9a-f]{32}$/);
    assert.equal(request.interaction_type, "select_from_structured");
    assert.equal(request.title, "Make a selection");
    assert.deepEqual(request.options, []);
    assert.deepEqual(request.extra_options, []);
    assert.equal(request.min_selections, 1);
    assert.equal(request.max_selections, 1);
    assert.deepEqual(request.display_data, {
      data: arrayData,
      schema: arraySchema,
      multi_select: false,
      mode: "select",
      retryable,
      sub_actions: subActions,
    });
    assert.deepEqual(request.context, { module_id: "user.select" });
    // The other request fields keep their defaults (ruling 7).
    assert.deepEqual(request.form_schema, {});
    assert.equal(request.form_type, "");
    assert.deepEqual(request.form_defaults, []);
  });

  test("review mode gives review_grouped; max_selections: -1 for multi-select, else the input", async () => {
    const { context } = createTestContext();
    const review = (await selectModule().getInteractionRequest({ data: [], schema: arraySchema, mode: "review", prompt: "Review" }, context))!;
    assert.equal(review.interaction_type, "review_grouped");
    assert.equal(review.title, "Review");
    const multi = (await selectModule().getInteractionRequest({ data: [], schema: arraySchema, multi_select: true, min_selections: 0 }, context))!;
    assert.equal(multi.max_selections, -1);
    assert.equal(multi.min_selections, 0);
    const capped = (await selectModule().getInteractionRequest({ data: [], schema: arraySchema, multi_select: true, max_selections: 2 }, context))!;
    assert.equal(capped.max_selections, 2);
  });

  test("data and schema are required keys", () => {
    assert.deepEqual(validateInputs(selectModule(), { schema: {} }), { ok: false, inputName: "data", message: "Required input 'data' missing" });
    assert.deepEqual(validateInputs(selectModule(), { data: null, schema: null }), { ok: true });
  });
});

describe("user.select extraction (modules.md 2.2 tables)", () => {
  for (const [indices, expected] of [
    [["scenes", 1], { t: 2 }],
    [[["scenes", 0]], { t: 1 }],
    [["scenes", 5], []],
    [["scenes"], [{ t: 1 }, { t: 2 }]],
  ] as const) {
    test(`object data, single-select ${JSON.stringify(indices)}`, async () => {
      const out = await answer({ data: scenesData, schema: objectSchema }, { selected_indices: [...indices] });
      assert.deepEqual(out.selected_data, expected);
      // selected_indices stay exactly as sent (cc indexes into the unwrapped pair).
      assert.deepEqual(out.selected_indices, indices);
    });
  }

  test("array data: multi-select keeps non-objects; single-select unwraps one hit only", () => {
    assert.deepEqual(extractSelectedData(arrayData, arraySchema, [0, 2], true), [{ a: 1 }, "s"]);
    assert.deepEqual(extractSelectedData(arrayData, arraySchema, [[1]], false), { a: 2 });
    assert.deepEqual(extractSelectedData(arrayData, arraySchema, [0, 1], false), [{ a: 1 }, { a: 2 }]);
    assert.deepEqual(extractSelectedData(arrayData, arraySchema, [7], false), []);
    assert.deepEqual(extractSelectedData(arrayData, arraySchema, ["x"], true), []);
    // True counts as 1, as Python's bool is an int.
    assert.deepEqual(extractSelectedData(arrayData, arraySchema, [true], false), { a: 2 });
  });

  test("empty indices or falsy data: [] for multi-select, null for single-select", () => {
    assert.equal(extractSelectedData(arrayData, arraySchema, [], false), null);
    assert.deepEqual(extractSelectedData(arrayData, arraySchema, [], true), []);
    assert.equal(extractSelectedData([], arraySchema, [0], false), null);
    assert.equal(extractSelectedData({}, objectSchema, ["a"], false), null);
  });

  test("any other schema/data combination gives []", () => {
    assert.deepEqual(extractSelectedData(arrayData, objectSchema, [0], true), []);
    assert.deepEqual(extractSelectedData({ a: 1 }, { type: "string" }, ["a"], true), []);
  });

  test("_metadata is removed from selected items but not from the data", () => {
    const data = [{ a: 1, _metadata: { addons: {} } }];
    assert.deepEqual(extractSelectedData(data, arraySchema, [0], false), { a: 1 });
    assert.deepEqual(data[0], { a: 1, _metadata: { addons: {} } });
  });

  test("null values found by key count as not found", () => {
    assert.deepEqual(extractSelectedData({ a: null, b: 2 }, { type: "object" }, ["a", "b"], true), [2]);
  });

  test("a string sub-index is a TypeError, as in Python", () => {
    assert.throws(() => extractSelectedData(scenesData, objectSchema, [["scenes", "x"]], true), TypeError);
  });

  test("an empty list index is an IndexError, as in Python", () => {
    assert.throws(() => extractSelectedData(arrayData, arraySchema, [[]], true), /list index out of range/);
  });
});

describe("user.select response handling (modules.md 2.2)", () => {
  test("normal answer: all seven outputs", async () => {
    const out = await answer({ data: arrayData, schema: arraySchema, multi_select: true }, { selected_indices: [0, 2] });
    assert.deepEqual(out, {
      selected_indices: [0, 2],
      selected_data: [{ a: 1 }, "s"],
      retry_requested: false,
      retry_feedback: "",
      retry_groups: [],
      jump_back_requested: false,
      jump_back_target: "",
    });
  });

  test("cancelled raises User cancelled selection", async () => {
    await assert.rejects(
      answer({ data: arrayData, schema: arraySchema }, { cancelled: true }),
      (error: unknown) => error instanceof ModuleExecutionError && error.message === "Module 'user.select' failed: User cancelled selection",
    );
  });

  test("jump back: no selected_data key", async () => {
    const out = await answer({ data: arrayData, schema: arraySchema }, { jump_back_requested: true, jump_back_target: "change_scene" });
    assert.deepEqual(out, {
      selected_indices: [],
      retry_requested: false,
      retry_feedback: "",
      retry_groups: [],
      jump_back_requested: true,
      jump_back_target: "change_scene",
    });
  });

  test("review retry: feedback and groups passed through for the engine's retry", async () => {
    const inputs = { data: arrayData, schema: arraySchema, mode: "review" };
    const out = await answer(inputs, { retry_requested: true, retry_feedback: "more cats", retry_groups: ["g1"] });
    assert.deepEqual(out, {
      selected_indices: [],
      retry_requested: true,
      retry_feedback: "more cats",
      retry_groups: ["g1"],
      jump_back_requested: false,
      jump_back_target: "",
    });
    const bare = await answer(inputs, { retry_requested: true, retry_feedback: "", retry_groups: [] });
    assert.equal(bare.retry_feedback, "");
    assert.deepEqual(bare.retry_groups, []);
  });

  test("indices from selected_options metadata when selected_indices is empty", async () => {
    const inputs = { data: arrayData, schema: arraySchema };
    const fromList = await answer(inputs, { selected_options: [{ id: "x", metadata: { indices: [1] } }] });
    assert.deepEqual(fromList.selected_indices, [1]);
    assert.deepEqual(fromList.selected_data, { a: 2 });
    const fromScalar = await answer(inputs, { selected_options: [{ id: "x", metadata: { indices: 2 } }] });
    assert.deepEqual(fromScalar.selected_indices, [2]);
    // `if idx:` in the original: an index 0 in `indices` is falsy and ignored.
    const falsy = await answer(inputs, { selected_options: [{ id: "x", metadata: { indices: 0 } }] });
    assert.deepEqual(falsy.selected_indices, []);
    const fromIndex = await answer(inputs, { selected_options: [{ id: "x", metadata: {} }, { id: "y", metadata: { _index: 1 } }] });
    assert.deepEqual(fromIndex.selected_indices, [1]);
    const fromPath = await answer({ data: scenesData, schema: objectSchema }, { selected_options: [{ metadata: { _index: ["scenes", 1] } }] });
    assert.deepEqual(fromPath.selected_indices, ["scenes", 1]);
    assert.deepEqual(fromPath.selected_data, { t: 2 });
  });
});

describe("user.select addons hooks (modules.md 3.4)", () => {
  /** The processor contract: embed _metadata in place, report selections. */
  function recordingProcessor() {
    const selections: Array<{ indices: number[]; count: number }> = [];
    const processor: AddonProcessor = {
      processItems(items) {
        items.forEach((item, index) => (item._metadata = { addons: { rank: index }, decorators: [] }));
      },
      callOnSelection(indices, items) {
        selections.push({ indices, count: items.length });
      },
    };
    return { processor, selections };
  }

  test("items get _metadata in place; on_selection sees flattened int indices", async () => {
    const { processor, selections } = recordingProcessor();
    const module = selectModule();
    module.setAddonProcessor!(processor);
    const { context } = createTestContext();
    const inputs = { data: [{ a: 1 }, "skip", { a: 2 }], schema: arraySchema, multi_select: true };
    const request = (await module.getInteractionRequest(inputs, context))!;
    const shown = (request.display_data.data as Array<Record<string, unknown>>)[2];
    assert.deepEqual(shown._metadata, { addons: { rank: 1 }, decorators: [] });
    // The persisted inputs hold the same objects.
    assert.equal(shown, (inputs.data as unknown[])[2]);

    const out = await module.executeWithResponse(inputs, context, response({ selected_indices: [[2], 0, "k"] }));
    assert.deepEqual(selections, [{ indices: [2, 0], count: 2 }]);
    assert.deepEqual(out.selected_data, [{ a: 2 }, { a: 1 }]);
  });

  test("item references: array roots, selectable additionalProperties maps and top-level selectable arrays", () => {
    assert.equal(selectItemReferences([{ a: 1 }, 2, { b: 2 }], { type: "array" }).length, 2);
    const map = { x: { a: 1 }, y: { a: 2 }, z: 3 };
    assert.equal(selectItemReferences(map, { type: "object", selectable: true, additionalProperties: { type: "object" } }).length, 2);
    const data = { scenes: [{ t: 1 }, { t: 2 }] };
    assert.equal(selectItemReferences(data, { type: "object", properties: { scenes: { type: "array", selectable: true } } }).length, 2);
    // cc puts selectable under items._ux: addons see nothing there.
    assert.equal(selectItemReferences(data, ccModule("select_scene").inputs.schema).length, 0);
    assert.deepEqual(flattenSelectionIndices([[3, 1], [], 2, "k", true]), [3, 0, 2, 1]);
  });
});

describe("user.select on the cc workflow's modules", () => {
  test("select_pet_type: single-select over an array gives the picked object", async () => {
    const inputs = resolvedInputs(ccModule("select_pet_type"));
    const { context } = createTestContext();
    const request = (await selectModule().getInteractionRequest(inputs, context))!;
    assert.equal(request.title, "What type of pet is this video for?");
    const out = await selectModule().executeWithResponse(inputs, context, response({ selected_indices: [1] }));
    assert.equal((out.selected_data as Record<string, unknown>).id, "dog");
  });

  test("select_scene over mock scene concepts: the unwrapped path is kept raw", async () => {
    const generate = ccModule("generate_scenes");
    const sceneConcepts = generateMockFromSchema(generate.inputs.output_schema) as { scenes: unknown[] };
    const inputs = resolvedInputs(ccModule("select_scene"), { data: sceneConcepts });
    const { context } = createTestContext();
    const out = await selectModule().executeWithResponse(inputs, context, response({ selected_indices: ["scenes", 2] }));
    assert.deepEqual(out.selected_indices, ["scenes", 2]);
    assert.deepEqual(out.selected_data, sceneConcepts.scenes[2]);
  });

  test("select_motion_elements: multi-select over a property array", async () => {
    const data = { detected: [{ element: "tail" }, { element: "ears" }, { element: "leaves" }] };
    const inputs = resolvedInputs(ccModule("select_motion_elements"), { data });
    const out = await answer(inputs, { selected_indices: [["detected", 0], ["detected", 2]] });
    assert.deepEqual(out.selected_data, [{ element: "tail" }, { element: "leaves" }]);
  });
});
