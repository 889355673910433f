/** Export / import: round trips, blobs written by the original Python server, and corrupt input. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { gunzipSync, gzipSync } from "node:zlib";
import { describe, test } from "node:test";
import { WfvError } from "../../src/core/errors";
import {
  VIRTUAL_USER_ID,
  createFreshVirtualDb,
  createVirtualDb,
  decodeDbBlob,
  ensureVirtualUser,
  exportCompressed,
  exportDb,
  importDb,
  type GzipCodec,
  type VirtualDb,
} from "../../src/core/db";
import { debianPython } from "../helpers/oracle";

const CLOCK = Date.UTC(2025, 4, 6, 7, 8, 9, 10);

function sampleDb(): VirtualDb {
  const db = createFreshVirtualDb({ clock: () => CLOCK });
  const events = db.collection("events");
  for (let i = 0; i < 5; i++) {
    events.insertOne({
      event_id: `evt_${db.newUuid7Hex()}`,
      workflow_run_id: "wf_abc",
      event_type: "module_completed",
      timestamp: db.now(),
      data: { list: [1, "two", null, { when: new Date(Date.UTC(2024, 0, i + 1)) }], _state_mapped: {} },
    });
  }
  db.collection("weighted_keywords").insertOne({ keyword: "fox", weight: 1.5, last_used: db.now(), nested: { deep: [[1, 2], []] } });
  return db;
}

function dbInvalid(fn: () => unknown, reason: string, message: RegExp) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof WfvError, `expected WfvError, got ${String(error)}`);
    assert.equal(error.errorType, "db_invalid");
    assert.equal(error.details.reason, reason);
    assert.match(error.message, message);
    return true;
  });
}

describe("round trip", () => {
  test("export → import → export is identical and dates stay dates", () => {
    const db = sampleDb();
    const blob = exportCompressed(db);
    assert.match(blob, /^[A-Za-z0-9+/]+=*$/);
    const again = importDb(blob);
    assert.equal(exportCompressed(again), blob);
    assert.deepEqual(exportDb(again), exportDb(db));
    const event = again.collection("events").findOne({})!;
    assert.ok(event.timestamp instanceof Date);
    assert.ok(((event.data as { list: unknown[] }).list[3] as { when: unknown }).when instanceof Date);
    // And the imported dates still work in date operators.
    assert.equal(again.collection("events").countDocuments({ timestamp: { $lte: new Date(CLOCK) } }), 5);
  });

  test("blobs made with native zlib and with fflate read back with either", () => {
    const zlib: GzipCodec = { gzip: (data, level) => gzipSync(data, { level }), gunzip: (data) => gunzipSync(data) };
    const db = sampleDb();
    const native = exportCompressed(db, { codec: zlib, level: 1 });
    const portable = exportCompressed(db);
    assert.deepEqual(exportDb(importDb(native)), exportDb(db));
    assert.deepEqual(exportDb(importDb(portable, { codec: zlib })), exportDb(db));
    assert.equal(exportCompressed(importDb(native, { codec: zlib }), { codec: zlib, level: 1 }), native);
  });

  test("user data shaped like a wrapper ({$date}, {$regex, $options}) comes back as the same object; RegExps stay RegExps", () => {
    const db = createVirtualDb();
    const odd = {
      _id: 1,
      notADate: { $date: "not a date" },
      looksLikeADate: { $date: "2024-01-01T00:00:00Z" },
      escapedAlready: { $wfv_literal: { x: 1 } },
      queryShaped: { $regex: "a", $options: "i" },
      dateInside: { $date: new Date(0) },
      pattern: /ab+c/gi,
    };
    db.collection("answers").insertOne(odd);
    const back = importDb(exportCompressed(db));
    assert.deepEqual(back.collection("answers").findOne({}), odd);
    assert.equal(exportCompressed(back), exportCompressed(db));
  });

  test("{$date} values read exactly as the Date parser reads them (the fast path for toISOString's form included)", () => {
    const texts = [
      "2025-01-02T03:04:05.678Z",
      "2024-02-29T23:59:59.999Z",
      "0001-01-01T00:00:00.000Z",
      "0099-06-15T12:00:00.000Z",
      "9999-12-31T23:59:59.999Z",
      "2025-01-02T03:04:05+01:00",
      "2025-01-02",
      "2023-02-30T00:00:00.000Z",
    ];
    const db = importDb({ dates: texts.map((text, i) => ({ _id: i, at: { $date: text } })) });
    assert.deepEqual(
      db.collection("dates").find({}).map((d) => (d.at as Date).getTime()),
      texts.map((text) => new Date(text).getTime()),
    );
  });

  test("exportDb's object goes back through importDb unchanged, user data shaped like {$date} included", () => {
    const db = createVirtualDb();
    const answer = { _id: "a", form_data: [{ $date: "" }, { $date: "2025-01-01T00:00:00Z" }], at: new Date(7) };
    db.collection("events").insertOne(answer);
    const snapshot = exportDb(db);
    // The object is escaped as the blob is (issue 11.6), so it means the same after any copy.
    assert.deepEqual(snapshot.events, [{ ...answer, form_data: answer.form_data.map((data) => ({ $wfv_literal: data })) }]);
    assert.deepEqual(importDb(snapshot).collection("events").find({}), [answer]);
    assert.deepEqual(importDb(structuredClone(snapshot)).collection("events").find({}), [answer]);
    assert.deepEqual(exportDb(importDb(snapshot)), snapshot);
    // Through plain JSON the object is extended JSON again: {$date} wrappers are read as dates.
    const viaJson = JSON.parse(JSON.stringify({ things: [{ _id: 1, at: { $date: "2025-01-01T00:00:00.000Z" } }] }));
    assert.ok(importDb(viaJson).collection("things").findOne({})!.at instanceof Date);
  });

  test("exportDb gives fresh copies with Date values; importDb accepts them, {$date} wrappers, or nothing", () => {
    const db = sampleDb();
    const snapshot = exportDb(db);
    snapshot.events[0].event_type = "changed";
    assert.equal(db.collection("events").findOne({})!.event_type, "module_completed");
    assert.deepEqual(Object.keys(snapshot), ["events", "users", "weighted_keywords"]);

    const fromObject = importDb({ things: [{ _id: 1, at: { $date: "2025-01-01T00:00:00Z" } }, { _id: 2, at: new Date(5) }] });
    assert.deepEqual(fromObject.collection("things").find({}), [
      { _id: 1, at: new Date("2025-01-01T00:00:00Z") },
      { _id: 2, at: new Date(5) },
    ]);
    assert.deepEqual(importDb(null).collectionNames(), []);
    assert.deepEqual(importDb(undefined).collectionNames(), []);
  });

  test("time-ordered ids continue above the imported ones, also when the clock is behind them", () => {
    const future = createVirtualDb({ clock: () => Date.UTC(2030, 0, 1) });
    const lastEvent = `evt_${future.newUuid7Hex()}`;
    future.collection("events").insertOne({ event_id: lastEvent });
    const branch = `br_${future.newUuid7Hex()}`;
    future.collection("branches").insertOne({ branch_id: branch });

    const reimported = importDb(exportCompressed(future), { clock: () => CLOCK });
    const next = reimported.newUuid7Hex();
    assert.ok(`evt_${next}` > lastEvent && next > branch.slice(3), `${next} must sort after ${branch}`);
  });

  test("a DB imported with the same injected clock and random source never reuses a generated _id", () => {
    const options = () => {
      let seed = 3;
      return { clock: () => CLOCK, random: () => ((seed = (seed * 16807) % 2147483647) / 2147483647) };
    };
    const first = createVirtualDb(options());
    first.collection("events").insertMany([{ n: 1 }, { n: 2 }]);
    const second = importDb(exportCompressed(first), options());
    const { insertedId } = second.collection("events").insertOne({ n: 3 });
    assert.equal(second.collection("events").countDocuments({ _id: insertedId }), 1);
    assert.equal(second.collection("events").countDocuments(), 3);
  });

  test("the virtual user is there in a fresh DB and ensureVirtualUser does not duplicate it", () => {
    const db = createFreshVirtualDb({ clock: () => CLOCK });
    ensureVirtualUser(db);
    assert.deepEqual(db.collection("users").find({}), [
      {
        _id: VIRTUAL_USER_ID,
        user_id: VIRTUAL_USER_ID,
        username: "virtual_user",
        email: "virtual@example.com",
        created_at: new Date(CLOCK),
        is_virtual: true,
      },
    ]);
    assert.equal(importDb(exportCompressed(db), { ensureVirtualUser: true }).collection("users").countDocuments(), 1);
    assert.equal(importDb(null, { ensureVirtualUser: true }).collection("users").countDocuments(), 1);
  });
});

/** What backend/db/virtual.py's export_state() writes: base64(gzip(json.dumps(...))), datetimes as isoformat(). */
const ORIGINAL_EXPORT = String.raw`
import base64, datetime, gzip, json
created = datetime.datetime(2025, 3, 4, 5, 6, 7, 123000)
state = {
  "users": [{"_id": "virtual_user_001", "user_id": "virtual_user_001", "username": "virtual_user",
             "email": "virtual@example.com", "created_at": created.isoformat(), "is_virtual": True}],
  "workflow_runs": [{"_id": "65f0c0ffee0000000000abcd", "workflow_run_id": "wf_0123456789ab", "status": "awaiting_input",
                     "created_at": datetime.datetime(2025, 3, 4, 5, 6, 8).isoformat()}],
  "events": [{"_id": "65f0c0ffee0000000000abce", "event_id": "evt_0193b1a2c3d47abc8def0123456789ab",
              "workflow_run_id": "wf_0123456789ab", "event_type": "workflow_created", "timestamp": created.isoformat(),
              "data": {"project_name": "p", "nested": [created.isoformat()]}}],
}
print(base64.b64encode(gzip.compress(json.dumps(state).encode())).decode())
`;

describe("blobs from the original server", () => {
  const python = spawnSync(debianPython, ["-c", ORIGINAL_EXPORT], { encoding: "utf8" });
  test("import as the original did: ISO strings stay strings, ids continue above its event ids", { skip: python.status !== 0 && "no python3" }, () => {
    const blob = python.stdout.trim();
    const db = importDb(blob, { clock: () => Date.UTC(2024, 0, 1), ensureVirtualUser: true });
    assert.deepEqual(db.collectionNames(), ["events", "users", "workflow_runs"]);
    assert.equal(db.collection("users").countDocuments(), 1, "the blob's virtual user is kept, not duplicated");
    const event = db.collection("events").findOne({ event_type: "workflow_created" })!;
    assert.equal(event.timestamp, "2025-03-04T05:06:07.123000");
    assert.deepEqual(event.data, { project_name: "p", nested: ["2025-03-04T05:06:07.123000"] });
    assert.equal(db.collection("workflow_runs").findOne({})!.created_at, "2025-03-04T05:06:08");
    assert.ok(db.newUuid7Hex() > "0193b1a2c3d47abc8def0123456789ab");
    // Exporting it again keeps the strings as strings.
    assert.equal(importDb(exportCompressed(db)).collection("events").findOne({})!.timestamp, "2025-03-04T05:06:07.123000");
  });
});

describe("unreadable input is db_invalid and says what is wrong", () => {
  const gz = (text: string) => gzipSync(Buffer.from(text)).toString("base64");

  test("bad base64", () => dbInvalid(() => importDb("H4sI*not base64*"), "bad_base64", /not base64: unexpected character "\*"/));
  test("not gzip", () => dbInvalid(() => importDb(Buffer.from("just some plain bytes here").toString("base64")), "bad_gzip", /not gzip data/));
  test("truncated gzip", () => {
    const events = Array.from({ length: 200 }, (_, i) => ({ i, v: (i * 7919) % 1009 }));
    const full = gzipSync(Buffer.from(JSON.stringify({ events })));
    dbInvalid(() => importDb(full.subarray(0, full.length - 30).toString("base64")), "bad_gzip", /gzip data is corrupt/);
  });
  test("a gzip trailer that claims more than its data can hold is refused before inflating", () => {
    // Found by the fuzz test: fflate sizes its buffer from the trailer, so this 35-byte blob asked for 2.6 GB.
    dbInvalid(() => importDb("H4sI8K2J7uqykJSoB5KCmW2mHdL28J8hzi4AsYDitqh4pJo="), "bad_gzip", /corrupt: it claims 2594470056 bytes from 35/);
    const small = gzipSync(Buffer.from(JSON.stringify({ events: [] })));
    small.writeUInt32LE(100 * 1024 * 1024, small.length - 4); // 100 MiB from a few dozen bytes
    dbInvalid(() => importDb(small.toString("base64")), "bad_gzip", /claims 104857600 bytes from \d+ compressed bytes/);
  });
  test("gzip of something that is not JSON", () => dbInvalid(() => importDb(gz("{events: nope")), "bad_json", /not valid JSON/));
  test("documents nested deeper than MongoDB allows", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 150; i++) deep = { n: deep };
    dbInvalid(() => importDb(gz(JSON.stringify({ events: [{ deep }] }))), "too_deep", /document 0 of collection 'events' nests deeper than 100 levels/);
  });
  test("wrong shapes", () => {
    dbInvalid(() => importDb(gz("[1, 2]")), "wrong_shape", /must be an object of collections.*got an array/);
    dbInvalid(() => importDb(gz('{"events": {"a": 1}}')), "wrong_shape", /collection 'events' must be an array/);
    dbInvalid(() => importDb(gz('{"events": [1]}')), "wrong_shape", /document 0 of collection 'events' is not an object/);
    dbInvalid(() => importDb(gz('{"bad$name": []}')), "wrong_shape", /invalid collection name/);
    dbInvalid(() => importDb(gz('{"events": [{"at": {"$date": "not a date"}}]}')), "bad_date", /invalid \$date "not a date" at events\[0\]\.at/);
    dbInvalid(() => importDb(gz('{"events": [{"_id": 1}, {"_id": 1}]}')), "duplicate_id", /E11000/);
    dbInvalid(() => importDb(""), "empty", /empty/);
    dbInvalid(() => decodeDbBlob("{not json"), "bad_json", /not valid JSON/);
  });
});
