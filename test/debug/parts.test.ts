/**
 * The debugger's pure parts (src/debug): where modules were written, breakpoints on lines, hit
 * conditions, Jinja2 expressions, and the Variables view's paging and edits.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { validateWorkflow } from "../../src/core/workflow/model";
import { memoryFileReader, resolveWorkflow } from "../../src/core/workflow/ref-resolver";
import { Breakpoints, hitConditionHolds } from "../../src/debug/breakpoints";
import { conditionHolds, evaluateExpression, logMessage, preview } from "../../src/debug/expressions";
import { buildSourceMap } from "../../src/debug/source-map";
import { PAGE_SIZE, VariableStore, withPath } from "../../src/debug/variables";
import { ccWorkflowDir } from "../helpers/paths";

function ccSourceMap() {
  const texts = new Map<string, string>();
  const reader = {
    read(path: string) {
      try {
        const text = readFileSync(join(ccWorkflowDir, ...path.split("/")), "utf8");
        texts.set(path, text);
        return text;
      } catch {
        return undefined;
      }
    },
  };
  const source = resolveWorkflow("workflow_v3.json", reader);
  return { source, map: buildSourceMap(source, validateWorkflow(source.workflow), (file) => texts.get(file)) };
}

describe("source map", () => {
  test("every cc module has a range in its step file; lines inside a module find it", () => {
    const { source, map } = ccSourceMap();
    const workflow = validateWorkflow(source.workflow);
    const count = workflow.steps.reduce((n, step) => n + (step.modules ?? []).length, 0);
    assert.ok(map.modules.length >= count, `${map.modules.length} ranges for ${count} modules`);
    const loadKeywords = map.rangeOf("scene_generation", "load_keywords");
    assert.deepEqual(loadKeywords && { file: loadKeywords.file, start: loadKeywords.startLine, end: loadKeywords.endLine }, { file: "steps/2_scene_generation/step.json", start: 27, end: 48 });
    assert.equal(map.moduleAt("steps/2_scene_generation/step.json", 40)?.moduleName, "load_keywords");
    assert.equal(map.moduleAt("steps/2_scene_generation/step.json", 2), undefined);
    assert.equal(map.moduleAt("workflow_v3.json", 3), undefined);
  });

  test("a workflow written in one file maps to that file, a group's members to their own lines", () => {
    const text = JSON.stringify(
      { workflow_id: "w", steps: [{ step_id: "s", modules: [{ module_id: "transform.reshape", name: "a", inputs: {} }, { module_id: "pipeline.execution_groups", name: "g", groups: [{ name: "x", modules: [{ module_id: "transform.reshape", name: "inner", inputs: {} }] }] }] }] },
      null,
      2,
    );
    const source = resolveWorkflow("w.json", memoryFileReader({ "w.json": text }));
    const map = buildSourceMap(source, validateWorkflow(source.workflow), () => text);
    const lines = text.split("\n");
    const innerLine = lines.findIndex((line) => line.includes('"inner"'));
    assert.equal(map.moduleAt("w.json", innerLine)?.moduleName, "inner", "the innermost module");
    assert.equal(map.moduleAt("w.json", lines.findIndex((line) => line.includes('"name": "g"')))?.moduleName, "g");
  });
});

describe("breakpoints", () => {
  test("a line in a module verifies on its first line; a line outside is unverified with a reason", () => {
    const { map } = ccSourceMap();
    const breakpoints = new Breakpoints();
    const [inside, outside] = breakpoints.set("steps/2_scene_generation/step.json", [{ line: 47 }, { line: 3 }], map);
    assert.deepEqual([inside.verified, inside.line, inside.moduleName], [true, 27, "load_keywords"]);
    assert.equal(outside.verified, false);
    assert.match(outside.message ?? "", /no module/);
    assert.equal(breakpoints.has({ stepId: "scene_generation", moduleName: "load_keywords" }), true);
    assert.equal(breakpoints.set(undefined, [{ line: 1 }], map)[0].verified, false);
  });

  test("conditions, hit counts and logpoints", () => {
    const { map } = ccSourceMap();
    const breakpoints = new Breakpoints();
    const module = { stepId: "scene_generation", moduleName: "load_keywords" };
    const placed = breakpoints.set("steps/2_scene_generation/step.json", [{ line: 30, condition: "state.n > 1" }, { line: 31, hitCondition: "2" }, { line: 32, logMessage: "n={{ state.n }}" }], map);
    const scope = (n: number) => () => ({ state: { n }, step: {}, config: {} });
    assert.deepEqual(breakpoints.check(module, scope(1)), { stop: [], logs: ["n=1"], errors: [] });
    assert.deepEqual(breakpoints.check(module, scope(2)), { stop: [placed[0].id, placed[1].id], logs: ["n=2"], errors: [] });
    const broken = new Breakpoints();
    broken.set("steps/2_scene_generation/step.json", [{ line: 30, condition: "state.n +" }], map);
    const check = broken.check(module, scope(1));
    assert.equal(check.stop.length, 1, "a condition that cannot be evaluated stops");
    assert.match(check.errors[0], /condition/);
  });

  test("hit conditions", () => {
    assert.equal(hitConditionHolds(undefined, 1), true);
    assert.equal(hitConditionHolds("3", 2), false);
    assert.equal(hitConditionHolds("3", 3), true);
    assert.equal(hitConditionHolds(">= 2", 2), true);
    assert.equal(hitConditionHolds("> 2", 2), false);
    assert.equal(hitConditionHolds("% 2", 4), true);
    assert.equal(hitConditionHolds("% 2", 3), false);
    assert.equal(hitConditionHolds("< 2", 1), true);
  });
});

describe("expressions", () => {
  const scope = { state: { scenes: [{ t: "a" }, { t: "b" }], count: 3 }, step: { step_id: "s" }, config: { mode: "x" } };
  test("with or without {{ }}, native values", () => {
    assert.equal(evaluateExpression("state.scenes | length", scope), 2);
    assert.equal(evaluateExpression("{{ state.scenes | length }}", scope), 2);
    assert.deepEqual(evaluateExpression("state.scenes[1]", scope), { t: "b" });
    assert.equal(evaluateExpression("{{ step.step_id }}-{{ config.mode }}", scope), "s-x");
    assert.equal(conditionHolds("state.count > 2", scope), true);
    assert.equal(conditionHolds("state.missing", scope), false);
    assert.equal(logMessage("count={{ state.count }}", scope), "count=3");
    assert.equal(logMessage("plain", scope), "plain");
    assert.throws(() => evaluateExpression("state.count +", scope));
  });

  test("previews are one short line", () => {
    assert.equal(preview("x"), '"x"');
    assert.equal(preview([1, 2]), "Array(2) [1,2]");
    assert.ok(preview("y".repeat(500)).length < 140);
    assert.equal(preview(null), "null");
  });
});

describe("variables", () => {
  test("large arrays are paged; children carry their Jinja2 path and State path", () => {
    const store = new VariableStore();
    const big = Array.from({ length: PAGE_SIZE * 3 }, (_, i) => ({ i }));
    const root = store.handleFor({ big, small: [1] }, "state", []);
    const [bigVariable] = store.children(root);
    assert.equal(bigVariable.indexedVariables, PAGE_SIZE * 3);
    assert.equal(bigVariable.evaluateName, "state.big");
    const page = store.children(bigVariable.variablesReference, 250, 10);
    assert.deepEqual(page.map((variable) => variable.name), ["250", "251", "252", "253", "254", "255", "256", "257", "258", "259"]);
    assert.equal(page[0].evaluateName, "state.big[250]");
    assert.equal(store.children(bigVariable.variablesReference).length, PAGE_SIZE, "unpaged: the first page");
    assert.deepEqual(store.statePathOf(bigVariable.variablesReference, "3"), ["big", 3]);
    store.reset();
    assert.deepEqual(store.children(root), []);
  });

  test("withPath copies only the containers on the way", () => {
    const before = { a: { b: [1, 2] }, c: { d: 1 } };
    const after = withPath(before, ["a", "b", 1], 9) as typeof before;
    assert.deepEqual(after, { a: { b: [1, 9] }, c: { d: 1 } });
    assert.deepEqual(before.a.b, [1, 2]);
    assert.equal(after.c, before.c);
  });
});
