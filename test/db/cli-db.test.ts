/**
 * `wfv db` over a DB file in a temporary folder: in-process (callCli), with the process boundary (stdin,
 * `@file`, usage exit codes) checked through the built CLI (runCli).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { callCli, runCli, type CliOptions, type CliResult } from "../helpers/cli";

const dir = mkdtempSync(join(tmpdir(), "wfv-db-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const freshPath = () => join(dir, `db${++counter}.wfvdb`);

async function ok(args: string[], input?: string, cli: (args: string[], options: CliOptions) => CliResult | Promise<CliResult> = callCli) {
  const result = await cli(args, { input });
  assert.equal(result.status, 0, `wfv ${args.join(" ")} failed: ${result.stdout}${result.stderr}`);
  return result;
}

async function newDb(): Promise<string> {
  const path = freshPath();
  await ok(["db", "new", path]);
  return path;
}

describe("wfv db shell", () => {
  test("new makes a DB holding the virtual user, and refuses to overwrite without --force", async () => {
    const path = await newDb();
    const users = (await ok(["db", "find", path, "users"])).json as Array<Record<string, unknown>>;
    assert.equal(users.length, 1);
    assert.equal(users[0].user_id, "virtual_user_001");
    assert.ok(typeof (users[0].created_at as { $date: string }).$date === "string", "dates print as {$date}");
    const again = await callCli(["db", "new", path]);
    assert.equal(again.status, 1);
    assert.match((again.json as { error: string }).error, /exists already/);
    await ok(["db", "new", path, "--force"]);
  });

  test("insert, find, count, distinct, update, delete and aggregate", async () => {
    const path = await newDb();
    const inserted = (await ok(["db", "insert", path, "events", '[{"_id":"e1","n":1,"at":{"$date":"2025-01-01T00:00:00Z"}},{"_id":"e2","n":2},{"_id":"e3","n":3}]'])).json;
    assert.deepEqual(inserted, { inserted: 3, inserted_ids: ["e1", "e2", "e3"] });
    assert.deepEqual((await ok(["db", "find", path, "events", "--filter", '{"n":{"$gte":2}}', "--sort", '[["n",-1]]', "--projection", '{"_id":1}', "--limit", "1"])).json, [
      { _id: "e3" },
    ]);
    assert.deepEqual((await ok(["db", "find", path, "events", "--one", "--sort", '{"n":1}', "--skip", "1"])).json, { _id: "e2", n: 2 });
    assert.deepEqual((await ok(["db", "find", path, "events", "--filter", '{"at":{"$lt":{"$date":"2025-06-01T00:00:00Z"}}}'])).json, [
      { _id: "e1", n: 1, at: { $date: "2025-01-01T00:00:00.000Z" } },
    ]);
    assert.equal((await ok(["db", "count", path, "events", "--filter", '{"n":{"$lt":3}}'])).json, 2);
    assert.deepEqual((await ok(["db", "distinct", path, "events", "n"])).json, [1, 2, 3]);
    assert.deepEqual((await ok(["db", "update", path, "events", "--filter", '{"n":{"$gt":1}}', "--update", '{"$inc":{"n":10}}', "--many"])).json, {
      matched: 2,
      modified: 2,
      upserted: false,
      upserted_id: null,
    });
    const upsert = (await ok(["db", "update", path, "kw", "--filter", '{"keyword":"fox"}', "--update", '{"$inc":{"weight":1}}', "--upsert"])).json as Record<string, unknown>;
    assert.equal(upsert.upserted, true);
    assert.deepEqual((await ok(["db", "delete", path, "events", "--filter", '{"n":{"$gt":10}}', "--many"])).json, { deleted: 2 });
    assert.deepEqual((await ok(["db", "aggregate", path, "kw", '[{"$project":{"_id":0}}]'])).json, [{ keyword: "fox", weight: 1 }]);
  });

  test("export and import round-trip, as a compressed blob, as JSON, and from @file", async () => {
    const path = await newDb();
    await ok(["db", "insert", path, "events", '{"_id":"e1","at":{"$date":"2025-01-01T00:00:00.000Z"}}']);
    const blob = (await ok(["db", "export", path])).stdout.trim();
    assert.equal(readFileSync(path, "utf8").trim(), blob, "the DB file is the compressed form");
    const snapshot = (await ok(["db", "export", path, "--json"])).json as Record<string, unknown[]>;
    assert.deepEqual(snapshot.events, [{ _id: "e1", at: { $date: "2025-01-01T00:00:00.000Z" } }]);

    const copy = freshPath();
    const blobFile = join(dir, "blob.txt");
    writeFileSync(blobFile, blob);
    assert.deepEqual((await ok(["db", "import", copy, `@${blobFile}`], undefined, runCli)).json, { imported: copy, collections: { events: 1, users: 1 } });
    assert.equal((await ok(["db", "export", copy])).stdout.trim(), blob);

    const fromJson = freshPath();
    await ok(["db", "import", fromJson, JSON.stringify(snapshot)]);
    assert.equal((await ok(["db", "export", fromJson])).stdout.trim(), blob);
  });

  test("exec runs a JSON-lines script (file or stdin) and answers in the oracle's format", async () => {
    const path = await newDb();
    const script = [
      { op: "createIndex", collection: "kw", keys: [["workflow_template_id", 1], ["keyword", 1]], unique: true },
      { op: "insert", collection: "kw", documents: [{ workflow_template_id: "t", keyword: "fox", at: { $date: "2025-01-01T00:00:00Z" } }] },
      { op: "insert", collection: "kw", documents: [{ workflow_template_id: "t", keyword: "fox" }] },
      { op: "update", collection: "kw", filter: { keyword: "owl", workflow_template_id: "t" }, update: { $inc: { weight: 1 } }, upsert: true },
      { op: "find", collection: "kw", projection: { _id: 0 }, sort: [["keyword", -1]] },
      { op: "findOne", collection: "kw", filter: { keyword: "none" } },
      { op: "count", collection: "kw" },
      { op: "distinct", collection: "kw", field: "keyword" },
      { op: "aggregate", collection: "kw", pipeline: [{ $count: "n" }] },
      { op: "delete", collection: "kw", filter: { keyword: "owl" } },
      { op: "find", collection: "kw", filter: { $where: "true" } },
    ];
    const scriptPath = join(dir, "script.jsonl");
    writeFileSync(scriptPath, script.map((line) => JSON.stringify(line)).join("\n") + "\n\n");
    const answers = (await ok(["db", "exec", path, "--script", scriptPath])).lines as Array<Record<string, unknown>>;
    assert.deepEqual(answers.slice(0, 10), [
      { result: { ok: 1 } },
      { result: { inserted: 1 } },
      { error: 'E11000 duplicate key error collection: kw index: workflow_template_id_1_keyword_1 dup key: {"workflow_template_id":"t","keyword":"fox"}' },
      { result: { matched: 0, modified: 0, upserted: true } },
      {
        result: [
          { workflow_template_id: "t", keyword: "owl", weight: 1 },
          { workflow_template_id: "t", keyword: "fox", at: { $date: "2025-01-01T00:00:00.000Z" } },
        ],
      },
      { result: null },
      { result: 2 },
      { result: ["fox", "owl"] },
      { result: [{ n: 2 }] },
      { result: { deleted: 1 } },
    ]);
    assert.match(String(answers[10].error), /\$where is not supported/);
    // The writes were saved; the script can also come from stdin.
    const fromStdin = (await ok(["db", "exec", path, "--script", "-"], JSON.stringify({ op: "count", collection: "kw" }) + "\n", runCli)).lines;
    assert.deepEqual(fromStdin, [{ result: 1 }]);
  });
});

describe("wfv db failures", () => {
  test("usage errors exit 2", async () => {
    assert.equal(runCli(["db"]).status, 2);
    assert.equal((await callCli(["db", "frobnicate", "x"])).status, 2);
    assert.equal((await callCli(["db", "find"])).status, 2);
    assert.equal(runCli(["db", "update", freshPath(), "c", "--filter", "{}"]).status, 2);
    assert.equal((await callCli(["db", "find", freshPath(), "c", "--limit", "many"])).status, 2);
  });

  test("bad JSON, a missing DB file and bad operations print {error, error_type, details} and exit 1", async () => {
    const path = await newDb();
    const badJson = runCli(["db", "find", path, "users", "--filter", "{nope"]);
    assert.equal(badJson.status, 1);
    assert.equal((badJson.json as { error_type: string }).error_type, "bad_request");
    const missing = await callCli(["db", "find", join(dir, "nothing-here"), "users"]);
    assert.equal(missing.status, 1);
    assert.match((missing.json as { error: string }).error, /no DB file .*wfv db new/);
    const refused = await callCli(["db", "find", path, "users", "--filter", '{"$where":"1"}']);
    assert.equal(refused.status, 1);
    assert.deepEqual(Object.keys(refused.json as object).sort(), ["details", "error", "error_type"]);
  });

  test("a corrupt DB file is db_invalid and is left untouched", async () => {
    const path = freshPath();
    writeFileSync(path, "this is not a database");
    const before = readFileSync(path);
    for (const args of [
      ["db", "find", path, "users"],
      ["db", "insert", path, "users", "{}"],
      ["db", "exec", path, "--script", "-"],
    ]) {
      const result = await callCli(args, { input: '{"op":"count","collection":"x"}\n' });
      assert.equal(result.status, 1);
      const failure = result.json as { error: string; error_type: string; details: Record<string, unknown> };
      assert.equal(failure.error_type, "db_invalid");
      assert.equal(failure.details.reason, "bad_base64");
      assert.match(failure.error, /not base64/);
    }
    assert.deepEqual(readFileSync(path), before);
  });

  test("a failing command leaves the DB file as it was: bad import, bad script, duplicate key", async () => {
    const path = await newDb();
    await ok(["db", "insert", path, "items", '{"_id":"a"}']);
    const before = readFileSync(path, "utf8");

    const badImport = await callCli(["db", "import", path, "H4sIAAAA####"]);
    assert.equal(badImport.status, 1);
    assert.equal((badImport.json as { error_type: string }).error_type, "db_invalid");

    const badScript = await callCli(["db", "exec", path, "--script", "-"], { input: '{"op":"insert","collection":"items","documents":[{"_id":"b"}]}\n{broken\n' });
    assert.equal(badScript.status, 1);
    assert.match((badScript.json as { error: string }).error, /script line 2 is not valid JSON/);

    const duplicate = await callCli(["db", "insert", path, "items", '[{"_id":"c"},{"_id":"a"}]']);
    assert.equal(duplicate.status, 1);
    assert.match((duplicate.json as { error: string }).error, /E11000/);

    assert.equal(readFileSync(path, "utf8"), before);
    assert.deepEqual((await ok(["db", "distinct", path, "items", "_id"])).json, ["a"]);
    assert.deepEqual(
      readdirSync(dir).filter((name) => name.endsWith(".tmp")),
      [],
      "no temporary files are left behind",
    );
  });
});
