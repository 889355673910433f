/**
 * Issue 11 item 5 through the built CLI (runCli): `__proto__` as a collection, a field and a required
 * mock property is kept, never silently dropped; an empty DB file is db_invalid for every command and
 * kept; DB files are written through an fsynced temp file, and temp files a killed process left go.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { after, describe, test, mock } from "node:test";
import { writeDbText } from "../../src/cli/db-file";
import { runCli } from "../helpers/cli";

const { mkdtempSync, rmSync } = fs;

const dir = mkdtempSync(join(tmpdir(), "wfv-issue11-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const freshPath = () => join(dir, `db${++counter}.wfvdb`);

function ok(args: string[]): unknown {
  const result = runCli(args);
  assert.equal(result.status, 0, `wfv ${args.join(" ")} failed: ${result.stdout}${result.stderr}`);
  return result.json;
}

describe("__proto__ through the CLI", () => {
  test("db insert into a collection named __proto__, then count and find see the document", () => {
    const path = freshPath();
    ok(["db", "new", path]);
    assert.deepEqual(ok(["db", "insert", path, "__proto__", '{"_id":"b"}']), { inserted: 1, inserted_ids: ["b"] });
    assert.equal(ok(["db", "count", path, "__proto__"]), 1);
    assert.deepEqual(ok(["db", "find", path, "__proto__"]), [{ _id: "b" }]);
  });

  test("a document key __proto__ is written and read back", () => {
    const path = freshPath();
    ok(["db", "new", path]);
    ok(["db", "insert", path, "docs", '{"_id":"a","__proto__":{"x":1},"y":2}']);
    const found = ok(["db", "find", path, "docs"]) as unknown[];
    assert.deepEqual(found, [JSON.parse('{"_id":"a","__proto__":{"x":1},"y":2}')]);
    assert.ok(Object.prototype.hasOwnProperty.call(found[0], "__proto__"));
  });

  test("wfv mock with a required __proto__ property gives one", () => {
    const schema = '{"type":"object","properties":{"__proto__":{"type":"string"},"a":{"type":"integer"}},"required":["__proto__","a"]}';
    const { items } = ok(["mock", "--schema", schema]) as { items: Array<Record<string, unknown>> };
    assert.equal(items.length, 1);
    assert.ok(Object.prototype.hasOwnProperty.call(items[0], "__proto__"), JSON.stringify(items[0]));
    assert.equal(typeof items[0].__proto__, "string");
    assert.deepEqual(Object.keys(items[0]), ["__proto__", "a"]);
  });
});

describe("an empty or blank DB file", () => {
  const workflowDir = mkdtempSync(join(dir, "wf-"));
  const workflow = join(workflowDir, "workflow.json");
  fs.writeFileSync(
    workflow,
    JSON.stringify({
      workflow_id: "empty_db",
      name: "Empty DB",
      steps: [{ step_id: "intro", name: "Intro", modules: [{ module_id: "user.text_input", name: "ask", inputs: { prompt: "Topic?" }, outputs_to_state: { value: "topic" } }] }],
    }),
  );
  const commands: Array<[string, (db: string) => string[]]> = [
    ["run", (db) => ["run", workflow, "--step", "intro", "--module", "ask", "--db", db]],
    ["state", (db) => ["state", db]],
    ["events", (db) => ["events", db]],
    ["history", (db) => ["history", db]],
    ["db find", (db) => ["db", "find", db, "users"]],
    ["db count", (db) => ["db", "count", db, "users"]],
    ["db insert", (db) => ["db", "insert", db, "users", '{"_id":"x"}']],
    ["db export", (db) => ["db", "export", db]],
  ];
  for (const content of ["", "  \n\t\n"]) {
    for (const [name, args] of commands) {
      test(`${name} on a ${content === "" ? "0-byte" : "whitespace-only"} DB file: db_invalid, exit 1, the file kept as it was`, () => {
        const path = freshPath();
        fs.writeFileSync(path, content);
        const result = runCli(args(path));
        assert.equal(result.status, 1, `${result.stdout}${result.stderr}`);
        // run answers in the execute response's shape (result.error_type); the others print the error.
        const failure = result.json as { error: string; error_type?: string; result?: { error_type: string } };
        assert.equal(failure.error_type ?? failure.result?.error_type, "db_invalid", result.stdout);
        assert.match(failure.error, /empty/);
        assert.equal(fs.readFileSync(path, "utf8"), content, "the file is kept");
      });
    }
  }
});

describe("writing a DB file", () => {
  const io = { stdout: () => undefined, stderr: () => undefined, readStdin: () => "", cwd: process.cwd() };
  // The module object db-file.ts calls into, so a mock reaches it.
  const nodeFs = createRequire(__filename)("node:fs") as typeof fs;

  test("the temp file is fsynced before it is renamed over the DB file", () => {
    const path = freshPath();
    const order: string[] = [];
    const originalFsync = nodeFs.fsyncSync;
    const originalRename = nodeFs.renameSync;
    const fsync = mock.method(nodeFs, "fsyncSync", (fd: number) => {
      order.push("fsync");
      originalFsync(fd);
    });
    const rename = mock.method(nodeFs, "renameSync", (from: string, to: string) => {
      order.push(`rename ${from.endsWith(".tmp") ? "temp" : from} -> ${basename(to)}`);
      originalRename(from, to);
    });
    try {
      writeDbText(io, path, "blob");
    } finally {
      fsync.mock.restore();
      rename.mock.restore();
    }
    assert.deepEqual(order, ["fsync", `rename temp -> ${basename(path)}`]);
    assert.equal(fs.readFileSync(path, "utf8"), "blob\n");
  });

  test("temp files a killed process left beside the DB file are removed by the next write; a live process's stay", () => {
    const path = freshPath();
    // A child names a temp file as writeDbText does, with its own pid, writes 1 MB and is SIGKILLed.
    const script = `const fs = require("node:fs"), p = require("node:path"); const f = ${JSON.stringify(path)};
const temp = p.join(p.dirname(f), "." + p.basename(f) + "." + process.pid + "." + Date.now() + ".1.tmp");
fs.writeFileSync(temp, Buffer.alloc(1 << 20, 120)); process.stdout.write(temp); process.kill(process.pid, "SIGKILL");`;
    const child = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
    assert.equal(child.signal, "SIGKILL");
    const orphan = child.stdout;
    assert.ok(fs.existsSync(orphan));
    const live = join(dirname(path), `.${basename(path)}.${process.ppid}.1.1.tmp`);
    fs.writeFileSync(live, "a live writer's");
    const unrelated = join(dirname(path), `.other.wfvdb.999999999.1.1.tmp`);
    fs.writeFileSync(unrelated, "another file's");
    writeDbText(io, path, "blob");
    assert.equal(fs.existsSync(orphan), false, "the killed process's temp file is gone");
    assert.equal(fs.existsSync(live), true, "a live process's temp file stays");
    assert.equal(fs.existsSync(unrelated), true, "only temp files of the DB file written are touched");
    assert.equal(fs.readFileSync(path, "utf8"), "blob\n");
  });
});
