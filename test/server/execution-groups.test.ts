/**
 * The language server and `pipeline.execution_groups` (tracker issue 18, item 2): the group is a
 * module the engine expands, not an unknown one; its paths' modules are modules of the step (targets
 * naming them resolve, their inputs are checked, their state keys count); names shared by two paths
 * of one group are not duplicates (only one path is inlined at run time).
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, it } from "node:test";
import { defaultModuleCatalog } from "../../src/server/analysis/module-catalog";
import { analyzeWorkflow, type WorkflowAnalysis } from "../../src/server/analysis/workflow";

const ROOT = "/ws";

function analyze(workflow: unknown): WorkflowAnalysis {
  const texts = new Map([[`${ROOT}/workflow.json`, JSON.stringify(workflow, null, 2)]]);
  return analyzeWorkflow(`${ROOT}/workflow.json`, { read: (path) => texts.get(path) }, defaultModuleCatalog());
}

const server = (...keys: string[]) => ({ type: "object", properties: Object.fromEntries(keys.map((key) => [key, { resolver: "server" }])) });

function groupWorkflow(): Record<string, any> {
  return {
    workflow_id: "groups",
    steps: [
      {
        step_id: "s",
        modules: [
          {
            module_id: "pipeline.execution_groups",
            name: "review_group",
            groups: [
              { name: "webui", requires: [{ capability: "x", priority: 1 }], modules: [{ module_id: "user.text_input", name: "ask", inputs: { prompt: "a" }, outputs_to_state: { value: "answer" } }] },
              { name: "tui", requires: [], modules: [{ module_id: "user.text_input", name: "ask", inputs: { prompt: "b", alow_empty: true }, outputs_to_state: { value: "answer" } }] },
            ],
          },
          {
            module_id: "io.render_template",
            name: "after",
            inputs: { resolver_schema: server("template"), template: "{{ state.answer }}" },
            retryable: { options: [{ id: "back", mode: "jump", target_step: "s", target_module: "ask" }] },
          },
        ],
      },
    ],
  };
}

describe("execution groups in the language server", () => {
  it("knows the group, its paths' modules and their state keys; checks their inputs; no duplicate across paths", () => {
    const analysis = analyze(groupWorkflow());
    const messages = analysis.diagnostics.map((d) => `${d.code}: ${d.message}`);
    assert.deepEqual(messages, ["unknown-input: Input 'alow_empty' is not declared by user.text_input; did you mean 'allow_empty'?"]);
    assert.deepEqual(
      analysis.steps[0]!.modules.map((m) => `${m.name}${m.group ? ` (${m.group.name}/${m.group.path})` : ""}`),
      ["review_group", "ask (review_group/webui)", "ask (review_group/tui)", "after"],
    );
    const jump = analysis.targets.find((target) => target.kind === "module");
    assert.equal((jump?.target as { name?: string } | undefined)?.name, "ask", "the jump target names a path module");
  });

  it("the v17 cc workflow (prompt_review_group) has no diagnostics", () => {
    const root = resolve(__dirname, "..", "fixtures", "historical", "v17-c1a2886");
    const analysis = analyzeWorkflow(resolve(root, "workflow_v3.json"), { read: (path) => (existsSync(path) ? readFileSync(path, "utf8") : undefined) }, defaultModuleCatalog());
    assert.deepEqual(analysis.diagnostics.map((d) => d.message), []);
  });
});
