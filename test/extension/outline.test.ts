import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { jsonRefs, offsetOfPath, outline } from "../../src/extension/outline";

const workflow = JSON.stringify(
  {
    workflow_id: "w",
    steps: [
      { $ref: "steps/a.json", type: "json" },
      { step_id: "inline", modules: [{ module_id: "user.text_input", name: "ask" }, { module_id: "transform.query" }] },
    ],
  },
  null,
  2,
);

describe("outline (jsonc-parser tree, not regex)", () => {
  it("finds inline modules of a workflow file, names falling back to module_id, and its step refs", () => {
    const o = outline(workflow);
    assert.equal(o.kind, "workflow");
    assert.equal(o.id, "w");
    assert.deepEqual(o.modules.map((m) => [m.stepId, m.moduleName, m.moduleId, m.index]), [
      ["inline", "ask", "user.text_input", 0],
      ["inline", "transform.query", "transform.query", 1],
    ]);
    assert.deepEqual(o.stepRefs.map((r) => r.ref), ["steps/a.json"]);
    for (const m of o.modules) assert.equal(workflow[m.offset], "{");
    assert.deepEqual(o.modules[0].path, ["steps", 1, "modules", 0]);
  });

  it("finds the modules of a step file", () => {
    const o = outline('{"step_id":"s","modules":[{"module_id":"a","name":"one"},{"module_id":"b"}]}');
    assert.equal(o.kind, "step");
    assert.deepEqual(o.modules.map((m) => m.moduleName), ["one", "b"]);
    assert.deepEqual(o.modules[1].path, ["modules", 1]);
  });

  it("ignores JSON that is neither a workflow nor a step file", () => {
    assert.equal(outline('{"name":"package","version":"1"}').kind, "other");
    assert.equal(outline("[1,2]").kind, "other");
    assert.equal(outline("").kind, "other");
  });

  it("a JSON error gives problems with a position and no modules", () => {
    const o = outline('{"step_id":"s","modules":[{"module_id":"a",}]}');
    assert.equal(o.kind, "step");
    assert.equal(o.modules.length, 0);
    assert.match(o.problems[0].message, /^JSON error: PropertyNameExpected at line 1, column \d+$/);
  });

  it("module text written with a regex-unfriendly layout still maps (strings containing module_id)", () => {
    const text = '{"step_id":"s","description":"\\"module_id\\": nope","modules":[\n{"name":"x","module_id":"m"}]}';
    const o = outline(text);
    assert.deepEqual(o.modules.map((m) => m.moduleName), ["x"]);
  });

  it("lists json $refs and finds nodes by path (closest existing node)", () => {
    assert.deepEqual(jsonRefs(workflow), ["steps/a.json"]);
    const text = '{"modules":[{"name":"x","inputs":{"prompt":"hi"}}]}';
    const at = offsetOfPath(text, ["modules", 0, "inputs", "prompt"]);
    assert.ok(at);
    assert.equal(text.slice(at.offset, at.offset + 8), '"prompt"');
    const closest = offsetOfPath(text, ["modules", 0, "inputs", "missing", 3]);
    assert.ok(closest);
    assert.equal(text.slice(closest.offset, closest.offset + 8), '"inputs"');
  });
});
