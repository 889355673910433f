/**
 * engine.md §4.10, the canonical virtual trace, through the CLI (in-process; the failing call also through
 * the built CLI as a black box): `wfv run` on the cc workflow (with its `$ref`s), target
 * `scene_generation/select_scene`, up_to mode, fresh DB.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { callCli, runCli } from "../helpers/cli";
import { ccWorkflowPath } from "../helpers/paths";

const EXPECTED_EVENTS = [
  "workflow_created",
  "step_started user_input",
  "module_started user_input/select_pet_type",
  "interaction_requested user_input/select_pet_type",
  "interaction_response user_input/select_pet_type",
  "module_completed user_input/select_pet_type",
  "module_started user_input/select_aesthetic",
  "interaction_requested user_input/select_aesthetic",
  "interaction_response user_input/select_aesthetic",
  "module_completed user_input/select_aesthetic",
  "step_completed user_input",
  "step_started scene_generation",
  "module_started scene_generation/load_selected_keywords",
  "module_completed scene_generation/load_selected_keywords",
  "module_started scene_generation/load_keywords",
  "module_completed scene_generation/load_keywords",
  "module_started scene_generation/generate_scenes",
  "module_completed scene_generation/generate_scenes",
  "module_started scene_generation/flatten_keywords",
  "module_completed scene_generation/flatten_keywords",
  "module_started scene_generation/save_keywords",
  "module_completed scene_generation/save_keywords",
  "module_started scene_generation/select_scene",
  "interaction_requested scene_generation/select_scene",
];

const EXPECTED_STATE_KEYS = [
  "select_pet_type",
  "select_aesthetic",
  "load_selected_keywords",
  "load_keywords",
  "generate_scenes",
  "flatten_keywords",
  "save_keywords",
  "pet_type_indices",
  "pet_type_selection",
  "aesthetic_indices",
  "aesthetic_selection",
  "keyword_exclusions_selected",
  "keyword_count",
  "keyword_exclusions_generated",
  "scene_concepts",
  "flattened_keywords",
  "keywords_saved_count",
];

interface EventLine {
  event_type: string;
  step_id: string | null;
  module_name: string | null;
  data: Record<string, unknown>;
}

function lineOf(event: EventLine): string {
  return `${event.event_type}${event.step_id ? ` ${event.step_id}` : ""}${event.module_name ? `/${event.module_name}` : ""}`;
}

describe("canonical trace (engine.md 4.10)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "wfv-trace-"));
  const db = join(dir, "cc.db");
  const run = await callCli(["run", ccWorkflowPath, "--step", "scene_generation", "--module", "select_scene", "--mode", "up_to", "--db", db]);
  const response = run.json as Record<string, any>;

  test("stops awaiting_input at select_scene", () => {
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.equal(response.status, "awaiting_input");
    assert.equal(response.message, "Waiting for input at select_scene");
    assert.equal(response.progress.current_step, "scene_generation");
    assert.equal(response.progress.current_module, "select_scene");
    assert.equal(response.progress.step_index, 5);
    assert.equal(response.interaction_request.interaction_type, "select_from_structured");
    assert.ok(Array.isArray(response.interaction_request.display_data.data.scenes));
    assert.ok(!("virtual_db" in response.result), "the DB goes to --db, not to stdout");
    assert.match(response.workflow_run_id, /^virtual_/);
  });

  test("stores the listed events in that order", async () => {
    const events = await callCli(["events", db, "--jsonl"]);
    assert.equal(events.status, 0, events.stderr);
    const lines = (events.lines as EventLine[]).map(lineOf);
    assert.deepEqual(lines, EXPECTED_EVENTS);
    const moduleStarted = (events.lines as EventLine[]).find((event) => event.event_type === "module_started");
    assert.deepEqual(moduleStarted?.data, { module_id: "user.select" });
    const mapped = (events.lines as EventLine[]).find((event) => event.event_type === "module_completed")?.data._state_mapped;
    assert.deepEqual(Object.keys(mapped as object), ["pet_type_indices", "pet_type_selection"]);
  });

  test("leaves the listed state keys", async () => {
    assert.deepEqual(Object.keys(response.result.state).sort(), [...EXPECTED_STATE_KEYS].sort());
    const state = await callCli(["state", db]);
    assert.deepEqual(Object.keys((state.json as any).state).sort(), [...EXPECTED_STATE_KEYS].sort());
    assert.equal((state.json as any).position.current_step, "scene_generation");
  });

  test("the DB holds one user, template, raw version, run, branch and history entry", async () => {
    const counts = Object.fromEntries(
      await Promise.all(
        ["users", "workflow_templates", "workflow_versions", "workflow_runs", "branches", "workflow_run_version_history"].map(async (collection) => [
          collection,
          (await callCli(["db", "count", db, collection])).json,
        ]),
      ),
    );
    assert.deepEqual(counts, {
      users: 1,
      workflow_templates: 1,
      workflow_versions: 1,
      workflow_runs: 1,
      branches: 1,
      workflow_run_version_history: 1,
    });
    const [runDoc] = (await callCli(["db", "find", db, "workflow_runs"])).json as any[];
    assert.equal(runDoc.project_name, "virtual_project");
    assert.deepEqual(runDoc.ai_config, { provider: "openai", model: "gpt-4o-mini" });
    assert.equal(runDoc.status, "awaiting_input");
  });

  test("answering select_scene with the returned DB completes the target and stops there", async () => {
    const answer = await callCli([
      "run", ccWorkflowPath, "--step", "scene_generation", "--module", "select_scene", "--mode", "up_to", "--db", db,
      "--response", JSON.stringify({ selected_indices: [["scenes", 1]] }),
    ]);
    assert.equal(answer.status, 0, answer.stdout);
    const body = answer.json as Record<string, any>;
    assert.equal(body.status, "completed");
    assert.equal(body.workflow_run_id, response.workflow_run_id);
    assert.deepEqual(body.result.module_outputs.selected_indices, [["scenes", 1]]);
    assert.deepEqual(body.result.state.selected_scene, response.interaction_request.display_data.data.scenes[1]);
    const lines = ((await callCli(["events", db, "--jsonl"])).lines as EventLine[]).map(lineOf);
    assert.deepEqual(lines.slice(EXPECTED_EVENTS.length), [
      "interaction_response scene_generation/select_scene",
      "module_completed scene_generation/select_scene",
    ]);
    const history = (await callCli(["history", db])).json as Record<string, any>;
    assert.equal(history.interactions.length, 3);
    assert.equal(history.pending_interaction, null);
  });

  test("a failing call exits 1 and leaves the DB file untouched", async () => {
    const before = readFileSync(db, "utf8");
    const failed = runCli(["run", ccWorkflowPath, "--step", "scene_generation", "--module", "no_such_module", "--db", db]);
    assert.equal(failed.status, 1);
    const body = failed.json as Record<string, any>;
    assert.equal(body.status, "error");
    assert.equal(body.result.error_type, "module_not_found");
    assert.ok(body.result.details.available_modules.includes("select_scene"));
    assert.equal(readFileSync(db, "utf8"), before);
    assert.ok(existsSync(db));
  });
});
