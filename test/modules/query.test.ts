import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { generateMockFromSchema } from "../../src/core/mock";
import { getModule, ModuleExecutionError, validateInputs, type ExecutableModule } from "../../src/core/modules";
import { oracleAvailable, runOracle } from "../helpers/oracle";
import { ccModule, createTestContext, resolvedInputs } from "./helpers";

function query(): ExecutableModule {
  return getModule("transform.query") as ExecutableModule;
}

async function run(data: unknown, pipeline: unknown) {
  const made = createTestContext();
  return query().execute({ data, pipeline }, made.context);
}

function failsWith(reason: string) {
  return (error: unknown) =>
    error instanceof ModuleExecutionError && error.message === `Module 'transform.query' failed: ${reason}` && error.reason === reason;
}

/** What mongomock gives for the same data and pipeline, with the module's `_id` stripping. */
function oracleAggregate(data: unknown[], pipeline: unknown[]): unknown {
  const [, answer] = runOracle("mongo_oracle.py", [
    { op: "insert", collection: "q", documents: data },
    { op: "aggregate", collection: "q", pipeline },
  ]) as Array<{ result?: Array<Record<string, unknown>>; error?: string }>;
  if (answer.error !== undefined) return { error: answer.error };
  return answer.result!.map(({ _id: _ignored, ...rest }) => rest);
}

const people = [
  { name: "Alice", score: 85, dept: "eng" },
  { name: "Bob", score: 45, dept: "eng" },
  { name: "Carol", score: 92, dept: "sales" },
];

describe("transform.query (modules.md 2.17)", () => {
  test("runs the pipeline and strips the top-level _id", async () => {
    const out = await run(people, [{ $match: { score: { $gte: 50 } } }, { $project: { name: 1, score: 1 } }]);
    assert.deepEqual(out, { result: [{ name: "Alice", score: 85 }, { name: "Carol", score: 92 }] });
  });

  test("$group keys are stripped too", async () => {
    const out = await run(people, [{ $group: { _id: "$dept", n: { $sum: 1 } } }, { $sort: { n: -1 } }]);
    assert.deepEqual(out.result, [{ n: 2 }, { n: 1 }]);
  });

  test("nested _id fields stay", async () => {
    const out = await run([{ _id: 7, inner: { _id: 1 } }], []);
    assert.deepEqual(out.result, [{ inner: { _id: 1 } }]);
  });

  test("empty data returns [] without running the pipeline", async () => {
    assert.deepEqual(await run([], [{ $count: "n" }]), { result: [] });
    assert.deepEqual(await run([], [{ $bogus: 1 }]), { result: [] });
  });

  test("the caller's data is not modified", async () => {
    const data = structuredClone(people);
    await run(data, [{ $addFields: { extra: 1 } }, { $unset: "name" }]);
    assert.deepEqual(data, people);
  });

  test("input errors", async () => {
    await assert.rejects(run(null, []), failsWith("data is required"));
    await assert.rejects(run({ a: 1 }, []), failsWith("data must be an array, got dict"));
    await assert.rejects(run("text", []), failsWith("data must be an array, got str"));
    await assert.rejects(run([{ a: 1 }], null), failsWith("pipeline is required"));
    await assert.rejects(run([{ a: 1 }], { $match: {} }), failsWith("pipeline must be an array, got dict"));
  });

  test("pipeline failures are wrapped as Pipeline execution failed", async () => {
    await assert.rejects(run([{ a: 1 }], [{ $noSuchStage: {} }]), (error: unknown) => {
      return error instanceof ModuleExecutionError && error.reason.startsWith("Pipeline execution failed: ");
    });
  });

  test("items must be objects; duplicate user _ids fail like mongomock's DuplicateKeyError", async () => {
    await assert.rejects(run([{ a: 1 }, 2], []), (error: unknown) => error instanceof ModuleExecutionError && /Pipeline execution failed: /.test(error.reason));
    await assert.rejects(run([{ _id: 1 }, { _id: 1 }], []), (error: unknown) => error instanceof ModuleExecutionError && /duplicate key/.test(error.reason));
  });

  test("both inputs are required keys", () => {
    assert.deepEqual(validateInputs(query(), { data: [] }), { ok: false, inputName: "pipeline", message: "Required input 'pipeline' missing" });
  });
});

describe("transform.query on the cc workflow's modules", () => {
  const scenes = (generateMockFromSchema(ccModule("generate_scenes").inputs.output_schema) as { scenes: Array<Record<string, unknown>> }).scenes;

  test("flatten_keywords: every scene keyword, tagged generated", async () => {
    const made = createTestContext();
    const out = await query().execute(resolvedInputs(ccModule("flatten_keywords"), { data: scenes }), made.context);
    const expected = scenes.flatMap((scene) => (scene.scene_keywords as Array<Record<string, unknown>>).map((kw) => ({ ...kw, source: "generated" })));
    assert.deepEqual(out.result, expected);
  });

  test("extract_selected_keywords: the selected scene's keywords, tagged selected", async () => {
    const made = createTestContext();
    const inputs = resolvedInputs(ccModule("extract_selected_keywords"), { data: [{ scene: scenes[1] }] });
    const out = await query().execute(inputs, made.context);
    const expected = (scenes[1].scene_keywords as Array<Record<string, unknown>>).map((kw) => ({ ...kw, source: "selected" }));
    assert.deepEqual(out.result, expected);
  });

  test("same results as mongomock (the original's engine) for the cc and sample pipelines", { skip: !oracleAvailable("mongomock") }, async () => {
    const cases: Array<[unknown[], unknown[]]> = [
      [scenes, ccModule("flatten_keywords").inputs.pipeline as unknown[]],
      [[{ scene: scenes[0] }], ccModule("extract_selected_keywords").inputs.pipeline as unknown[]],
      [people, [{ $match: { score: { $gte: 50 } } }, { $project: { _id: 0, name: 1, score: 1 } }]],
      [people, [{ $group: { _id: "$dept", total: { $sum: "$score" } } }, { $sort: { total: 1 } }]],
      [people, [{ $sort: { score: -1 } }, { $limit: 2 }, { $count: "n" }]],
    ];
    for (const [data, pipeline] of cases) {
      const out = await run(data, pipeline);
      assert.deepEqual(out.result, oracleAggregate(data, pipeline), JSON.stringify(pipeline));
    }
  });
});
