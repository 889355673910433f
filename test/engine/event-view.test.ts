/**
 * The engine's incremental event view answers exactly what the repositories answer (lineage, flat
 * state, position), across appends, forks, retries, sub-actions, rollbacks and a fresh start.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createRepositories } from "../../src/core/repositories";
import { createEventView } from "../../src/core/engine/event-view";
import { VirtualSession } from "../../src/core/virtual";
import { miniWorkflow, SHAPE_STEP, TOPIC_STEP } from "./fixtures";

test("the event view agrees with the repositories after every kind of call", async () => {
  const workflow = miniWorkflow();
  const session = VirtualSession.open(null);
  const view = createEventView(session.repos);
  const checks: string[] = [];

  const agree = (label: string) => {
    const runId = session.findRunId();
    if (!runId) return;
    checks.push(label);
    assert.deepEqual(view.moduleOutputs(runId), session.repos.state.getModuleOutputs(runId), `state after ${label}`);
    assert.deepEqual(view.position(runId), session.repos.state.getWorkflowPosition(runId), `position after ${label}`);
    assert.deepEqual(
      view.lineage(runId).map((event) => event.event_id),
      session.repos.events.getLineageEvents(runId).map((event) => event.event_id),
      `lineage after ${label}`,
    );
  };

  const pick = { step_id: TOPIC_STEP, module_name: "pick_idea" };
  await session.runUpTo(workflow, pick, null);
  agree("first up_to");
  await session.runUpTo(workflow, pick, { value: "t" });
  agree("answer");
  const retried = await session.runModule(workflow, pick, { retry_requested: true, retry_feedback: "again" });
  agree("retry");
  for await (const _event of session.subAction(workflow, { interaction_id: retried.interaction_request!.interaction_id, sub_action_id: "more_ideas" })) {
    // drain
  }
  agree("sub-action");
  await session.runModule(workflow, pick, { jump_back_requested: true, jump_back_target: "change_topic" });
  agree("jump");
  const broken = miniWorkflow();
  broken.steps[1].modules[0].inputs.data = "{{ state.picked }}";
  await session.runUpTo(broken, { step_id: SHAPE_STEP, module_name: "titles" }, { value: "u" });
  agree("rolled-back failure");
  await session.runUpTo(workflow, { step_id: SHAPE_STEP, module_name: "titles" }, null);
  agree("run on");
  await session.start(workflow, null, { force_new: true });
  agree("fresh start");

  const imported = VirtualSession.open(session.exportBlob());
  const importedView = createEventView(createRepositories(imported.db));
  const runId = imported.findRunId()!;
  assert.deepEqual(importedView.moduleOutputs(runId), imported.repos.state.getModuleOutputs(runId));
  assert.equal(checks.length, 8);
});
