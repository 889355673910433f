/**
 * Lenses on an execution group (tracker issue 18, item 2): the step file's outline anchors the group
 * module by its name, the lenses plan "Run module virtually" and "Run up to here" on it, and that name
 * is a target the engine runs (the group's expanded modules).
 */
import * as assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, it } from "node:test";
import { execute } from "../../src/core/virtual";
import { resolveWorkflow } from "../../src/core/workflow/ref-resolver";
import { planLenses } from "../../src/extension/lens-model";
import { outline } from "../../src/extension/outline";

const root = resolve(__dirname, "..", "fixtures", "historical", "v17-c1a2886");

describe("lenses on an execution group (cc v17, image_prompts)", () => {
  it("anchor the group by name, and the engine runs that target", async () => {
    const shape = outline(readFileSync(resolve(root, "steps", "3_image_prompts", "step.json"), "utf8"));
    assert.deepEqual(shape.modules.map((m) => `${m.stepId}/${m.moduleName} (${m.moduleId})`), [
      "image_prompts/generate_image_prompts (api.llm)",
      "image_prompts/prompt_review_group (pipeline.execution_groups)",
    ]);
    const group = shape.modules[1]!;
    const plans = planLenses(shape, { trusted: true, runs: {} }).filter((plan) => plan.anchor === group);
    assert.deepEqual(plans.map((plan) => plan.kind), ["run", "upTo"]);

    const workflow = resolveWorkflow("workflow_v3.json", { read: (path) => (existsSync(resolve(root, path)) ? readFileSync(resolve(root, path), "utf8") : undefined) }).workflow;
    const response = await execute({ workflow, target_step_id: group.stepId, target_module_name: group.moduleName, mode: "up_to", db_format: "none" });
    assert.equal(response.status, "awaiting_input", response.message);
    assert.equal(response.group?.group_name, "prompt_review_group");
  });
});
