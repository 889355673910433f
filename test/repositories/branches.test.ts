import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildLineageFilter, EventType } from "../../src/core/repositories";
import { harness, RunScript } from "./fixture";

describe("branches and lineage (engine.md 2.4)", () => {
  it("a new run has a root branch whose lineage is itself with no cutoff", () => {
    const h = harness();
    const run = new RunScript(h);
    const branchId = h.repos.branches.getCurrentBranchId(run.runId)!;
    assert.match(branchId, /^br_[0-9a-f]{32}$/);
    assert.deepEqual(h.repos.branches.getBranchLineage(branchId), [{ branch_id: branchId, cutoff_event_id: null }]);
    const stored = h.repos.branches.getBranch(branchId)!;
    assert.equal(stored.workflow_run_id, run.runId);
    assert.ok(stored.created_at instanceof Date);
  });

  it("create_branch sets the cutoff on the parent's entry, appends itself and becomes current", () => {
    const h = harness();
    const run = new RunScript(h);
    const root = h.repos.branches.getCurrentBranchId(run.runId)!;
    run.stepStarted("s1");
    const cut = run.module("s1", "a", { x: 1 });
    run.module("s1", "b", { x: 2 });

    const fork = h.repos.branches.createBranch(run.runId, root, cut);
    assert.equal(h.repos.branches.getCurrentBranchId(run.runId), fork);
    assert.deepEqual(h.repos.branches.getBranchLineage(fork), [
      { branch_id: root, cutoff_event_id: cut },
      { branch_id: fork, cutoff_event_id: null },
    ]);
    // The parent's own lineage is untouched.
    assert.deepEqual(h.repos.branches.getBranchLineage(root), [{ branch_id: root, cutoff_event_id: null }]);
  });

  it("a fork of a fork keeps the grandparent's cutoff and sees exactly the events before each cutoff", () => {
    const h = harness();
    const run = new RunScript(h);
    const root = h.repos.branches.getCurrentBranchId(run.runId)!;
    run.stepStarted("s1");
    const a1 = run.module("s1", "a1", {});
    const a2 = run.module("s1", "a2", {}); // cut here
    run.module("s1", "a3", {}); // dropped for the forks

    const b = h.repos.branches.createBranch(run.runId, root, a2);
    const b1 = run.module("s1", "b1", {}); // cut here
    run.module("s1", "b2", {}); // dropped for the grandchild

    const c = h.repos.branches.createBranch(run.runId, b, b1);
    const c1 = run.module("s1", "c1", {});

    assert.deepEqual(h.repos.branches.getBranchLineage(c), [
      { branch_id: root, cutoff_event_id: a2 },
      { branch_id: b, cutoff_event_id: b1 },
      { branch_id: c, cutoff_event_id: null },
    ]);
    const completed = h.repos.events
      .getLineageEvents(run.runId, { eventType: EventType.MODULE_COMPLETED })
      .map((e) => e.event_id);
    assert.deepEqual(completed, [a1, a2, b1, c1]);
    assert.deepEqual(
      h.repos.events.getLineageEvents(run.runId, { branchId: b, eventType: EventType.MODULE_COMPLETED }).map((e) => e.module_name),
      ["a1", "a2", "b1", "b2"],
    );
    assert.deepEqual(
      h.repos.events.getLineageEvents(run.runId, { branchId: root, eventType: EventType.MODULE_COMPLETED }).map((e) => e.module_name),
      ["a1", "a2", "a3"],
    );
  });

  it("forking from an ancestor's event cuts that ancestor, not the current branch", () => {
    const h = harness();
    const run = new RunScript(h);
    const root = h.repos.branches.getCurrentBranchId(run.runId)!;
    run.stepStarted("s1");
    const a1 = run.module("s1", "a1", {});
    run.module("s1", "a2", {});
    const b = h.repos.branches.createBranch(run.runId, root, a1);
    run.module("s1", "b1", {});
    const c = h.repos.branches.createBranch(run.runId, root, a1);
    assert.deepEqual(h.repos.branches.getBranchLineage(c), [
      { branch_id: root, cutoff_event_id: a1 },
      { branch_id: c, cutoff_event_id: null },
    ]);
    assert.notEqual(b, c);
    assert.deepEqual(
      h.repos.events.getLineageEvents(run.runId, { eventType: EventType.MODULE_COMPLETED }).map((e) => e.module_name),
      ["a1"],
    );
  });

  it("reads legacy branches (parent_branch_id/parent_event_id) by walking up", () => {
    const h = harness();
    const branches = h.db.collection("branches");
    branches.insertMany([
      { branch_id: "br_a", workflow_run_id: "wf_x", parent_branch_id: null, created_at: new Date(0) },
      { branch_id: "br_b", workflow_run_id: "wf_x", parent_branch_id: "br_a", parent_event_id: "evt_2", created_at: new Date(0) },
      { branch_id: "br_c", workflow_run_id: "wf_x", parent_branch_id: "br_b", parent_event_id: "evt_5", created_at: new Date(0) },
    ]);
    assert.deepEqual(h.repos.branches.getBranchLineage("br_c"), [
      { branch_id: "br_a", cutoff_event_id: "evt_2" },
      { branch_id: "br_b", cutoff_event_id: "evt_5" },
      { branch_id: "br_c", cutoff_event_id: null },
    ]);
    // A fork of a legacy branch starts a lineage of its own from it.
    const fork = h.repos.branches.createBranch("wf_x", "br_c", "evt_7");
    assert.deepEqual(h.repos.branches.getBranchLineage(fork), [
      { branch_id: "br_c", cutoff_event_id: "evt_7" },
      { branch_id: fork, cutoff_event_id: null },
    ]);
  });

  it("an unknown branch has an empty lineage and no events", () => {
    const h = harness();
    const run = new RunScript(h);
    assert.deepEqual(h.repos.branches.getBranchLineage("br_missing"), []);
    assert.deepEqual(h.repos.events.getLineageEvents(run.runId, { branchId: "br_missing" }), []);
  });

  it("selects exactly what the original's $or lineage query selects", () => {
    const h = harness();
    const run = new RunScript(h);
    run.stepStarted("s1");
    for (let i = 0; i < 6; i++) run.module("s1", `m${i}`, { i });
    h.repos.state.jumpToModule(run.runId, "s1", "m3");
    for (let i = 3; i < 6; i++) run.module("s1", `m${i}`, { i, again: true });
    h.repos.state.jumpToModule(run.runId, "s1", "m1");
    run.module("s1", "m1", { third: true });
    h.repos.events.storeEvent({ workflowRunId: run.runId, eventType: EventType.STEP_STARTED, stepId: "s9", branchId: "br_unrelated" });

    const branchIds = h.repos.branches.getRunBranches(run.runId).map((b) => b.branch_id);
    for (const branchId of branchIds) {
      const lineage = h.repos.branches.getBranchLineage(branchId);
      for (const eventType of [undefined, EventType.MODULE_COMPLETED, [EventType.MODULE_STARTED, EventType.STEP_STARTED]] as const) {
        const viaOr = h.db.collection("events").find(buildLineageFilter(run.runId, lineage, eventType), { sort: { event_id: 1 } });
        const ours = h.repos.events.getLineageEvents(run.runId, { branchId, eventType });
        assert.deepEqual(ours, viaOr);
      }
    }
  });
});
