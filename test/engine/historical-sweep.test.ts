/**
 * Real-workflow parity over the workflow's history (tracker issue 18): four historical layouts of the
 * reference workflow (test/fixtures/historical, each with the commit it came from), every module an
 * `up_to` target in mock mode from a fresh DB. The original engine reaches every one of these targets
 * (its run stops only at the target), so wfv must too: no stop at an earlier review select (the mock
 * default accepts a review as it is), and the execution group of v12–v17 is a valid target.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { describe, test } from "node:test";
import { resolveWorkflow } from "../../src/core/workflow/ref-resolver";
import { execute, type ExecuteResponse } from "../../src/core/virtual";

const historicalDir = resolve(__dirname, "..", "fixtures", "historical");
const VERSIONS = ["v11-5d7bed2", "v17-c1a2886", "v41-1719ae8", "v62-4a3ab68"];

function loadVersion(version: string): { steps: Array<{ step_id: string; modules?: Array<{ name?: string; module_id: string }> }> } {
  const root = resolve(historicalDir, version);
  const reader = {
    read(path: string) {
      const file = resolve(root, path);
      return existsSync(file) && statSync(file).isFile() ? readFileSync(file, "utf8") : undefined;
    },
  };
  return resolveWorkflow("workflow_v3.json", reader).workflow as never;
}

/** Reached: the target completed, or (interactive target) the run waits at the target itself. */
function reached(response: ExecuteResponse, stepId: string, names: readonly string[]): boolean {
  if (response.status === "completed") return /stopped at (target|group)/.test(response.message);
  return response.status === "awaiting_input" && response.progress?.current_step === stepId && names.includes(response.progress?.current_module ?? "");
}

describe("every module of four historical layouts, as an up_to target in mock mode", () => {
  for (const version of VERSIONS) {
    test(`${version}: every target is reached`, async () => {
      const workflow = loadVersion(version);
      const missed: string[] = [];
      let targets = 0;
      for (const step of workflow.steps) {
        for (const module of step.modules ?? []) {
          const name = module.name ?? module.module_id;
          targets++;
          const response = await execute({ workflow, target_step_id: step.step_id, target_module_name: name, mode: "up_to", db_format: "none" });
          const names = response.group ? [response.group.modules.at(-1)!] : [name];
          if (!reached(response, step.step_id, names)) {
            missed.push(`${step.step_id}/${name}: ${response.status} at ${response.progress?.current_step}/${response.progress?.current_module}: ${response.message}`);
          }
        }
      }
      assert.ok(targets >= 20, `${version} has ${targets} module instances`);
      assert.deepEqual(missed, []);
    });
  }
});

describe("review selects in mock mode (before v30)", () => {
  test("the issue's repro: video_prompts/generate_video_prompts runs through review_image_prompts, accepted as it is", async () => {
    const workflow = loadVersion("v11-5d7bed2");
    const target = { target_step_id: "video_prompts", target_module_name: "generate_video_prompts" };
    const response = await execute({ workflow, ...target, mode: "up_to", db_format: "none" });
    assert.equal(response.status, "completed", response.message);
    assert.match(response.message, /stopped at target video_prompts\/generate_video_prompts/);
    const review = response.auto_answers?.find((answer) => answer.module_name === "review_image_prompts");
    assert.deepEqual(review, {
      step_id: "image_prompts",
      module_name: "review_image_prompts",
      interaction_type: "review_grouped",
      source: "mock_default",
      rule: "review_accept",
      response: { value: "accepted", selected_indices: [] },
    });
    // The trace names every answer the run gave on its own, in order, with its source.
    assert.deepEqual(
      response.auto_answers?.map((answer) => `${answer.module_name}:${answer.source}`),
      ["select_pet_type:auto_select", "select_aesthetic:auto_select", "select_duration:auto_select", "get_user_direction:mock_default", "select_scene:auto_select", "review_image_prompts:mock_default"],
    );
    // The review's outputs: an empty selection, no retry (the module's "no changes").
    assert.deepEqual(response.result.state?.review_image_prompts, {
      selected_indices: [],
      selected_data: null,
      retry_requested: false,
      retry_feedback: "",
      retry_groups: [],
      jump_back_requested: false,
      jump_back_target: "",
      _state_mapped: {},
    });
  });

  test("default_answers: false still stops at the review and says which module it is", async () => {
    const workflow = loadVersion("v11-5d7bed2");
    const response = await execute({
      workflow,
      target_step_id: "video_prompts",
      target_module_name: "generate_video_prompts",
      mode: "up_to",
      db_format: "none",
      answers: { "user_input/get_user_direction": { value: "a walk" } },
      default_answers: false,
    });
    assert.equal(response.status, "awaiting_input");
    assert.equal(response.progress?.current_module, "review_image_prompts");
    assert.equal(response.interaction_request?.interaction_type, "review_grouped");
    assert.match(response.message, /Stopped at image_prompts\/review_image_prompts before reaching the target/);
  });
});

describe("an execution group as the target (v12–v17: image_prompts/prompt_review_group)", () => {
  const target = { target_step_id: "image_prompts", target_module_name: "prompt_review_group" };
  const group = { step_id: "image_prompts", group_name: "prompt_review_group", path_name: "tui_path", modules: ["review_image_prompts"] };

  test("up_to runs through the group's expanded modules and says which ran", async () => {
    const workflow = loadVersion("v17-c1a2886");
    const asked = await execute({ workflow, ...target, mode: "up_to" });
    assert.equal(asked.status, "awaiting_input", asked.message);
    assert.equal(asked.progress?.current_module, "review_image_prompts", "the group's last module is the engine's target: the user answers it");
    assert.deepEqual(asked.group, { ...group, modules_run: [] });
    assert.ok(!asked.auto_answers?.some((answer) => answer.module_name === "review_image_prompts"));

    const answered = await execute({ workflow, ...target, mode: "up_to", virtual_db: asked.result.virtual_db, response: { value: "accepted" } });
    assert.equal(answered.status, "completed", answered.message);
    assert.match(answered.message, /stopped at group image_prompts\/prompt_review_group \(path 'tui_path'\)/);
    assert.deepEqual(answered.group, { ...group, modules_run: ["review_image_prompts"] });
    assert.deepEqual(answered.result.module_outputs?.selected_indices, []);
  });

  test("module mode runs the group as a whole, with the state the DB holds; an answer goes to the group's interaction", async () => {
    const workflow = loadVersion("v17-c1a2886");
    const before = await execute({ workflow, target_step_id: "image_prompts", target_module_name: "generate_image_prompts", mode: "up_to" });
    assert.equal(before.status, "completed", before.message);
    const asked = await execute({ workflow, ...target, virtual_db: before.result.virtual_db });
    assert.equal(asked.status, "awaiting_input", asked.message);
    assert.equal(asked.interaction_request?.interaction_type, "review_grouped");
    assert.deepEqual(asked.group, { ...group, modules_run: [] });
    const answered = await execute({ workflow, ...target, virtual_db: asked.result.virtual_db, response: { selected_indices: [] } });
    assert.equal(answered.status, "completed", answered.message);
    assert.deepEqual(answered.group, { ...group, modules_run: ["review_image_prompts"] });
  });

  test("a name that is neither a module nor a group of the step is still module_not_found", async () => {
    const workflow = loadVersion("v17-c1a2886");
    const failed = await execute({ workflow, target_step_id: "image_prompts", target_module_name: "prompt_review_grup", mode: "up_to" });
    assert.equal(failed.status, "error");
    assert.equal(failed.result.error_type, "module_not_found");
  });
});
