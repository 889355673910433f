import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createFreshVirtualDb, exportCompressed } from "../../src/core/db";
import { asideFileName, decodeStored, emptyStored, encodeStored, storageFileName } from "../../src/extension/storage-codec";

describe("storage codec (the per-workflow DB file)", () => {
  it("round-trips the envelope with a compressed DB compatible with the CLI's blob", () => {
    const blob = exportCompressed(createFreshVirtualDb());
    const stored = { ...emptyStored("cc/workflow_v3.json"), virtualDb: blob, runs: { "s/m": { status: "completed" as const, fingerprint: "x", at: "t" } } };
    const decoded = decodeStored(encodeStored(stored));
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.value, stored);
  });

  it("keeps a run record's error type and pinned flag (the status lens says them after a reload)", () => {
    const runs = { "s/a": { status: "error" as const, errorType: "resolution_failed", fingerprint: "x", at: "t" }, "s/b": { status: "completed" as const, pinned: true, fingerprint: "y", at: "t" } };
    const decoded = decodeStored(encodeStored({ ...emptyStored("w.json"), runs }));
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.value.runs, runs);
  });

  it("says why a file cannot be read", () => {
    const bad = (text: string) => {
      const r = decodeStored(new TextEncoder().encode(text));
      assert.equal(r.ok, false);
      return r.ok ? "" : r.reason;
    };
    assert.match(bad("garbage"), /^not JSON/);
    assert.match(bad('{"format":"other"}'), /^not a wfv DB file/);
    assert.equal(decodeStored(new Uint8Array([0xff, 0xfe])).ok, false);
  });

  it("reads the envelope only: the DB inside is decoded by the engine when it first opens it", () => {
    const stored = { ...emptyStored("w.json"), virtualDb: "H4sIAAAA" };
    assert.deepEqual(decodeStored(encodeStored(stored)), { ok: true, value: stored });
  });

  it("names files stably per workflow path, and asides never collide with them", () => {
    assert.equal(storageFileName("a/b.json"), storageFileName("a/b.json"));
    assert.notEqual(storageFileName("a/b.json"), storageFileName("a_b.json"));
    assert.match(storageFileName("cc/workflow_v3.json"), /^cc_workflow_v3\.json\.\w+\.wfvdb\.json$/);
    assert.doesNotMatch(asideFileName("x.wfvdb.json", new Date(0)), /\.wfvdb\.json$/);
  });
});
