/**
 * "Go to source" for a module of an execution group's path (tracker issue 18, item 2/4): at run time
 * the group is expanded, so an error names the path's module (`review_it`); the link points at it
 * inside the group in the step file, not at the target or nowhere.
 */
import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { resolveWorkflow } from "../../src/core/workflow/ref-resolver";
import { errorSource, modulePath, type ResolvedWorkflow } from "../../src/extension/source-links";

function resolved(): ResolvedWorkflow {
  const step = {
    step_id: "s1",
    modules: [
      { module_id: "user.text_input", name: "ask", inputs: { prompt: "Hi" } },
      {
        module_id: "pipeline.execution_groups",
        name: "review_group",
        groups: [{ name: "tui", requires: [], modules: [{ module_id: "user.select", name: "review_it", inputs: { prompt: "Review", mode: "review" } }] }],
      },
    ],
  };
  const files: Record<string, string> = {
    "workflow.json": JSON.stringify({ workflow_id: "w", steps: [{ $ref: "steps/s1.json", type: "json" }] }),
    "steps/s1.json": JSON.stringify(step),
  };
  return { source: resolveWorkflow("workflow.json", { read: (path) => files[path] }), workflowFile: "/ws/wf/workflow.json" };
}
const relative = (absolute: string) => absolute.replace(/^\/ws\//, "");

describe("source links into execution groups", () => {
  it("a path module is found inside its group; its input error points there", () => {
    const r = resolved();
    assert.deepEqual(modulePath(r.source.workflow, "s1", "review_it"), ["steps", 0, "modules", 1, "groups", 0, "modules", 0]);
    assert.equal(modulePath(r.source.workflow, "s1", "nope"), undefined);
    const target = { stepId: "s1", moduleName: "review_group" };
    assert.deepEqual(errorSource(r, target, { step_id: "s1", module_name: "review_it", input_name: "data" }, null, relative), {
      file: "wf/steps/s1.json",
      path: ["modules", 1, "groups", 0, "modules", 0, "inputs", "data"],
      label: "s1/review_it",
    });
  });
});
