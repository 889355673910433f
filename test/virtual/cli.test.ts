/**
 * `wfv run`, `wfv state`, `wfv events`, `wfv history`, in-process and (the answer from a file, an events
 * filter, the history, the exit codes) through the built CLI as a black box: module mode with a DB file,
 * the answer from a file, filters, exit codes, and a failed run leaving the DB file as it was.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { callCli, runCli } from "../helpers/cli";
import { miniWorkflow, TOPIC_STEP } from "../engine/fixtures";

describe("wfv run / state / events / history", () => {
  const dir = mkdtempSync(join(tmpdir(), "wfv-run-"));
  const workflowPath = join(dir, "workflow.json");
  writeFileSync(workflowPath, JSON.stringify(miniWorkflow()));
  const db = join(dir, "mini.db");

  test("module mode: ask, then answer from a file; the DB file carries the run", async () => {
    const asked = await callCli(["run", workflowPath, "--step", TOPIC_STEP, "--module", "ask_topic", "--db", db]);
    assert.equal(asked.status, 0, asked.stdout);
    assert.equal((asked.json as any).status, "awaiting_input");
    assert.ok(existsSync(db));
    const answerFile = join(dir, "answer.json");
    writeFileSync(answerFile, JSON.stringify({ value: "otters" }));
    const answered = runCli(["run", workflowPath, "--step", TOPIC_STEP, "--module", "ask_topic", "--db", db, "--response", `@${answerFile}`, "--print-db"]);
    assert.equal(answered.status, 0, answered.stdout);
    const body = answered.json as any;
    assert.equal(body.status, "completed");
    assert.equal(body.result.module_outputs.value, "otters");
    assert.equal(body.result.virtual_db, readFileSync(db, "utf8").trim(), "--print-db prints what was written");
    assert.equal(body.workflow_run_id, (asked.json as any).workflow_run_id);
  });

  test("state, events and history read the file", async () => {
    const state = (await callCli(["state", db])).json as any;
    assert.equal(state.state.topic, "otters");
    const full = (await callCli(["state", db, "--full"])).json as any;
    assert.deepEqual(Object.keys(full).sort(), ["files", "state_mapped", "steps", "workflow_run_id"]);
    const responses = runCli(["events", db, "--type", "interaction_response"]).json as any;
    assert.equal(responses.total_count, 1);
    assert.equal(responses.events[0].module_name, "ask_topic");
    const lineage = (await callCli(["events", db, "--lineage", "--module", "ask_topic"])).json as any;
    assert.deepEqual(
      lineage.events.map((event: any) => event.event_type),
      ["module_started", "interaction_requested", "interaction_response", "module_completed"],
    );
    const history = runCli(["history", db]).json as any;
    assert.equal(history.interactions.length, 1);
    assert.deepEqual(history.interactions[0].response.value, "otters");
  });

  test("exit codes: 1 with the error shape when the call fails (DB untouched), 2 on usage errors", async () => {
    const before = readFileSync(db, "utf8");
    const failed = runCli(["run", workflowPath, "--step", "nope", "--module", "x", "--db", db]);
    assert.equal(failed.status, 1);
    assert.equal((failed.json as any).result.error_type, "step_not_found");
    assert.equal(readFileSync(db, "utf8"), before);

    const badAnswer = await callCli(["run", workflowPath, "--step", TOPIC_STEP, "--module", "ask_topic", "--response", "[1]"]);
    assert.equal(badAnswer.status, 1);
    assert.equal((badAnswer.json as any).result.error_type, "bad_request");

    const missingRef = await callCli(["run", join(dir, "missing.json"), "--step", "a", "--module", "b"]);
    assert.equal(missingRef.status, 1);
    assert.equal((missingRef.json as any).status, "error");

    assert.equal(runCli(["run", workflowPath, "--module", "x"]).status, 2);
    assert.equal((await callCli(["run", workflowPath, "--step", "a", "--module", "x", "--mode", "sideways"])).status, 2);
    assert.equal(runCli(["state", join(dir, "no.db")]).status, 1);
  });
});
