import * as assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { isWorkflowText, WorkflowCatalog, workflowFiles } from "../../src/extension/workflow-catalog";

const root = "/ws/wf";
const files: Record<string, string> = {
  [join(root, "workflow.json")]: JSON.stringify({ workflow_id: "w", steps: [{ $ref: "steps/one/step.json", type: "json" }, { $ref: "/steps/two.json", type: "json" }, { $ref: "prompt.txt", type: "text" }] }),
  [join(root, "steps/one/step.json")]: JSON.stringify({ step_id: "one", modules: [{ module_id: "m", inputs: { data: { $ref: "data.json", type: "json" }, escape: { $ref: "../../../outside.json", type: "json" } } }] }),
  [join(root, "steps/one/data.json")]: "[1,2]",
  [join(root, "steps/two.json")]: JSON.stringify({ step_id: "two", modules: [] }),
};
const read = (p: string) => files[p];

describe("workflow catalog (step file → workflow)", () => {
  it("follows json refs transitively, relative to each file, '/' from the root; never leaves the root", () => {
    assert.deepEqual(workflowFiles(join(root, "workflow.json"), read).sort(), [
      join(root, "steps/one/data.json"),
      join(root, "steps/one/step.json"),
      join(root, "steps/two.json"),
      join(root, "workflow.json"),
    ]);
  });

  it("maps a step file to the workflows that include it, a workflow to itself", () => {
    const catalog = new WorkflowCatalog();
    catalog.update(join(root, "workflow.json"), read);
    assert.deepEqual(catalog.workflowsFor(join(root, "steps/two.json")), [join(root, "workflow.json")]);
    assert.deepEqual(catalog.workflowsFor(join(root, "workflow.json")), [join(root, "workflow.json")]);
    assert.deepEqual(catalog.workflowsFor("/ws/other.json"), []);
    catalog.remove(join(root, "workflow.json"));
    assert.deepEqual(catalog.workflowsFor(join(root, "steps/two.json")), []);
  });

  it("recognises workflow texts cheaply", () => {
    assert.equal(isWorkflowText('{"workflow_id":"w","steps":[]}'), true);
    assert.equal(isWorkflowText('{"step_id":"s","modules":[]}'), false);
    assert.equal(isWorkflowText('{"name":"workflow_id"}'), false);
  });
});
