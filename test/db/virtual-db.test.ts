/** The virtual DB's contract: Mongo semantics the engine, repositories and modules rely on. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { WfvError } from "../../src/core/errors";
import { DuplicateKeyError, createVirtualDb, uuid7HexOf, type Document, type VirtualDb } from "../../src/core/db";

function fixedClock(start = Date.UTC(2025, 0, 2, 3, 4, 5, 678)) {
  let now = start;
  return { clock: () => now, set: (ms: number) => (now = ms) };
}

function seeded(db: VirtualDb, name: string, documents: Document[]) {
  const collection = db.collection(name);
  collection.insertMany(documents);
  return collection;
}

function assertWfvError(fn: () => unknown, errorType: string, message: RegExp) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof WfvError, `expected a WfvError, got ${String(error)}`);
    assert.equal(error.errorType, errorType);
    assert.match(error.message, message);
    return true;
  });
}

describe("inserting and copying", () => {
  test("insert adds an ObjectId-like _id first when missing and keeps a given one", () => {
    const db = createVirtualDb();
    const items = db.collection("items");
    const { insertedId } = items.insertOne({ a: 1 });
    assert.match(String(insertedId), /^[0-9a-f]{24}$/);
    assert.deepEqual(Object.keys(items.findOne({ a: 1 })!), ["_id", "a"]);
    assert.deepEqual(items.insertMany([{ _id: "x", b: 1 }, { b: 2 }]).insertedIds[0], "x");
    assert.equal(items.countDocuments(), 3);
  });

  test("documents are copied in and out: mutating inputs or results never changes the DB", () => {
    const db = createVirtualDb();
    const input = { _id: "a", nested: { list: [1, 2] }, when: new Date(0) };
    const items = db.collection("items");
    items.insertOne(input);
    input.nested.list.push(3);
    input.when.setTime(99);

    const found = items.findOne({ _id: "a" })!;
    (found.nested as { list: number[] }).list.push(4);
    (found.when as Date).setTime(5);
    items.find({})[0].extra = true;
    (items.aggregate([{ $match: {} }])[0].nested as { list: number[] }).list.length = 0;

    const update = { $set: { payload: { deep: [1] } } };
    items.updateOne({ _id: "a" }, update);
    update.$set.payload.deep.push(2);

    assert.deepEqual(items.findOne({ _id: "a" }), { _id: "a", nested: { list: [1, 2] }, when: new Date(0), payload: { deep: [1] } });
  });

  test("$lookup results are copies too", () => {
    const db = createVirtualDb();
    seeded(db, "colors", [{ _id: "c1", tag: "red", meta: { n: 1 } }]);
    const items = seeded(db, "items", [{ _id: 1, tags: ["red"] }]);
    const [joined] = items.aggregate([{ $lookup: { from: "colors", localField: "tags", foreignField: "tag", as: "colors" } }]);
    ((joined.colors as Document[])[0].meta as { n: number }).n = 99;
    assert.deepEqual(db.collection("colors").findOne({}), { _id: "c1", tag: "red", meta: { n: 1 } });
  });

  test("a field named __proto__ (as JSON.parse makes it) is stored and read back as a field", () => {
    const db = createVirtualDb();
    const items = seeded(db, "items", [JSON.parse('{"_id": "a", "__proto__": {"x": 1}, "nested": {"__proto__": [2]}}') as Document]);
    const back = items.findOne({ _id: "a" }) as Document;
    assert.deepEqual(Object.keys(back), ["_id", "__proto__", "nested"]);
    assert.equal(Object.getPrototypeOf(back), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(back, "__proto__")?.value, { x: 1 });
    assert.deepEqual(Object.getOwnPropertyDescriptor(back.nested, "__proto__")?.value, [2]);
  });
});

describe("find", () => {
  test("filter, projection, sort, skip and limit", () => {
    const db = createVirtualDb();
    const items = seeded(db, "items", [
      { _id: 1, n: 3, s: "c", tags: ["x", "y"] },
      { _id: 2, n: 1, s: "a", tags: ["y"] },
      { _id: 3, n: 2, s: "b", sub: { k: 5 } },
      { _id: 4, n: 5, s: "d", list: [{ k: 1 }, { k: 7 }] },
    ]);
    assert.deepEqual(
      items.find({ n: { $gte: 2 } }, { projection: { _id: 0, s: 1 }, sort: [["n", -1]], skip: 1, limit: 2 }),
      [{ s: "c" }, { s: "b" }],
    );
    assert.deepEqual(items.find({ tags: "y" }, { sort: { _id: 1 } }).map((d) => d._id), [1, 2], "equality matches array elements");
    assert.deepEqual(items.find({ tags: { $in: ["x", "q"] } }).map((d) => d._id), [1], "$in with arrays");
    assert.deepEqual(items.find({ "list.k": 7 }).map((d) => d._id), [4], "dotted paths into arrays of documents");
    assert.deepEqual(items.find({ "sub.k": { $exists: true } }).map((d) => d._id), [3]);
    assert.deepEqual(items.find({ $or: [{ n: 1 }, { s: "d" }] }, { sort: { n: 1 } }).map((d) => d._id), [2, 4]);
    assert.equal(items.findOne({ n: 99 }), null);
    assert.deepEqual(items.findOne({}, { sort: { n: -1 } })!._id, 4);
    assert.deepEqual(items.distinct("tags"), ["x", "y"]);
    assert.equal(items.countDocuments({ n: { $lt: 3 } }), 2);
  });

  test("sort follows BSON order across types; missing sorts with null; arrays by min (asc) / max (desc)", () => {
    const db = createVirtualDb();
    const items = seeded(db, "items", [
      { _id: "date", v: new Date(0) },
      { _id: "bool", v: false },
      { _id: "array", v: [0, 50] },
      { _id: "object", v: { a: 1 } },
      { _id: "string", v: "abc" },
      { _id: "number", v: 10 },
      { _id: "null", v: null },
      { _id: "missing" },
    ]);
    assert.deepEqual(
      items.find({}, { sort: [["v", 1], ["_id", 1]] }).map((d) => d._id),
      ["missing", "null", "array", "number", "string", "object", "bool", "date"],
    );
    assert.deepEqual(
      items.find({}, { sort: [["v", -1], ["_id", 1]] }).map((d) => d._id),
      ["date", "bool", "object", "string", "array", "number", "missing", "null"],
    );
  });

  test("the order of documents with equal sort keys is their insertion order", () => {
    const db = createVirtualDb();
    const items = seeded(db, "items", [{ _id: 3, k: 1 }, { _id: 1, k: 1 }, { _id: 2, k: 0 }]);
    assert.deepEqual(items.find({}, { sort: { k: 1 } }).map((d) => d._id), [2, 3, 1]);
  });

  test("dates compare as dates, and $mod works", () => {
    const db = createVirtualDb();
    const items = seeded(db, "items", [
      { _id: 1, at: new Date("2025-01-01T00:00:00Z"), n: 4 },
      { _id: 2, at: new Date("2025-06-01T00:00:00Z"), n: 5 },
    ]);
    assert.deepEqual(items.find({ at: { $gt: new Date("2025-03-01T00:00:00Z") } }).map((d) => d._id), [2]);
    assert.deepEqual(items.find({ n: { $mod: [2, 0] } }).map((d) => d._id), [1]);
  });

  test("$type looks into arrays, but 'array' needs a real array", () => {
    const db = createVirtualDb();
    const items = seeded(db, "items", [
      { _id: 1, tags: ["a"], list: [{ v: 1 }] },
      { _id: 2, tags: [1] },
    ]);
    assert.deepEqual(items.find({ tags: { $type: "string" } }).map((d) => d._id), [1]);
    assert.deepEqual(items.find({ tags: { $type: "array" } }).map((d) => d._id), [1, 2]);
    assert.deepEqual(items.find({ "list.v": { $type: "array" } }).map((d) => d._id), []);
  });
});

describe("updates", () => {
  test("$set/$inc/$push/$unset with matched and modified counts (a no-op modifies nothing)", () => {
    const db = createVirtualDb();
    const items = seeded(db, "items", [{ _id: 1, n: 1, tags: ["a"] }, { _id: 2, n: 2 }]);
    assert.deepEqual(items.updateOne({ _id: 1 }, { $set: { s: "x" }, $inc: { n: 2, fresh: 1 }, $push: { tags: "b" } }), {
      matchedCount: 1,
      modifiedCount: 1,
      upsertedCount: 0,
      upsertedId: null,
    });
    assert.deepEqual(items.findOne({ _id: 1 }), { _id: 1, n: 3, tags: ["a", "b"], s: "x", fresh: 1 });
    assert.equal(items.updateOne({ _id: 1 }, { $set: { s: "x" } }).modifiedCount, 0);
    assert.deepEqual(items.updateMany({}, { $unset: { n: "" } }), { matchedCount: 2, modifiedCount: 2, upsertedCount: 0, upsertedId: null });
    assert.equal(items.updateMany({ nothing: 1 }, { $set: { a: 1 } }).matchedCount, 0);
  });

  test("$addToSet appends only missing values and keeps existing duplicates", () => {
    const db = createVirtualDb();
    const items = seeded(db, "items", [{ _id: 1, tags: ["a", "a"] }]);
    assert.equal(items.updateOne({ _id: 1 }, { $addToSet: { tags: "a" } }).modifiedCount, 0);
    assert.equal(items.updateOne({ _id: 1 }, { $addToSet: { tags: { $each: ["b", "b", "a"] } } }).modifiedCount, 1);
    assert.deepEqual(items.findOne({ _id: 1 })!.tags, ["a", "a", "b"]);
  });

  test("$inc on a non-number is refused and changes nothing (also for the documents before it)", () => {
    const db = createVirtualDb();
    const items = seeded(db, "items", [{ _id: 1, n: 1 }, { _id: 2, n: null }]);
    assertWfvError(() => items.updateMany({}, { $inc: { n: 1 } }), "bad_request", /Cannot apply \$inc .* non-numeric type null/);
    assert.deepEqual(items.find({}).map((d) => d.n), [1, null]);
  });

  test("documents nested deeper than MongoDB's 100 levels are refused on insert, update and replace", () => {
    const db = createVirtualDb();
    const items = seeded(db, "items", [{ _id: 1 }]);
    const nest = (levels: number) => {
      let value: unknown = "leaf";
      for (let i = 0; i < levels; i++) value = { n: value };
      return value;
    };
    items.insertOne({ _id: 2, ok: nest(98) });
    assertWfvError(() => items.insertOne({ deep: nest(3000) }), "bad_request", /maximum nesting depth of 100 levels/);
    assertWfvError(() => items.updateOne({ _id: 1 }, { $set: { deep: nest(200) } }), "bad_request", /maximum nesting depth/);
    assertWfvError(() => items.replaceOne({ _id: 1 }, { deep: nest(200) }), "bad_request", /maximum nesting depth/);
    assert.deepEqual(items.findOne({ _id: 1 }), { _id: 1 });
  });

  test("an update must use $-operators; _id is immutable", () => {
    const db = createVirtualDb();
    const items = seeded(db, "items", [{ _id: 1 }]);
    assertWfvError(() => items.updateOne({ _id: 1 }, { a: 1 }), "bad_request", /only works with \$ operators/);
    assertWfvError(() => items.updateOne({ _id: 1 }, { $bogus: { a: 1 } }), "bad_request", /unknown update operator \$bogus/);
    assertWfvError(() => items.updateOne({ _id: 1 }, { $set: { _id: 2 } }), "bad_request", /immutable field '_id'/);
  });

  test("upsert seeds from equality filters ($eq, dotted keys, $and) and applies $setOnInsert only on insert", () => {
    const clock = fixedClock();
    const db = createVirtualDb({ clock: clock.clock });
    const usage = db.collection("option_usage");
    const filter = { workflow_template_id: { $eq: "tpl_1" }, "meta.step": "s1", $and: [{ option: "red" }], count: { $gt: 5 } };
    const first = usage.updateOne(filter, { $inc: { count: 1 }, $set: { updated_at: db.now() }, $setOnInsert: { created_at: db.now() } }, { upsert: true });
    assert.equal(first.upsertedCount, 1);
    assert.match(String(first.upsertedId), /^[0-9a-f]{24}$/);
    const inserted = usage.findOne({})!;
    assert.deepEqual({ ...inserted, _id: "id" }, {
      _id: "id",
      workflow_template_id: "tpl_1",
      meta: { step: "s1" },
      option: "red",
      count: 1,
      updated_at: new Date(clock.clock()),
      created_at: new Date(clock.clock()),
    });
    clock.set(clock.clock() + 1000);
    const second = usage.updateOne({ workflow_template_id: "tpl_1", option: "red" }, { $set: { updated_at: db.now() }, $setOnInsert: { created_at: db.now() } }, { upsert: true });
    assert.deepEqual(second, { matchedCount: 1, modifiedCount: 1, upsertedCount: 0, upsertedId: null });
    const after = usage.findOne({})!;
    assert.deepEqual(after.created_at, inserted.created_at, "$setOnInsert is ignored on update");
    assert.deepEqual(after.updated_at, new Date(clock.clock()));
    assert.equal(usage.updateOne({ option: "red" }, { $setOnInsert: { x: 1 } }, { upsert: true }).modifiedCount, 0);
    assertWfvError(
      () => usage.updateOne({ option: "new" }, { $set: { "meta.a": 1 }, $setOnInsert: { meta: {} } }, { upsert: true }),
      "bad_request",
      /Updating the path 'meta' would create a conflict at 'meta.a'/,
    );
  });

  test("findOneAndUpdate returns the document before (default) or after; replaceOne keeps _id", () => {
    const db = createVirtualDb();
    const items = seeded(db, "items", [{ _id: 1, n: 1 }, { _id: 2, n: 5 }]);
    assert.deepEqual(items.findOneAndUpdate({}, { $inc: { n: 1 } }, { sort: { n: -1 } }), { _id: 2, n: 5 });
    assert.deepEqual(items.findOneAndUpdate({ _id: 2 }, { $inc: { n: 1 } }, { returnDocument: "after", projection: { _id: 0 } }), { n: 7 });
    assert.deepEqual(items.findOneAndUpdate({ _id: 9 }, { $set: { n: 0 } }, { upsert: true, returnDocument: "after" }), { _id: 9, n: 0 });
    assert.deepEqual(items.replaceOne({ _id: 1 }, { fresh: true }), { matchedCount: 1, modifiedCount: 1, upsertedCount: 0, upsertedId: null });
    assert.deepEqual(items.findOne({ _id: 1 }), { _id: 1, fresh: true });
    assert.equal(items.replaceOne({ _id: 1 }, { fresh: true }).modifiedCount, 0);
    assert.equal(items.replaceOne({ _id: 3 }, { other: 1 }, { upsert: true }).upsertedId, 3);
  });

  test("deleteOne and deleteMany", () => {
    const db = createVirtualDb();
    const items = seeded(db, "items", [{ k: 1 }, { k: 1 }, { k: 2 }]);
    assert.deepEqual(items.deleteOne({ k: 1 }), { deletedCount: 1 });
    assert.deepEqual(items.deleteMany({ k: { $gte: 1 } }), { deletedCount: 2 });
    assert.equal(items.countDocuments(), 0);
    assert.deepEqual(db.collectionNames(), []);
  });
});

describe("unique indexes", () => {
  test("weighted_keywords (workflow_template_id, keyword) refuses duplicates with a Mongo-like E11000 error", () => {
    const db = createVirtualDb();
    const keywords = db.collection("weighted_keywords");
    assert.equal(keywords.createIndex({ workflow_template_id: 1, keyword: 1 }, { unique: true }), "workflow_template_id_1_keyword_1");
    keywords.insertOne({ workflow_template_id: "t", keyword: "fox", weight: 1 });
    keywords.insertOne({ workflow_template_id: "t", keyword: "owl", weight: 1 });
    assert.throws(
      () => keywords.insertOne({ workflow_template_id: "t", keyword: "fox" }),
      (error: unknown) =>
        error instanceof DuplicateKeyError &&
        error.code === 11000 &&
        error.message === 'E11000 duplicate key error collection: weighted_keywords index: workflow_template_id_1_keyword_1 dup key: {"workflow_template_id":"t","keyword":"fox"}',
    );
    // An updateMany that would collide changes nothing at all.
    assert.throws(() => keywords.updateMany({}, { $set: { keyword: "same" } }), DuplicateKeyError);
    assert.deepEqual(keywords.distinct("keyword"), ["fox", "owl"]);
    // Upserts are checked too; an insertMany with a duplicate inside inserts nothing.
    assert.throws(() => keywords.updateOne({ weight: 99 }, { $set: { workflow_template_id: "t", keyword: "owl" } }, { upsert: true }), DuplicateKeyError);
    assert.throws(() => keywords.insertMany([{ workflow_template_id: "u", keyword: "a" }, { workflow_template_id: "u", keyword: "a" }]), DuplicateKeyError);
    assert.equal(keywords.countDocuments(), 2);
    // Deleting frees the key.
    keywords.deleteOne({ keyword: "fox" });
    keywords.insertOne({ workflow_template_id: "t", keyword: "fox" });
  });

  test("_id is always unique; createIndex over duplicate data fails", () => {
    const db = createVirtualDb();
    const items = seeded(db, "items", [{ _id: "a", k: 1 }, { _id: "b", k: 1 }]);
    assert.throws(() => items.insertOne({ _id: "a" }), /E11000 .* index: _id_ dup key: \{"_id":"a"\}/);
    assert.throws(() => items.createIndex({ k: 1 }, { unique: true }), DuplicateKeyError);
    assert.equal(items.createIndex({ k: 1 }), "k_1", "a non-unique index is accepted");
  });
});

describe("aggregate", () => {
  test("the stages modules use (modules.md §6)", () => {
    const db = createVirtualDb();
    const scenes = seeded(db, "scenes", [
      { _id: 1, scene: { scene_keywords: ["fox", "owl"] }, scene_keywords: ["a"] },
      { _id: 2, scene: { scene_keywords: ["fox"] }, scene_keywords: ["b", "c"] },
    ]);
    assert.deepEqual(
      scenes.aggregate([{ $unwind: "$scene.scene_keywords" }, { $replaceRoot: { newRoot: "$scene" } }, { $addFields: { constant: 1 } }, { $project: { _id: 0 } }]),
      [
        { scene_keywords: "fox", constant: 1 },
        { scene_keywords: "owl", constant: 1 },
        { scene_keywords: "fox", constant: 1 },
      ],
    );
    assert.deepEqual(scenes.aggregate([{ $unwind: "$scene_keywords" }, { $count: "n" }]), [{ n: 3 }]);
    assert.deepEqual(scenes.aggregate([{ $unwind: "$scene.scene_keywords" }, { $sortByCount: "$scene.scene_keywords" }]), [
      { _id: "fox", count: 2 },
      { _id: "owl", count: 1 },
    ]);
    const keywords = seeded(db, "weighted_keywords", [
      { keyword: "fox", weight: 3, workflow_template_id: "t" },
      { keyword: "owl", weight: 9, workflow_template_id: "t" },
      { keyword: "elk", weight: 5, workflow_template_id: "u" },
    ]);
    assert.deepEqual(
      keywords.aggregate([{ $match: { workflow_template_id: "t" } }, { $sort: { weight: -1 } }, { $limit: 1 }, { $project: { _id: 0, keyword: 1 } }]),
      [{ keyword: "owl" }],
    );
    assert.deepEqual(
      keywords.aggregate([{ $bucket: { groupBy: "$weight", boundaries: [0, 5, 10], output: { n: { $sum: 1 } } } }]),
      [
        { _id: 0, n: 1 },
        { _id: 5, n: 2 },
      ],
      "a value equal to a boundary goes to the bucket it starts; empty buckets are left out",
    );
    assert.equal(keywords.aggregate([{ $sample: { size: 10 } }]).length, 3, "$sample never repeats documents");
  });

  test("$dateToString with %L and $arrayToObject (usage_history)", () => {
    const db = createVirtualDb();
    const usage = seeded(db, "option_usage", [
      { option: "red", updated_at: new Date("2025-02-03T04:05:06.789Z") },
      { option: "blue", updated_at: new Date("2025-02-04T00:00:00.000Z") },
    ]);
    assert.deepEqual(
      usage.aggregate([
        { $match: { option: { $exists: true, $ne: null } } },
        { $group: { _id: null, pairs: { $push: { k: "$option", v: { $dateToString: { format: "%Y-%m-%dT%H:%M:%S.%LZ", date: "$updated_at" } } } } } },
        { $project: { _id: 0, usage: { $arrayToObject: "$pairs" } } },
      ]),
      [{ usage: { red: "2025-02-03T04:05:06.789Z", blue: "2025-02-04T00:00:00.000Z" } }],
    );
  });

  test("$bucketAuto, $facet, $unionWith and $graphLookup (the last two resolve other collections)", () => {
    const db = createVirtualDb();
    const parts = seeded(db, "parts", [
      { _id: 1, w: 1, parent: null },
      { _id: 2, w: 5, parent: 1 },
      { _id: 3, w: 9, parent: 2 },
    ]);
    seeded(db, "extra", [{ _id: 10, w: 100 }]);
    assert.deepEqual(parts.aggregate([{ $bucketAuto: { groupBy: "$w", buckets: 2 } }]), [
      { _id: { min: 1, max: 9 }, count: 2 },
      { _id: { min: 9, max: 9 }, count: 1 },
    ]);
    assert.deepEqual(parts.aggregate([{ $facet: { n: [{ $count: "n" }], heavy: [{ $match: { w: { $gt: 4 } } }, { $project: { _id: 1 } }] } }]), [
      { n: [{ n: 3 }], heavy: [{ _id: 2 }, { _id: 3 }] },
    ]);
    assert.deepEqual(parts.aggregate([{ $unionWith: "extra" }, { $project: { _id: 1 } }]).map((d) => d._id), [1, 2, 3, 10]);
    assert.deepEqual(
      parts.aggregate([
        { $match: { _id: 3 } },
        { $graphLookup: { from: "parts", startWith: "$parent", connectFromField: "parent", connectToField: "_id", as: "ancestors" } },
        { $project: { n: { $size: "$ancestors" } } },
      ]),
      [{ _id: 3, n: 2 }],
    );
  });

  test("$lookup sees the other collections and keeps the foreign order", () => {
    const db = createVirtualDb();
    seeded(db, "colors", [
      { tag: "blue", label: "cool" },
      { tag: "red", label: "warm" },
    ]);
    const items = seeded(db, "items", [{ _id: 1, tags: ["red", "blue"] }]);
    assert.deepEqual(items.aggregate([{ $lookup: { from: "colors", localField: "tags", foreignField: "tag", as: "c" } }, { $project: { labels: "$c.label" } }]), [
      { _id: 1, labels: ["cool", "warm"] },
    ]);
  });
});

describe("refused operators", () => {
  test("$where, $function, $accumulator, $out and $merge are refused with a clear error", () => {
    const db = createVirtualDb();
    const items = seeded(db, "items", [{ a: 1 }]);
    assertWfvError(() => items.find({ $where: "this.a == 1" }), "bad_request", /\$where is not supported by the virtual DB \(it runs JavaScript\)/);
    assertWfvError(
      () => items.aggregate([{ $match: { $expr: { $function: { body: "function(){return true}", args: [], lang: "js" } } } }]),
      "bad_request",
      /\$function is not supported/,
    );
    assertWfvError(
      () => items.aggregate([{ $group: { _id: null, x: { $accumulator: { init: "function(){}", lang: "js" } } } }]),
      "bad_request",
      /\$accumulator is not supported/,
    );
    assertWfvError(() => items.aggregate([{ $out: "copy" }]), "bad_request", /\$out is not supported/);
    assertWfvError(() => items.updateMany({ $where: "1" }, { $set: { a: 2 } }), "bad_request", /\$where/);
    assertWfvError(() => items.find({ a: { $bogus: 1 } }), "bad_request", /find on 'items' failed/);
    assert.equal(items.findOne({})!.a, 1);
  });
});

describe("ids and clock", () => {
  test("newUuid7Hex is a uuid7 and strictly increasing, also within one millisecond and when the clock goes back", () => {
    const clock = fixedClock();
    const db = createVirtualDb({ clock: clock.clock });
    const ids: string[] = [];
    for (let i = 0; i < 10_000; i++) ids.push(db.newUuid7Hex());
    clock.set(clock.clock() - 60_000);
    for (let i = 0; i < 100; i++) ids.push(db.newUuid7Hex());
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1] < ids[i], `${ids[i - 1]} < ${ids[i]}`);
    for (const id of ids.slice(0, 3)) {
      assert.match(id, /^[0-9a-f]{12}7[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
    }
    assert.equal(parseInt(ids[0].slice(0, 12), 16), Date.UTC(2025, 0, 2, 3, 4, 5, 678), "the first 48 bits are the clock's milliseconds");
  });

  test("uuid7HexOf finds the uuid7 in `<prefix>_<32 hex>` ids and nothing else", () => {
    const hex = "0193b1a2c3d47abc8def0123456789ab";
    assert.equal(uuid7HexOf(`evt_${hex}`), hex);
    assert.equal(uuid7HexOf(`select_${hex}`), hex);
    assert.equal(uuid7HexOf(hex), hex);
    assert.equal(uuid7HexOf(`x${hex}`), undefined, "no separator");
    assert.equal(uuid7HexOf(`evt_${hex.replace("7abc", "4abc")}`), undefined, "not version 7");
    assert.equal(uuid7HexOf(`evt_${hex.replace("8def", "cdef")}`), undefined, "wrong variant");
    assert.equal(uuid7HexOf(`evt_${hex.toUpperCase()}`), undefined, "upper case");
    assert.equal(uuid7HexOf("wf_0123456789ab"), undefined);
  });

  test("now() uses the injected clock; injected random makes ids reproducible", () => {
    const make = () => {
      let seed = 1;
      return createVirtualDb({ clock: () => 1_700_000_000_000, random: () => ((seed = (seed * 16807) % 2147483647) / 2147483647) });
    };
    const a = make();
    const b = make();
    assert.deepEqual(a.now(), new Date(1_700_000_000_000));
    assert.equal(a.newUuid7Hex(), b.newUuid7Hex());
    assert.deepEqual(a.collection("x").insertOne({}).insertedId, b.collection("x").insertOne({}).insertedId);
  });

  test("collectionNames lists the non-empty collections, sorted; dropCollection empties one", () => {
    const db = createVirtualDb();
    db.collection("zeta").insertOne({});
    db.collection("alpha").insertOne({});
    db.collection("empty");
    assert.deepEqual(db.collectionNames(), ["alpha", "zeta"]);
    db.dropCollection("zeta");
    assert.deepEqual(db.collectionNames(), ["alpha"]);
  });
});
