import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createVirtualDb } from "../../src/core/db";
import type { VirtualDb } from "../../src/core/db/types";
import { getModule, ModuleExecutionError, type ExecutableModule } from "../../src/core/modules";
import { oracleAvailable, runOracle } from "../helpers/oracle";
import { ccModule, createTestContext, FIXED_NOW, resolvedInputs, TEMPLATE_ID, type TestContextOptions } from "./helpers";

function keywords(): ExecutableModule {
  return getModule("io.weighted_keywords") as ExecutableModule;
}

async function run(inputs: Record<string, unknown>, options: TestContextOptions = {}) {
  const made = createTestContext(options);
  const out = await keywords().execute(inputs, made.context);
  return { out, db: made.db, logs: made.logs };
}

function failsWith(reason: string | RegExp) {
  return (error: unknown) => {
    if (!(error instanceof ModuleExecutionError)) return false;
    return typeof reason === "string" ? error.reason === reason : reason.test(error.reason);
  };
}

function stored(db: VirtualDb) {
  return db.collection("weighted_keywords").find({}, { sort: { keyword: 1 }, projection: { _id: 0 } });
}

describe("io.weighted_keywords save (modules.md 2.14)", () => {
  test("accumulate: upsert with $inc, $set and $setOnInsert; the weight adds up", async () => {
    const db = createVirtualDb({ clock: () => FIXED_NOW });
    const first = await run({ mode: "save", weighted_keywords: [{ keyword: " Sunbeam ", weight: 30, category: "setting", source: "generated" }] }, { db });
    assert.deepEqual(first.out, { saved_count: 1, weighted_keywords: [], count: 0 });
    await run({ mode: "save", weighted_keywords: [{ keyword: "sunbeam", weight: 12, category: "setting", source: "selected" }] }, { db });
    const docs = stored(db);
    assert.deepEqual(docs, [
      {
        workflow_template_id: TEMPLATE_ID,
        keyword: "sunbeam",
        weight: 42,
        last_used: new Date(FIXED_NOW),
        category: "setting",
        source: "selected",
      },
    ]);
    assert.ok(docs[0].last_used instanceof Date, "dates are stored as dates (ruling 13)");
  });

  test("a missing weight counts as 0", async () => {
    const { db } = await run({ mode: "save", weighted_keywords: [{ keyword: "nap" }] });
    assert.equal(stored(db)[0].weight, 0);
  });

  test("replace (accumulate_weight false): $set overwrites the weight", async () => {
    const db = createVirtualDb({ clock: () => FIXED_NOW });
    await run({ mode: "save", weighted_keywords: [{ keyword: "nap", weight: 50 }] }, { db });
    await run({ mode: "save", accumulate_weight: false, weighted_keywords: [{ keyword: "NAP", weight: 7, source: "selected" }] }, { db });
    assert.deepEqual(stored(db), [{ workflow_template_id: TEMPLATE_ID, keyword: "nap", weight: 7, last_used: new Date(FIXED_NOW), source: "selected" }]);
  });

  test("entries that are not objects, or have no keyword, are skipped with a warning", async () => {
    const { out, db, logs } = await run({
      mode: "save",
      weighted_keywords: ["text", { weight: 3 }, { keyword: "", weight: 1 }, { keyword: "   ", weight: 1 }, { keyword: "ok", weight: 1 }],
    });
    assert.equal(out.saved_count, 1);
    assert.deepEqual(
      stored(db).map((doc) => doc.keyword),
      ["ok"],
    );
    assert.equal(logs.filter((entry) => entry.level === "warning").length, 3);
  });

  test("numbers as keywords are normalised with str()", async () => {
    const { db } = await run({ mode: "save", weighted_keywords: [{ keyword: 42, weight: 1 }, { keyword: true, weight: 1 }] });
    assert.deepEqual(
      stored(db).map((doc) => doc.keyword),
      ["42", "true"],
    );
  });

  test("no keywords: nothing touched, not even the template id check", async () => {
    const { out, db } = await run({ mode: "save", weighted_keywords: [] }, { workflowTemplateId: "" });
    assert.deepEqual(out, { saved_count: 0, weighted_keywords: [], count: 0 });
    assert.deepEqual(db.collectionNames(), []);
    const absent = await run({ mode: "save" }, { workflowTemplateId: "" });
    assert.equal(absent.out.saved_count, 0);
  });

  test("keywords are unique per (template, keyword); other templates keep their own", async () => {
    const db = createVirtualDb();
    await run({ mode: "save", weighted_keywords: [{ keyword: "nap", weight: 1 }] }, { db });
    await run({ mode: "save", weighted_keywords: [{ keyword: "nap", weight: 2 }] }, { db, workflowTemplateId: "tpl_other" });
    const collection = db.collection("weighted_keywords");
    assert.equal(collection.countDocuments({}), 2);
    assert.throws(() => collection.insertOne({ workflow_template_id: TEMPLATE_ID, keyword: "nap", weight: 9 }), /duplicate key/);
  });

  test("errors: missing template id, non-numeric $inc", async () => {
    const entry = { mode: "save", weighted_keywords: [{ keyword: "nap", weight: 1 }] };
    await assert.rejects(run(entry, { workflowTemplateId: "" }), failsWith("context.workflow_template_id is required"));
    await assert.rejects(
      run({ mode: "save", weighted_keywords: [{ keyword: "nap", weight: "heavy" }] }),
      failsWith(/^Failed to save keywords: .*non-numeric/),
    );
  });

  test("an extra workflow_template_id field is refused as conflicting update paths, as MongoDB refuses it", async () => {
    // The original's virtual server ran on a real MongoDB, which rejects $set and $setOnInsert naming
    // the same path; the module wraps that in its save error.
    await assert.rejects(
      run({ mode: "save", weighted_keywords: [{ keyword: "nap", weight: 1, workflow_template_id: "x" }] }),
      /Failed to save keywords: Updating the path 'workflow_template_id' would create a conflict/,
    );
  });
});

describe("io.weighted_keywords load (modules.md 2.14)", () => {
  async function seeded() {
    const db = createVirtualDb({ clock: () => FIXED_NOW });
    await run(
      {
        mode: "save",
        weighted_keywords: [
          { keyword: "sunbeam", weight: 30, category: "setting", source: "generated" },
          { keyword: "zoomies", weight: 80, category: "behavior", source: "generated" },
          { keyword: "blanket", weight: 55, category: "object", source: "selected" },
        ],
      },
      { db },
    );
    await run({ mode: "save", weighted_keywords: [{ keyword: "elsewhere", weight: 99, source: "generated" }] }, { db, workflowTemplateId: "tpl_other" });
    return db;
  }

  test("cc's load_keywords: scoped to the template, filtered, sorted; _id and template id removed; dates as str(datetime)", async () => {
    const db = await seeded();
    const { out } = await run(resolvedInputs(ccModule("load_keywords")), { db });
    assert.deepEqual(out, {
      weighted_keywords: [
        { keyword: "zoomies", weight: 80, last_used: "2026-02-15 10:03:11.123000", category: "behavior", source: "generated" },
        { keyword: "sunbeam", weight: 30, last_used: "2026-02-15 10:03:11.123000", category: "setting", source: "generated" },
      ],
      count: 2,
      saved_count: 0,
    });
    const selected = await run(resolvedInputs(ccModule("load_selected_keywords")), { db });
    assert.deepEqual(
      (selected.out.weighted_keywords as Array<Record<string, unknown>>).map((kw) => kw.keyword),
      ["blanket"],
    );
  });

  test("whole seconds print without a fraction; no pipeline loads everything of the template", async () => {
    const db = createVirtualDb({ clock: () => Date.UTC(2026, 1, 15, 10, 3, 11) });
    await run({ mode: "save", weighted_keywords: [{ keyword: "nap", weight: 1 }] }, { db });
    const { out } = await run({ mode: "load" }, { db });
    assert.deepEqual(out.weighted_keywords, [{ keyword: "nap", weight: 1, last_used: "2026-02-15 10:03:11" }]);
  });

  test("a $group key is removed like any _id", async () => {
    const db = await seeded();
    const { out } = await run({ mode: "load", pipeline: [{ $group: { _id: "$source", total: { $sum: "$weight" } } }, { $sort: { total: -1 } }] }, { db });
    assert.deepEqual(out.weighted_keywords, [{ total: 110 }, { total: 55 }]);
  });

  test("pipeline checks", async () => {
    const load = (pipeline: unknown) => run({ mode: "load", pipeline });
    await assert.rejects(load([{ $lookup: {} }]), failsWith("Pipeline stage '$lookup' is not allowed (security restriction)"));
    await assert.rejects(load([{ $out: "x" }]), failsWith("Pipeline stage '$out' is not allowed (security restriction)"));
    await assert.rejects(load([{ $redact: {} }]), failsWith("Pipeline stage '$redact' is not allowed"));
    await assert.rejects(load(["$match"]), failsWith("Pipeline stage must be an object, got str"));
    await assert.rejects(load([{ $match: {}, $limit: 1 }]), failsWith("Pipeline stage must have exactly one key, got 2"));
    await assert.rejects(load([{ $match: { workflow_template_id: "tpl_other" } }]), failsWith("Cannot override workflow_template_id filter in $match"));
    await assert.rejects(load([{ $facet: { a: [{ $match: {} }], b: [{ $unionWith: "x" }] } }]), failsWith("Pipeline stage '$unionWith' is not allowed (security restriction)"));
    await assert.rejects(load(null), failsWith(/^Failed to load keywords: /));
    await assert.rejects(load({ $match: {} }), failsWith("Pipeline stage must be an object, got str"));
  });

  test("$facet sub-pipelines run once they pass the check", async () => {
    const db = await seeded();
    const { out } = await run({ mode: "load", pipeline: [{ $facet: { top: [{ $sort: { weight: -1 } }, { $limit: 1 }, { $project: { _id: 0, keyword: 1 } }] } }] }, { db });
    assert.deepEqual(out.weighted_keywords, [{ top: [{ keyword: "zoomies" }] }]);
  });

  test("mode errors and the template id check", async () => {
    await assert.rejects(run({ mode: "" }), failsWith("Missing required input: mode"));
    await assert.rejects(run({ mode: "delete" }), failsWith("Invalid mode: delete. Must be 'save' or 'load'"));
    await assert.rejects(run({ mode: "load" }, { workflowTemplateId: "" }), failsWith("context.workflow_template_id is required"));
  });
});

describe("io.weighted_keywords against mongomock (the original's virtual DB)", () => {
  test("cc's save, save, replace, then load: same documents", { skip: !oracleAvailable("mongomock") }, async () => {
    const generated = [
      { keyword: "Sunbeam", weight: 30, category: "setting", source: "generated" },
      { keyword: "zoomies", weight: 80, category: "behavior", source: "generated" },
    ];
    const again = [{ keyword: "sunbeam ", weight: 15, category: "setting", source: "generated" }];
    const selected = [{ keyword: "zoomies", weight: 90, category: "behavior", source: "selected" }];
    const db = createVirtualDb({ clock: () => FIXED_NOW });
    await run({ mode: "save", weighted_keywords: generated }, { db });
    await run({ mode: "save", weighted_keywords: again }, { db });
    await run({ mode: "save", weighted_keywords: selected, accumulate_weight: false }, { db });
    const pipeline = [{ $sort: { weight: -1 } }, { $limit: 50 }];
    const ours = (await run({ mode: "load", pipeline }, { db })).out.weighted_keywords;

    // The same updates the original module sends, run by mongomock.
    const now = { $date: new Date(FIXED_NOW).toISOString() };
    const update = (kw: Record<string, unknown>, accumulate: boolean) => {
      const keyword = String(kw.keyword).toLowerCase().trim();
      const { keyword: _k, weight, ...extra } = kw;
      return {
        op: "update",
        collection: "weighted_keywords",
        filter: { workflow_template_id: TEMPLATE_ID, keyword },
        update: accumulate
          ? { $inc: { weight }, $set: { last_used: now, ...extra }, $setOnInsert: { keyword, workflow_template_id: TEMPLATE_ID } }
          : { $set: { keyword, weight, last_used: now, workflow_template_id: TEMPLATE_ID, ...extra } },
        upsert: true,
      };
    };
    const answers = runOracle("mongo_oracle.py", [
      ...generated.map((kw) => update(kw, true)),
      ...again.map((kw) => update(kw, true)),
      ...selected.map((kw) => update(kw, false)),
      { op: "aggregate", collection: "weighted_keywords", pipeline: [{ $match: { workflow_template_id: TEMPLATE_ID } }, ...pipeline] },
    ]) as Array<{ result?: unknown }>;
    const theirs = (answers.at(-1)!.result as Array<Record<string, unknown>>).map(({ _id: _i, workflow_template_id: _t, last_used, ...rest }) => ({
      ...rest,
      last_used: String((last_used as { $date: string }).$date).replace("T", " ").replace("Z", "000"),
    }));
    assert.deepEqual(ours, theirs);
  });
});
