/** The per-workflow DB files (src/extension/storage.ts), on a real temporary folder. */
import * as assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { WorkflowDbStore } from "../../src/extension/storage";
import { decodeStored, emptyStored } from "../../src/extension/storage-codec";
import { createFreshVirtualDb, exportCompressed } from "../../src/core/db";

const root = mkdtempSync(join(tmpdir(), "wfv-store-"));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
function store(reports: string[] = []): WorkflowDbStore {
  return new WorkflowDbStore(join(root, `s${n++}`), { unreadable: (wf, moved, reason) => reports.push(`${wf}|${moved}|${reason}`) });
}
const WF = "cc/workflow_v3.json";
const BLOB = exportCompressed(createFreshVirtualDb());

function onDisk(s: WorkflowDbStore, workflowFile = WF) {
  const decoded = decodeStored(readFileSync(s.fileFor(workflowFile)));
  assert.ok(decoded.ok, decoded.ok ? "" : decoded.reason);
  return decoded.value;
}

describe("the workflow DB store", () => {
  it("a pending DB is held in memory at once and exported when written", async () => {
    const s = store();
    let exports = 0;
    const written = s.put({ ...emptyStored(WF), virtualDb: async () => (exports++, BLOB) });
    assert.equal(typeof s.peek(WF)?.virtualDb, "function", "nothing exported yet");
    await written;
    assert.equal(exports, 1);
    assert.equal(onDisk(s).virtualDb, BLOB);
    assert.equal(s.peek(WF)?.virtualDb, BLOB, "the exported blob is kept");
    assert.deepEqual(readdirSync(s.directory).filter((f) => f.endsWith(".tmp")), []);
  });

  it("a burst of writes exports the newest entry, not once per write", async () => {
    const s = store();
    let exports = 0;
    const writes = [1, 2, 3, 4, 5].map((i) =>
      s.put({ ...emptyStored(WF), virtualDb: async () => (exports++, BLOB), runs: { [`s/m${i}`]: { status: "completed", fingerprint: "f", at: "t" } } }),
    );
    await Promise.all(writes);
    assert.ok(exports <= 2, `${exports} exports`);
    assert.deepEqual(Object.keys(onDisk(s).runs), ["s/m5"]);
  });

  it("get exports a pending DB (Export DB reads the live one)", async () => {
    const s = store();
    let exports = 0;
    void s.put({ ...emptyStored(WF), virtualDb: async () => (exports++, BLOB) });
    assert.equal((await s.get(WF)).virtualDb, BLOB);
    await s.flush();
    assert.equal(exports, 1, "the write used the blob get exported");
  });

  it("a failed export fails the write and keeps the last good file", async () => {
    const s = store();
    await s.put({ ...emptyStored(WF), virtualDb: BLOB });
    await assert.rejects(s.put({ ...emptyStored(WF), virtualDb: async () => Promise.reject(new Error("export failed")) }), /export failed/);
    assert.equal(onDisk(s).virtualDb, BLOB);
  });

  it("an unreadable file is moved aside and reported; a fresh DB is used", async () => {
    const reports: string[] = [];
    const s = store(reports);
    await s.put({ ...emptyStored(WF), virtualDb: BLOB });
    writeFileSync(s.fileFor(WF), "not a DB");
    const again = new WorkflowDbStore(s.directory, { unreadable: (wf, moved, reason) => reports.push(`${wf}|${moved}|${reason}`) });
    assert.equal((await again.get(WF)).virtualDb, "");
    assert.equal(reports.length, 1);
    const [wf, moved, reason] = reports[0]!.split("|");
    assert.equal(wf, WF);
    assert.match(reason!, /not JSON/);
    assert.equal(readFileSync(moved!, "utf8"), "not a DB");
    assert.equal(existsSync(s.fileFor(WF)), false, "moved, not copied");
  });
});

describe("the workflow DB store, reading lazily", () => {
  it("the run records are read without decoding the DB; a DB the engine cannot open is set aside: moved, reported, a fresh one held", async () => {
    const reports: string[] = [];
    const s = store(reports);
    const runs = { "s/m": { status: "completed" as const, fingerprint: "f", at: "t" } };
    await s.put({ ...emptyStored(WF), virtualDb: "H4sIAAAA-not-a-gzip", runs });
    const again = new WorkflowDbStore(s.directory, { unreadable: (wf, moved, reason) => reports.push(`${wf}|${moved}|${reason}`) });
    assert.deepEqual((await again.entry(WF)).runs, runs, "the lenses get their records");
    assert.equal((await again.get(WF)).virtualDb, "H4sIAAAA-not-a-gzip", "handed to the engine as stored");
    assert.equal(reports.length, 0, "nothing decoded here");
    await again.setAside(WF, "the virtual DB cannot be read: not gzip");
    assert.equal(reports.length, 1);
    const [, moved, reason] = reports[0]!.split("|");
    assert.match(reason!, /the virtual DB cannot be read/);
    assert.match(readFileSync(moved!, "utf8"), /not-a-gzip/, "kept aside, not dropped");
    assert.equal(existsSync(s.fileFor(WF)), false);
    assert.deepEqual(await again.get(WF), { ...emptyStored(WF), savedAt: (await again.get(WF)).savedAt }, "a fresh DB, no records");
  });

  it("a DB read from disk is handed out as stored", async () => {
    const s = store();
    await s.put({ ...emptyStored(WF), virtualDb: BLOB });
    const again = new WorkflowDbStore(s.directory, { unreadable: () => assert.fail("unreadable") });
    assert.equal((await again.get(WF)).virtualDb, BLOB);
    assert.equal((await again.get(WF)).virtualDb, BLOB);
  });
});
