/**
 * Segmented blobs (src/core/db/segmented.ts): a blob re-encoded incrementally after any mix of
 * writes is byte for byte the blob a new encoder writes for the same DB, it is one gzip member (read
 * by single-member readers such as fflate's gunzipSync and browsers' DecompressionStream), and it
 * decodes — with Node's zlib (which checks the CRC), the core's fflate codec, the DB import and
 * Python's `json.loads(gzip.decompress(b64decode()))` (what the original server reads blobs with) —
 * to exactly the JSON text a full export writes.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, test } from "node:test";
import { gunzipSync as fflateGunzipSingleMember } from "fflate";
import { gunzipSync, gzipSync } from "node:zlib";
import { createFreshVirtualDb, exportJsonText, fflateCodec, importDb, type Document } from "../../src/core/db";
import { MemoryDb } from "../../src/core/db/memory-db";
import { crc32, crc32Combine, crc32Shift } from "../../src/core/db/crc32";
import { CHUNK_DOCUMENTS, SegmentedEncoder, segmentedBlobText, type SegmentedBlob } from "../../src/core/db/segmented";
import { seededRandom } from "../../src/core/mock";
import { nodeGzipCodec } from "../../src/node/gzip";
import { debianPython } from "../helpers/oracle";

const CLOCK = Date.UTC(2025, 4, 6, 7, 8, 9, 10);

function decodeWithZlib(blob: string): string {
  return gunzipSync(Buffer.from(blob, "base64")).toString("utf8");
}

function checkBlob(db: MemoryDb, blob: SegmentedBlob, encoderOptions: ConstructorParameters<typeof SegmentedEncoder>[0], where: string): void {
  const text = segmentedBlobText(blob);
  const full = exportJsonText(db);
  assert.equal(decodeWithZlib(text), full, `${where}: Node's zlib reads the JSON a full export writes`);
  assert.equal(new TextDecoder().decode(fflateGunzipSingleMember(Buffer.from(text, "base64"))), full, `${where}: one gzip member`);
  assert.equal(blob.jsonLength, full.length, `${where}: jsonLength`);
  assert.equal(blob.length, text.length, `${where}: length`);
  for (const segment of blob.segments) assert.equal(segment.length % 4, 0, `${where}: every segment is whole base64 quads (no padding inside the blob)`);
  assert.equal(text.slice(0, -2).includes("="), false, `${where}: '=' only at the very end`);
  const fresh = new SegmentedEncoder(encoderOptions).encode(db);
  assert.equal(segmentedBlobText(fresh), text, `${where}: the incremental blob is the blob a new encoder writes`);
}

describe("segmented blob", () => {
  test("an empty DB, one collection, odd collection names: the JSON of a full export, in its key order", () => {
    const db = new MemoryDb({ clock: () => CLOCK });
    const encoder = new SegmentedEncoder({ codec: nodeGzipCodec, level: 1 });
    checkBlob(db, encoder.encode(db), { codec: nodeGzipCodec, level: 1 }, "empty");
    assert.equal(decodeWithZlib(segmentedBlobText(encoder.encode(db))), "{}");
    // Integer-like names come first in a JSON object's key order; others sort as strings.
    for (const name of ["b", "10", "2", "a.b", "ä", "__proto__", "events"]) db.collection(name).insertOne({ name, at: db.now() });
    checkBlob(db, encoder.encode(db), { codec: nodeGzipCodec, level: 1 }, "names");
  });

  test("random writes (inserts, updates, replaces, deletes, new and emptied collections): incremental = full, every step", () => {
    const random = seededRandom(17);
    const db = createFreshVirtualDb({ clock: () => CLOCK, random }) as MemoryDb;
    const options = { codec: nodeGzipCodec, level: 1 as const };
    const encoder = new SegmentedEncoder(options);
    const names = ["events", "branches", "workflow_runs", "notes"];
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    const text = (n: number) => Array.from({ length: n }, () => pick(["forest", "river", "ämber", "🌲", '"quoted"', "back\\slash", "$date"])).join(" ");
    let counter = 0;
    const documentOf = (): Document => ({
      event_id: `evt_${db.newUuid7Hex()}`,
      n: counter++,
      body: text(1 + Math.floor(random() * 300)),
      when: db.now(),
      nested: { $date: "not a date, user data" },
    });
    for (let step = 0; step < 120; step++) {
      const name = pick(names);
      const collection = db.collection(name);
      const roll = random();
      const existing = db.storedDocuments(name);
      if (roll < 0.55 || existing.length === 0) {
        const count = 1 + Math.floor(random() * (roll < 0.1 ? 3 * CHUNK_DOCUMENTS : 4));
        collection.insertMany(Array.from({ length: count }, documentOf));
      } else if (roll < 0.75) {
        collection.updateOne({ _id: pick(existing)._id }, { $set: { body: text(5), edited: step } });
      } else if (roll < 0.85) {
        collection.replaceOne({ _id: pick(existing)._id }, { replaced: step, body: text(20) });
      } else if (roll < 0.95) {
        collection.deleteOne({ _id: pick(existing)._id });
      } else {
        collection.deleteMany({});
      }
      checkBlob(db, encoder.encode(db), options, `step ${step}`);
    }
    assert.ok(db.storedDocuments("events").length > 2 * CHUNK_DOCUMENTS, "the DB grew past several chunks");
  });

  test("appending a few documents to a large collection re-encodes only its last chunk", () => {
    const db = createFreshVirtualDb({ clock: () => CLOCK }) as MemoryDb;
    const events = db.collection("events");
    for (let i = 0; i < 10 * CHUNK_DOCUMENTS + 5; i++) events.insertOne({ i, text: `event ${i} `.repeat(20) });
    const encoder = new SegmentedEncoder({ codec: nodeGzipCodec, level: 1 });
    const before = encoder.encode(db);
    events.insertMany([{ i: -1 }, { i: -2 }]);
    const after = encoder.encode(db);
    const reused = after.segments.filter((segment) => before.segments.includes(segment)).length;
    assert.equal(after.segments.length, before.segments.length, "the two new documents join the open chunk");
    assert.equal(reused, after.segments.length - 2, "every segment but the open chunk's and the trailer's is the same object as before");
  });

  test("a codec without deflate fragments (the core's fflate) writes stored blocks: a valid blob all the same", () => {
    const db = createFreshVirtualDb({ clock: () => CLOCK }) as MemoryDb;
    for (let i = 0; i < 3 * CHUNK_DOCUMENTS; i++) db.collection("events").insertOne({ i, when: new Date(CLOCK + i), data: { text: "x".repeat(i) } });
    const blob = segmentedBlobText(new SegmentedEncoder({ codec: fflateCodec, level: 6 }).encode(db));
    assert.equal(new TextDecoder().decode(fflateCodec.gunzip(Buffer.from(blob, "base64"))), exportJsonText(db));
    assert.equal(exportJsonText(importDb(blob)), exportJsonText(db), "fflate import");
    assert.equal(exportJsonText(importDb(blob, { codec: nodeGzipCodec })), exportJsonText(db), "zlib import");
  });

  test("CRC-32 of a concatenation from its parts' CRCs (the trailer's), as zlib computes it", () => {
    const random = seededRandom(5);
    for (const [a, b] of [[0, 0], [0, 7], [1, 1], [1000, 3], [70_000, 131_073]]) {
      const left = Uint8Array.from({ length: a }, () => Math.floor(random() * 256));
      const right = Uint8Array.from({ length: b }, () => Math.floor(random() * 256));
      const whole = Buffer.concat([left, right]);
      assert.equal(crc32(whole), (gzipSync(whole).readUInt32LE(gzipSync(whole).length - 8)) >>> 0, "the table CRC is gzip's");
      assert.equal(crc32Combine(crc32(left), crc32(right), crc32Shift(b)), crc32(whole), `${a} + ${b} bytes`);
    }
  });

  test("fflate reads every member of a multi-member gzip stream", () => {
    const parts = ['{"a":[1,', "2,3", "]}"];
    const joined = Buffer.concat(parts.map((part) => gzipSync(part)));
    assert.equal(new TextDecoder().decode(fflateCodec.gunzip(joined)), '{"a":[1,2,3]}');
    assert.throws(() => fflateCodec.gunzip(joined.subarray(0, joined.length - 5)));
  });

  test("Python's gzip + json (the original server's import) reads the blob as the JSON of a full export", { skip: spawnSync(debianPython, ["-c", "1"]).status !== 0 ? "no /usr/bin/python3" : false }, () => {
    const db = createFreshVirtualDb({ clock: () => CLOCK }) as MemoryDb;
    for (let i = 0; i < 2 * CHUNK_DOCUMENTS + 3; i++) db.collection("events").insertOne({ i, when: new Date(CLOCK + i), text: `ünïcode 🌲 ${i}` });
    db.collection("workflow_runs").insertOne({ run: 1 });
    const encoder = new SegmentedEncoder({ codec: nodeGzipCodec, level: 1 });
    encoder.encode(db);
    db.collection("events").insertOne({ i: "appended" });
    const blob = segmentedBlobText(encoder.encode(db));
    const script = [
      "import base64, gzip, json, sys",
      "text = gzip.decompress(base64.b64decode(sys.stdin.read())).decode('utf-8')",
      "json.loads(text)",
      "sys.stdout.write(text)",
    ].join("\n");
    const python = spawnSync(debianPython, ["-c", script], { input: blob, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    assert.equal(python.status, 0, python.stderr);
    assert.equal(python.stdout, exportJsonText(db));
  });
});
