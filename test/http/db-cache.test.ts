/**
 * The serve cache's bookkeeping (src/http/db-cache.ts) and the body split that leaves a large blob as
 * bytes (src/http/raw-db.ts), without a server.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { SegmentedBlob } from "../../src/core/db/segmented";
import { DbCache, cachedDbBytes, type CachedDb } from "../../src/http/db-cache";
import { RAW_DB_MIN_BYTES, splitRawDb } from "../../src/http/raw-db";

/** An entry whose blob is `text` in segments of `segmentSize` characters; it weighs text.length + jsonLength. */
function entry(text: string, jsonLength = 0, segmentSize = 7): CachedDb {
  const segments: Uint8Array[] = [];
  for (let i = 0; i < text.length; i += segmentSize) segments.push(Buffer.from(text.slice(i, i + segmentSize), "latin1"));
  const blob: SegmentedBlob = { segments, length: text.length, jsonLength, largestUuid7: "" };
  return { session: {} as CachedDb["session"], encoder: {} as CachedDb["encoder"], blob };
}

const bytes = (text: string) => Buffer.from(text, "latin1");

describe("DbCache", () => {
  test("a hit needs every byte: same length, same sampled bytes, one byte apart is a miss", () => {
    const cache = new DbCache(1_000_000);
    const text = "QUJD".repeat(5_000);
    cache.put(entry(text));
    // A byte far from the 64 sampled positions: same length and fingerprint, different blob.
    const changed = `${text.slice(0, 101)}Z${text.slice(102)}`;
    assert.equal(cache.take(bytes(changed)), undefined);
    assert.equal(cache.take(bytes(text.slice(1))), undefined);
    const hit = cache.take(bytes(text));
    assert.ok(hit, "the exact bytes, however the entry's segments cut them");
    assert.equal(cache.take(bytes(text)), undefined, "a hit takes the entry out: the request owns the live DB");
    assert.deepEqual(cache.stats(), { entries: 0, bytes: 0, maxBytes: 1_000_000, hits: 1, misses: 3 });
  });

  test("bounded by bytes, least recently used first out; an entry heavier than the bound is not kept", () => {
    const [a, b, c] = ["AAAA", "BBBB", "CCCC"].map((t) => entry(t.repeat(25), 50)); // 150 bytes each
    assert.equal(cachedDbBytes(a), 150);
    const cache = new DbCache(400);
    cache.put(a);
    cache.put(b);
    cache.put(c); // 450 > 400: a goes
    assert.equal(cache.stats().entries, 2);
    assert.equal(cache.take(bytes("AAAA".repeat(25))), undefined);
    // b was used (taken and put back after its run): c is now the oldest.
    assert.equal(cache.take(bytes("BBBB".repeat(25))), b);
    cache.put(b);
    cache.put(entry("DDDD".repeat(25), 50));
    assert.equal(cache.take(bytes("CCCC".repeat(25))), undefined, "c was the least recently used");
    assert.ok(cache.take(bytes("BBBB".repeat(25))));
    cache.put(entry("EEEE".repeat(200), 0));
    assert.equal(cache.take(bytes("EEEE".repeat(200))), undefined, "800 bytes never fit in 400");
    assert.ok(cache.stats().bytes <= 400);
  });

  test("the same blob put twice is kept once (the newer entry)", () => {
    const cache = new DbCache(10_000);
    const first = entry("SAME".repeat(50), 0, 7);
    const second = entry("SAME".repeat(50), 0, 13);
    cache.put(first);
    cache.put(second);
    assert.equal(cache.stats().entries, 1);
    assert.equal(cache.take(bytes("SAME".repeat(50))), second);
  });

  test("a zero bound keeps nothing", () => {
    const cache = new DbCache(0);
    cache.put(entry("QUJD"));
    assert.equal(cache.stats().entries, 0);
  });
});

describe("splitRawDb", () => {
  const blob = "QUJD".repeat(RAW_DB_MIN_BYTES / 2);
  const rest = { workflow: { steps: [{ step_id: "ä", modules: [] }], note: '"virtual_db":"not this"' }, target_step_id: "s", target_module_name: "m" };

  test("a large top-level blob is left as its bytes; the rest parses as usual", () => {
    const text = JSON.stringify({ ...rest, virtual_db: blob, mode: "up_to" });
    const split = splitRawDb(Buffer.from(text));
    assert.ok(split.rawDb);
    assert.equal(split.rawDb.toString("latin1"), blob);
    assert.deepEqual(split.body, { ...rest, virtual_db: split.placeholder, mode: "up_to" });
    // Whitespace around the colon, as a hand-written client may send.
    const spaced = `{"workflow": {}, "virtual_db" :\n "${blob}" }`;
    assert.equal(splitRawDb(Buffer.from(spaced)).rawDb?.toString("latin1"), blob);
  });

  test("anything else is parsed whole: small blobs, objects, a nested or repeated key, bad JSON", () => {
    const whole = (value: unknown) => {
      const text = JSON.stringify(value);
      const split = splitRawDb(Buffer.from(text));
      assert.equal(split.rawDb, undefined, text.slice(0, 80));
      assert.deepEqual(split.body, JSON.parse(text));
    };
    whole({ ...rest, virtual_db: "QUJD" });
    whole({ ...rest, virtual_db: { events: [{ big: blob }] } });
    whole({ workflow: { virtual_db: blob }, virtual_db: null });
    whole({ workflow: { virtual_db: blob }, virtual_db: blob.slice(4) });
    // Repeated key: JSON takes the last, and so must the split.
    const repeated = `{"virtual_db":"${blob}","workflow":{},"virtual_db":"short"}`;
    assert.equal(splitRawDb(Buffer.from(repeated)).rawDb, undefined);
    assert.equal((splitRawDb(Buffer.from(repeated)).body as { virtual_db: string }).virtual_db, "short");
    assert.throws(() => splitRawDb(Buffer.from(`{"virtual_db":"${blob}",}`)), /not valid JSON/);
  });
});
