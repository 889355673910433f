/**
 * queryStages (issue 15): each prefix of a transform.query pipeline over its resolved data, and a
 * db.query's find as stages over the DB; the last stage is the module's own result; failures stay on
 * their stage; write stages are never run.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import type { DbSnapshot } from "../../src/core/db";
import { MAX_PREVIEW_STAGES, queryStages } from "../../src/core/preview";
import { execute, VirtualSession } from "../../src/core/virtual";
import { ccDbUpTo, ccWorkflow } from "./cc-db";

const workflow = ccWorkflow();
const FLATTEN = { step_id: "scene_generation", module_name: "flatten_keywords" };

function withPipeline(pipeline: unknown[], data?: unknown): Record<string, any> {
  const copy = structuredClone(workflow);
  const module = copy.steps[1].modules[3];
  assert.equal(module.name, "flatten_keywords");
  module.inputs.pipeline = pipeline;
  if (data !== undefined) module.inputs.data = data;
  return copy;
}

describe("queryStages on transform.query", () => {
  let db: DbSnapshot;
  before(async () => {
    db = await ccDbUpTo(workflow, "scene_generation", "select_scene");
  });

  test("counts after each stage; the last stage's documents are the module's result (as the run stored it)", async () => {
    const session = VirtualSession.open(db);
    const result = await queryStages(session, workflow, FLATTEN, { sampleSize: 100 });
    assert.equal(result.error, undefined);
    assert.deepEqual(result.source, { kind: "input_data", count: 3 });
    assert.deepEqual(result.stages.map(({ stage, operator, count }) => ({ stage, operator, count })), [
      { stage: 0, operator: "$unwind", count: 9 },
      { stage: 1, operator: "$replaceRoot", count: 9 },
      { stage: 2, operator: "$addFields", count: 9 },
    ]);
    const state = session.repos.state.getModuleOutputs(session.findRunId()!);
    assert.deepEqual(result.stages.at(-1)!.sample, state.flattened_keywords);
    // The sample size is honoured; a stage's documents have no generated _id.
    const small = await queryStages(session, workflow, FLATTEN, { sampleSize: 2 });
    assert.equal(small.stages[0]!.sample.length, 2);
    assert.ok(small.stages.every((stage) => stage.sample.every((document) => !Object.hasOwn(document as object, "_id"))));
  });

  test("a failing stage carries its error; later stages are skipped, earlier ones counted", async () => {
    const session = VirtualSession.open(db);
    const result = await queryStages(session, withPipeline([{ $unwind: "$scene_keywords" }, { $bogus: 1 }, { $limit: 1 }]), FLATTEN);
    assert.equal(result.stages[0]!.count, 9);
    assert.equal(result.stages[1]!.count, null);
    assert.ok(result.stages[1]!.error);
    assert.match(result.stages[1]!.error!.message, /bogus/i);
    assert.equal(result.stages[2]!.count, null);
    assert.match(result.stages[2]!.skipped!, /stage 1 \(\$bogus\) failed/);
  });

  test("$out and $merge are reported, not run", async () => {
    const session = VirtualSession.open(db);
    const result = await queryStages(session, withPipeline([{ $limit: 2 }, { $out: "events" }]), FLATTEN);
    assert.deepEqual(result.stages.map((stage) => stage.count), [2, null]);
    assert.match(result.stages[1]!.skipped!, /\$out writes to a collection/);
  });

  test("empty data: the module's shortcut (no pipeline run) is said; bad data gives the module's own error", async () => {
    const session = VirtualSession.open(db);
    const empty = await queryStages(session, withPipeline([{ $count: "n" }], []), FLATTEN);
    assert.deepEqual(empty.stages.map((stage) => stage.count), [0]);
    assert.match(empty.note!, /empty data/);
    const notArray = await queryStages(session, withPipeline([{ $count: "n" }], "{{ state.pet_type_selection }}"), FLATTEN);
    assert.match(notArray.error!.message, /data must be an array, got dict/);
    const scalarItems = await queryStages(session, withPipeline([{ $count: "n" }], [1, 2]), FLATTEN);
    assert.match(scalarItems.error!.message, /document must be an instance of dict/);
  });

  test("a pipeline longer than the cap runs its first stages only", async () => {
    const session = VirtualSession.open(db);
    const result = await queryStages(session, withPipeline(Array.from({ length: MAX_PREVIEW_STAGES + 2 }, () => ({ $match: {} }))), FLATTEN, { sampleSize: 0 });
    assert.equal(result.stages.length, MAX_PREVIEW_STAGES + 2);
    assert.equal(result.stages[MAX_PREVIEW_STAGES - 1]!.count, 3);
    assert.equal(result.stages[MAX_PREVIEW_STAGES]!.count, null);
    assert.match(result.stages[MAX_PREVIEW_STAGES]!.skipped!, /over the preview/);
  });

  test("a stage over the DB's document cap fails there, reported (hostile pipelines stop at core/limits)", async () => {
    const session = VirtualSession.open(db);
    const result = await queryStages(session, withPipeline([{ $addFields: { r: { $range: [0, 1_000_000] } } }, { $unwind: "$r" }, { $count: "n" }]), FLATTEN);
    assert.equal(result.stages[0]!.count, 3);
    assert.equal(result.stages[1]!.count, null);
    assert.match(JSON.stringify(result.stages[1]!.error), /MAX_PIPELINE_DOCUMENTS|MAX_SEQUENCE_ITEMS|limit/);
    assert.ok(result.stages[2]!.skipped);
  });

  test("a module that is not a query is refused", async () => {
    const result = await queryStages(VirtualSession.open(db), workflow, { step_id: "scene_generation", module_name: "select_scene" });
    assert.equal(result.error?.error_type, "bad_request");
  });
});

describe("queryStages on db.query", () => {
  const queryWorkflow = {
    workflow_id: "q",
    steps: [
      {
        step_id: "s",
        modules: [
          {
            module_id: "db.query",
            name: "q",
            inputs: {
              resolver_schema: { type: "object", properties: { query: { resolver: "server" } } },
              table_schema: "prompts",
              query: { filter: { tag: "{{ 'cat' }}", score: { $gte: 2 } }, fields: ["title", "score"], sort: { score: -1 }, limit: 2 },
            },
          },
        ],
      },
    ],
  };

  function seeded(): VirtualSession {
    const session = VirtualSession.open(null);
    session.db.collection("config").insertMany([
      { type: "db.query", name: "query_schema", value: { allowed_operators: ["$gte", "$eq"], blocked_operators: ["$where"], default_limit: 10, max_limit: 100 } },
      { type: "db.table_schema", name: "prompts", value: { collection: "saved_prompts", queryable_fields: ["title", "score", "tag"], filterable_fields: ["title", "score", "tag"] } },
    ]);
    session.db.collection("saved_prompts").insertMany([
      { title: "a", score: 3, tag: "cat" },
      { title: "b", score: 1, tag: "cat" },
      { title: "c", score: 2, tag: "cat" },
      { title: "d", score: 5, tag: "cat" },
      { title: "e", score: 9, tag: "dog" },
    ]);
    return session;
  }

  test("its find as $match → $sort → $limit → $project over the collection; the last stage is what the module returns", async () => {
    const session = seeded();
    const before = session.exportBlob();
    const result = await queryStages(session, queryWorkflow, { step_id: "s", module_name: "q" }, { sampleSize: 10 });
    assert.equal(result.error, undefined, JSON.stringify(result.error));
    assert.deepEqual(result.source, { kind: "collection", name: "saved_prompts", count: 5 });
    assert.deepEqual(result.pipeline[0], { $match: { tag: "cat", score: { $gte: 2 } } });
    assert.deepEqual(result.stages.map(({ operator, count }) => [operator, count]), [["$match", 3], ["$sort", 3], ["$limit", 2], ["$project", 2]]);
    assert.equal(session.exportBlob(), before);

    const real = await execute({ workflow: queryWorkflow, virtual_db: session.exportSnapshot(), target_step_id: "s", target_module_name: "q", mock: false, db_format: "none" });
    assert.equal(real.status, "completed", real.error);
    assert.deepEqual(result.stages.at(-1)!.sample, (real.result.module_outputs as { results: unknown[] }).results);
  });

  test("the module's own checks fail the whole query (no stage runs)", async () => {
    const session = seeded();
    const bad = structuredClone(queryWorkflow);
    (bad.steps[0]!.modules[0]!.inputs.query as Record<string, unknown>).fields = ["secret"];
    const result = await queryStages(session, bad, { step_id: "s", module_name: "q" });
    assert.match(result.error!.message, /Field 'secret' is not queryable/);
    assert.deepEqual(result.stages, []);
  });

  test("a collection that does not exist is empty, and is not created", async () => {
    const session = seeded();
    session.db.dropCollection("saved_prompts");
    const result = await queryStages(session, queryWorkflow, { step_id: "s", module_name: "q" });
    assert.deepEqual(result.stages.map((stage) => stage.count), [0, 0, 0, 0]);
    assert.ok(!session.db.collectionNames().includes("saved_prompts"));
  });
});
