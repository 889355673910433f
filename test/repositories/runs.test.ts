import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EventType, VIRTUAL_USER_ID } from "../../src/core/repositories";
import { harness, RunScript, START_MS } from "./fixture";

function newRun(h: ReturnType<typeof harness>, extra: { workflowRunId?: string; projectName?: string } = {}) {
  const stored = h.repos.versions.processAndStoreWorkflowVersions({ workflow_id: "demo" }, "h1", "json", "demo", VIRTUAL_USER_ID);
  return {
    stored,
    run: h.repos.runs.getOrCreateWorkflowRun({
      userId: VIRTUAL_USER_ID,
      projectName: extra.projectName ?? "virtual_project",
      workflowTemplateName: "demo",
      workflowTemplateId: stored.workflowTemplateId,
      workflowVersionId: stored.workflowVersionId,
      workflowRunId: extra.workflowRunId,
    }),
  };
}

describe("workflow runs (engine.md 2.2, 4.2)", () => {
  it("creates a run with a root branch, status created and dates from the DB clock", () => {
    const h = harness();
    const { stored, run } = newRun(h);
    assert.equal(run.isNew, true);
    assert.match(run.workflowRunId, /^wf_[0-9a-f]{12}$/);
    const { _id, ...doc } = h.repos.runs.getWorkflowRun(run.workflowRunId)! as unknown as Record<string, unknown>;
    assert.equal(typeof _id, "string"); // the DB's ObjectId, as Mongo adds one
    assert.deepEqual(
      { ...doc, created_at: undefined, updated_at: undefined },
      {
        workflow_run_id: run.workflowRunId,
        user_id: VIRTUAL_USER_ID,
        project_name: "virtual_project",
        workflow_template_name: "demo",
        workflow_template_id: stored.workflowTemplateId,
        current_workflow_version_id: stored.workflowVersionId,
        current_branch_id: run.branchId,
        status: "created",
        created_at: undefined,
        updated_at: undefined,
      },
    );
    assert.deepEqual(doc.created_at, new Date(START_MS));
    assert.deepEqual(h.repos.branches.getBranchLineage(run.branchId!), [{ branch_id: run.branchId, cutoff_event_id: null }]);
  });

  it("accepts the virtual flow's run id and finds the active run again", () => {
    const h = harness();
    const { run } = newRun(h, { workflowRunId: "virtual_abc" });
    assert.equal(run.workflowRunId, "virtual_abc");
    const again = newRun(h, { workflowRunId: "virtual_other" }).run;
    assert.deepEqual(again, { workflowRunId: "virtual_abc", isNew: false, branchId: run.branchId });
    // A completed run is not active: a new one is made.
    h.repos.runs.updateWorkflowStatus("virtual_abc", "completed");
    assert.equal(newRun(h).run.isNew, true);
    // Reusing a taken id for a new run is refused rather than duplicated.
    h.repos.runs.updateWorkflowStatus(newRun(h).run.workflowRunId, "error");
    assert.throws(() => newRun(h, { workflowRunId: "virtual_abc" }), /already exists/);
  });

  it("update_workflow_status writes only truthy fields and completed_at on completion", () => {
    const h = harness();
    const { run } = newRun(h);
    h.clock.advance(1000);
    h.repos.runs.updateWorkflowStatus(run.workflowRunId, "processing", {
      currentStep: "s1",
      currentStepName: "Step 1: Start",
      currentModule: "",
    });
    let doc = h.repos.runs.getWorkflowRun(run.workflowRunId)!;
    assert.equal(doc.status, "processing");
    assert.equal(doc.current_step, "s1");
    assert.equal(doc.current_step_name, "Step 1: Start");
    assert.equal("current_module" in doc, false);
    assert.equal("completed_at" in doc, false);
    assert.deepEqual(doc.updated_at, new Date(START_MS + 1000));
    h.repos.runs.updateWorkflowStatus(run.workflowRunId, "completed");
    doc = h.repos.runs.getWorkflowRun(run.workflowRunId)!;
    assert.deepEqual(doc.completed_at, new Date(START_MS + 1000));
    assert.equal(doc.current_step, "s1");
  });

  it("stores ai_config, switches versions and branches", () => {
    const h = harness();
    const { run } = newRun(h);
    h.repos.runs.updateAiConfig(run.workflowRunId, { provider: "openai", model: "gpt-4o-mini" });
    h.repos.runs.updateWorkflowVersion(run.workflowRunId, "ver_x");
    h.repos.runs.updateWorkflowBranch(run.workflowRunId, "br_x");
    const doc = h.repos.runs.getWorkflowRun(run.workflowRunId)!;
    assert.deepEqual(doc.ai_config, { provider: "openai", model: "gpt-4o-mini" });
    assert.equal(doc.current_workflow_version_id, "ver_x");
    assert.equal(doc.current_branch_id, "br_x");
    assert.equal(h.repos.runs.getFirstWorkflowRun()?.workflow_run_id, run.workflowRunId);
  });

  it("force_new drops the run's events and branches and starts a new root branch (ruling 10)", () => {
    const h = harness();
    const script = new RunScript(h, { runId: "virtual_run" });
    const other = new RunScript(h, { runId: "virtual_other", projectName: "another_project" });
    assert.equal(other.runId, "virtual_other");
    script.stepStarted("s1");
    script.module("s1", "m0", {});
    script.module("s1", "m1", {});
    h.repos.state.jumpToModule(script.runId, "s1", "m1");
    h.repos.runs.updateWorkflowStatus(script.runId, "awaiting_input", { currentStep: "s1", currentModule: "m1" });
    other.stepStarted("x");
    assert.equal(h.repos.branches.getRunBranches(script.runId).length, 2);

    const root = h.repos.runs.resetRun(script.runId, "ver_new");
    assert.equal(h.repos.events.countEvents(script.runId), 0);
    assert.deepEqual(
      h.repos.branches.getRunBranches(script.runId).map((b) => b.branch_id),
      [root],
    );
    assert.deepEqual(h.repos.branches.getBranchLineage(root), [{ branch_id: root, cutoff_event_id: null }]);
    const doc = h.repos.runs.getWorkflowRun(script.runId)!;
    assert.equal(doc.status, "created");
    assert.equal(doc.current_step, null);
    assert.equal(doc.current_module, null);
    assert.equal(doc.current_branch_id, root);
    assert.equal(doc.current_workflow_version_id, "ver_new");
    // Other runs are untouched.
    assert.equal(h.repos.events.countEvents(other.runId), 2);
    assert.equal(h.repos.branches.getRunBranches(other.runId).length, 1);
    // The caller then stores workflow_created{reset:true} on the new root.
    const id = h.repos.events.storeEvent({ workflowRunId: script.runId, eventType: EventType.WORKFLOW_CREATED, data: { reset: true } });
    assert.equal(h.repos.events.getEvent(id)!.branch_id, root);
    assert.equal(h.repos.events.getEvent(id)!.workflow_version_id, "ver_new");
    assert.deepEqual(h.repos.state.getWorkflowPosition(script.runId).completed_steps, []);
    assert.throws(() => h.repos.runs.resetRun("wf_missing"), /not found/);
  });

  it("version history: validated entries skip missing versions, refuse unresolved, copy resolved requires", () => {
    const h = harness();
    const { run, stored } = newRun(h);
    h.repos.runs.addVersionHistoryEntry(run.workflowRunId, stored.workflowVersionId, { validate: true, clientCapabilities: ["webui"] });
    h.repos.runs.addVersionHistoryEntry(run.workflowRunId, "ver_missing", { validate: true });
    h.repos.runs.addVersionHistoryEntry(run.workflowRunId, "ver_missing");
    const grouped = h.repos.versions.processAndStoreWorkflowVersions(
      {
        steps: [
          {
            step_id: "s",
            modules: [
              {
                module_id: "pipeline.execution_groups",
                name: "g",
                groups: [{ name: "only", requires: [{ capability: "webui", priority: 3 }], modules: [] }],
              },
            ],
          },
        ],
      },
      "h2",
      "json",
      "demo",
      VIRTUAL_USER_ID,
    );
    assert.throws(
      () => h.repos.runs.addVersionHistoryEntry(run.workflowRunId, grouped.workflowVersionId, { validate: true }),
      /Cannot use unresolved version/,
    );
    const resolved = h.repos.versions.getVersionForCapabilities(grouped.workflowVersionId, ["webui"])!;
    h.repos.runs.addVersionHistoryEntry(run.workflowRunId, resolved.workflow_version_id, { validate: true });

    const history = h.repos.runs.getVersionHistory(run.workflowRunId);
    assert.deepEqual(
      history.map((entry) => [entry.workflow_version_id, entry.client_capabilities, entry.workflow_version_requirements]),
      [
        [stored.workflowVersionId, ["webui"], []],
        ["ver_missing", [], []],
        [resolved.workflow_version_id, [], [{ capability: "webui", priority: 3 }]],
      ],
    );
    assert.ok(history[0].created_at instanceof Date);
  });

  it("sub-action child runs get wf_sub_ ids, their own root branch, and events without a version", () => {
    const h = harness();
    const { run } = newRun(h);
    const child = h.repos.runs.createChildRun(run.workflowRunId, "gen_0190");
    assert.match(child.workflowRunId, /^wf_sub_[0-9a-f]{32}$/);
    const { _id: _ignored, ...doc } = h.repos.runs.getChildRun(child.workflowRunId)! as unknown as Record<string, unknown>;
    assert.deepEqual(
      { ...doc, created_at: null },
      {
        workflow_run_id: child.workflowRunId,
        parent_workflow_id: run.workflowRunId,
        execution_id: "gen_0190",
        visible_in_ui: false,
        status: "processing",
        created_at: null,
        current_branch_id: child.branchId,
      },
    );
    const eventId = h.repos.events.storeEvent({ workflowRunId: child.workflowRunId, eventType: EventType.STEP_STARTED, stepId: "sub_action_x" });
    const event = h.repos.events.getEvent(eventId)!;
    assert.equal(event.branch_id, child.branchId);
    assert.equal(event.workflow_version_id, null);
    assert.equal(h.repos.runs.getChildRun(run.workflowRunId), null);
  });
});

describe("store_event (engine.md 2.2/2.3)", () => {
  it("defaults branch and version from the run, writes step_id/module_name only when truthy", () => {
    const h = harness();
    const { run, stored } = newRun(h);
    const id = h.repos.events.storeEvent({ workflowRunId: run.workflowRunId, eventType: EventType.WORKFLOW_CREATED, stepId: "", moduleName: null });
    const { _id: _ignored, ...event } = h.repos.events.getEvent(id)! as unknown as Record<string, unknown>;
    assert.match(id, /^evt_[0-9a-f]{32}$/);
    assert.deepEqual(event, {
      event_id: id,
      workflow_run_id: run.workflowRunId,
      branch_id: run.branchId,
      workflow_version_id: stored.workflowVersionId,
      event_type: "workflow_created",
      timestamp: new Date(START_MS),
      data: {},
    });
    const explicit = h.repos.events.storeEvent({
      workflowRunId: run.workflowRunId,
      eventType: EventType.MODULE_STARTED,
      data: { module_id: "x" },
      stepId: "s",
      moduleName: "m",
      branchId: "br_given",
      workflowVersionId: "ver_given",
    });
    const second = h.repos.events.getEvent(explicit)!;
    assert.equal(second.branch_id, "br_given");
    assert.equal(second.workflow_version_id, "ver_given");
    assert.equal(second.step_id, "s");
    assert.equal(second.module_name, "m");
    assert.ok(explicit > id);
    // A run that does not exist leaves both null.
    const orphan = h.repos.events.getEvent(h.repos.events.storeEvent({ workflowRunId: "wf_none", eventType: EventType.STEP_STARTED }))!;
    assert.equal(orphan.branch_id, null);
    assert.equal(orphan.workflow_version_id, null);
  });

  it("get_events lists every branch's events by event_id with optional filters", () => {
    const h = harness();
    const script = new RunScript(h);
    script.stepStarted("s1");
    script.module("s1", "a", {});
    script.module("s1", "b", {});
    h.repos.state.jumpToModule(script.runId, "s1", "b");
    script.module("s1", "b", {});
    assert.equal(h.repos.events.getEvents(script.runId, { eventType: EventType.MODULE_COMPLETED, moduleName: "b" }).length, 2);
    assert.equal(h.repos.events.getEvents(script.runId, { stepId: "s1", limit: 2 }).length, 2);
    const all = h.repos.events.getEvents(script.runId).map((e) => e.event_id);
    assert.deepEqual(all, [...all].sort());
  });
});
