/** What a call changed, taken from a checkpoint by reference (src/core/db/changes.ts). */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createVirtualDb, diffStoredDocuments } from "../../src/core/db";
import { checkpoint } from "../../src/core/virtual";

describe("changes since a checkpoint", () => {
  test("added, changed and removed documents per collection, in name order; untouched ones are not listed", () => {
    const db = createVirtualDb();
    db.collection("users").insertMany([{ _id: "u1", n: 1 }, { _id: "u2", n: 2 }, { _id: "u3", n: 3 }]);
    db.collection("quiet").insertOne({ _id: "q", n: 0 });
    const saved = checkpoint(db);
    db.collection("users").updateOne({ _id: "u1" }, { $set: { n: 10 } });
    db.collection("users").deleteOne({ _id: "u2" });
    db.collection("events").insertOne({ _id: "e1", event_type: "module_started", at: new Date("2026-01-01T00:00:00Z") });
    const changes = saved.changes();
    assert.deepEqual(changes.map((c) => c.name), ["events", "users"]);
    const [events, users] = changes;
    assert.deepEqual(events.added, [{ _id: "e1", event_type: "module_started", at: new Date("2026-01-01T00:00:00Z") }]);
    assert.deepEqual(users.added, []);
    assert.deepEqual(users.changed, [{ _id: "u1", n: 10 }]);
    assert.deepEqual(users.previous, [{ _id: "u1", n: 1 }], "the before-images of the changed documents, in the same order");
    assert.deepEqual(users.removed, ["u2"]);
  });

  test("an update that stores equal content is not a change; a deleted and re-inserted id with new content is", () => {
    const db = createVirtualDb();
    db.collection("c").insertMany([{ _id: "a", v: 1 }, { _id: "b", v: 1 }]);
    const saved = checkpoint(db);
    db.collection("c").updateOne({ _id: "a" }, { $set: { v: 1 } });
    db.collection("c").deleteOne({ _id: "b" });
    db.collection("c").insertOne({ _id: "b", v: 2 });
    const [c] = saved.changes();
    assert.deepEqual(c, { name: "c", added: [], changed: [{ _id: "b", v: 2 }], previous: [{ _id: "b", v: 1 }], removed: [] });
  });

  test("the documents reported are copies; after restore nothing has changed", () => {
    const db = createVirtualDb();
    const saved = checkpoint(db);
    db.collection("c").insertOne({ _id: "x", nested: { v: 1 } });
    const [c] = saved.changes();
    (c.added[0].nested as { v: number }).v = 99;
    assert.deepEqual(db.collection("c").findOne({ _id: "x" }), { _id: "x", nested: { v: 1 } });
    saved.restore();
    assert.deepEqual(saved.changes(), []);
  });

  test("ids that are not strings (numbers, dates, objects) and documents without an id", () => {
    const when = new Date("2026-02-02T00:00:00Z");
    const a = { _id: 1, v: 1 };
    const b = { _id: when, v: 1 };
    const c = { _id: { k: 1 }, v: 1 };
    const d = { v: "no id" };
    const changes = diffStoredDocuments("n", [a, b, c, d], [{ _id: 1, v: 2 }, b, d]);
    assert.deepEqual(changes, { name: "n", added: [], changed: [{ _id: 1, v: 2 }], previous: [{ _id: 1, v: 1 }], removed: [{ k: 1 }] });
    assert.equal(diffStoredDocuments("n", [a, b], [a, b]), undefined);
  });
});
