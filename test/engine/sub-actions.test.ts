/**
 * Sub-actions (engine.md §4.6): `target_sub_action` child runs with feedback and `result_mapping`,
 * `self_sub_action` through a module's own `subAction`, the progress stream, failures that leave
 * the DB as it was, and the display-data refresh afterwards (ruling 9).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  createModuleRegistry,
  makeInteractionRequest,
  MODULE_FACTORIES,
  type ExecutableModule,
  type InteractionRequest,
  type InteractiveModule,
  type ModuleContext,
  type SubActionContext,
  type SubActionEvent,
} from "../../src/core/modules";
import { subAction as subActionCall, VirtualSession, type SseEvent } from "../../src/core/virtual";
import { loadCcWorkflow, miniWorkflow, TOPIC_STEP } from "./fixtures";

class EchoModule implements ExecutableModule {
  readonly kind = "executable";
  readonly moduleId = "test.echo";
  readonly inputs = [{ name: "label", type: "string" as const, required: false }];
  readonly outputs = [];
  async execute(inputs: Record<string, unknown>, context: ModuleContext): Promise<Record<string, unknown>> {
    return { label: inputs.label ?? null, mock: context.mockMode };
  }
}

/** An interactive module with its own sub-action, like media.generate (test-only). */
class GalleryModule implements InteractiveModule {
  readonly kind = "interactive";
  readonly moduleId = "test.gallery";
  readonly inputs = [{ name: "items", type: "array" as const, required: false }];
  readonly outputs = [];
  async getInteractionRequest(inputs: Record<string, unknown>, context: ModuleContext): Promise<InteractionRequest> {
    return makeInteractionRequest({
      interaction_id: `gallery_${context.newId()}`,
      interaction_type: "media_generation",
      display_data: { items: inputs.items ?? [], mock: context.mockMode },
    });
  }
  async executeWithResponse(): Promise<Record<string, unknown>> {
    return { chosen: true };
  }
  async *subAction(context: SubActionContext): AsyncIterable<SubActionEvent> {
    yield ["progress", { message: "first half", done: 1 }];
    yield ["progress", { message: "second half", done: 2 }];
    yield ["result", { generated: [{ params: context.params, interaction_id: context.interactionId }], mock: context.mockMode }];
  }
}

const registry = createModuleRegistry([...MODULE_FACTORIES, () => new EchoModule(), () => new GalleryModule()]);

async function collect(stream: AsyncIterable<SseEvent>): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** The mini workflow plus a second sub-action on pick_idea that echoes the feedback it was given. */
function workflowWithEcho() {
  const workflow = miniWorkflow();
  workflow.steps[0].modules[2].sub_actions.push({
    id: "echo_feedback",
    actions: [
      {
        type: "target_sub_action",
        module_id: "test.echo",
        name: "echo_sub",
        inputs: { resolver_schema: { type: "object", properties: { label: { resolver: "server" } } }, label: "{{ state._more_feedback }}" },
        outputs_to_state: { label: "echo_label" },
      },
    ],
    result_mapping: [{ source: "echo_label", target: "sub_label" }],
    feedback: { state_key: "_more_feedback" },
  });
  return workflow;
}

async function atPick(session: VirtualSession, workflow: unknown) {
  await session.runModule(workflow, { step_id: TOPIC_STEP, module_name: "ask_topic" }, { value: "t" });
  const asked = await session.runUpTo(workflow, { step_id: TOPIC_STEP, module_name: "pick_idea" }, null);
  assert.equal(asked.status, "awaiting_input", asked.error);
  return asked;
}

describe("target_sub_action", () => {
  test("runs the referenced module in a child run and merges its result into the parent's state", async () => {
    const workflow = workflowWithEcho();
    const session = VirtualSession.open(null, { registry });
    const asked = await atPick(session, workflow);
    const interactionId = asked.interaction_request!.interaction_id;
    const before = (asked.state?.ideas as { ideas: unknown[] }).ideas;

    const events = await collect(session.subAction(workflow, { interaction_id: interactionId, sub_action_id: "more_ideas", params: {} }));
    assert.deepEqual(events.map((event) => event.type), ["started", "progress", "progress", "complete"]);
    assert.equal(events[1].data.message, "Generating more ideas...");
    assert.equal(events[2].data.module_name, "generate_ideas");
    const complete = events[3].data as Record<string, any>;
    assert.match(complete.execution_id, /^more_ideas_[0-9a-f]{32}$/);
    assert.deepEqual(complete.updated_state.ideas.ideas, [...before, ...complete.sub_action_result.ideas.ideas]);
    assert.deepEqual(complete.state.ideas, complete.updated_state.ideas);

    const runId = session.findRunId()!;
    const started = session.repos.events.getEvents(runId, { eventType: "sub_action_started" })[0];
    assert.equal(started.step_id, TOPIC_STEP);
    assert.equal(started.module_name, "pick_idea");
    assert.deepEqual(started.data, { execution_id: complete.execution_id, sub_action_id: "more_ideas", interaction_id: interactionId, params: {} });
    const completed = session.repos.events.getEvents(runId, { eventType: "sub_action_completed" })[0];
    assert.equal(typeof completed.data.child_workflow_id, "string");
    const child = session.repos.runs.getChildRun(completed.data.child_workflow_id as string)!;
    assert.equal(child.parent_workflow_id, runId);
    assert.deepEqual(
      session.repos.events.getEvents(child.workflow_run_id).map((event) => event.event_type),
      ["module_started", "module_completed"],
    );
    // The interaction stays pending.
    assert.equal(session.interactionHistory().pending_interaction?.interaction_id, interactionId);
  });

  test("params.feedback reaches the child's templates under feedback.state_key; replace mapping", async () => {
    const workflow = workflowWithEcho();
    const session = VirtualSession.open(null, { registry });
    const asked = await atPick(session, workflow);
    const events = await collect(
      session.subAction(workflow, { interaction_id: asked.interaction_request!.interaction_id, sub_action_id: "echo_feedback", params: { feedback: "warmer" } }),
    );
    const complete = events.at(-1)!;
    assert.equal(complete.type, "complete", JSON.stringify(complete.data));
    assert.deepEqual(complete.data.updated_state, { sub_label: "warmer" });
    assert.equal((complete.data.state as Record<string, unknown>).sub_label, "warmer");
    assert.equal((complete.data.sub_action_result as Record<string, any>).echo_sub.mock, true);
  });

  test("the display data is refreshed against the new state without answering (ruling 9)", async () => {
    const workflow = workflowWithEcho();
    const session = VirtualSession.open(null, { registry });
    const asked = await atPick(session, workflow);
    const interactionId = asked.interaction_request!.interaction_id;
    await collect(session.subAction(workflow, { interaction_id: interactionId, sub_action_id: "more_ideas" }));
    const before = session.exportBlob();
    const refreshed = await session.interactionData(workflow, interactionId);
    assert.equal(refreshed.status, "awaiting_input", refreshed.error);
    assert.equal(refreshed.interaction_request!.interaction_id, interactionId);
    const oldCount = ((asked.interaction_request!.display_data.data as any).ideas as unknown[]).length;
    const newCount = ((refreshed.interaction_request!.display_data.data as any).ideas as unknown[]).length;
    assert.equal(newCount, oldCount * 2);
    assert.equal(session.exportBlob(), before, "a refresh stores nothing");
  });

  test("a failing child run is an error event and leaves the DB as it was", async () => {
    const workflow = miniWorkflow();
    workflow.steps[0].modules[2].sub_actions.push({
      id: "broken",
      actions: [{ type: "target_sub_action", module_id: "transform.query", name: "bad", inputs: { data: "not a list", pipeline: [] } }],
    });
    const session = VirtualSession.open(null, { registry });
    const asked = await atPick(session, workflow);
    const before = session.exportBlob();
    const events = await collect(session.subAction(workflow, { interaction_id: asked.interaction_request!.interaction_id, sub_action_id: "broken" }));
    const last = events.at(-1)!;
    assert.equal(last.type, "error");
    assert.match(String(last.data.message), /^Sub-action failed: Module 'transform.query' failed: data must be an array, got str/);
    assert.equal(session.exportBlob(), before);

    const unknown = await collect(session.subAction(workflow, { interaction_id: asked.interaction_request!.interaction_id, sub_action_id: "nope" }));
    assert.equal(unknown.at(-1)!.type, "error");
    assert.equal(unknown.at(-1)!.data.message, "Sub-action 'nope' not found in module config");
    assert.equal(session.exportBlob(), before);
  });
});

describe("self_sub_action", () => {
  test("streams the module's own progress and maps its result; params merge over the action's", async () => {
    const workflow = {
      workflow_id: "gallery",
      steps: [
        {
          step_id: "media",
          modules: [
            {
              module_id: "test.gallery",
              name: "gallery",
              inputs: {},
              sub_actions: [
                {
                  id: "generate",
                  actions: [{ type: "self_sub_action", params: { count: 2, size: "s" } }],
                  result_mapping: [{ source: "generated", target: "gallery_items" }],
                },
              ],
            },
          ],
        },
      ],
    };
    const session = VirtualSession.open(null, { registry });
    const asked = await session.runModule(workflow, { step_id: "media", module_name: "gallery" }, null);
    assert.equal(asked.status, "awaiting_input", asked.error);
    const interactionId = asked.interaction_request!.interaction_id;
    const events = await collect(session.subAction(workflow, { interaction_id: interactionId, sub_action_id: "generate", params: { size: "l" } }));
    assert.deepEqual(events.map((event) => [event.type, event.data.message ?? null]), [
      ["started", null],
      ["progress", "Processing..."],
      ["progress", "first half"],
      ["progress", "second half"],
      ["complete", null],
    ]);
    const complete = events.at(-1)!.data as Record<string, any>;
    assert.deepEqual(complete.sub_action_result, { generated: [{ params: { count: 2, size: "l" }, interaction_id: interactionId }], mock: true });
    assert.deepEqual(complete.updated_state, { gallery_items: complete.sub_action_result.generated });
    assert.deepEqual(complete.state.gallery_items, complete.sub_action_result.generated);
  });
});

describe("sub-action through the server call, on cc", () => {
  test("select_scene's regenerate_scenes runs three modules in a child run, merges scenes, returns the DB", async () => {
    const workflow = loadCcWorkflow();
    const session = VirtualSession.open(null);
    const asked = await session.runUpTo(workflow, { step_id: "scene_generation", module_name: "select_scene" }, null);
    assert.equal(asked.status, "awaiting_input", asked.error);
    const blob = session.exportBlob();
    const events = await collect(
      subActionCall({
        workflow,
        virtual_db: blob,
        interaction_id: asked.interaction_request!.interaction_id,
        sub_action_id: "regenerate_scenes",
        params: { feedback: "more cozy" },
      }),
    );
    assert.deepEqual(events.map((event) => event.type), ["started", "progress", "progress", "progress", "progress", "complete"]);
    const complete = events.at(-1)!.data as Record<string, any>;
    const scenesBefore = (asked.state?.scene_concepts as any).scenes.length;
    assert.equal(complete.updated_state.scene_concepts.scenes.length, scenesBefore * 2);
    assert.equal(typeof complete.virtual_db, "string");
    const after = VirtualSession.open(complete.virtual_db as string);
    assert.equal((after.repos.state.getModuleOutputs(after.findRunId()!).scene_concepts as any).scenes.length, scenesBefore * 2);
    assert.equal(blob, session.exportBlob(), "the blob given is not changed");
  });
});
