/**
 * The whole cc workflow, virtually, end to end (issue 5): `execute` in `up_to` mode on the last
 * module (`workflow_summary/write_summary_file`) reaches its interaction with no error after every
 * other module instance completed. Selections are auto-selected; the three media interactions
 * (which cannot auto-select) get scripted answers — the first from a real mock sub-action run, the
 * others from `defaultMockAnswer`. Answering the target completes it. The same through `wfv run`.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, test } from "node:test";
import type { DbSnapshot } from "../../src/core/db";
import { defaultMockAnswer, MOCK_MEDIA_DATA_URL } from "../../src/core/mock";
import { EventType } from "../../src/core/repositories";
import { execute, subAction, VirtualSession, type ExecuteResponse } from "../../src/core/virtual";
import { callCli, runCli } from "../helpers/cli";
import { fixturesDir } from "../helpers/paths";

const TARGET = { target_step_id: "workflow_summary", target_module_name: "write_summary_file" };
const MEDIA_MODULES = ["generate_and_select_images_v2", "generate_and_select_videos_v2", "generate_and_select_music_v2"];

function ccWorkflow(): Record<string, any> {
  return JSON.parse(readFileSync(resolve(fixturesDir, "cc_resolved_workflow.json"), "utf8"));
}

function moduleCount(workflow: Record<string, any>): number {
  return workflow.steps.reduce((sum: number, step: { modules: unknown[] }) => sum + step.modules.length, 0);
}

let idCounter = 0;
const testIds = () => `${(0x19c00000000 + idCounter++).toString(16).padStart(12, "0")}7${"0".repeat(19)}`;

function completedOnLineage(db: DbSnapshot): string[] {
  const session = VirtualSession.open(db);
  const runId = session.findRunId()!;
  return session.repos.events.getLineageEvents(runId, { eventType: EventType.MODULE_COMPLETED }).map((event) => `${event.step_id}/${event.module_name}`);
}

describe("cc end to end (mock mode)", () => {
  test("execute up_to (media answered by hand) reaches write_summary_file after every other module completed; answering it completes it", async () => {
    const workflow = ccWorkflow();
    let db: DbSnapshot | null = null;
    let answer: Record<string, unknown> | null = null;
    const stops: string[] = [];
    let result: ExecuteResponse;
    for (;;) {
      // Without default answers the run stops at each media module, which cannot auto-select.
      result = await execute({ workflow, virtual_db: db, ...TARGET, mode: "up_to", response: answer, db_format: "object", default_answers: false });
      assert.notEqual(result.status, "error", `${result.error} ${JSON.stringify(result.result.details)}`);
      assert.equal(result.status, "awaiting_input");
      db = result.result.virtual_db as DbSnapshot;
      const where = result.progress?.current_module ?? "";
      if (where === TARGET.target_module_name) break;
      stops.push(where);
      assert.ok(MEDIA_MODULES.includes(where), `stopped at ${where}: ${result.message}`);
      const request = result.interaction_request!;
      assert.equal(request.interaction_type, "media_generation");

      if (where === "generate_and_select_images_v2") {
        // Generate through the module's own (mock) sub-action, as the panel would, then pick it.
        let generated: Record<string, any> | null = null;
        for await (const event of subAction({
          workflow,
          virtual_db: db,
          interaction_id: request.interaction_id,
          sub_action_id: "image_generation",
          params: { provider: "midjourney", action_type: "txt2img", prompt_id: "midjourney", params: { prompt: "x" } },
        })) {
          assert.notEqual(event.type, "error", JSON.stringify(event.data));
          if (event.type === "complete") {
            generated = event.data.sub_action_result as Record<string, any>;
            db = event.data.virtual_db as DbSnapshot;
          }
        }
        assert.ok(generated);
        assert.deepEqual(generated.urls, [MOCK_MEDIA_DATA_URL]);
        answer = { selected_content_id: generated.content_ids[0], generations: { midjourney: [generated] } };
      } else {
        answer = defaultMockAnswer(request, { newId: testIds });
        assert.ok(answer, `no default answer for ${where}`);
      }
    }

    assert.deepEqual(stops, MEDIA_MODULES);
    assert.equal(result.interaction_request?.interaction_type, "file_download");
    assert.equal(result.interaction_request?.file_name, "cuddle_crew_summary.txt");
    const summary = String(result.interaction_request?.file_content);
    assert.ok(summary.length > 200, summary);
    const completed = completedOnLineage(db!);
    assert.equal(completed.length, moduleCount(workflow) - 1, completed.join("\n"));
    assert.equal(new Set(completed).size, completed.length);
    assert.equal(completed.includes("workflow_summary/write_summary_file"), false);

    const state = result.result.state as Record<string, any>;
    assert.match(String(state.selected_image_id), /^mock-[0-9a-f]{32}$/);
    assert.equal(state.selected_image_data.url, MOCK_MEDIA_DATA_URL);
    assert.ok(state.image_prompts.prompts.midjourney.prompt !== undefined);
    assert.ok(state.video_prompts.prompts.leonardo);
    assert.equal(state.music_prompts.prompts.elevenlabs.data.length, 3);

    const done = await execute({ workflow, virtual_db: db, ...TARGET, mode: "up_to", response: { file_written: true, file_path: "out/summary.md" }, db_format: "object" });
    assert.equal(done.status, "completed", done.error);
    assert.deepEqual(done.result.module_outputs, { file_path: "out/summary.md", filename: result.interaction_request?.file_name, success: true });
    assert.equal(completedOnLineage(done.result.virtual_db as DbSnapshot).length, moduleCount(workflow));
  });

  test("headless: one up_to call with default answers reaches the target (media picked from mock generations)", async () => {
    const workflow = ccWorkflow();
    const result = await execute({ workflow, ...TARGET, mode: "up_to", default_answers: true, db_format: "object" });
    assert.equal(result.status, "awaiting_input", `${result.message} ${result.error ?? ""}`);
    assert.equal(result.progress?.current_module, TARGET.target_module_name);
    assert.equal(completedOnLineage(result.result.virtual_db as DbSnapshot).length, moduleCount(workflow) - 1);
    const state = result.result.state as Record<string, any>;
    for (const key of ["selected_image_id", "selected_video_id", "selected_audio_id"]) assert.match(String(state[key]), /^mock-[0-9a-f]{32}$/);
    assert.equal(new Set([state.selected_image_id, state.selected_video_id, state.selected_audio_id]).size, 3);
  });

  test("wfv run --mode up_to: the same run over a DB file, media answered with --response", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wfv-cc-"));
    const workflowFile = join(dir, "cc.json");
    writeFileSync(workflowFile, JSON.stringify(ccWorkflow()));
    const dbFile = join(dir, "cc.db");
    const base = [
      "run", workflowFile, "--step", TARGET.target_step_id, "--module", TARGET.target_module_name, "--mode", "up_to", "--db", dbFile,
      "--no-default-answers",
    ];
    let extra: string[] = [];
    const stops: string[] = [];
    for (let call = 0; call < 6; call++) {
      const run = await callCli([...base, ...extra]);
      assert.equal(run.status, 0, run.stdout + run.stderr);
      const out = run.json as ExecuteResponse;
      assert.equal(out.status, "awaiting_input", out.message);
      const where = out.progress?.current_module ?? "";
      if (where === TARGET.target_module_name) break;
      stops.push(where);
      extra = ["--response", JSON.stringify(defaultMockAnswer(out.interaction_request!, { newId: testIds }))];
    }
    assert.deepEqual(stops, MEDIA_MODULES);
    const finish = await callCli([...base, "--response", JSON.stringify({ file_written: true, file_path: "summary.md" })]);
    assert.equal(finish.status, 0, finish.stdout + finish.stderr);
    const done = finish.json as ExecuteResponse;
    assert.equal(done.status, "completed");
    assert.equal((done.result.module_outputs as Record<string, unknown>).success, true);
  });

  test("wfv run --mode up_to reaches the last module in one call; --answers scripts earlier interactions", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wfv-cc-"));
    const workflowFile = join(dir, "cc.json");
    writeFileSync(workflowFile, JSON.stringify(ccWorkflow()));
    const answers = join(dir, "answers.json");
    writeFileSync(answers, JSON.stringify({ "user_input/select_pet_type": { selected_indices: [1] } }));
    const run = await callCli([
      "run", workflowFile, "--step", TARGET.target_step_id, "--module", TARGET.target_module_name, "--mode", "up_to",
      "--answers", `@${answers}`,
    ]);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const out = run.json as ExecuteResponse;
    assert.equal(out.status, "awaiting_input", out.message);
    assert.equal(out.progress?.current_module, TARGET.target_module_name);
    const state = out.result.state as Record<string, any>;
    assert.deepEqual(state.pet_type_indices, [1]);
    assert.equal(state.pet_type_selection.label, "Dog");

    const bad = runCli(["run", workflowFile, "--step", "user_input", "--module", "select_pet_type", "--mode", "up_to", "--answers", '{"nokey": {}}']);
    assert.equal(bad.status, 1);
    assert.equal((bad.json as ExecuteResponse).result.error_type, "bad_request");
  });
});
