import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { panelChanges } from "../../src/extension/db-diff";

describe("DB changes of a run, for the panel", () => {
  it("keeps the engine's changes per collection, lists the new events, and names removed ids as strings", () => {
    const changes = panelChanges({
      collections: [
        { name: "events", added: [{ _id: "e1", event_type: "module_started", at: { $date: "2026-01-01T00:00:00.000Z" } }], changed: [], removed: [] },
        { name: "runs", added: [], changed: [{ _id: "r", status: "b" }], removed: ["gone", 7, { k: 1 }] },
      ],
    });
    assert.deepEqual(changes.collections.map((c) => c.name), ["events", "runs"]);
    assert.deepEqual(changes.collections[1]!.removed, ["gone", "7", '{"k":1}']);
    assert.deepEqual(changes.events, [{ _id: "e1", event_type: "module_started", at: { $date: "2026-01-01T00:00:00.000Z" } }]);
  });

  it("no events collection: no events", () => {
    assert.deepEqual(panelChanges({ collections: [] }), { events: [], collections: [] });
  });
});
