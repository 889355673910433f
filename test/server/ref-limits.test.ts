/**
 * Tracker issue 11, item 3: the language server's analysis has the resolver's limits. A file that
 * `$ref`s the next one twice, 25 levels deep, is analysed in the time its distinct files take (the
 * analysis used to expand every path, 2^25 of them); a 5,000-file chain is a diagnostic naming
 * MAX_REF_DEPTH instead of a stack overflow.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultModuleCatalog } from "../../src/server/analysis/module-catalog";
import { analyzeWorkflow, type WorkflowAnalysis } from "../../src/server/analysis/workflow";

const ROOT = "/ws";

function analyze(files: Record<string, unknown>): WorkflowAnalysis {
  const texts = new Map(Object.entries(files).map(([rel, value]) => [`${ROOT}/${rel}`, typeof value === "string" ? value : JSON.stringify(value)]));
  return analyzeWorkflow(`${ROOT}/workflow.json`, { read: (path) => texts.get(path) }, defaultModuleCatalog());
}

function fanOut(levels: number): Record<string, unknown> {
  const files: Record<string, unknown> = {};
  for (let i = 0; i < levels; i++) {
    const next = { $ref: `s${i + 1}.json`, type: "json" };
    files[`steps/s${i}.json`] = i < levels - 1 ? { k: "{{ state.topic }}", a: next, b: next } : { leaf: "{{ state.topic }}" };
  }
  const server = { type: "object", properties: { template: { resolver: "server" } } };
  files["steps/step.json"] = {
    step_id: "one",
    modules: [
      { module_id: "user.text_input", name: "ask", inputs: { prompt: "?" }, outputs_to_state: { value: "topic" } },
      { module_id: "io.render_template", name: "render", inputs: { resolver_schema: server, template: { $ref: "s0.json", type: "json" } } },
    ],
  };
  files["workflow.json"] = { workflow_id: "fan", steps: [{ $ref: "steps/step.json", type: "json" }] };
  return files;
}

describe("language server analysis: limits", () => {
  it("fan-out of 25 levels is analysed once per distinct file, with the diagnostics of a small fan-out", () => {
    const small = analyze(fanOut(3));
    const large = analyze(fanOut(25));
    assert.deepEqual(large.diagnostics, small.diagnostics);
    // One template site per distinct template in the files (each reached through one chain here).
    assert.equal(large.sites.length, 25);
  });

  it("a 5,000-file $ref chain is a diagnostic naming MAX_REF_DEPTH", () => {
    const files: Record<string, unknown> = {};
    for (let i = 0; i < 5000; i++) files[`c${i}.json`] = i < 4999 ? { next: { $ref: `c${i + 1}.json`, type: "json" } } : { end: true };
    files["workflow.json"] = { workflow_id: "chain", steps: [{ step_id: "s", modules: [], x: { $ref: "c0.json", type: "json" } }] };
    const analysis = analyze(files);
    const limit = analysis.diagnostics.find((d) => d.message.includes("MAX_REF_DEPTH"));
    assert.ok(limit, JSON.stringify(analysis.diagnostics.slice(0, 3)));
    assert.equal(limit.file, `${ROOT}/c63.json`);
  });
});
