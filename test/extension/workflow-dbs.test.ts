/**
 * Each workflow's DB between the store and the engine (src/extension/workflow-dbs.ts), with the real
 * store on a temporary folder and the real engine (src/extension/engine-core.ts).
 */
import * as assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { createFreshVirtualDb, exportCompressed } from "../../src/core/db";
import { isWfvError } from "../../src/core/errors";
import { VirtualSession } from "../../src/core/virtual";
import { createEngine } from "../../src/extension/engine-core";
import { emptyStored } from "../../src/extension/storage-codec";
import { WorkflowDbStore } from "../../src/extension/storage";
import { WorkflowDbs, type DbListener } from "../../src/extension/workflow-dbs";
import { eventLines, miniWorkflow, TOPIC_STEP } from "../engine/fixtures";

const root = mkdtempSync(join(tmpdir(), "wfv-dbs-"));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

const WF = "wf/workflow.json";
const ABS = `/ws/${WF}`;
const paths = { relative: (file: string) => file.replace(/^\/ws\//, ""), absolute: (file: string) => `/ws/${file}` };

function setUp(directory = join(root, `s${n++}`)) {
  const heard: string[] = [];
  const listener: DbListener = {
    replaced: (file, reset) => heard.push(`replaced ${file} ${reset ? "reset" : "import"}`),
    state: (file, state) => heard.push(`state ${file} ${state === null ? "null" : "set"}`),
    changed: () => heard.push("changed"),
    writeFailed: (file, error) => heard.push(`writeFailed ${file} ${String(error)}`),
    warn: (message) => heard.push(`warn ${message}`),
  };
  const unreadable: string[] = [];
  const store = new WorkflowDbStore(directory, { unreadable: (file, _moved, reason) => unreadable.push(`${file}: ${reason}`) });
  const engine = createEngine();
  const dbs = new WorkflowDbs(store, engine, paths, listener);
  const run = (response: Record<string, unknown> | null = null) =>
    engine.execute({ ...dbs.liveDb(ABS), workflow: miniWorkflow(), target_step_id: TOPIC_STEP, target_module_name: "ask_topic", response, mode: "module", mock: true });
  return { store, engine, dbs, heard, unreadable, run, directory };
}

const record = { status: "completed" as const, fingerprint: "f", at: "t" };

describe("a workflow's DB between the store and the engine", () => {
  it("a run's record and its live DB are stored; the file reopens as the same DB", async () => {
    const { store, dbs, run } = setUp();
    await run();
    const generation = dbs.generation(ABS);
    const answer = await run({ value: "otters" });
    assert.equal(answer.status, "completed");
    const { written } = await dbs.recordRun(ABS, generation, TOPIC_STEP, "ask_topic", record, (answer.changes?.length ?? 0) > 0);
    assert.deepEqual(dbs.runRecords(ABS), { [`${TOPIC_STEP}/ask_topic`]: record }, "the lens sees the record at once");
    await written;
    const reread = new WorkflowDbStore(store.directory, { unreadable: () => assert.fail("unreadable") });
    const stored = await reread.get(WF);
    assert.deepEqual(eventLines(VirtualSession.open(stored.virtualDb)).slice(-2), [`interaction_response ${TOPIC_STEP}/ask_topic`, `module_completed ${TOPIC_STEP}/ask_topic`]);
  });

  it("a stored DB that cannot be read is set aside when the engine first opens it: moved, reported once, the run goes on with a fresh DB", async () => {
    const first = setUp();
    await first.store.put({ ...emptyStored(WF), virtualDb: "H4sIAAAA-not-a-gzip", runs: { "x/y": record } });
    const { store, dbs, run, unreadable } = setUp(first.directory);
    assert.deepEqual((await store.entry(WF)).runs, { "x/y": record }, "the lenses read the records, nothing decoded");
    assert.equal(unreadable.length, 0);
    const answer = await run();
    assert.equal(answer.status, "awaiting_input", String(answer.error));
    assert.equal(unreadable.length, 1);
    assert.match(unreadable[0]!, /^wf\/workflow\.json: the virtual DB cannot be read: /);
    assert.equal(existsSync(store.fileFor(WF)), false, "moved aside, not copied");
    assert.deepEqual(dbs.runRecords(ABS), {}, "a fresh DB, no records");
    await run({ value: "owls" });
    assert.equal(unreadable.length, 1, "reported once");
  });

  it("an export opens a stored DB first: one that cannot be read is set aside and the fresh DB exported", async () => {
    const first = setUp();
    await first.store.put({ ...emptyStored(WF), virtualDb: "H4sIAAAA-not-a-gzip" });
    const { dbs, unreadable } = setUp(first.directory);
    assert.equal(await dbs.exportDb(ABS), "");
    assert.equal(unreadable.length, 1);
    const readable = setUp();
    const blob = exportCompressed(createFreshVirtualDb());
    await readable.store.put({ ...emptyStored(WF), virtualDb: blob });
    const again = setUp(readable.directory);
    assert.equal(await again.dbs.exportDb(ABS), blob, "a readable stored DB is exported as stored");
  });

  it("an import checks the blob first: one that cannot be read leaves the stored DB as it was", async () => {
    const { store, dbs, heard } = setUp();
    await store.put({ ...emptyStored(WF), runs: { "x/y": record } });
    await assert.rejects(dbs.importDb(ABS, "not a blob"), (error: unknown) => isWfvError(error) && error.errorType === "db_invalid");
    assert.deepEqual((await store.get(WF)).runs, { "x/y": record });
    const blob = exportCompressed(createFreshVirtualDb());
    await dbs.importDb(ABS, `${blob}\n`);
    const stored = await store.get(WF);
    assert.equal(stored.virtualDb, blob);
    assert.deepEqual(stored.runs, {});
    assert.deepEqual(heard, [`replaced ${ABS} import`, "changed"]);
  });

  it("a run that ends after a reset records nothing; the next run opens the reset DB", async () => {
    const { store, dbs, heard, run } = setUp();
    await run();
    const generation = dbs.generation(ABS);
    const running = run({ value: "lost" });
    await dbs.resetDb(ABS);
    const answer = await running;
    assert.equal(answer.status, "completed");
    const { written } = await dbs.recordRun(ABS, generation, TOPIC_STEP, "ask_topic", record, true);
    await written;
    assert.deepEqual(dbs.runRecords(ABS), {});
    assert.equal((await store.get(WF)).virtualDb, "");
    assert.deepEqual(heard, [`state ${ABS} null`, `replaced ${ABS} reset`, "changed"]);
    const again = await run();
    assert.equal(again.status, "awaiting_input", "a fresh DB asks again");
  });
});
