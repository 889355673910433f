import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fieldChanges, panelChanges } from "../../src/extension/db-diff";

describe("DB changes of a run, for the panel", () => {
  it("keeps the engine's changes per collection as extended JSON, lists the new events, and names removed ids as strings", () => {
    const at = new Date("2026-01-01T00:00:00.000Z");
    const changes = panelChanges([
      { name: "events", added: [{ _id: "e1", event_type: "module_started", at }], changed: [], removed: [] },
      { name: "runs", added: [], changed: [{ _id: "r", status: "b" }], removed: ["gone", 7, { k: 1 }, at] },
    ]);
    assert.deepEqual(changes.collections.map((c) => c.name), ["events", "runs"]);
    assert.deepEqual(changes.collections[1]!.removed, ["gone", "7", '{"k":1}', '{"$date":"2026-01-01T00:00:00.000Z"}']);
    assert.deepEqual(changes.events, [{ _id: "e1", event_type: "module_started", at: { $date: "2026-01-01T00:00:00.000Z" } }]);
  });

  it("no events collection: no events", () => {
    assert.deepEqual(panelChanges([]), { events: [], collections: [] });
  });
});

describe("field-level changes of updated documents", () => {
  it("an update lists only the fields that changed, before → after, nested objects by dotted path, added and removed fields", () => {
    const before = new Date("2026-01-01T00:00:00.000Z");
    const after = new Date("2026-01-01T00:00:05.000Z");
    const changes = panelChanges([
      {
        name: "workflow_runs",
        added: [],
        changed: [{ _id: "r1", status: "completed", updated_at: after, state: { topic: "otters", count: 2 }, list: [1, 2], extra: true }],
        previous: [{ _id: "r1", status: "awaiting_input", updated_at: before, state: { topic: "otters", count: 1 }, list: [1], gone: "x" }],
        removed: [],
      },
    ]);
    assert.deepEqual(changes.collections[0]!.updates, [
      {
        id: "r1",
        fields: [
          { path: "status", before: "awaiting_input", after: "completed" },
          { path: "updated_at", before: { $date: "2026-01-01T00:00:00.000Z" }, after: { $date: "2026-01-01T00:00:05.000Z" } },
          { path: "state.count", before: 1, after: 2 },
          { path: "list", before: [1], after: [1, 2] },
          { path: "extra", after: true },
          { path: "gone", before: "x" },
        ],
      },
    ]);
  });

  it("without before-images there are no updates (the documents are still listed)", () => {
    const changes = panelChanges([{ name: "c", added: [], changed: [{ _id: "a", v: 2 }], removed: [] }]);
    assert.equal(changes.collections[0]!.updates, undefined);
    assert.deepEqual(changes.collections[0]!.changed, [{ _id: "a", v: 2 }]);
  });

  it("key order alone is no change", () => {
    assert.deepEqual(fieldChanges({ a: { x: 1, y: 2 } }, { a: { y: 2, x: 1 } }), []);
  });
});
