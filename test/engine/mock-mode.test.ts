/**
 * Mock mode reaches every path (ruling 5): module mode, up_to continuations after an answer, retry,
 * jump, sub-action children, self sub-actions and the display-data refresh. Providers are configured
 * with an address that would fail, so any real call would surface as an error; a spy module records
 * the mock flag each path hands to modules. With mock off, api.llm refuses to answer from mock data.
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
import { execute, VirtualSession, type SseEvent } from "../../src/core/virtual";
import { miniWorkflow, TOPIC_STEP } from "./fixtures";

const seen: Array<{ where: string; mock: boolean }> = [];

class SpyModule implements ExecutableModule {
  readonly kind = "executable";
  readonly moduleId = "test.spy";
  readonly inputs = [];
  readonly outputs = [];
  async execute(_inputs: Record<string, unknown>, context: ModuleContext): Promise<Record<string, unknown>> {
    seen.push({ where: `execute ${context.currentModuleName}`, mock: context.mockMode });
    return { response: { ideas: [{ title: "spy" }] }, mock: context.mockMode };
  }
}

class SpyGallery implements InteractiveModule {
  readonly kind = "interactive";
  readonly moduleId = "test.spy_gallery";
  readonly inputs = [];
  readonly outputs = [];
  async getInteractionRequest(_inputs: Record<string, unknown>, context: ModuleContext): Promise<InteractionRequest> {
    seen.push({ where: "ask gallery", mock: context.mockMode });
    return makeInteractionRequest({ interaction_id: `g_${context.newId()}`, interaction_type: "media_generation" });
  }
  async executeWithResponse(_inputs: Record<string, unknown>, context: ModuleContext): Promise<Record<string, unknown>> {
    seen.push({ where: "answer gallery", mock: context.mockMode });
    return {};
  }
  async *subAction(context: SubActionContext): AsyncIterable<SubActionEvent> {
    seen.push({ where: "self sub-action", mock: context.mockMode });
    yield ["result", {}];
  }
}

const registry = createModuleRegistry([...MODULE_FACTORIES, () => new SpyModule(), () => new SpyGallery()]);
const unreachable = { openai: { apiKey: "sk-test-never-used-000000000000", baseUrl: "http://127.0.0.1:9/unreachable" }, anthropic: { apiKey: "x", baseUrl: "http://127.0.0.1:9/unreachable" } };
const options = { registry, providers: unreachable };

/** The mini workflow with a spy after the LLM, a spy gallery step, and a sub-action running the spy. */
function spyWorkflow() {
  const workflow = miniWorkflow();
  workflow.steps[0].modules.splice(2, 0, { module_id: "test.spy", name: "spy_after_llm" });
  workflow.steps[0].modules[3].retryable.options[1].target_module = "generate_ideas";
  workflow.steps[0].modules[3].sub_actions.push({ id: "spy_child", actions: [{ type: "target_sub_action", module_id: "test.spy", name: "spy_child" }] });
  workflow.steps.push({
    step_id: "media",
    modules: [{ module_id: "test.spy_gallery", name: "gallery", sub_actions: [{ id: "gen", actions: [{ type: "self_sub_action" }] }] }],
  });
  return workflow;
}

async function drain(stream: AsyncIterable<SseEvent>): Promise<SseEvent> {
  let last: SseEvent | null = null;
  for await (const event of stream) last = event;
  return last!;
}

describe("mock mode everywhere (ruling 5)", () => {
  test("every path hands modules mock mode and api.llm never reaches the configured providers", async () => {
    seen.length = 0;
    const workflow = spyWorkflow();
    const session = VirtualSession.open(null, options);
    const pick = { step_id: TOPIC_STEP, module_name: "pick_idea" };

    // up_to: the answer to ask_topic continues into the LLM and the spy.
    const first = await session.runUpTo(workflow, pick, null, { default_answers: false });
    assert.equal(first.progress?.current_module, "ask_topic");
    const asked = await session.runUpTo(workflow, pick, { value: "t" }, { default_answers: false });
    assert.equal(asked.status, "awaiting_input", asked.error);
    assert.equal((asked.state?.generate_ideas as Record<string, unknown>).model, "mock-preview");

    // Retry re-runs the LLM and the spy.
    const retried = await session.runModule(workflow, pick, { retry_requested: true });
    assert.equal(retried.status, "awaiting_input", retried.error);

    // A sub-action child run.
    const child = await drain(session.subAction(workflow, { interaction_id: retried.interaction_request!.interaction_id, sub_action_id: "spy_child" }));
    assert.equal(child.type, "complete", JSON.stringify(child.data));

    // Jump back to the topic and answer: the continuation runs the LLM and the spy again.
    const jumped = await session.runModule(workflow, pick, { jump_back_requested: true, jump_back_target: "change_topic" });
    assert.equal(jumped.status, "awaiting_input", jumped.error);
    const again = await session.respond(workflow, pick, jumped.interaction_request!.interaction_id, { value: "u" });
    assert.equal(again.status, "awaiting_input", again.error);

    // The gallery: asked, refreshed, self sub-action, answered.
    const toGallery = { step_id: "media", module_name: "gallery" };
    const confirm = await session.runUpTo(workflow, toGallery, null, { default_answers: false });
    assert.equal(confirm.progress?.current_module, "confirm", "the text input cannot be auto-selected");
    const gallery = await session.runUpTo(workflow, toGallery, { value: "yes" }, { default_answers: false });
    assert.equal(gallery.status, "awaiting_input", gallery.error);
    assert.equal(gallery.progress?.current_module, "gallery");
    const galleryId = gallery.interaction_request!.interaction_id;
    assert.equal((await session.interactionData(workflow, galleryId)).status, "awaiting_input");
    const self = await drain(session.subAction(workflow, { interaction_id: galleryId, sub_action_id: "gen" }));
    assert.equal(self.type, "complete", JSON.stringify(self.data));
    assert.equal((await session.runModule(workflow, { step_id: "media", module_name: "gallery" }, { value: 1 })).status, "target_reached");

    const wheres = new Set(seen.map((entry) => entry.where));
    for (const where of ["execute spy_after_llm", "execute spy_child", "ask gallery", "answer gallery", "self sub-action"]) {
      assert.ok(wheres.has(where), `${where} was reached`);
    }
    assert.deepEqual(seen.filter((entry) => !entry.mock), [], "no path ran without mock mode");
    // Several LLM runs (first answer, retry, after the jump), all mocked.
    const llmRuns = session.repos.events.getEvents(session.findRunId()!, { eventType: "module_completed", moduleName: "generate_ideas" });
    assert.ok(llmRuns.length >= 3);
    assert.ok(llmRuns.every((event) => event.data.model === "mock-preview"));
  });

  test("mock off is an explicit choice: api.llm then does not answer with mock data", async () => {
    const workflow = miniWorkflow();
    const first = await execute({ workflow, target_step_id: TOPIC_STEP, target_module_name: "ask_topic", response: { value: "t" } }, options);
    const real = await execute(
      { workflow, virtual_db: first.result.virtual_db, target_step_id: TOPIC_STEP, target_module_name: "generate_ideas", mock: false },
      options,
    );
    assert.equal(real.status, "error");
    assert.equal(real.result.error_type, "execution_failed");
    assert.match(real.error!, /^Module 'api\.llm' failed: LLM API call failed: /);
    assert.equal(real.result.virtual_db, first.result.virtual_db);
    const mocked = await execute({ workflow, virtual_db: first.result.virtual_db, target_step_id: TOPIC_STEP, target_module_name: "generate_ideas" }, options);
    assert.equal(mocked.status, "completed");
    assert.equal(mocked.result.module_outputs?.model, "mock-preview");
  });
});
