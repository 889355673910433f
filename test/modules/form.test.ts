import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { getModule, ModuleExecutionError, validateInputs, type InteractiveModule } from "../../src/core/modules";
import { execute } from "../../src/core/virtual";
import { createTestContext, response } from "./helpers";

function form(): InteractiveModule {
  return getModule("user.form") as InteractiveModule;
}

const DATA = [{ name: "Abstract" }, { name: "Impressionism" }];
const SCHEMA = {
  type: "object",
  properties: { name: { type: "string", display: "title" } },
  input_schema: {
    type: "object",
    properties: {
      weight: { type: "number", default: 50 },
      mode: { type: "string", enum: ["a", "b"], default: "a" },
      note: { type: "string" },
      empty: { type: "string", default: null },
    },
  },
};

describe("user.form interaction request (modules.md 2.3)", () => {
  test("form_input with form_schema, form_type and one separate copy of the defaults per row", async () => {
    const { context } = createTestContext();
    const request = (await form().getInteractionRequest({ data: DATA, schema: SCHEMA }, context))!;
    assert.match(request.interaction_id, /^form_[0-9a-f]{32}$/);
    assert.equal(request.interaction_type, "form_input");
    assert.equal(request.title, "Please fill out the form");
    assert.equal(request.form_type, "table");
    assert.deepEqual(request.form_schema, SCHEMA.input_schema);
    assert.deepEqual(request.form_defaults, [
      { weight: 50, mode: "a", empty: null },
      { weight: 50, mode: "a", empty: null },
    ]);
    assert.notEqual(request.form_defaults[0], request.form_defaults[1], "separate copies");
    assert.deepEqual(request.display_data, { data: DATA, schema: SCHEMA });
    assert.deepEqual(request.context, { module_id: "user.form" });
  });

  test("prompt and form_type inputs; no input_schema gives an empty form schema", async () => {
    const { context } = createTestContext();
    const request = (await form().getInteractionRequest({ data: [1, 2, 3], schema: {}, prompt: "Weights?", form_type: "cards" }, context))!;
    assert.equal(request.title, "Weights?");
    assert.equal(request.form_type, "cards");
    assert.deepEqual(request.form_schema, {});
    assert.deepEqual(request.form_defaults, [{}, {}, {}]);
  });

  test("data and schema are required", () => {
    assert.deepEqual(validateInputs(form(), { schema: {} }), { ok: false, inputName: "data", message: "Required input 'data' missing" });
    assert.deepEqual(validateInputs(form(), { data: [] }), { ok: false, inputName: "schema", message: "Required input 'schema' missing" });
  });
});

describe("user.form response handling (modules.md 2.3)", () => {
  async function answer(fields: Parameters<typeof response>[0], data: unknown = DATA) {
    const { context } = createTestContext();
    return form().executeWithResponse({ data, schema: SCHEMA }, context, response(fields));
  }

  test("a list answer: each row gets _item and _index first", async () => {
    const out = await answer({ form_data: [{ weight: 75, mode: "a" }, { weight: 25, mode: "b" }] });
    assert.deepEqual(out, {
      form_data: [
        { _item: DATA[0], _index: 0, weight: 75, mode: "a" },
        { _item: DATA[1], _index: 1, weight: 25, mode: "b" },
      ],
    });
    assert.deepEqual(Object.keys((out.form_data as object[])[0]!), ["_item", "_index", "weight", "mode"]);
  });

  test("an object keyed by index: one row per data item, {} for a missing one (the spec's example)", async () => {
    const out = await answer({ form_data: { "1": { w: 3 } } }, [{ n: 1 }, { n: 2 }]);
    assert.deepEqual(out, { form_data: [{ _item: { n: 1 }, _index: 0 }, { _item: { n: 2 }, _index: 1, w: 3 }] });
  });

  test("extra rows get a null _item; a row's own _item/_index override", async () => {
    const out = await answer({ form_data: [{}, {}, { x: 1 }] }, [{ n: 1 }]);
    assert.deepEqual(out.form_data, [{ _item: { n: 1 }, _index: 0 }, { _item: null, _index: 1 }, { _item: null, _index: 2, x: 1 }]);
    const overridden = await answer({ form_data: [{ _index: 9, _item: "mine" }] }, [{ n: 1 }]);
    assert.deepEqual(overridden.form_data, [{ _item: "mine", _index: 9 }]);
  });

  test("anything else becomes an empty list", async () => {
    assert.deepEqual(await answer({ form_data: "rows" }), { form_data: [] });
    assert.deepEqual(await answer({ form_data: null }), { form_data: [] });
  });

  test("cancel fails", async () => {
    await assert.rejects(
      answer({ cancelled: true, form_data: [] }),
      (error: unknown) => error instanceof ModuleExecutionError && error.message === "Module 'user.form' failed: User cancelled form input",
    );
  });
});

describe("user.form through execute()", () => {
  test("the first call returns the full request (form fields included, ruling 7); the answer completes it", async () => {
    const workflow = {
      workflow_id: "forms",
      name: "Forms",
      steps: [
        {
          step_id: "weights",
          name: "Weights",
          modules: [{ module_id: "user.form", name: "weigh", inputs: { data: DATA, schema: SCHEMA, prompt: "Weigh them" }, outputs_to_state: { form_data: "weighted" } }],
        },
      ],
    };
    const first = await execute({ workflow, target_step_id: "weights", target_module_name: "weigh" });
    assert.equal(first.status, "awaiting_input", first.error);
    const request = first.interaction_request!;
    assert.equal(request.interaction_type, "form_input");
    assert.equal(request.title, "Weigh them");
    assert.deepEqual(request.form_schema, SCHEMA.input_schema);
    assert.equal(request.form_type, "table");
    assert.deepEqual(request.form_defaults, [
      { weight: 50, mode: "a", empty: null },
      { weight: 50, mode: "a", empty: null },
    ]);

    const done = await execute({
      workflow,
      virtual_db: first.result.virtual_db,
      target_step_id: "weights",
      target_module_name: "weigh",
      response: { form_data: { "0": { weight: 10 }, "1": { weight: 90 } } },
    });
    assert.equal(done.status, "completed", done.error);
    const rows = [
      { _item: DATA[0], _index: 0, weight: 10 },
      { _item: DATA[1], _index: 1, weight: 90 },
    ];
    assert.deepEqual(done.result.module_outputs, { form_data: rows });
    assert.deepEqual(done.result.state?.weighted, rows);
  });
});
