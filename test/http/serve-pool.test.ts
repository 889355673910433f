/**
 * Issue 11.2: `wfv serve --workers N` (the built CLI) runs requests in a pool of budgeted workers.
 * While every worker is busy, `/health` still answers (its latency is printed, not asserted); a request
 * over --timeout gets limit_exceeded and its worker is replaced, and the server goes on. The busy
 * workers wait on a loopback server that never answers (api.fetch, --allow-real): `(a+)+$` is being
 * capped by the regex limits, so it no longer holds a worker for long.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { test } from "node:test";
import { cliPath, repoRoot } from "../helpers/paths";
import { miniWorkflow, TOPIC_STEP } from "../engine/fixtures";
import { startLoopback } from "../providers/loopback";
import { post, send } from "./client";

const hanging = (url: string) => ({
  workflow_id: "hang",
  name: "Hang",
  steps: [{ step_id: "slow", name: "Slow", modules: [{ module_id: "api.fetch", name: "backtrack", inputs: { url }, outputs_to_state: { response: "r" } }] }],
});

test("wfv serve --workers 2: /health answers while both workers are busy; over --timeout: limit_exceeded, the workers are replaced", async () => {
  const never = await startLoopback(() => ({ hang: true }));
  const child = spawn(process.execPath, [cliPath, "serve", "--port", "0", "--workers", "2", "--timeout", "3", "--allow-real"], { cwd: repoRoot });
  try {
    const [chunk] = (await once(child.stdout, "data")) as [Buffer];
    const { url } = JSON.parse(chunk.toString("utf8").split("\n")[0]) as { url: string };
    const runaways = [0, 1].map(() => post(url, "/workflow/virtual/execute", { workflow: hanging(`${never.url}/x`), target_step_id: "slow", target_module_name: "backtrack", mock: false }));
    // A third request queues behind them.
    const queued = post(url, "/workflow/virtual/execute", { workflow: miniWorkflow(), target_step_id: TOPIC_STEP, target_module_name: "ask_topic" });
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const health = await send(url, "/health");
      console.log(`/health while every worker is busy: ${(performance.now() - started).toFixed(1)} ms`);
      assert.equal(health.status, 200);
    }
    for (const reply of await Promise.all(runaways)) {
      assert.equal(reply.status, 200);
      assert.equal(reply.json.status, "error", reply.text);
      assert.equal(reply.json.result.error_type, "limit_exceeded", reply.text);
      assert.equal(reply.json.result.details.limit, "time");
    }
    const after = await queued;
    assert.equal(after.json.status, "awaiting_input", after.text);
    // The replacements serve the next requests.
    const again = await post(url, "/workflow/virtual/execute", { workflow: miniWorkflow(), target_step_id: TOPIC_STEP, target_module_name: "ask_topic" });
    assert.equal(again.json.status, "awaiting_input", again.text);
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const [code] = await exited;
    assert.equal(code, 0);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await never.close();
  }
});

test("wfv serve --workers 2: a request bringing back the DB a worker returned goes to that worker (a cache hit), even when another is idle first", async () => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let arrive!: () => void;
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  const gate = await startLoopback(async () => {
    arrive();
    await released;
    return { json: { ok: true } };
  });
  const child = spawn(process.execPath, [cliPath, "serve", "--port", "0", "--workers", "2", "--allow-real"], { cwd: repoRoot });
  try {
    const [chunk] = (await once(child.stdout, "data")) as [Buffer];
    const { url } = JSON.parse(chunk.toString("utf8").split("\n")[0]) as { url: string };
    const source = (reply: { headers: Record<string, unknown> }) => /db;desc=(\w+)/.exec(String(reply.headers["server-timing"]))?.[1];
    // The first worker is held by a call waiting on the gate, so the editor's first request goes to the second.
    const held = post(url, "/workflow/virtual/execute", { workflow: hanging(`${gate.url}/x`), target_step_id: "slow", target_module_name: "backtrack", mock: false });
    await arrived;
    const workflow = miniWorkflow();
    const first = await post(url, "/workflow/virtual/execute", { workflow, target_step_id: TOPIC_STEP, target_module_name: "ask_topic" });
    assert.equal(first.json.status, "awaiting_input", first.text);
    assert.equal(source(first), "fresh");
    assert.ok(first.headers["x-wfv-db-key"], "the worker names the DB it keeps");
    release();
    assert.equal((await held).status, 200);
    // Both workers idle now: the DB goes back to the worker that holds it, not to the first idle one.
    const second = await post(url, "/workflow/virtual/execute", { workflow, target_step_id: TOPIC_STEP, target_module_name: "ask_topic", response: { value: "otters" }, virtual_db: first.json.result.virtual_db });
    assert.equal(second.json.status, "completed", second.text);
    assert.equal(source(second), "hit");
    const third = await post(url, "/workflow/virtual/execute", { workflow, target_step_id: TOPIC_STEP, target_module_name: "pick_idea", mode: "up_to", virtual_db: second.json.result.virtual_db });
    assert.notEqual(third.json.status, "error", third.text);
    assert.equal(source(third), "hit");
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    await exited;
  } finally {
    release();
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await gate.close();
  }
});
