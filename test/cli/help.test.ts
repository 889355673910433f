/**
 * The `wfv` entry: help, unknown commands, a closed pipe — through the built CLI as a black box (the
 * process boundary is what these test) — and relative paths against the in-process caller's folder.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { callCli, runCli } from "../helpers/cli";
import { cliPath, repoRoot } from "../helpers/paths";

test("wfv --help lists the commands and exits 0", () => {
  const result = runCli(["--help"]);
  assert.equal(result.status, 0);
  assert.match(result.stdout, /Usage: wfv <command>/);
  assert.match(result.stdout, /resolve/);
});

test("an unknown command is a usage error (exit 2)", () => {
  const result = runCli(["no-such-command"]);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /unknown command/);
});

test("a reader that closes the pipe early (wfv … | head) ends the CLI quietly with exit 0", async () => {
  const child = spawn(process.execPath, [cliPath, "render", "--batch", "-"], { cwd: repoRoot });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  // 50 answers of 100 kB: far more than a pipe holds, so the CLI is still writing when the reader leaves.
  child.stdin.end(Array.from({ length: 50 }, () => JSON.stringify({ template: "{{ 'x' * 100000 }}" })).join("\n") + "\n");
  child.stdout.once("data", () => child.stdout.destroy());
  const [code] = await once(child, "exit");
  assert.equal(code, 0, stderr);
  assert.equal(stderr, "");
});

test("no command prints the help and is a usage error (exit 2)", async () => {
  const result = await callCli([]);
  assert.equal(result.status, 2);
  assert.match(result.stdout, /Usage: wfv <command>/);
});

test("relative paths (@file, DB files) start from the caller's folder", async () => {
  const dir = mkdtempSync(join(tmpdir(), "wfv-cwd-"));
  writeFileSync(join(dir, "schema.json"), JSON.stringify({ type: "integer", minimum: 3, maximum: 3 }));
  assert.deepEqual((await callCli(["mock", "--schema", "@schema.json"], { cwd: dir })).json, { items: [3], count: 1, seed: null });
  assert.equal((await callCli(["db", "new", "rel.db"], { cwd: dir })).status, 0);
  assert.equal((await callCli(["db", "count", join(dir, "rel.db"), "users"])).json, 1);
  const again = await callCli(["db", "new", "rel.db"], { cwd: dir });
  assert.equal(again.status, 1);
  assert.match((again.json as { error: string }).error, /^rel\.db exists already/);
});
