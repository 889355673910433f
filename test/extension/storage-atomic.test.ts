/**
 * Issue 11 item 5: the extension's atomic write fsyncs the temp file before the rename, and removes
 * temp files a killed process left (a real child process, killed with SIGKILL after creating one).
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it, mock } from "node:test";
import { WorkflowDbStore } from "../../src/extension/storage";
import { emptyStored } from "../../src/extension/storage-codec";

// The module object storage.ts calls into (not an import namespace's copy), so a mock reaches it.
const fsp = createRequire(__filename)("node:fs/promises") as typeof import("node:fs/promises");
const root = fs.mkdtempSync(join(tmpdir(), "wfv-store-atomic-"));
after(() => rmRoot());
function rmRoot() {
  fs.rmSync(root, { recursive: true, force: true });
}
const WF = "cc/workflow_v3.json";

/** A child process creates `<file>.<its pid>.<ms>.tmp` (1 MB), then is killed by SIGKILL. */
function leaveTempByKilledProcess(file: string): string {
  const script = `const fs = require("node:fs"); const temp = ${JSON.stringify(file)} + "." + process.pid + "." + Date.now() + ".tmp";
fs.writeFileSync(temp, Buffer.alloc(1 << 20, 120)); process.stdout.write(temp); process.kill(process.pid, "SIGKILL");`;
  const child = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
  assert.equal(child.signal, "SIGKILL");
  assert.ok(fs.existsSync(child.stdout), "the killed process left its temp file");
  return child.stdout;
}

describe("the workflow DB store's atomic write", () => {
  it("removes temp files a killed process left, keeps another live process's", async () => {
    const s = new WorkflowDbStore(join(root, "a"), { unreadable: () => undefined });
    await s.put(emptyStored(WF));
    const orphan = leaveTempByKilledProcess(s.fileFor("other/workflow.json"));
    const live = `${s.fileFor(WF)}.${process.ppid}.1.tmp`;
    fs.writeFileSync(live, "being written by a live process");
    await s.put({ ...emptyStored(WF), currentStepId: "x" } as never);
    assert.equal(fs.existsSync(orphan), false, "the orphaned temp file is removed");
    assert.equal(fs.existsSync(live), true, "a live process's temp file is left alone");
    fs.rmSync(live);
    assert.deepEqual(fs.readdirSync(s.directory).filter((f) => f.endsWith(".tmp")), []);
  });

  it("fsyncs the temp file before renaming it over the stored file", async () => {
    const s = new WorkflowDbStore(join(root, "b"), { unreadable: () => undefined });
    await fsp.mkdir(s.directory, { recursive: true });
    const probe = await fsp.open(join(s.directory, "probe"), "w");
    const handlePrototype = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
    await probe.close();
    const order: string[] = [];
    const originalSync = handlePrototype.sync;
    const originalRename = fsp.rename;
    const sync = mock.method(handlePrototype, "sync", async function (this: unknown) {
      order.push("sync");
      return originalSync.call(this);
    });
    const rename = mock.method(fsp, "rename", async (from: string, to: string) => {
      order.push(`rename ${from.endsWith(".tmp") ? "temp" : from}`);
      return originalRename(from, to);
    });
    try {
      await s.put(emptyStored(WF));
    } finally {
      sync.mock.restore();
      rename.mock.restore();
    }
    assert.deepEqual(order, ["sync", "rename temp"]);
    assert.ok(fs.existsSync(s.fileFor(WF)));
  });
});
