/**
 * core/preview's module context and one-input render (issue 15): the inputs a preview resolves are the
 * ones the engine resolved in a real run (an interaction event's `_resolved_inputs`), input failures
 * carry their position, and nothing a preview does changes the DB, byte for byte.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import type { DbSnapshot } from "../../src/core/db";
import { isResolvedAt, moduleBoundaries, moduleContext, previewTemplate, queryStages, renderModuleInput, templateUses } from "../../src/core/preview";
import { resolveWorkflowFile } from "../../src/cli/workspace-files";
import { ccWorkflowPath } from "../helpers/paths";
import { EventType } from "../../src/core/repositories";
import { resolveString } from "../../src/core/template";
import { VirtualSession } from "../../src/core/virtual";
import { ccDbUpTo, ccWorkflow } from "./cc-db";

const workflow = ccWorkflow();
const SELECT_SCENE = { step_id: "scene_generation", module_name: "select_scene" };
const IMAGES = { step_id: "image_prompts", module_name: "generate_and_select_images_v2" };

function resolvedInputsOfRequest(session: VirtualSession, target: { step_id: string; module_name: string }): unknown {
  const runId = session.findRunId()!;
  const requests = session.repos.events
    .getLineageEvents(runId, { eventType: EventType.INTERACTION_REQUESTED })
    .filter((event) => event.step_id === target.step_id && event.module_name === target.module_name);
  assert.equal(requests.length, 1);
  // media.generateV2 keeps its generated prompts in the very object the engine stored (generate-v2.ts).
  const { _generated_prompts: _added, ...resolved } = requests[0]!.data._resolved_inputs as Record<string, unknown>;
  return resolved;
}

describe("moduleContext", () => {
  let atScene: DbSnapshot;
  let atImages: DbSnapshot;
  before(async () => {
    atScene = await ccDbUpTo(workflow, SELECT_SCENE.step_id, SELECT_SCENE.module_name);
    atImages = await ccDbUpTo(workflow, IMAGES.step_id, IMAGES.module_name);
  });

  test("the inputs equal what the engine resolved for the module in a real run (_resolved_inputs of its interaction)", async () => {
    for (const [db, target] of [[atScene, SELECT_SCENE], [atImages, IMAGES]] as const) {
      const session = VirtualSession.open(db);
      const context = await moduleContext(session, workflow, target);
      assert.equal(context.inputsError, undefined);
      assert.deepEqual(context.inputs, resolvedInputsOfRequest(session, target));
      assert.equal(context.module_id, target === IMAGES ? "media.generateV2" : "user.select");
      assert.equal(context.workflow_run_id, session.findRunId());
    }
  });

  test("state, step and config are the engine's: the DB's module outputs and state-mapped keys, the step's definition, the workflow's config", async () => {
    const session = VirtualSession.open(atScene);
    const context = await moduleContext(session, workflow, SELECT_SCENE);
    assert.deepEqual(context.state, session.repos.state.getModuleOutputs(session.findRunId()!));
    assert.equal(context.state.pet_type_selection && typeof context.state.pet_type_selection, "object");
    const step = workflow.steps.find((candidate: { step_id: string }) => candidate.step_id === "scene_generation");
    assert.deepEqual(context.step, step);
    assert.deepEqual(context.config, workflow.config ?? {});
    assert.equal(context.module_index, step.modules.findIndex((module: { name: string }) => module.name === "select_scene"));
  });

  test("a fresh DB gives an empty state; a missing step or module rejects with the engine's error", async () => {
    const session = VirtualSession.open(null);
    const context = await moduleContext(session, workflow, SELECT_SCENE);
    assert.deepEqual(context.state, {});
    assert.equal(context.workflow_run_id, null);
    await assert.rejects(moduleContext(session, workflow, { step_id: "nope", module_name: "x" }), { errorType: "step_not_found" });
    await assert.rejects(moduleContext(session, workflow, { step_id: "scene_generation", module_name: "x" }), { errorType: "module_not_found" });
    await assert.rejects(moduleContext(session, { steps: "no" }, SELECT_SCENE), { errorType: "workflow_invalid" });
  });

  test("module boundaries: the state right after an earlier module_completed", async () => {
    const session = VirtualSession.open(atScene);
    const boundaries = await moduleBoundaries(session);
    assert.deepEqual(boundaries.slice(0, 2).map((boundary) => boundary.module_name), ["select_pet_type", "select_aesthetic"]);
    const first = await moduleContext(session, workflow, SELECT_SCENE, { atEventId: boundaries[0]!.event_id });
    assert.ok("pet_type_selection" in first.state);
    assert.ok(!("aesthetic_selection" in first.state));
    assert.ok(!("scene_concepts" in first.state));
    await assert.rejects(moduleContext(session, workflow, SELECT_SCENE, { atEventId: "nope" }), { errorType: "bad_request" });
  });

  test("previewing the $ref'd prompt's text renders what the engine resolves for that input", async () => {
    const summary = { step_id: "workflow_summary", module_name: "format_summary" };
    const session = VirtualSession.open(atImages);
    const when = new Date(2026, 1, 14, 9, 5, 7);
    const context = await moduleContext(session, workflow, summary, { now: () => when });
    const promptText = workflow.steps.at(-1).modules[0].inputs.template as string;
    const rendered = await renderModuleInput(session, workflow, summary, "template", { now: () => when });
    assert.ok(rendered.ok);
    const preview = previewTemplate(promptText, context);
    assert.equal(preview.text, rendered.value);
    assert.equal(preview.text, resolveString(promptText, { state: context.state, step: context.step, config: context.config, now: () => when }));
    assert.match(preview.text, /Generated: 2026-02-14 09:05:07/);
    // Steps not run yet: their values are undefined, and marked.
    assert.ok(preview.undefinedSpans.some((span) => span.name === "state.duration_selection.video_duration"));
  });
});

describe("renderModuleInput", () => {
  let atScene: DbSnapshot;
  before(async () => {
    atScene = await ccDbUpTo(workflow, SELECT_SCENE.step_id, SELECT_SCENE.module_name);
  });
  const flatten = { step_id: "scene_generation", module_name: "flatten_keywords" };

  test("a server input is resolved with the module's context; a client (unmarked) one stays raw", async () => {
    const session = VirtualSession.open(atScene);
    const data = await renderModuleInput(session, workflow, flatten, "data");
    assert.deepEqual(data, { ok: true, value: (session.repos.state.getModuleOutputs(session.findRunId()!) as Record<string, any>).scene_concepts.scenes, resolved: true });
    const pipeline = await renderModuleInput(session, workflow, flatten, "pipeline");
    assert.ok(pipeline.ok);
    assert.equal(pipeline.resolved, false);
    assert.deepEqual(pipeline.value, workflow.steps[1].modules[3].inputs.pipeline);
  });

  test("a failing template: resolution_failed with its line and column; an unknown input names the ones there are", async () => {
    const broken = structuredClone(workflow);
    broken.steps[1].modules[3].inputs.data = "{{ state.scene_concepts.scenes\n  + }}";
    const session = VirtualSession.open(atScene);
    const result = await renderModuleInput(session, broken, flatten, "data");
    assert.equal(result.ok, false);
    assert.ok(!result.ok);
    assert.equal(result.error.error_type, "resolution_failed");
    assert.equal(result.error.line, 2);
    assert.equal(typeof result.error.column, "number");
    assert.equal(result.error.details.input_path, "inputs.data");
    // The whole context reports it too, and keeps the rest of the context.
    const context = await moduleContext(session, broken, flatten);
    assert.equal(context.inputs, null);
    assert.equal(context.inputsError?.error_type, "resolution_failed");
    assert.ok("scene_concepts" in context.state);

    const unknown = await renderModuleInput(session, workflow, flatten, "nope");
    assert.ok(!unknown.ok);
    assert.deepEqual(unknown.error.details.available_inputs, ["data", "pipeline"]);
  });
});

describe("read-only", () => {
  test("every preview call leaves the DB exactly as it was (the exported blob, byte for byte)", async () => {
    const db = await ccDbUpTo(workflow, SELECT_SCENE.step_id, SELECT_SCENE.module_name);
    const session = VirtualSession.open(db);
    const before = session.exportBlob();
    const snapshotBefore = JSON.stringify(session.exportSnapshot());
    const context = await moduleContext(session, workflow, SELECT_SCENE);
    await moduleBoundaries(session);
    await renderModuleInput(session, workflow, SELECT_SCENE, "data");
    previewTemplate("{{ state.pet_type_selection.label }} {{ state.nope }}", context);
    await queryStages(session, workflow, { step_id: "scene_generation", module_name: "flatten_keywords" });
    const writing = structuredClone(workflow);
    writing.steps[1].modules[3].inputs.pipeline = [{ $match: {} }, { $out: "events" }, { $merge: { into: "workflow_runs" } }];
    const stages = await queryStages(session, writing, { step_id: "scene_generation", module_name: "flatten_keywords" });
    assert.deepEqual(stages.stages.map((stage) => stage.count), [3, null, null]);
    assert.equal(session.exportBlob(), before);
    assert.equal(JSON.stringify(session.exportSnapshot()), snapshotBefore);
  });
});

describe("templateUses", () => {
  test("a $ref'd prompt file names the module inputs it became; other files none", () => {
    const source = resolveWorkflowFile(ccWorkflowPath);
    assert.deepEqual(templateUses(source, "steps/10_workflow_summary/prompts/cc_workflow_summary.txt"), [
      { step_id: "workflow_summary", module_name: "format_summary", input_name: "template", input_path: ["template"], ref_type: "jinja2" },
    ]);
    const nested = source.sources.find((ref) => ref.type !== "json" && ref.path.length > 6 && ref.path[4] === "inputs");
    assert.ok(nested, "cc has a prompt $ref'd below an input's top level");
    const [use] = templateUses(source, nested.file).filter((candidate) => candidate.input_path.length > 1);
    assert.ok(use);
    assert.deepEqual(use.input_path, nested.path.slice(5));
    assert.deepEqual(templateUses(source, "steps/10_workflow_summary/step.json"), []);
    assert.deepEqual(templateUses(source, "nope.txt"), []);
  });
});

describe("isResolvedAt", () => {
  test("the engine's resolver_schema rules, nested schemas included, for any string below the inputs", () => {
    assert.equal(isResolvedAt(workflow, { step_id: "workflow_summary", module_name: "format_summary" }, ["template"]), true);
    const flatten = { step_id: "scene_generation", module_name: "flatten_keywords" };
    assert.equal(isResolvedAt(workflow, flatten, ["data"]), true);
    assert.equal(isResolvedAt(workflow, flatten, ["pipeline"]), false);
    assert.equal(isResolvedAt(workflow, flatten, ["pipeline", 0, "$unwind"]), false);
    assert.equal(isResolvedAt(workflow, flatten, ["nope"]), false);

    const nested = {
      workflow_id: "n",
      steps: [{ step_id: "s", modules: [{ module_id: "transform.query", name: "m", inputs: {
        resolver_schema: { type: "object", properties: { a: { resolver: "server" } } },
        a: { resolver_schema: { type: "object", properties: { raw: { resolver: "client" } } }, raw: "{{ 1 }}", x: ["{{ 1 }}"] },
        b: { resolver_schema: { type: "object", properties: { y: { resolver: "server" } } }, y: "{{ 1 }}" },
      } }] }],
    };
    const target = { step_id: "s", module_name: "m" };
    assert.equal(isResolvedAt(nested, target, ["a", "x", 0]), true);
    assert.equal(isResolvedAt(nested, target, ["a", "raw"]), false);
    // Under a key the top schema leaves unmarked, the engine never reads the nested schema.
    assert.equal(isResolvedAt(nested, target, ["b", "y"]), false);
  });
});
