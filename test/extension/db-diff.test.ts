import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { panelChanges } from "../../src/extension/db-diff";

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
