import * as assert from "node:assert/strict";
import { test } from "node:test";
import { copyText, declaredProducers, PAGE_SIZE, preview, producerPath, producersFromEvents, stateEntries, valueChildren } from "../../src/extension/state-view-model";

const workflow = {
  workflow_id: "w",
  steps: [
    {
      step_id: "s1",
      modules: [
        { module_id: "user.select", name: "pick", outputs_to_state: { selected_data: "choice", selected_indices: "indices" } },
        { module_id: "transform.query", name: "again", outputs_to_state: { result: "choice" } },
        {
          module_id: "media.generate",
          name: "gen",
          sub_actions: [{ id: "more", result_mapping: [{ source: "x", target: "images.extra" }] }],
          groups: [{ modules: [{ module_id: "transform.query", name: "inner", outputs_to_state: { result: "nested" } }] }],
        },
      ],
    },
  ],
};

const event = (type: string, data: Record<string, unknown>) => ({ _metadata: { node_type: "event_data", event_type: type }, ...data });

test("the events name the last writer of each key; the workflow's declarations fill the gaps", () => {
  const steps = {
    _metadata: { node_type: "steps_container" },
    s1: {
      _metadata: { node_type: "step" },
      pick: { _metadata: { node_type: "module" }, module_started: event("module_started", {}), module_completed: event("module_completed", { selected_data: "a", _state_mapped: { choice: "a", indices: [0] } }) },
      again: { _metadata: { node_type: "module" }, module_completed: event("module_completed", { result: "b", _state_mapped: { choice: "b" } }) },
      gen: { _metadata: { node_type: "module" }, sub_action_completed: event("sub_action_completed", { _state_mapped: { images: [] } }) },
    },
  };
  const events = producersFromEvents(steps);
  assert.deepEqual(events.get("choice"), { stepId: "s1", moduleName: "again", via: "outputs_to_state" });
  assert.deepEqual(events.get("indices"), { stepId: "s1", moduleName: "pick", via: "outputs_to_state" });
  assert.deepEqual(events.get("images"), { stepId: "s1", moduleName: "gen", via: "result_mapping" });
  assert.deepEqual(events.get("pick"), { stepId: "s1", moduleName: "pick", via: "module_name" });
  assert.equal(events.has("gen"), false, "a sub-action's completion is no module entry");

  const entries = stateEntries({ choice: "b", nested: 1, unknown: null }, steps, workflow);
  assert.deepEqual(entries.map((e) => [e.key, e.producer?.moduleName]), [["choice", "again"], ["nested", "inner"], ["unknown", undefined]]);
});

test("declared producers cover outputs_to_state, names, result_mapping targets and execution groups", () => {
  const declared = declaredProducers(workflow);
  assert.equal(declared.get("choice")?.moduleName, "again");
  assert.deepEqual(declared.get("images"), { stepId: "s1", moduleName: "gen", via: "result_mapping" });
  assert.deepEqual(declared.get("nested"), { stepId: "s1", moduleName: "inner", via: "outputs_to_state" });
  assert.equal(declaredProducers(null).size, 0);
});

test("a producer's path is its outputs_to_state entry, its name, or the module", () => {
  assert.deepEqual(producerPath(workflow, "indices", { stepId: "s1", moduleName: "pick", via: "outputs_to_state" }), ["steps", 0, "modules", 0, "outputs_to_state", "selected_indices"]);
  assert.deepEqual(producerPath(workflow, "pick", { stepId: "s1", moduleName: "pick", via: "module_name" }), ["steps", 0, "modules", 0, "name"]);
  assert.deepEqual(producerPath(workflow, "images", { stepId: "s1", moduleName: "gen", via: "result_mapping" }), ["steps", 0, "modules", 2, "sub_actions"]);
  assert.equal(producerPath(workflow, "x", { stepId: "s1", moduleName: "gone", via: "outputs_to_state" }), undefined);
});

test("large arrays and objects are paged into ranges, ranges of ranges when needed", () => {
  const small = valueChildren([1, 2, 3]);
  assert.deepEqual(small, [
    { kind: "entry", name: "0", value: 1 },
    { kind: "entry", name: "1", value: 2 },
    { kind: "entry", name: "2", value: 3 },
  ]);
  const big = Array.from({ length: 250 }, (_v, i) => i);
  assert.deepEqual(valueChildren(big), [
    { kind: "range", start: 0, end: 100 },
    { kind: "range", start: 100, end: 200 },
    { kind: "range", start: 200, end: 250 },
  ]);
  assert.deepEqual(valueChildren(big, 200, 250).length, 50);
  const huge = Array.from({ length: PAGE_SIZE * PAGE_SIZE + 1 }, () => 0);
  assert.deepEqual(valueChildren(huge).map((c) => (c.kind === "range" ? c.end - c.start : 0)), [PAGE_SIZE * PAGE_SIZE, 1]);
  const record = Object.fromEntries(Array.from({ length: 101 }, (_v, i) => [`k${i}`, i]));
  assert.equal(valueChildren(record)[0]?.kind, "range");
  assert.deepEqual(valueChildren("scalar"), []);
});

test("previews and copied text", () => {
  assert.equal(preview([1, 2]), "[2 items]");
  assert.equal(preview({ a: 1 }), "{1 key}");
  assert.equal(preview("x".repeat(100), 10), `"${"x".repeat(8)}…`);
  assert.equal(copyText("Dog"), "Dog");
  assert.equal(copyText({ a: 1 }), '{\n  "a": 1\n}');
});
