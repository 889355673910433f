import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { modulesRan } from "../../src/extension/debug/ran-modules";

const workflow = {
  steps: [
    { step_id: "a", modules: [{ module_id: "x.one", name: "one" }, { module_id: "x.two", name: "two" }] },
    { step_id: "b", modules: [{ module_id: "x.three" }] },
  ],
};

describe("the modules a debug session ran", () => {
  it("are those whose outputs (under the module's name in the flat state) appeared or changed", () => {
    const before = { one: { result: 1 }, first: 1 };
    const after = { one: { result: 1 }, first: 1, two: { result: 2 }, "x.three": { result: 3 } };
    assert.deepEqual(modulesRan(workflow, before, after), [
      { stepId: "a", moduleName: "two" },
      { stepId: "b", moduleName: "x.three" },
    ]);
    assert.deepEqual(modulesRan(workflow, before, { ...after, one: { result: 9 } })[0], { stepId: "a", moduleName: "one" });
  });

  it("a module a step back undid, or a workflow that is not one, gives nothing", () => {
    assert.deepEqual(modulesRan(workflow, { one: { result: 1 }, two: { result: 2 } }, { one: { result: 1 } }), []);
    assert.deepEqual(modulesRan(null, {}, { one: 1 }), []);
  });
});
