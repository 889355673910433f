/**
 * The public `execute` call (virtual-execution.md): module mode and up_to mode, first call and answer
 * call with the returned DB, the DB in both forms, a stable run id, every interaction request field.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { execute, VirtualSession, type ExecuteResponse } from "../../src/core/virtual";
import { eventLines, loadCcWorkflow, miniWorkflow, SHAPE_STEP, TOPIC_STEP } from "../engine/fixtures";

function sessionOf(response: ExecuteResponse): VirtualSession {
  return VirtualSession.open(response.result.virtual_db as string);
}

describe("execute, module mode", () => {
  test("interactive target: the first call asks, the answer call completes it with the returned DB", async () => {
    const workflow = miniWorkflow();
    const first = await execute({ workflow, target_step_id: TOPIC_STEP, target_module_name: "ask_topic" });
    assert.equal(first.status, "awaiting_input");
    assert.match(first.workflow_run_id, /^virtual_[0-9a-f]{32}$/);
    assert.equal(typeof first.result.virtual_db, "string", "no DB given: the blob comes back");
    const request = first.interaction_request!;
    assert.equal(request.interaction_type, "text_input");
    assert.equal(request.title, "Topic?");
    // Every field of the API model is there (ruling 7), with its default.
    for (const field of ["form_schema", "form_type", "form_defaults", "yes_label", "accepted_types", "file_destination", "resolver_schema"]) {
      assert.ok(field in request, `interaction_request.${field}`);
    }
    assert.deepEqual(first.progress, { current_step: TOPIC_STEP, current_module: "ask_topic", completed_steps: [], total_steps: 0, step_index: 0 });
    assert.deepEqual(eventLines(sessionOf(first)), [
      "workflow_created",
      `module_started ${TOPIC_STEP}/ask_topic`,
      `interaction_requested ${TOPIC_STEP}/ask_topic`,
    ]);

    const answer = await execute({
      workflow,
      virtual_db: first.result.virtual_db,
      target_step_id: TOPIC_STEP,
      target_module_name: "ask_topic",
      response: { value: "otters" },
    });
    assert.equal(answer.status, "completed", answer.error);
    assert.equal(answer.workflow_run_id, first.workflow_run_id, "the run id is stable for the DB");
    assert.equal(answer.result.module_outputs?.value, "otters");
    assert.equal(answer.result.state?.topic, "otters");
    assert.deepEqual(eventLines(sessionOf(answer)).slice(3), [
      `interaction_response ${TOPIC_STEP}/ask_topic`,
      `module_completed ${TOPIC_STEP}/ask_topic`,
    ]);
  });

  test("an answer with no pending request asks first, then answers, in one call", async () => {
    const workflow = miniWorkflow();
    const answer = await execute({ workflow, target_step_id: TOPIC_STEP, target_module_name: "ask_topic", response: { value: "owls" } });
    assert.equal(answer.status, "completed", answer.error);
    assert.deepEqual(eventLines(sessionOf(answer)).slice(1), [
      `module_started ${TOPIC_STEP}/ask_topic`,
      `interaction_requested ${TOPIC_STEP}/ask_topic`,
      `interaction_response ${TOPIC_STEP}/ask_topic`,
      `module_completed ${TOPIC_STEP}/ask_topic`,
    ]);
  });

  test("executable target runs against the state the DB holds and stores its outputs", async () => {
    const workflow = miniWorkflow();
    const first = await execute({ workflow, target_step_id: TOPIC_STEP, target_module_name: "ask_topic", response: { value: "bees" } });
    const generated = await execute({ workflow, virtual_db: first.result.virtual_db, target_step_id: TOPIC_STEP, target_module_name: "generate_ideas" });
    assert.equal(generated.status, "completed", generated.error);
    assert.equal(generated.result.module_outputs?.model, "mock-preview");
    assert.ok(Array.isArray((generated.result.state?.ideas as { ideas: unknown[] }).ideas));
    const session = sessionOf(generated);
    const started = session.repos.events.getEvents(session.findRunId()!, { eventType: "module_completed", moduleName: "generate_ideas" });
    assert.equal(started.length, 1);
    // The template saw the state the DB held and the workflow config.
    const stateEntry = session.repos.state.getModuleOutputs(session.findRunId()!).generate_ideas as Record<string, unknown>;
    assert.equal(stateEntry.model, "mock-preview");
  });

  test("the DB as an object comes back as an object; the caller's object is never mutated", async () => {
    const workflow = miniWorkflow();
    const first = await execute({ workflow, virtual_db: {}, target_step_id: TOPIC_STEP, target_module_name: "ask_topic" });
    assert.equal(typeof first.result.virtual_db, "object");
    const given = first.result.virtual_db as Record<string, Record<string, unknown>[]>;
    const before = JSON.stringify(given);
    const answer = await execute({ workflow, virtual_db: given, target_step_id: TOPIC_STEP, target_module_name: "ask_topic", response: { value: "x" } });
    assert.equal(answer.status, "completed");
    assert.equal(JSON.stringify(given), before);
    assert.ok((answer.result.virtual_db as Record<string, Record<string, unknown>[]>).events.length > given.events.length);
  });
});

describe("execute, up_to mode", () => {
  test("stops at an earlier interaction that has no remembered answer and cannot be auto-selected, and says which", async () => {
    const workflow = miniWorkflow();
    const first = await execute({ workflow, target_step_id: SHAPE_STEP, target_module_name: "titles", mode: "up_to", default_answers: false });
    assert.equal(first.status, "awaiting_input");
    assert.equal(first.progress?.current_module, "ask_topic");
    assert.match(first.message, /Stopped at ideas\/ask_topic before reaching the target finish\/titles/);

    // The answer goes to the pending interaction; the select is auto-selected; the executable target stops the run.
    const second = await execute({
      workflow,
      virtual_db: first.result.virtual_db,
      target_step_id: SHAPE_STEP,
      target_module_name: "titles",
      mode: "up_to",
      response: { value: "cats" },
    });
    assert.equal(second.status, "completed", second.error);
    assert.equal(second.workflow_run_id, first.workflow_run_id);
    assert.deepEqual(second.result.state?.picked_indices, [["ideas", 0]]);
    assert.ok(Array.isArray(second.result.module_outputs?.result));
    const lines = eventLines(sessionOf(second));
    assert.deepEqual(lines.slice(-5), [
      `module_completed ${TOPIC_STEP}/pick_idea`,
      `step_completed ${TOPIC_STEP}`,
      `step_started ${SHAPE_STEP}`,
      `module_started ${SHAPE_STEP}/titles`,
      `module_completed ${SHAPE_STEP}/titles`,
    ]);
    assert.equal(lines.at(-1), `module_completed ${SHAPE_STEP}/titles`);
    assert.ok(!lines.some((line) => line.includes("confirm")), "nothing runs past the target");
  });

  test("earlier interactions are answered from remembered answers (also from an abandoned branch) before auto-selection", async () => {
    const workflow = miniWorkflow();
    const session = VirtualSession.open(null);
    const pick = { step_id: TOPIC_STEP, module_name: "pick_idea" };
    await session.runModule(workflow, { step_id: TOPIC_STEP, module_name: "ask_topic" }, { value: "t" });
    assert.equal((await session.runUpTo(workflow, pick, null)).status, "awaiting_input");
    assert.equal((await session.runUpTo(workflow, pick, { selected_indices: [["ideas", 1]] })).status, "target_reached");
    // Running up to the generator again forks before it: the pick is no longer on the lineage.
    assert.equal((await session.runUpTo(workflow, { step_id: TOPIC_STEP, module_name: "generate_ideas" }, null)).status, "target_reached");
    const through = await session.runUpTo(workflow, { step_id: SHAPE_STEP, module_name: "titles" }, null);
    assert.equal(through.status, "target_reached", through.error);
    // Auto-selection would have picked ["ideas", 0].
    assert.deepEqual(through.state?.picked_indices, [["ideas", 1]]);
  });

  test("an imported as-built DB with a second step_started mid-step resumes after every module the step completed (ruling 2)", async () => {
    const workflow = miniWorkflow();
    const session = VirtualSession.open(null);
    await session.runModule(workflow, { step_id: TOPIC_STEP, module_name: "ask_topic" }, { value: "t" });
    assert.equal((await session.runUpTo(workflow, { step_id: TOPIC_STEP, module_name: "generate_ideas" }, null)).status, "target_reached");
    // What the original server stored when it resumed mid-step: a second step_started for the open step.
    session.repos.events.storeEvent({ workflowRunId: session.findRunId()!, eventType: "step_started", stepId: TOPIC_STEP, data: { step_name: "Ideas" } });
    const before = eventLines(session).length;
    const picked = await session.runUpTo(workflow, { step_id: TOPIC_STEP, module_name: "pick_idea" }, null);
    assert.equal(picked.status, "awaiting_input", picked.error);
    assert.deepEqual(eventLines(session).slice(before), [`module_started ${TOPIC_STEP}/pick_idea`, `interaction_requested ${TOPIC_STEP}/pick_idea`]);
  });

  test("an interactive target answered in up_to mode stops there (ruling 1)", async () => {
    const workflow = miniWorkflow();
    const session = VirtualSession.open(null);
    const target = { step_id: TOPIC_STEP, module_name: "pick_idea" };
    await session.runModule(workflow, { step_id: TOPIC_STEP, module_name: "ask_topic" }, { value: "t" });
    const asked = await session.runUpTo(workflow, target, null);
    assert.equal(asked.status, "awaiting_input");
    const answered = await session.runUpTo(workflow, target, { selected_indices: [["ideas", 1]] });
    assert.equal(answered.status, "target_reached", answered.error);
    assert.deepEqual(answered.target_outputs?.selected_indices, [["ideas", 1]]);
    const lines = eventLines(session);
    assert.equal(lines.at(-1), `module_completed ${TOPIC_STEP}/pick_idea`);
  });

  test("a target that already ran is run again on a branch forked just before it", async () => {
    const workflow = miniWorkflow();
    const session = VirtualSession.open(null);
    await session.runModule(workflow, { step_id: TOPIC_STEP, module_name: "ask_topic" }, { value: "t" });
    const target = { step_id: TOPIC_STEP, module_name: "generate_ideas" };
    const once = await session.runUpTo(workflow, target, null);
    assert.equal(once.status, "target_reached", once.error);
    const branchBefore = session.repos.runs.getWorkflowRun(session.findRunId()!)!.current_branch_id!;
    const again = await session.runUpTo(workflow, target, null);
    assert.equal(again.status, "target_reached", again.error);
    const branchAfter = session.repos.runs.getWorkflowRun(session.findRunId()!)!.current_branch_id!;
    assert.notEqual(branchAfter, branchBefore);
    const lineage = session.repos.branches.getBranchLineage(branchAfter);
    assert.equal(lineage.length, 2);
    assert.equal(lineage[0].branch_id, branchBefore);
    // Exactly one completion of the target on the new lineage.
    const completions = eventLines(session, true).filter((line) => line === `module_completed ${TOPIC_STEP}/generate_ideas`);
    assert.equal(completions.length, 1);
  });
});

describe("execute on cc", () => {
  test("module mode on the first cc module asks with the full display data", async () => {
    const workflow = loadCcWorkflow();
    const first = await execute({ workflow, target_step_id: "user_input", target_module_name: "select_pet_type" });
    assert.equal(first.status, "awaiting_input", first.error);
    const displayData = first.interaction_request!.display_data as Record<string, unknown>;
    assert.equal((displayData.data as unknown[]).length, 3);
    const answer = await execute({
      workflow,
      virtual_db: first.result.virtual_db,
      target_step_id: "user_input",
      target_module_name: "select_pet_type",
      response: { selected_indices: [1] },
    });
    assert.equal(answer.status, "completed", answer.error);
    assert.deepEqual(answer.result.state?.pet_type_selection, (displayData.data as unknown[])[1]);
  });
});

describe("execute, up_to with default answers (headless mock runs)", () => {
  test("text inputs take mock defaults instead of stopping (on by default in mock mode; default_answers: false stops)", async () => {
    const workflow = miniWorkflow();
    const stopped = await execute({ workflow, target_step_id: SHAPE_STEP, target_module_name: "titles", mode: "up_to", default_answers: false });
    assert.equal(stopped.progress?.current_module, "ask_topic");
    const through = await execute({ workflow, target_step_id: SHAPE_STEP, target_module_name: "titles", mode: "up_to" });
    assert.equal(through.status, "completed", through.error);
    assert.equal(through.result.state?.topic, "mock input");
    // Real mode never invents answers: the call stops at the text input.
    const real = await execute({ workflow, target_step_id: SHAPE_STEP, target_module_name: "titles", mode: "up_to", mock: false });
    assert.equal(real.status, "awaiting_input", real.error);
    assert.equal(real.progress?.current_module, "ask_topic");
  });

  test("scripted answers keyed step_id/module_name come before remembered answers and defaults", async () => {
    const workflow = miniWorkflow();
    const first = await execute({
      workflow,
      target_step_id: SHAPE_STEP,
      target_module_name: "titles",
      mode: "up_to",
      answers: { [`${TOPIC_STEP}/ask_topic`]: { value: "scripted topic" } },
    });
    assert.equal(first.status, "completed", first.error);
    assert.equal(first.result.state?.topic, "scripted topic");
    // The next run forks before the target; the remembered answer would be "scripted topic", the script wins.
    const again = await execute({
      workflow,
      virtual_db: first.result.virtual_db,
      target_step_id: TOPIC_STEP,
      target_module_name: "ask_topic",
      mode: "up_to",
      answers: { [`${TOPIC_STEP}/ask_topic`]: { value: "ignored: the target is answered by the user" } },
    });
    assert.equal(again.status, "awaiting_input", again.error);
    assert.equal(again.progress?.current_module, "ask_topic");
  });

  test("the whole cc workflow runs headless to its last module", async () => {
    const workflow = loadCcWorkflow();
    const target = { target_step_id: "workflow_summary", target_module_name: "write_summary_file" };
    const asked = await execute({ workflow, ...target, mode: "up_to", default_answers: true });
    assert.equal(asked.status, "awaiting_input", asked.error);
    assert.equal(asked.progress?.current_module, "write_summary_file");
    assert.equal(asked.interaction_request?.interaction_type, "file_download");
    const lines = eventLines(sessionOf(asked));
    for (const step of ["user_input", "scene_generation", "image_prompts", "image_analysis", "video_generation", "duration_selection", "music", "text_overlays", "titles_social"]) {
      assert.ok(lines.includes(`step_completed ${step}`), `step ${step} completed`);
    }
    const written = await execute({ workflow, ...target, virtual_db: asked.result.virtual_db, mode: "up_to", response: { file_written: true, file_path: "summary.txt" } });
    assert.equal(written.status, "completed", written.error);
  });
});

describe("execute errors on a fresh DB", () => {
  test("name no run: the run the failed call made was undone", async () => {
    const failed = await execute({ workflow: miniWorkflow(), target_step_id: "nope", target_module_name: "x" });
    assert.equal(failed.status, "error");
    assert.equal(failed.workflow_run_id, "");
    assert.equal(failed.result.virtual_db, null);
  });
});

describe("execute, up_to onto a module added to a step that already completed", () => {
  test("the step is run again on a branch forked before it, through the new module", async () => {
    const workflow = miniWorkflow();
    const session = VirtualSession.open(null);
    await session.runModule(workflow, { step_id: TOPIC_STEP, module_name: "ask_topic" }, { value: "t" });
    const through = await session.runUpTo(workflow, { step_id: SHAPE_STEP, module_name: "titles" }, null);
    assert.equal(through.status, "target_reached", through.error);
    const edited = miniWorkflow();
    edited.steps[0].modules.splice(2, 0, {
      module_id: "transform.query",
      name: "count_ideas",
      inputs: { resolver_schema: { type: "object", properties: { data: { resolver: "server" } } }, data: "{{ state.ideas.ideas }}", pipeline: [{ $count: "n" }] },
      outputs_to_state: { result: "idea_count" },
    });
    const added = await session.runUpTo(edited, { step_id: TOPIC_STEP, module_name: "count_ideas" }, null);
    assert.equal(added.status, "target_reached", added.error);
    assert.ok(Array.isArray(added.state?.idea_count));
    const lineage = eventLines(session, true);
    assert.equal(lineage.at(-1), `module_completed ${TOPIC_STEP}/count_ideas`);
    assert.ok(!lineage.includes(`module_completed ${SHAPE_STEP}/titles`), "the later step is not on the new branch");
  });
});

describe("a host's gzip codec", () => {
  test("execute and sessions gzip the blobs in and out with the codec given (EngineOptions.codec)", async () => {
    const { fflateCodec } = await import("../../src/core/db");
    const calls: string[] = [];
    const codec = {
      gzip: (data: Uint8Array, level: Parameters<typeof fflateCodec.gzip>[1]) => (calls.push("gzip"), fflateCodec.gzip(data, level)),
      gunzip: (data: Uint8Array) => (calls.push("gunzip"), fflateCodec.gunzip(data)),
    };
    const workflow = miniWorkflow();
    const first = await execute({ workflow, target_step_id: TOPIC_STEP, target_module_name: "ask_topic" }, { codec });
    assert.deepEqual(calls, ["gzip"]);
    await execute({ workflow, virtual_db: first.result.virtual_db, target_step_id: TOPIC_STEP, target_module_name: "ask_topic", response: { value: "x" } }, { codec });
    assert.deepEqual(calls, ["gzip", "gunzip", "gzip"]);
    const session = VirtualSession.open(first.result.virtual_db as string, { codec });
    session.exportBlob();
    assert.deepEqual(calls.slice(3), ["gunzip", "gzip"]);
  });
});
