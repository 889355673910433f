/**
 * `$group` with `$push` / `$addToSet` of a field some documents lack (tracker issue 18, item 6):
 * MongoDB and mongomock (the original virtual server's DB) skip the missing values and keep a present
 * null; mingo added a null for every document without the field.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createFreshVirtualDb } from "../../src/core/db";
import { oracleAvailable, runOracle } from "../helpers/oracle";

const DOCUMENTS = [
  { g: 1, x: 1, o: { k: 2 } },
  { g: 1, o: {} },
  { g: 1, x: null, o: { k: 2 } },
  { g: 1, x: 1, o: { k: 3 } },
  { g: 2 },
];

const PIPELINE = [
  {
    $group: {
      _id: "$g",
      pushed: { $push: "$x" },
      set: { $addToSet: "$x" },
      nested: { $push: "$o.k" },
      nestedSet: { $addToSet: "$o.k" },
      defaulted: { $push: { $ifNull: ["$x", "none"] } },
    },
  },
  { $sort: { _id: 1 } },
];

function wfv(): unknown {
  const db = createFreshVirtualDb();
  db.collection("t").insertMany(structuredClone(DOCUMENTS));
  return db.collection("t").aggregate(PIPELINE);
}

describe("$group accumulators and missing fields", () => {
  test("a missing field adds nothing; a present null is kept; other expressions see null", () => {
    const [one, two] = wfv() as Record<string, unknown[]>[];
    assert.deepEqual(one.pushed, [1, null, 1]);
    assert.deepEqual([...one.set].sort(), [1, null].sort());
    assert.deepEqual(one.nested, [2, 2, 3]);
    assert.deepEqual([...one.nestedSet].sort(), [2, 3]);
    assert.deepEqual(one.defaulted, [1, "none", "none", 1]);
    assert.deepEqual(two.pushed, []);
    assert.deepEqual(two.set, []);
  });

  test("the same as mongomock", { skip: !oracleAvailable("mongomock") && "python3-mongomock is not installed" }, () => {
    const [, answer] = runOracle("mongo_oracle.py", [
      { op: "insert", collection: "t", documents: DOCUMENTS },
      { op: "aggregate", collection: "t", pipeline: PIPELINE },
    ]) as [unknown, { result: Record<string, unknown[]>[] }];
    const sets = (groups: Record<string, unknown[]>[]) =>
      groups.map((group) => ({ ...group, set: [...group.set].map(String).sort(), nestedSet: [...group.nestedSet].map(String).sort() }));
    assert.deepEqual(sets(wfv() as Record<string, unknown[]>[]), sets(answer.result));
  });
});
