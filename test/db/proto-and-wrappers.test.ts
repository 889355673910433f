/**
 * Issue 11 items 5 and 6: a field named `__proto__` is stored faithfully and a collection named
 * `__proto__` is stored too (never silently dropped); user data shaped like `{"$date": …}` in a snapshot
 * object comes back as that object however the object travelled (structuredClone, the wire's JSON).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createVirtualDb, exportCompressed, exportDb, exportJsonText, importDb } from "../../src/core/db";
import { stringifyWire } from "../../src/http/json";

const withProto = () => JSON.parse('{"_id": "a", "__proto__": {"x": 1}, "y": 2, "nested": {"__proto__": [1, 2]}}') as Record<string, unknown>;

describe("__proto__", () => {
  test("a document field named __proto__ survives the blob, the JSON text and the snapshot object", () => {
    const db = createVirtualDb();
    db.collection("docs").insertOne(withProto());
    const expected = withProto();
    assert.deepEqual(db.collection("docs").findOne({}), expected);
    assert.deepEqual(importDb(exportCompressed(db)).collection("docs").findOne({}), expected);
    assert.deepEqual(importDb(exportJsonText(db)).collection("docs").findOne({}), expected);
    assert.deepEqual(importDb(exportDb(db)).collection("docs").findOne({}), expected);
    assert.deepEqual(Object.keys(importDb(exportCompressed(db)).collection("docs").findOne({})!), ["_id", "__proto__", "y", "nested"]);
  });

  test("a collection named __proto__ is stored: inserted, counted, exported and imported back", () => {
    const db = createVirtualDb();
    db.collection("__proto__").insertOne({ _id: "b" });
    assert.equal(db.collection("__proto__").countDocuments(), 1);
    assert.deepEqual(db.collectionNames(), ["__proto__"]);
    for (const back of [importDb(exportCompressed(db)), importDb(exportJsonText(db)), importDb(exportDb(db)), importDb(JSON.parse(exportJsonText(db)))]) {
      assert.deepEqual(back.collection("__proto__").find({}), [{ _id: "b" }]);
    }
    assert.equal(exportJsonText(db), '{"__proto__":[{"_id":"b"}]}');
  });
});

describe("wrapper-shaped user data in a snapshot object (fuzz todo date-wrapper-collision)", () => {
  const userData = {
    _id: 1,
    empty: { $date: "" },
    valid: { $date: "2020-01-01T00:00:00Z" },
    escaped: { $wfv_literal: { x: 1 } },
    regexShaped: { $regex: "a", $options: "i" },
    when: new Date(0),
    pattern: /ab+c/gi,
  };
  const stored = () => {
    const db = createVirtualDb();
    db.collection("answers").insertOne(structuredClone(userData));
    return db;
  };

  test("exportDb's object imports back unchanged, in process and after structuredClone", () => {
    assert.deepEqual(importDb(exportDb(stored())).collection("answers").findOne({}), userData);
    assert.deepEqual(importDb(structuredClone(exportDb(stored()))).collection("answers").findOne({}), userData);
  });

  test("exportDb's object on the wire (stringifyWire, JSON.parse) imports back unchanged, and writes what the blob holds", () => {
    const db = stored();
    const wire = stringifyWire({ virtual_db: exportDb(db) });
    assert.equal(wire, `{"virtual_db":${exportJsonText(db)}}`);
    assert.deepEqual(importDb(JSON.parse(wire).virtual_db).collection("answers").findOne({}), userData);
  });

  test("a user's {$date} in exportDb's object is escaped, never left for the import to read as a date", () => {
    const snapshot = exportDb(stored());
    const document = snapshot.answers[0] as Record<string, unknown>;
    assert.deepEqual(document.valid, { $wfv_literal: { $date: "2020-01-01T00:00:00Z" } });
    assert.ok(document.when instanceof Date);
  });
});
