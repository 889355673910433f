import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { canonicalJson, isStale, moduleFingerprints, statusTitle } from "../../src/extension/staleness";

const wf = () => ({
  workflow_id: "w",
  config: { a: 1 },
  steps: [
    { step_id: "s1", modules: [{ module_id: "x", name: "a", inputs: { p: 1 } }, { module_id: "x", name: "b" }] },
    { step_id: "s2", modules: [{ module_id: "x", name: "c" }] },
  ],
});

describe("staleness (chained module fingerprints)", () => {
  it("a change makes that module and every later one stale, not earlier ones", () => {
    const before = moduleFingerprints(wf());
    const edited = wf();
    edited.steps[0].modules[1] = { module_id: "x", name: "b", inputs: { p: 2 } } as never;
    const after = moduleFingerprints(edited);
    assert.equal(after.get("s1/a"), before.get("s1/a"));
    assert.notEqual(after.get("s1/b"), before.get("s1/b"));
    assert.notEqual(after.get("s2/c"), before.get("s2/c"));
  });

  it("a top-level change (config) makes everything stale; canonical JSON ignores key order (for DB diffs)", () => {
    const moved = wf();
    moved.config = { a: 2 };
    assert.notEqual(moduleFingerprints(moved).get("s1/a"), moduleFingerprints(wf()).get("s1/a"));
    assert.equal(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] }), canonicalJson({ a: [1, { c: 3, d: 2 }], b: 1 }));
  });

  it("status titles", () => {
    const record = { status: "completed" as const, fingerprint: "f", at: "" };
    assert.equal(isStale(record, "f"), false);
    assert.equal(isStale(record, "g"), true);
    assert.equal(isStale(undefined, "g"), false);
    assert.match(statusTitle(record, false), /completed$/);
    assert.match(statusTitle(record, true), /completed · stale$/);
    assert.match(statusTitle({ ...record, status: "awaiting_input" }, false), /awaiting input$/);
    assert.match(statusTitle({ ...record, status: "error", errorType: "resolution_failed" }, false), /error: resolution_failed$/);
  });
});
