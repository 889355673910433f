/**
 * The extension's engine (src/extension/engine-core.ts): each workflow's DB stays live in memory
 * between calls (issue 6), in one session per workflow, which serialises the calls on it, leaves the
 * DB as it was after a failed call, and reports what a call changed without exporting the DB.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { VirtualSession } from "../../src/core/virtual";
import { createEngine } from "../../src/extension/engine-core";
import type { ExecuteRequest } from "../../src/extension/engine";
import { eventLines, miniWorkflow, TOPIC_STEP } from "../engine/fixtures";

/** A stored DB the engine may load, counting the loads. */
function storedDb(blob: string | null = null) {
  const ref = {
    loads: 0,
    blob,
    db_key: "wf/workflow.json",
    load_db: async () => {
      ref.loads++;
      return ref.blob;
    },
  };
  return ref;
}

function askTopic(ref: ReturnType<typeof storedDb>, workflow: unknown, response: Record<string, unknown> | null = null): ExecuteRequest {
  return { db_key: ref.db_key, load_db: ref.load_db, workflow, target_step_id: TOPIC_STEP, target_module_name: "ask_topic", response, mode: "module", mock: true };
}

describe("the extension's live engine", () => {
  test("the stored DB is loaded once; later calls work on the live DB and see the earlier ones", async () => {
    const engine = createEngine();
    const stored = storedDb();
    const workflow = miniWorkflow();
    const first = await engine.execute(askTopic(stored, workflow));
    assert.equal(first.status, "awaiting_input");
    assert.equal(first.result?.virtual_db, undefined, "no blob per call");
    const answer = await engine.execute(askTopic(stored, workflow, { value: "otters" }));
    assert.equal(answer.status, "completed", String(answer.error));
    assert.equal((answer.result?.state as Record<string, unknown>).topic, "otters");
    assert.equal(answer.workflow_run_id, first.workflow_run_id);
    assert.equal(stored.loads, 1);
    const state = await engine.state(stored);
    assert.deepEqual(Object.keys(state).sort(), ["files", "state_mapped", "steps"]);
    assert.equal((state.state_mapped as Record<string, unknown>).topic, "otters");
  });

  test("changes list what the call stored, by collection, from the session's checkpoint", async () => {
    const engine = createEngine();
    const stored = storedDb();
    const workflow = miniWorkflow();
    await engine.execute(askTopic(stored, workflow));
    const answer = await engine.execute(askTopic(stored, workflow, { value: "owls" }));
    const events = answer.changes?.find((c) => c.name === "events");
    assert.ok(events, JSON.stringify(answer.changes));
    assert.deepEqual(
      events.added.map((e) => e.event_type),
      ["interaction_response", "module_completed"],
    );
    assert.ok(events.added[0]!.timestamp instanceof Date, "the documents as stored (the panel writes them as extended JSON)");
  });

  test("a failed call leaves the live DB exactly as it was and reports no changes", async () => {
    const engine = createEngine();
    const stored = storedDb();
    const workflow = miniWorkflow();
    await engine.execute(askTopic(stored, workflow));
    const before = await engine.exportDb(stored.db_key);
    const failed = await engine.execute({ ...askTopic(stored, workflow), target_module_name: "no_such_module" });
    assert.equal(failed.status, "error");
    assert.equal(failed.result?.error_type, "module_not_found");
    assert.equal(failed.changes, null);
    assert.equal(await engine.exportDb(stored.db_key), before);
  });

  test("an export waits for the calls already made and holds them; it reopens as the same DB", async () => {
    const engine = createEngine();
    const stored = storedDb();
    const workflow = miniWorkflow();
    assert.equal(await engine.exportDb(stored.db_key), null, "nothing live yet");
    await engine.execute(askTopic(stored, workflow));
    const running = engine.execute(askTopic(stored, workflow, { value: "foxes" }));
    const exported = engine.exportDb(stored.db_key);
    await running;
    const blob = await exported;
    assert.ok(blob?.startsWith("H4sI"));
    assert.deepEqual(eventLines(VirtualSession.open(blob)).slice(-2), [`interaction_response ${TOPIC_STEP}/ask_topic`, `module_completed ${TOPIC_STEP}/ask_topic`]);
  });

  test("forget drops the live DB: the next call opens the stored one again", async () => {
    const engine = createEngine();
    const workflow = miniWorkflow();
    const stored = storedDb();
    await engine.execute(askTopic(stored, workflow, { value: "first" }));
    const kept = await engine.exportDb(stored.db_key);
    await engine.execute(askTopic(stored, workflow, { value: "second" }));
    stored.blob = kept; // e.g. an import put this DB in the store
    await engine.forget(stored.db_key);
    assert.equal(await engine.exportDb(stored.db_key), null);
    const state = await engine.state(stored);
    assert.equal((state.state_mapped as Record<string, unknown>).topic, "first");
    assert.equal(stored.loads, 2);
  });

  test("calls on one DB are serialised, calls on two DBs are independent", async () => {
    const engine = createEngine();
    const workflow = miniWorkflow();
    const a = storedDb();
    const b = { ...storedDb(), db_key: "other/workflow.json" };
    const answers = await Promise.all(["1", "2", "3"].map((value) => engine.execute(askTopic(a, workflow, { value }))));
    assert.deepEqual(answers.map((r) => r.status), ["completed", "completed", "completed"]);
    await engine.execute(askTopic(b, workflow));
    const lines = eventLines(VirtualSession.open((await engine.exportDb(a.db_key))!));
    assert.equal(lines.filter((l) => l.startsWith("module_completed")).length, 3);
    assert.equal(eventLines(VirtualSession.open((await engine.exportDb(b.db_key))!)).filter((l) => l.startsWith("module_completed")).length, 0);
  });

  test("a stored DB that cannot be read is handed to `unreadable`, and the call goes on with the DB it answers", async () => {
    const engine = createEngine();
    const stored = storedDb("not a blob");
    const reasons: string[] = [];
    const first = await engine.execute({ ...askTopic(stored, miniWorkflow()), unreadable: async (reason) => (reasons.push(reason), null) });
    assert.equal(first.status, "awaiting_input", String(first.error));
    assert.equal(reasons.length, 1);
    assert.match(reasons[0]!, /base64|gzip/);
  });

  test("dbProblem says why a blob cannot be opened, and nothing for one that can", async () => {
    const engine = createEngine();
    const problem = await engine.dbProblem("not a blob");
    assert.equal(problem?.error_type, "db_invalid");
    assert.equal(typeof problem?.error, "string");
    await engine.execute(askTopic(storedDb(), miniWorkflow()));
    assert.equal(await engine.dbProblem((await engine.exportDb("wf/workflow.json"))!), null);
  });

  test("a stored DB that cannot be read fails the call with db_invalid and keeps nothing live", async () => {
    const engine = createEngine();
    const stored = storedDb("not a blob");
    const failed = await engine.execute(askTopic(stored, miniWorkflow()));
    assert.equal(failed.status, "error");
    assert.equal(failed.result?.error_type, "db_invalid");
    assert.equal(await engine.exportDb(stored.db_key), null);
  });
});
