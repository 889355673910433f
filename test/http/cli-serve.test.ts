/**
 * `wfv serve` as a black box: the built CLI on port 0 prints its URL as one JSON line, answers real
 * requests, and exits 0 on SIGTERM.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { once } from "node:events";
import { test } from "node:test";
import { runCli } from "../helpers/cli";
import { cliPath, repoRoot } from "../helpers/paths";
import { miniWorkflow, TOPIC_STEP } from "../engine/fixtures";
import { post, send } from "./client";

/** Resolves with the first stdout line; rejects if the process exits before printing one. */
function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const newline = buffered.indexOf("\n");
      if (newline >= 0) {
        child.stdout.off("data", onData);
        resolve(buffered.slice(0, newline));
      }
    };
    child.stdout.on("data", onData);
    child.once("exit", (code) => reject(new Error(`wfv serve exited ${code} before printing its URL: ${stderr}`)));
  });
}

test("wfv serve --port 0 prints its URL, serves the API and stops cleanly on SIGTERM", async () => {
  const child = spawn(process.execPath, [cliPath, "serve", "--port", "0", "--cors-origin", "http://localhost:5173"], { cwd: repoRoot });
  try {
    const line = JSON.parse(await firstLine(child)) as { url: string };
    assert.match(line.url, /^http:\/\/127\.0\.0\.1:\d+$/);

    const health = await send(line.url, "/health", { headers: { Origin: "http://localhost:5173" } });
    assert.equal(health.status, 200);
    assert.equal(health.headers["access-control-allow-origin"], "http://localhost:5173");

    const reply = await post(line.url, "/workflow/virtual/execute", { workflow: miniWorkflow(), target_step_id: TOPIC_STEP, target_module_name: "ask_topic" });
    assert.equal(reply.status, 200);
    assert.equal(reply.json.status, "awaiting_input");
    assert.equal(typeof reply.json.result.virtual_db, "string");

    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const [code, signal] = await exited;
    assert.equal(signal, null, "handled the signal rather than dying of it");
    assert.equal(code, 0);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
});

test("wfv serve refuses bad options as usage errors", () => {
  for (const args of [["--port", "http"], ["--port", "70000"], ["--max-body-bytes", "-1"], ["--db-cache-mb", "lots"], ["--cors-origin", "localhost:5173/app"], ["extra"]]) {
    const result = runCli(["serve", ...args]);
    assert.equal(result.status, 2, `${args.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, /^wfv: /);
  }
});
