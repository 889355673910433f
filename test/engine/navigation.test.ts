/**
 * Retry (with retry context and feedback), jump (a new branch at the right cutoff), the retry
 * shortcut, retryable-option validations (ruling 6), and continuations that complete steps and go on
 * (rulings 2 and 3).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createModuleRegistry, MODULE_FACTORIES, type ExecutableModule, type ModuleContext } from "../../src/core/modules";
import { VirtualSession } from "../../src/core/virtual";
import { eventLines, miniWorkflow, TOPIC_STEP } from "./fixtures";

/** Echoes what a retried module sees (test-only, in a registry made here). */
class EchoModule implements ExecutableModule {
  readonly kind = "executable";
  readonly moduleId = "test.echo";
  readonly inputs = [{ name: "label", type: "string" as const, required: false }];
  readonly outputs = [];
  async execute(inputs: Record<string, unknown>, context: ModuleContext): Promise<Record<string, unknown>> {
    return {
      label: inputs.label ?? null,
      response: { ideas: [{ title: `idea from ${String(inputs.label)}` }] },
      seen_feedback: context.state.get("_retry_feedback"),
      seen_history: context.state.get("_retry_conversation_history"),
      mock: context.mockMode,
    };
  }
}

const registry = createModuleRegistry([...MODULE_FACTORIES, () => new EchoModule()]);

function openSession(): VirtualSession {
  return VirtualSession.open(null, { registry });
}

/** Three steps: echo, a validated text input that retries the echo, echo. */
function threeSteps() {
  return {
    workflow_id: "three",
    steps: [
      { step_id: "a", modules: [{ module_id: "test.echo", name: "echo_a", inputs: { label: "a" }, outputs_to_state: { response: "a_out" } }] },
      {
        step_id: "b",
        modules: [
          {
            module_id: "user.text_input",
            name: "ask",
            inputs: { prompt: "Digits?", validation_pattern: "[0-9]+" },
            outputs_to_state: { value: "digits" },
            retryable: { options: [{ id: "again", mode: "retry", target_module: "echo_a", feedback: { default_message: "default feedback" } }] },
          },
        ],
      },
      { step_id: "c", modules: [{ module_id: "test.echo", name: "echo_c", inputs: { label: "c" } }] },
    ],
  };
}

describe("retry", () => {
  test("a failed validation retries the target with the retry context, then continues like a normal continuation (rulings 2, 3)", async () => {
    const workflow = threeSteps();
    const session = openSession();
    const asked = await session.start(workflow, null);
    assert.equal(asked.status, "awaiting_input", asked.error);
    assert.equal(asked.progress?.current_module, "ask");
    const interactionId = asked.interaction_request!.interaction_id;

    const retried = await session.respond(workflow, null, interactionId, { value: "abc" });
    assert.equal(retried.status, "awaiting_input", retried.error);
    assert.equal(retried.progress?.current_module, "ask");
    const lines = eventLines(session);
    const afterAnswer = lines.slice(lines.indexOf("interaction_response b/ask"));
    assert.deepEqual(afterAnswer, [
      "interaction_response b/ask",
      "retry_requested",
      "module_started a/echo_a",
      "module_completed a/echo_a",
      "step_completed a",
      // step b is still open: no second step_started (ruling 2)
      "module_started b/ask",
      "interaction_requested b/ask",
    ]);
    const runId = session.findRunId()!;
    const retryEvent = session.repos.events.getEvents(runId, { eventType: "retry_requested" })[0];
    assert.deepEqual(retryEvent.data, { target_module: "echo_a", feedback: "Invalid format. Please check your input and try again. Invalid: 'abc'" });
    const echo = session.repos.state.getModuleOutputs(runId).echo_a as Record<string, any>;
    assert.equal(echo.seen_feedback, retryEvent.data.feedback);
    assert.deepEqual(echo.seen_history, [
      { role: "assistant", content: '{\n  "ideas": [\n    {\n      "title": "idea from a"\n    }\n  ]\n}' },
      { role: "user", content: `FEEDBACK FROM USER: ${String(retryEvent.data.feedback)}` },
    ]);

    const done = await session.respond(workflow, null, retried.interaction_request!.interaction_id, { value: "123" });
    assert.equal(done.status, "completed", done.error);
    assert.deepEqual(eventLines(session).slice(-8), [
      "interaction_response b/ask",
      "module_completed b/ask",
      "step_completed b",
      "step_started c",
      "module_started c/echo_c",
      "module_completed c/echo_c",
      "step_completed c",
      "workflow_completed",
    ]);
  });

  test("a review answer with retry_requested retries the option's target with its feedback", async () => {
    const workflow = miniWorkflow();
    const session = openSession();
    const pick = { step_id: TOPIC_STEP, module_name: "pick_idea" };
    await session.runModule(workflow, { step_id: TOPIC_STEP, module_name: "ask_topic" }, { value: "t" });
    await session.runUpTo(workflow, pick, null);
    const retried = await session.runModule(workflow, pick, { retry_requested: true, retry_feedback: "shorter" });
    assert.equal(retried.status, "awaiting_input", retried.error);
    assert.equal(retried.progress?.current_module, "pick_idea");
    const tail = eventLines(session).slice(-6);
    assert.deepEqual(tail, [
      `interaction_response ${TOPIC_STEP}/pick_idea`,
      "retry_requested",
      `module_started ${TOPIC_STEP}/generate_ideas`,
      `module_completed ${TOPIC_STEP}/generate_ideas`,
      `module_started ${TOPIC_STEP}/pick_idea`,
      `interaction_requested ${TOPIC_STEP}/pick_idea`,
    ]);
    const retryEvent = session.repos.events.getEvents(session.findRunId()!, { eventType: "retry_requested" })[0];
    assert.deepEqual(retryEvent.data, { target_module: "generate_ideas", feedback: "shorter" });
  });

  test("the retry shortcut: free text instead of a pick retries with that text as feedback", async () => {
    const workflow = miniWorkflow();
    const session = openSession();
    const pick = { step_id: TOPIC_STEP, module_name: "pick_idea" };
    await session.runModule(workflow, { step_id: TOPIC_STEP, module_name: "ask_topic" }, { value: "t" });
    await session.runUpTo(workflow, pick, null);
    const retried = await session.runModule(workflow, pick, { custom_value: "funnier please" });
    assert.equal(retried.status, "awaiting_input", retried.error);
    const retryEvent = session.repos.events.getEvents(session.findRunId()!, { eventType: "retry_requested" })[0];
    assert.deepEqual(retryEvent.data, { target_module: "generate_ideas", feedback: "funnier please" });
  });

  test("retry requested with no retry option configured is an error, and changes nothing", async () => {
    const workflow = miniWorkflow();
    workflow.steps[0].modules[2].retryable.options = [];
    const session = openSession();
    const pick = { step_id: TOPIC_STEP, module_name: "pick_idea" };
    await session.runModule(workflow, { step_id: TOPIC_STEP, module_name: "ask_topic" }, { value: "t" });
    await session.runUpTo(workflow, pick, null);
    const before = session.exportBlob();
    const failed = await session.runModule(workflow, pick, { retry_requested: true });
    assert.equal(failed.status, "error");
    assert.equal(failed.error, "Retry requested but no target module configured");
    assert.equal(session.exportBlob(), before);
  });
});

describe("jump", () => {
  test("a jump option forks a new branch just before the target module and asks it again", async () => {
    const workflow = miniWorkflow();
    const session = openSession();
    const pick = { step_id: TOPIC_STEP, module_name: "pick_idea" };
    await session.runModule(workflow, { step_id: TOPIC_STEP, module_name: "ask_topic" }, { value: "first topic" });
    const asked = await session.runUpTo(workflow, pick, null);
    assert.equal(asked.status, "awaiting_input");
    const runId = session.findRunId()!;
    const rootBranch = session.repos.runs.getWorkflowRun(runId)!.current_branch_id!;
    const rootEvents = session.repos.events.getLineageEvents(runId);
    const firstAsk = rootEvents.findIndex((event) => event.module_name === "ask_topic");

    const jumped = await session.runModule(workflow, pick, { jump_back_requested: true, jump_back_target: "change_topic" });
    assert.equal(jumped.status, "awaiting_input", jumped.error);
    assert.equal(jumped.progress?.current_module, "ask_topic");

    const newBranch = session.repos.runs.getWorkflowRun(runId)!.current_branch_id!;
    assert.notEqual(newBranch, rootBranch);
    assert.deepEqual(session.repos.branches.getBranchLineage(newBranch), [
      { branch_id: rootBranch, cutoff_event_id: firstAsk > 0 ? rootEvents[firstAsk - 1].event_id : null },
      { branch_id: newBranch, cutoff_event_id: null },
    ]);
    const jumpEvent = session.repos.events.getEvents(runId, { eventType: "jump_requested" })[0];
    assert.equal(jumpEvent.branch_id, newBranch);
    assert.deepEqual(jumpEvent.data, { target_step: TOPIC_STEP, target_module: "ask_topic", new_branch_id: newBranch });
    // On the new lineage the topic is gone; the old answers stay on the old branch.
    assert.equal(jumped.state?.topic, undefined);
    assert.deepEqual(eventLines(session, true).slice(-3), ["jump_requested", `module_started ${TOPIC_STEP}/ask_topic`, `interaction_requested ${TOPIC_STEP}/ask_topic`]);

    const answered = await session.respond(workflow, null, jumped.interaction_request!.interaction_id, { value: "second topic" });
    assert.equal(answered.status, "awaiting_input", answered.error);
    assert.equal(answered.progress?.current_module, "pick_idea");
    assert.equal(answered.state?.topic, "second topic");
  });

  test("an unknown jump target is an error, and changes nothing", async () => {
    const workflow = miniWorkflow();
    const session = openSession();
    const pick = { step_id: TOPIC_STEP, module_name: "pick_idea" };
    await session.runModule(workflow, { step_id: TOPIC_STEP, module_name: "ask_topic" }, { value: "t" });
    await session.runUpTo(workflow, pick, null);
    const before = session.exportBlob();
    const failed = await session.runModule(workflow, pick, { jump_back_requested: true, jump_back_target: "nowhere" });
    assert.equal(failed.status, "error");
    assert.equal(failed.error, "Jump target 'nowhere' not found");
    assert.equal(session.exportBlob(), before);
  });
});

describe("retryable-option validations (ruling 6)", () => {
  test("a failed validation stores nothing and leaves the interaction pending; a valid answer then completes it", async () => {
    const workflow = miniWorkflow();
    const session = openSession();
    const pick = { step_id: TOPIC_STEP, module_name: "pick_idea" };
    await session.runModule(workflow, { step_id: TOPIC_STEP, module_name: "ask_topic" }, { value: "t" });
    const asked = await session.runUpTo(workflow, pick, null);
    const before = session.exportBlob();

    const invalid = await session.runModule(workflow, pick, { action_id: "continue", selected_indices: [] });
    assert.equal(invalid.status, "validation_failed");
    assert.deepEqual(invalid.validation_errors, [
      { id: "need_pick", field: null, rule: "min_selections", message: "Pick one idea", severity: "error" },
    ]);
    assert.deepEqual(invalid.validation_warnings, []);
    assert.equal(session.exportBlob(), before, "nothing stored");
    const history = session.interactionHistory();
    assert.equal(history.pending_interaction?.interaction_id, asked.interaction_request!.interaction_id);

    const valid = await session.runModule(workflow, pick, { action_id: "continue", selected_indices: [["ideas", 0]] });
    assert.equal(valid.status, "target_reached", valid.error);
    assert.equal(session.interactionHistory().pending_interaction, null);
  });
});
