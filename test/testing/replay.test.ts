/**
 * src/core/testing in-process: structural diffs and ignore paths; the test file's shape; recording a
 * run with a retry (a module answered twice, an LLM module called twice) and replaying it; ignore
 * paths; module mode from a seed; pins; the one module insides a replay relies on.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { exportJsonText } from "../../src/core/db";
import { MediaGenerateV2Module } from "../../src/core/modules/media/generate-v2";
import {
  applyPins,
  diffJson,
  formatTestFile,
  ignoreMatches,
  parseIgnorePattern,
  parseTestFile,
  PINNED_MODULE_ID,
  recordTest,
  replayTest,
  updateExpectations,
  type WfvTest,
} from "../../src/core/testing";
import { VirtualSession } from "../../src/core/virtual";
import { miniWorkflow, SHAPE_STEP, TOPIC_STEP } from "../engine/fixtures";

describe("diff and ignore paths", () => {
  test("differences carry their path, expected and actual; key order never counts", () => {
    const differences = diffJson({ a: { b: [1, 2], c: "x" }, d: 1 }, { d: 1, a: { c: "y", b: [1] }, e: true });
    assert.deepEqual(differences, [
      { path: ["a", "b", 1], expected: 2 },
      { path: ["a", "c"], expected: "x", actual: "y" },
      { path: ["e"], actual: true },
    ]);
  });

  test("ignore patterns: keys, indices, quoted keys, * and ..", () => {
    const matches = (pattern: string, path: (string | number)[]) => ignoreMatches(parseIgnorePattern(pattern), path);
    assert.ok(matches("$.module_outputs.id", ["module_outputs", "id"]));
    assert.ok(matches("$.module_outputs.id", ["module_outputs", "id", "deeper"]), "a match covers what is below");
    assert.ok(!matches("$.module_outputs.id", ["module_outputs", "other"]));
    assert.ok(matches("$.module_outputs.items[*].id", ["module_outputs", "items", 3, "id"]));
    assert.ok(matches('$["module_outputs"]["a.b"]', ["module_outputs", "a.b"]));
    assert.ok(matches("$..created_at", ["state", "x", 0, "created_at"]));
    assert.ok(matches("module_outputs.*", ["module_outputs", "z"]), "the leading $ may be left out");
    assert.throws(() => parseIgnorePattern("$.a[b"), /is not a JSON path/);
  });
});

const target = (step_id: string, module_name: string) => ({ step_id, module_name });

/** The mini workflow run with a retry at pick_idea: ask_topic answered, pick_idea answered twice (retry, then a pick), generate_ideas called twice. */
async function runWithRetry(): Promise<{ db: string; workflow: Record<string, any> }> {
  const workflow = miniWorkflow();
  const session = VirtualSession.open(null);
  const pick = target(TOPIC_STEP, "pick_idea");
  let response = await session.runUpTo(workflow, pick, null, { answers: { [`${TOPIC_STEP}/ask_topic`]: { value: "otters" } } });
  assert.equal(response.status, "awaiting_input");
  response = await session.runModule(workflow, pick, { retry_requested: true, retry_feedback: "again" });
  assert.equal(response.status, "awaiting_input", response.message);
  response = await session.runModule(workflow, pick, { selected_indices: [["ideas", 1]] } as never);
  assert.notEqual(response.status, "error", response.message);
  response = await session.runUpTo(workflow, target(SHAPE_STEP, "confirm"), null, {});
  assert.equal(response.status, "awaiting_input");
  response = await session.runModule(workflow, target(SHAPE_STEP, "confirm"), { value: "yes" });
  assert.notEqual(response.status, "error", response.message);
  return { db: session.exportBlob(), workflow };
}

describe("record and replay", () => {
  test("a run with a retry: answers keep their order, both LLM calls are recorded, the replay passes", async () => {
    const { db, workflow } = await runWithRetry();
    const recorded = await recordTest({ workflow, workflowRef: "workflow.json", db, target: target(SHAPE_STEP, "confirm") });
    const { test: saved } = recorded;
    assert.equal(recorded.text, formatTestFile(saved));
    assert.equal(saved.answers[`${TOPIC_STEP}/pick_idea`].length, 2, "pick_idea was answered twice");
    assert.equal((saved.answers[`${TOPIC_STEP}/pick_idea`] as any)[0].retry_requested, true);
    assert.equal(saved.recordings[`${TOPIC_STEP}/generate_ideas`].length, 2);
    assert.match(String((saved.recordings[`${TOPIC_STEP}/generate_ideas`][1].request as any).input), /Ideas about otters/);
    assert.ok(saved.expect[`${SHAPE_STEP}/confirm`], "the answered target is expected");

    const replay = await replayTest({ test: parseTestFile(recorded.text), workflow });
    assert.equal(replay.passed, true, JSON.stringify(replay.failures));
    assert.deepEqual(replay.ran.filter((key) => key.endsWith("generate_ideas")).length, 2);

    // One answer fewer: the replay stops where the test has no answer left, and says so.
    const fewer: WfvTest = { ...saved, answers: { ...saved.answers, [`${TOPIC_STEP}/pick_idea`]: (saved.answers[`${TOPIC_STEP}/pick_idea`] as any[]).slice(0, 1) } };
    const stopped = await replayTest({ test: fewer, workflow });
    assert.equal(stopped.passed, false);
    assert.match(stopped.failures[0].message, /stopped at ideas\/pick_idea, which asked for input more often than the test has answers for \(1\)/);
  });

  test("an output that changes fails its module; an ignore path leaves it out; --update takes the actual run", async () => {
    const { db, workflow } = await runWithRetry();
    const { test: saved } = await recordTest({ workflow, workflowRef: "workflow.json", db, target: target(SHAPE_STEP, "confirm") });
    const changed = miniWorkflow();
    changed.steps[1].modules[1].inputs.prompt = "Really keep {{ state.titles[0].title }}?";
    const unchanged = await replayTest({ test: saved, workflow: changed });
    assert.equal(unchanged.passed, true, "the prompt is not an output: nothing the test expects changed");

    const renamed = miniWorkflow();
    renamed.steps[1].modules[0].inputs.pipeline = [{ $project: { title: 1, extra: "x" } }];
    const outputs = await replayTest({ test: saved, workflow: renamed });
    const titles = outputs.modules.find((module) => module.key === `${SHAPE_STEP}/titles`)!;
    assert.equal(titles.passed, false);
    assert.ok(titles.failures[0].differences!.some((difference) => difference.path.join(".").startsWith("module_outputs.result.0.extra")));

    const ignoring: WfvTest = { ...saved, expect: { ...saved.expect, [`${SHAPE_STEP}/titles`]: { ...saved.expect[`${SHAPE_STEP}/titles`], ignore: ["$..extra"] } } };
    assert.equal((await replayTest({ test: ignoring, workflow: renamed })).modules.find((module) => module.key === `${SHAPE_STEP}/titles`)!.passed, true);

    const updated = updateExpectations(saved, outputs);
    assert.ok(updated);
    assert.equal((await replayTest({ test: updated, workflow: renamed })).passed, true);
  });

  test("module mode from a seed: only the target, from the seed's state; a seed written as readable JSON", async () => {
    const { db, workflow } = await runWithRetry();
    // The seed: the run up to (not including) titles' second pass; here simply the whole run, and the target run again.
    const seed = exportJsonText(VirtualSession.open(db).db);
    assert.match(seed, /"\$date"/, "the seed is readable JSON with {$date} values");
    const session = VirtualSession.open(seed);
    const ran = await session.runModule(workflow, target(SHAPE_STEP, "titles"), null);
    assert.notEqual(ran.status, "error", ran.message);
    const recorded = await recordTest({
      workflow,
      workflowRef: "workflow.json",
      db: session.exportBlob(),
      target: target(SHAPE_STEP, "titles"),
      mode: "module",
      seed: { ref: "run.seed.json", db: seed },
    });
    assert.equal(recorded.test.seed, "run.seed.json");
    assert.deepEqual(Object.keys(recorded.test.expect), [`${SHAPE_STEP}/titles`]);
    assert.deepEqual(recorded.test.answers, {});
    const replay = await replayTest({ test: recorded.test, workflow, seed });
    assert.equal(replay.passed, true, JSON.stringify(replay.failures));
  });

  test("pins: applyPins swaps the module for the wfv.pinned stand-in; the replay uses the pinned outputs", async () => {
    const workflow = miniWorkflow();
    const pins = { [`${TOPIC_STEP}/generate_ideas`]: { module_outputs: { response: { ideas: [{ title: "Pinned idea" }] } } } };
    const pinned = applyPins(workflow, { ...pins, "nope/missing": { module_outputs: {} } });
    assert.deepEqual(pinned.applied, [`${TOPIC_STEP}/generate_ideas`]);
    assert.deepEqual(pinned.unmatched, ["nope/missing"]);
    const stand = (pinned.workflow as any).steps[0].modules[1];
    assert.equal(stand.module_id, PINNED_MODULE_ID);
    assert.deepEqual(stand.outputs_to_state, { response: "ideas" });
    assert.equal(workflow.steps[0].modules[1].module_id, "api.llm", "the given workflow is left as it was");

    const test: WfvTest = parseTestFile(
      JSON.stringify({
        workflow: "workflow.json",
        target: target(TOPIC_STEP, "pick_idea"),
        answers: { [`${TOPIC_STEP}/ask_topic`]: { value: "otters" } },
        pins,
        expect: {},
      }),
    );
    const replay = await replayTest({ test, workflow });
    assert.equal(replay.passed, true, JSON.stringify(replay.failures));
    assert.deepEqual(replay.actual[`${TOPIC_STEP}/generate_ideas`].state, { ideas: { ideas: [{ title: "Pinned idea" }] } });
    assert.equal(replay.modules.length, 0);
  });

  test("media.generateV2 still has the prompt call a replay answers", () => {
    assert.equal(typeof (MediaGenerateV2Module.prototype as any).generatePrompts, "function");
  });
});
