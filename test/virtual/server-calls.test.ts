/**
 * The original virtual server's routes as functions (engine.md §4.7): start (pending returned as it
 * is; force_new drops events and branches, ruling 10), respond, resume/confirm with an edited
 * definition (ruling 8), state, interaction history, display-data refresh; the DB in and out.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  getInteractionHistory,
  getState,
  interactionData,
  respond,
  resumeConfirm,
  start,
  VirtualSession,
  type VirtualWorkflowResponse,
} from "../../src/core/virtual";
import { eventLines, loadCcWorkflow, miniWorkflow, TOPIC_STEP } from "../engine/fixtures";

const target = { target_step_id: TOPIC_STEP, target_module_name: "pick_idea" };

function linesOf(response: VirtualWorkflowResponse): string[] {
  return eventLines(VirtualSession.open(response.virtual_db as string));
}

describe("virtual server routes", () => {
  test("start asks the first interaction; start again returns the same pending interaction without new events", async () => {
    const workflow = miniWorkflow();
    const first = await start({ workflow, virtual_db: null, ...target });
    assert.equal(first.status, "awaiting_input", first.error);
    assert.equal(first.virtual_run_id, first.workflow_run_id);
    assert.equal(typeof first.virtual_db, "string");
    assert.deepEqual(linesOf(first), [
      "workflow_created",
      `step_started ${TOPIC_STEP}`,
      `module_started ${TOPIC_STEP}/ask_topic`,
      `interaction_requested ${TOPIC_STEP}/ask_topic`,
    ]);
    const again = await start({ workflow, virtual_db: first.virtual_db, ...target });
    assert.equal(again.status, "awaiting_input");
    assert.equal(again.interaction_request!.interaction_id, first.interaction_request!.interaction_id);
    assert.deepEqual(again.progress, { current_step: TOPIC_STEP, current_module: "ask_topic", completed_steps: [], total_steps: 2, step_index: 0 });
    assert.equal(linesOf(again).length, 4);
  });

  test("respond continues through the target; the target's answer stops there (ruling 1)", async () => {
    const workflow = miniWorkflow();
    const first = await start({ workflow, virtual_db: null, ...target });
    const atPick = await respond({ workflow, virtual_db: first.virtual_db, ...target, interaction_id: first.interaction_request!.interaction_id, response: { value: "owls" } });
    assert.equal(atPick.status, "awaiting_input", atPick.error);
    assert.equal(atPick.progress?.current_module, "pick_idea");
    assert.equal(atPick.state?.topic, "owls");
    const done = await respond({ workflow, virtual_db: atPick.virtual_db, ...target, interaction_id: atPick.interaction_request!.interaction_id, response: { selected_indices: [["ideas", 0]] } });
    assert.equal(done.status, "target_reached", done.error);
    assert.deepEqual(done.result, { target: { step_id: TOPIC_STEP, module_name: "pick_idea" } });
    assert.equal(linesOf(done).at(-1), `module_completed ${TOPIC_STEP}/pick_idea`);
  });

  test("resume/confirm runs the edited definition in force (ruling 8): the pending module asks again with the new inputs", async () => {
    const workflow = miniWorkflow();
    const first = await start({ workflow, virtual_db: null, ...target });
    const edited = miniWorkflow();
    edited.steps[0].modules[0].inputs.prompt = "Which topic, exactly?";
    const resumed = await resumeConfirm({ workflow: edited, virtual_db: first.virtual_db, ...target });
    assert.equal(resumed.status, "awaiting_input", resumed.error);
    assert.equal(resumed.interaction_request!.title, "Which topic, exactly?");
    const session = VirtualSession.open(resumed.virtual_db as string);
    const run = session.repos.runs.getWorkflowRun(session.findRunId()!)!;
    assert.equal(session.db.collection("workflow_versions").countDocuments({}), 2);
    assert.equal(session.repos.runs.getVersionHistory(run.workflow_run_id).length, 2);
    const lastRequest = session.repos.events.getEvents(run.workflow_run_id, { eventType: "interaction_requested" }).at(-1)!;
    assert.equal(lastRequest.workflow_version_id, run.current_workflow_version_id);
    // No second step_started for the open step (ruling 2).
    assert.equal(eventLines(session).filter((line) => line.startsWith("step_started")).length, 1);
  });

  test("start with force_new drops the run's events and branches and starts a new root branch (ruling 10)", async () => {
    const workflow = miniWorkflow();
    const first = await start({ workflow, virtual_db: null, ...target });
    const answered = await respond({ workflow, virtual_db: first.virtual_db, ...target, response: { value: "x" } });
    const fresh = await start({ workflow, virtual_db: answered.virtual_db, ...target, force_new: true });
    assert.equal(fresh.status, "awaiting_input", fresh.error);
    assert.equal(fresh.workflow_run_id, first.workflow_run_id);
    const session = VirtualSession.open(fresh.virtual_db as string);
    assert.equal(session.db.collection("branches").countDocuments({}), 1);
    const created = session.repos.events.getEvents(fresh.workflow_run_id, { eventType: "workflow_created" });
    assert.equal(created.length, 1);
    assert.equal(created[0].data.reset, true);
    assert.deepEqual(eventLines(session).slice(1), [
      `step_started ${TOPIC_STEP}`,
      `module_started ${TOPIC_STEP}/ask_topic`,
      `interaction_requested ${TOPIC_STEP}/ask_topic`,
    ]);
  });

  test("state and interaction history read the DB; the display-data refresh returns the request again", async () => {
    const workflow = miniWorkflow();
    const first = await start({ workflow, virtual_db: null, ...target });
    const atPick = await respond({ workflow, virtual_db: first.virtual_db, ...target, response: { value: "owls" } });
    const state = getState({ virtual_db: atPick.virtual_db });
    assert.equal(state.state_mapped.topic, "owls");
    assert.ok("ask_topic" in (state.steps[TOPIC_STEP] as Record<string, unknown>));
    assert.deepEqual(state.files, []);
    const history = getInteractionHistory({ virtual_db: atPick.virtual_db, virtual_run_id: atPick.virtual_run_id });
    assert.equal(history.interactions.length, 1);
    assert.equal(history.pending_interaction?.interaction_id, atPick.interaction_request!.interaction_id);

    const refreshed = await interactionData({ workflow, virtual_db: atPick.virtual_db, interaction_id: atPick.interaction_request!.interaction_id });
    assert.equal(refreshed.status, "awaiting_input");
    assert.deepEqual(refreshed.interaction_request!.display_data, atPick.interaction_request!.display_data);
    assert.equal(refreshed.virtual_db, atPick.virtual_db);

    assert.deepEqual(getState({ virtual_db: "garbage" }), { steps: {}, state_mapped: {}, files: [] });
  });

  test("a failing route carries error_type and details in result and the DB as given", async () => {
    const given = (await start({ workflow: miniWorkflow(), virtual_db: null, ...target })).virtual_db;
    const failed = await respond({ workflow: { workflow_id: "x", steps: [] }, virtual_db: given, ...target, response: { value: "x" } });
    assert.equal(failed.status, "error");
    assert.equal((failed.result as Record<string, unknown>).error_type, "workflow_invalid");
    assert.equal(failed.virtual_db, given);
  });

  test("cc: start with a target stops at the first interaction (targets are never checked before an interactive module)", async () => {
    const response = await start({ workflow: loadCcWorkflow(), virtual_db: null, target_step_id: "scene_generation", target_module_name: "select_scene" });
    assert.equal(response.status, "awaiting_input", response.error);
    assert.equal(response.progress?.current_module, "select_pet_type");
  });
});
