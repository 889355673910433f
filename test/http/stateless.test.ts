/**
 * The stateless execute of `wfv serve` with its cache of the DBs it returned (src/http/stateless.ts,
 * db-cache.ts, raw-db.ts), over real loopback HTTP: a request that brings back the blob the server
 * just returned (a hit) gets byte for byte the answer a server that decodes every DB gives (a miss);
 * a stale, foreign or re-encoded DB gets the same answer a hit would; a failed run leaves the cached
 * DB as it was; small blobs (read with the body) and large ones (left as bytes) alike.
 *
 * The servers run with a fixed clock and a seeded random source, so ids and dates repeat: two servers
 * given the same requests in the same order make the same ids, whatever path each request takes.
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { createFreshVirtualDb, exportCompressed, importDb } from "../../src/core/db";
import { seededRandom } from "../../src/core/mock";
import type { HttpApiOptions, RunningHttpApi } from "../../src/http/server";
import { miniWorkflow, SHAPE_STEP, TOPIC_STEP } from "../engine/fixtures";
import { post, startTestServer, type HttpReply } from "./client";

const CLOCK = Date.UTC(2025, 5, 1, 12, 0, 0, 0);
const EXECUTE = "/workflow/virtual/execute";

const running: RunningHttpApi[] = [];
after(async () => {
  await Promise.all(running.map((api) => api.close()));
});

/** A server with a reproducible DB clock and random source; `cache: false` decodes every DB. */
async function server(options: { cache?: boolean; random?: () => number } & HttpApiOptions = {}): Promise<string> {
  const { cache = true, random = seededRandom(4242), ...rest } = options;
  const api = await startTestServer({ db: { clock: () => CLOCK, random }, dbCacheBytes: cache ? undefined : 0, ...rest });
  running.push(api);
  return api.url;
}

function source(reply: HttpReply): string {
  return /db;desc=(\w+)/.exec(String(reply.headers["server-timing"]))?.[1] ?? "?";
}

function blobOf(reply: HttpReply): string {
  assert.equal(typeof reply.json?.result?.virtual_db, "string", `a blob back: ${reply.text.slice(0, 300)}`);
  return reply.json.result.virtual_db as string;
}

/**
 * A foreign DB blob of about 200 KB (incompressible notes), so that requests carrying it, or what the
 * server returns for it, are larger than the size from which the blob is left as bytes.
 */
function largeForeignBlob(): string {
  const random = seededRandom(99);
  const db = createFreshVirtualDb({ clock: () => CLOCK, random });
  const hex = () => Array.from({ length: 600 }, () => Math.floor(random() * 16).toString(16)).join("");
  for (let i = 0; i < 300; i++) db.collection("notes").insertOne({ i, text: hex() });
  return exportCompressed(db, { level: 1 });
}

/** The editor's loop on the mini workflow: each request carries the DB the previous reply returned. */
const STEPS: Array<Record<string, unknown>> = [
  { target_step_id: TOPIC_STEP, target_module_name: "ask_topic" },
  { target_step_id: TOPIC_STEP, target_module_name: "ask_topic", response: { value: "otters" } },
  { target_step_id: TOPIC_STEP, target_module_name: "pick_idea", mode: "up_to" },
  { target_step_id: SHAPE_STEP, target_module_name: "confirm", mode: "up_to" },
  { target_step_id: SHAPE_STEP, target_module_name: "confirm", response: { value: "yes" } },
];

for (const size of ["small", "large"] as const) {
  describe(`stateless execute, ${size} DB (${size === "small" ? "blob read with the body" : "blob left as bytes"})`, () => {
    const initial = size === "large" ? largeForeignBlob() : undefined;

    test("a hit answers byte for byte what a server that decodes every DB answers", async () => {
      const [cached, decoding] = await Promise.all([server(), server({ cache: false })]);
      const workflow = miniWorkflow();
      let blob = initial;
      const sources: string[] = [];
      for (const step of STEPS) {
        const body = { workflow, ...step, ...(blob === undefined ? {} : { virtual_db: blob }) };
        const [hit, miss] = [await post(cached, EXECUTE, body), await post(decoding, EXECUTE, body)];
        assert.equal(hit.status, 200);
        assert.notEqual(hit.json.status, "error", hit.json.error);
        assert.equal(hit.text, miss.text, `same answer for ${JSON.stringify(step)}`);
        assert.equal(source(miss), blob === undefined ? "fresh" : "miss");
        sources.push(source(hit));
        blob = blobOf(hit);
      }
      assert.deepEqual(sources, [initial === undefined ? "fresh" : "miss", "hit", "hit", "hit", "hit"]);
      if (size === "large") assert.ok(blob!.length > 64 * 1024, "the blob is large enough to be left as bytes");
    });

    test("a stale, re-encoded or object DB gets the answer a hit would", async () => {
      // A constant random source: every request's ids depend on its DB alone, whatever came before.
      const url = await server({ random: () => 0.5 });
      const workflow = miniWorkflow();
      const first = await post(url, EXECUTE, { workflow, ...STEPS[1], ...(initial === undefined ? {} : { virtual_db: initial }) });
      const given = blobOf(first);
      const next = { workflow, ...STEPS[2] };

      const hit = await post(url, EXECUTE, { ...next, virtual_db: given });
      assert.equal(source(hit), "hit");
      const stale = await post(url, EXECUTE, { ...next, virtual_db: given });
      assert.equal(source(stale), "miss", "the blob was returned once; the DB it named has moved on");
      assert.equal(stale.text, hit.text);

      const reencoded = exportCompressed(importDb(given), { level: 9 });
      assert.notEqual(reencoded, given);
      const foreign = await post(url, EXECUTE, { ...next, virtual_db: reencoded });
      assert.equal(source(foreign), "miss");
      assert.equal(foreign.text, hit.text);

      const object = JSON.parse(gunzipSync(Buffer.from(given, "base64")).toString("utf8"));
      const fromObject = await post(url, EXECUTE, { ...next, virtual_db: object, db_format: "compressed" });
      assert.equal(fromObject.text, hit.text);

      // Two requests with the same blob at once: one takes the live DB, the other decodes; same answer.
      const again = blobOf(hit);
      const [a, b] = await Promise.all([post(url, EXECUTE, { ...STEPS[3], workflow, virtual_db: again }), post(url, EXECUTE, { ...STEPS[3], workflow, virtual_db: again })]);
      assert.deepEqual([source(a), source(b)].sort(), ["hit", "miss"]);
      assert.equal(a.text, b.text);
    });

    test("a failed run hands the DB back exactly as given and leaves the cached DB as it was", async () => {
      const [cached, decoding] = await Promise.all([server(), server({ cache: false })]);
      const failing = miniWorkflow();
      failing.steps[1].modules[0].inputs.data = "{{ state.picked }}"; // a dict, not an array: titles fails
      const body = { workflow: failing, ...STEPS[1], ...(initial === undefined ? {} : { virtual_db: initial }) };
      const [one, oneB] = [await post(cached, EXECUTE, body), await post(decoding, EXECUTE, body)];
      const given = blobOf(one);
      assert.equal(given, blobOf(oneB));

      // up_to the failing module: the select before it runs and stores events, then the call fails.
      const failBody = { workflow: failing, virtual_db: given, target_step_id: SHAPE_STEP, target_module_name: "titles", mode: "up_to" };
      const [failed, failedB] = [await post(cached, EXECUTE, failBody), await post(decoding, EXECUTE, failBody)];
      assert.equal(failed.json.status, "error");
      assert.equal(failed.json.result.error_type, "execution_failed");
      assert.equal(source(failed), "hit");
      assert.equal(failed.json.result.virtual_db, given, "the DB exactly as given");
      assert.equal(failed.text, failedB.text);

      // The same DB again: still a hit, on the DB as it was before the failed call.
      const okBody = { workflow: miniWorkflow(), virtual_db: given, target_step_id: SHAPE_STEP, target_module_name: "titles", mode: "up_to" };
      const [ok, okB] = [await post(cached, EXECUTE, okBody), await post(decoding, EXECUTE, okBody)];
      assert.equal(source(ok), "hit");
      assert.equal(ok.json.status, "completed", ok.json.error);
      assert.equal(ok.text, okB.text);
    });
  });
}

describe("stateless execute: formats and bounds", () => {
  test("db_format none and object keep nothing; the blob the server returns is a hit afterwards", async () => {
    const url = await server();
    const workflow = miniWorkflow();
    const none = await post(url, EXECUTE, { workflow, ...STEPS[0], db_format: "none" });
    assert.equal("virtual_db" in none.json.result, false);
    const object = await post(url, EXECUTE, { workflow, ...STEPS[0], virtual_db: {} });
    assert.equal(typeof object.json.result.virtual_db, "object");
    const blob = blobOf(await post(url, EXECUTE, { workflow, ...STEPS[0] }));
    const hit = await post(url, EXECUTE, { workflow, ...STEPS[1], virtual_db: blob });
    assert.equal(source(hit), "hit");
    assert.equal(hit.json.result.state.topic, "otters");
  });

  test("an unreadable DB is db_invalid with the DB as given (a blob and a large one)", async () => {
    const url = await server();
    for (const given of ["not a blob!", `${"A".repeat(100_000)}!`]) {
      const reply = await post(url, EXECUTE, { workflow: miniWorkflow(), ...STEPS[0], virtual_db: given });
      assert.equal(reply.json.status, "error");
      assert.equal(reply.json.result.error_type, "db_invalid");
      assert.equal(reply.json.result.virtual_db, given);
    }
  });

  test("a cache too small for a DB keeps none: every request decodes, with the same answers", async () => {
    const [tiny, decoding] = await Promise.all([server({ dbCacheBytes: 1 }), server({ cache: false })]);
    const workflow = miniWorkflow();
    let blob: string | undefined;
    for (const step of STEPS.slice(0, 3)) {
      const body = { workflow, ...step, ...(blob === undefined ? {} : { virtual_db: blob }) };
      const [a, b] = [await post(tiny, EXECUTE, body), await post(decoding, EXECUTE, body)];
      assert.notEqual(source(a), "hit");
      assert.equal(a.text, b.text);
      blob = blobOf(a);
    }
  });
});
