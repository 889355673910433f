/**
 * The journal of a live DB's changes (src/extension/db-journal.ts, issue 11.1): a base plus the
 * reported changes rebuilds the DB exactly as its export writes it, whatever the calls did (inserts,
 * updates in place, deletes, a delete and re-insert of one `_id`, a collection emptied or new).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { exportCompressed, exportJsonText, importDb } from "../../src/core/db";
import { baselineOf, replayJournal, takeDelta, type DbDelta } from "../../src/extension/db-journal";
import { nodeGzipCodec } from "../../src/node/gzip";

describe("the DB journal", () => {
  test("base + reported changes = the DB, byte for byte", () => {
    const db = importDb({ events: [{ _id: "e1", n: 1 }, { _id: "e2", n: 2 }, { _id: "e3", n: 3 }], notes: [{ _id: "x", at: new Date(0) }] });
    const base = exportCompressed(db, { codec: nodeGzipCodec });
    const baseline = baselineOf(db, Date.now() + 1000);
    const journal: DbDelta[] = [];
    const step = (work: () => void): void => {
      work();
      journal.push(takeDelta(db, baseline));
      for (const canonical of [true, false]) assert.equal(replayJournal({ base, canonical, journal }), exportJsonText(db));
    };
    step(() => db.collection("events").insertOne({ _id: "e4", n: 4, at: new Date(5) }));
    assert.deepEqual(journal[0], [{ name: "events", keep: 3, tail: ['{"_id":"e4","n":4,"at":{"$date":"1970-01-01T00:00:00.005Z"}}'] }]);
    step(() => db.collection("events").updateOne({ _id: "e2" }, { $set: { n: 20 } }));
    step(() => db.collection("events").deleteOne({ _id: "e1" }));
    step(() => {
      db.collection("events").deleteOne({ _id: "e3" });
      db.collection("events").insertOne({ _id: "e3", n: 30, odd: { $date: "not a date" } });
    });
    step(() => db.collection("notes").deleteMany({}));
    step(() => db.collection("fresh").insertMany([{ _id: 1 }, { _id: 2 }]));
    step(() => db.collection("__proto__").insertOne(JSON.parse('{"_id":"p","__proto__":{"x":1}}')));
    step(() => undefined);
    assert.deepEqual(journal[journal.length - 1], [], "a call that changed nothing reports nothing");
  });

  test("a fresh DB: the virtual user inserted on opening is reported, so the rebuilt DB has the same one", () => {
    const before = Date.now();
    const db = importDb(null, { ensureVirtualUser: true });
    const baseline = baselineOf(db, before);
    db.collection("events").insertOne({ _id: "e1" });
    const journal = [takeDelta(db, baseline)];
    assert.equal(replayJournal({ base: null, canonical: true, journal }), exportJsonText(db));
  });
});
