import assert from "node:assert/strict";
import { test } from "node:test";
import { runCli } from "../helpers/cli";

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
