import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { getModule, ModuleExecutionError, type ExecutableModule } from "../../src/core/modules";
import { createTestContext, TEMPLATE_ID } from "./helpers";

function dbQuery(): ExecutableModule {
  return getModule("db.query") as ExecutableModule;
}

/** The intended config (modules.md 2.8) and a `prompts` table scoped to the template by context. */
function seeded(options: { mockMode?: boolean; state?: Record<string, unknown> } = {}) {
  const test = createTestContext({ mockMode: options.mockMode ?? false, state: options.state });
  const config = test.db.collection("config");
  config.insertOne({
    type: "db.query",
    name: "query_schema",
    value: {
      allowed_operators: ["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$exists", "$and", "$or", "$not", "$dateSubtract"],
      blocked_operators: ["$where", "$function", "$accumulator", "$expr"],
      max_limit: 3,
      default_limit: 2,
    },
  });
  config.insertOne({
    type: "db.table_schema",
    name: "prompts",
    value: {
      collection: "saved_prompts",
      context_filters: { workflow_template_id: "$context.workflow_template_id" },
      queryable_fields: ["title", "score", "tag"],
      filterable_fields: ["title", "score", "tag", "created"],
    },
  });
  config.insertOne({ type: "db.table_schema", name: "other", value: { collection: "x", queryable_fields: [], filterable_fields: [] } });
  test.db.collection("saved_prompts").insertMany([
    { workflow_template_id: TEMPLATE_ID, title: "a", score: 3, tag: "cat" },
    { workflow_template_id: TEMPLATE_ID, title: "b", score: 1, tag: "dog" },
    { workflow_template_id: TEMPLATE_ID, title: "c", score: 2, tag: "cat" },
    { workflow_template_id: TEMPLATE_ID, title: "d", score: 5, tag: "cat" },
    { workflow_template_id: "tpl_other", title: "z", score: 9, tag: "cat" },
  ]);
  return test;
}

async function reason(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ModuleExecutionError, String(error));
    return error.reason;
  }
  assert.fail("expected a failure");
}

describe("db.query (modules.md 2.8)", () => {
  test("mock mode: two fixed rows with lorem titles, deterministic, no DB access", async () => {
    const { context, db } = createTestContext({ mockMode: true });
    const out = await dbQuery().execute({ table_schema: "none", query: {} }, context);
    assert.equal(out.count, 2);
    const results = out.results as Array<{ _id: string; title: string }>;
    assert.deepEqual(results.map((row) => row._id), ["mock-001", "mock-002"]);
    for (const row of results) assert.match(row.title, /^[A-Z].*[.?]$/);
    assert.deepEqual(await dbQuery().execute({ table_schema: "x", query: {} }, createTestContext().context), out);
    assert.deepEqual(db.collectionNames(), []);
  });

  test("find with projection, sort, limit and the context filter (other templates never leak)", async () => {
    const { context } = seeded();
    const out = await dbQuery().execute({ table_schema: "prompts", query: { filter: { tag: "cat" }, fields: ["title", "score"], sort: { score: -1 }, limit: 10 } }, context);
    // limit 10 is capped at max_limit 3.
    assert.deepEqual(out, { results: [{ title: "d", score: 5 }, { title: "a", score: 3 }, { title: "c", score: 2 }], count: 3 });
  });

  test("default limit when none is given; limit 0 means no limit", async () => {
    const { context } = seeded();
    const defaulted = await dbQuery().execute({ table_schema: "prompts", query: { fields: ["title"], sort: { title: 1 } } }, context);
    assert.deepEqual(defaulted.results, [{ title: "a" }, { title: "b" }]);
    const unlimited = await dbQuery().execute({ table_schema: "prompts", query: { fields: ["title"], limit: 0 } }, context);
    assert.equal(unlimited.count, 4);
  });

  test("variables: $state.x, $input.x, $context.x substituted after validation", async () => {
    const { context } = seeded({ state: { wanted: "dog" } });
    const byState = await dbQuery().execute({ table_schema: "prompts", query: { filter: { tag: "$state.wanted" }, fields: ["title"] } }, context);
    assert.deepEqual(byState.results, [{ title: "b" }]);
    const byInput = await dbQuery().execute({ table_schema: "prompts", query: { filter: { title: "$input.pick" }, fields: ["title"] }, pick: "c" }, context);
    assert.deepEqual(byInput.results, [{ title: "c" }]);
    const byOperator = await dbQuery().execute({ table_schema: "prompts", query: { filter: { score: { $gte: 3 } }, fields: ["title"], sort: { title: 1 } } }, context);
    assert.deepEqual(byOperator.results, [{ title: "a" }, { title: "d" }]);
  });

  test("setup errors: missing table_schema, no query schema, unknown table, no fields", async () => {
    assert.equal(await reason(dbQuery().execute({ table_schema: "", query: {} }, seeded().context)), "Missing required input: table_schema");
    const bare = createTestContext({ mockMode: false });
    assert.equal(
      await reason(dbQuery().execute({ table_schema: "prompts", query: { fields: ["title"] } }, bare.context)),
      "Query schema not found in config. Run seed_config.py to initialize.",
    );
    assert.equal(await reason(dbQuery().execute({ table_schema: "nope", query: { fields: ["title"] } }, seeded().context)), "Table schema 'nope' not found. Available tables: prompts, other");
    bare.db.collection("config").insertOne({ type: "db.query", name: "query_schema", value: { allowed_operators: [] } });
    assert.equal(await reason(dbQuery().execute({ table_schema: "nope", query: { fields: ["a"] } }, bare.context)), "Table schema 'nope' not found. Available tables: none");
    assert.equal(await reason(dbQuery().execute({ table_schema: "prompts", query: { fields: [] } }, seeded().context)), "query.fields is required - specify which fields to return");
  });

  test("operator checks: blocked and unknown operators with their paths", async () => {
    const { context } = seeded();
    assert.equal(
      await reason(dbQuery().execute({ table_schema: "prompts", query: { filter: { $where: "1" }, fields: ["title"] } }, context)),
      "Operator '$where' is blocked for security reasons at filter.$where. This operator can execute arbitrary code.",
    );
    assert.equal(
      await reason(dbQuery().execute({ table_schema: "prompts", query: { filter: { $or: [{ tag: "cat" }, { score: { $regex: "x" } }] }, fields: ["title"] } }, context)),
      "Unknown operator '$regex' at filter.$or[1].score.$regex. Allowed operators: $and, $dateSubtract, $eq, $exists, $gt, $gte, $in, $lt, $lte, $ne, $nin, $not, $or",
    );
  });

  test("field checks: injected fields, unfilterable fields, field references", async () => {
    const { context } = seeded();
    const run = (filter: unknown, fields = ["title"]) => reason(dbQuery().execute({ table_schema: "prompts", query: { filter, fields } }, context));
    assert.equal(await run({ workflow_template_id: "tpl_other" }), "Field 'workflow_template_id' cannot be used in filter. This field is automatically injected from context.");
    assert.equal(await run({ secret: 1 }), "Field 'secret' is not filterable. Filterable fields: created, score, tag, title");
    assert.equal(await run({ tag: { $in: ["$state.x"] } }), "Field reference '$state.x' at tag.$in[0] is not allowed. Allowed fields: created, score, tag, title");
    assert.equal(await run({ tag: { $in: ["$workflow_template_id"] } }), "Field reference '$workflow_template_id' at tag.$in[0] cannot be used. This field is automatically injected from context.");
    // Parameter operators: their keys are parameters; `$$NOW` is allowed, `$field` references are checked.
    // `$$` system variables pass the reference check (here a literal that matches nothing).
    const systemVariable = await dbQuery().execute({ table_schema: "prompts", query: { filter: { tag: { $in: ["$$ROOT"] } }, fields: ["title"] } }, context);
    assert.deepEqual(systemVariable, { results: [], count: 0 });
    assert.equal(
      await run({ created: { $gt: { $dateSubtract: { startDate: "$secret", unit: "day" } } } }),
      "Field reference '$secret' at created.$gt.$dateSubtract.startDate is not allowed. Allowed fields: created, score, tag, title",
    );
  });

  test("output and sort fields must be queryable", async () => {
    const { context } = seeded();
    assert.equal(await reason(dbQuery().execute({ table_schema: "prompts", query: { fields: ["created"] } }, context)), "Field 'created' is not queryable. Queryable fields: score, tag, title");
    assert.equal(
      await reason(dbQuery().execute({ table_schema: "prompts", query: { fields: ["title"], sort: { created: 1 } } }, context)),
      "Cannot sort by field 'created' - not in queryable fields. Queryable fields: score, tag, title",
    );
  });

  test("a context filter that resolves to nothing fails", async () => {
    // A context attribute that does not exist is None in Python.
    const bad = seeded();
    bad.db.collection("config").updateOne({ name: "prompts" }, { $set: { "value.context_filters": { owner: "$context.nope" } } });
    assert.equal(
      await reason(dbQuery().execute({ table_schema: "prompts", query: { fields: ["title"] } }, bad.context)),
      "Context filter 'owner' resolved to None. Variable '$context.nope' not available in context.",
    );
  });
});
