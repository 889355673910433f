import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { diffSnapshots } from "../../src/extension/db-diff";

describe("DB changes of a run", () => {
  it("lists added, changed and removed documents per collection, and the new events", () => {
    const when = new Date("2026-01-01T00:00:00Z");
    const before = { users: [{ _id: "u", n: 1 }], runs: [{ _id: "r", status: "a" }, { _id: "gone" }] };
    const after = {
      users: [{ _id: "u", n: 1 }],
      runs: [{ _id: "r", status: "b" }],
      events: [{ _id: "e1", event_type: "module_started", at: when }],
    };
    const changes = diffSnapshots(before, after);
    assert.deepEqual(changes.collections.map((c) => c.name), ["events", "runs"]);
    const runs = changes.collections.find((c) => c.name === "runs")!;
    assert.deepEqual(runs.changed, [{ _id: "r", status: "b" }]);
    assert.deepEqual(runs.removed, ["gone"]);
    assert.deepEqual(changes.events, [{ _id: "e1", event_type: "module_started", at: { $date: "2026-01-01T00:00:00.000Z" } }]);
  });
});
