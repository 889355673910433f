import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EventType, getNestedValue, mapOutputsToState } from "../../src/core/repositories";
import { harness, RunScript } from "./fixture";

describe("get_module_outputs (engine.md 2.5)", () => {
  it("mixes raw outputs under module names with outputs_to_state keys, _state_mapped included", () => {
    const h = harness();
    const run = new RunScript(h);
    run.stepStarted("s1");
    run.module("s1", "select_pet", { selected_indices: [0], selected_data: { pet: "cat" } }, {
      selected_indices: "pet_indices",
      "selected_data.pet": "pet_name",
      "selected_data.missing": "nothing",
    });
    const state = h.repos.state.getModuleOutputs(run.runId);
    assert.deepEqual(state, {
      select_pet: {
        selected_indices: [0],
        selected_data: { pet: "cat" },
        _state_mapped: { pet_indices: [0], pet_name: "cat", nothing: null },
      },
      pet_indices: [0],
      pet_name: "cat",
      nothing: null,
    });
  });

  it("takes only _state_mapped from sub_action_completed, never a module entry", () => {
    const h = harness();
    const run = new RunScript(h);
    run.stepStarted("s1");
    run.request("s1", "pick_media", "media_1");
    run.event(
      EventType.SUB_ACTION_COMPLETED,
      { execution_id: "gen_1", sub_action_id: "gen", child_state: { images: [1] }, _state_mapped: { generated: [1] } },
      "s1",
      "pick_media",
    );
    assert.deepEqual(h.repos.state.getModuleOutputs(run.runId), { generated: [1] });
  });

  it("later events win, and a state key equal to a module name collides", () => {
    const h = harness();
    const run = new RunScript(h);
    run.stepStarted("s1");
    run.module("s1", "a", { v: 1 }, { v: "shared" });
    run.module("s1", "b", { v: 2 }, { v: "shared" });
    run.module("s1", "c", { v: 3 }, { v: "a" });
    const state = h.repos.state.getModuleOutputs(run.runId);
    assert.equal(state.shared, 2);
    assert.equal(state.a, 3);
  });

  it("storeModuleOutputs feeds the working state the mapped keys only", () => {
    const h = harness();
    const run = new RunScript(h);
    const working: Record<string, unknown> = { earlier: true };
    const { stateMapped, eventId } = h.repos.state.storeModuleOutputs({
      workflowRunId: run.runId,
      stepId: "s1",
      moduleName: "m",
      outputs: { out: { deep: 5 } },
      outputsToState: { "out.deep": "deep_value" },
      workingState: working,
    });
    assert.deepEqual(stateMapped, { deep_value: 5 });
    assert.deepEqual(working, { earlier: true, deep_value: 5 });
    const event = h.repos.events.getEvent(eventId)!;
    assert.equal(event.event_type, "module_completed");
    assert.deepEqual(event.data, { out: { deep: 5 }, _state_mapped: { deep_value: 5 } });
    assert.equal(event.step_id, "s1");
    assert.equal(event.module_name, "m");
  });

  it("returns copies: mutating the state never changes stored events", () => {
    const h = harness();
    const run = new RunScript(h);
    run.module("s1", "m", { list: [1] }, { list: "items" });
    const first = h.repos.state.getModuleOutputs(run.runId);
    (first.items as number[]).push(99);
    (first.m as Record<string, unknown>).list = "changed";
    assert.deepEqual(h.repos.state.getModuleOutputs(run.runId), {
      m: { list: [1], _state_mapped: { items: [1] } },
      items: [1],
    });
  });
});

describe("names that are Object.prototype members", () => {
  it("are plain keys of the state", () => {
    const h = harness();
    const run = new RunScript(h);
    run.module("s1", "__proto__", { v: 1 }, { v: "constructor" });
    const state = h.repos.state.getModuleOutputs(run.runId);
    assert.deepEqual(Object.keys(state), ["__proto__", "constructor"]);
    assert.equal(Object.getPrototypeOf(state), Object.prototype);
    assert.equal(state.constructor, 1);
  });
});

describe("get_nested_value and outputs_to_state", () => {
  it("walks dicts by dots; a missing key or a non-dict gives null", () => {
    const outputs = { a: { b: { c: 1 } }, list: [{ x: 1 }], zero: 0 };
    assert.equal(getNestedValue(outputs, "a.b.c"), 1);
    assert.deepEqual(getNestedValue(outputs, "a.b"), { c: 1 });
    assert.equal(getNestedValue(outputs, "a.x"), null);
    assert.equal(getNestedValue(outputs, "list.0"), null);
    assert.equal(getNestedValue(outputs, "zero"), 0);
    assert.deepEqual(mapOutputsToState(outputs, null), {});
  });
});

describe("retry and jump (engine.md 2.6)", () => {
  it("retry stays on the branch and the later completion wins", () => {
    const h = harness();
    const run = new RunScript(h);
    const branch = h.repos.branches.getCurrentBranchId(run.runId);
    run.stepStarted("s1");
    run.module("s1", "generate", { response: { scenes: ["first"] } }, { "response.scenes": "scenes" });
    run.event(EventType.RETRY_REQUESTED, { target_module: "generate", feedback: "more dragons" });
    run.module("s1", "generate", { response: { scenes: ["second"] } }, { "response.scenes": "scenes" });
    assert.equal(h.repos.branches.getCurrentBranchId(run.runId), branch);
    const state = h.repos.state.getModuleOutputs(run.runId);
    assert.deepEqual(state.scenes, ["second"]);
    assert.deepEqual((state.generate as Record<string, unknown>).response, { scenes: ["second"] });
  });

  it("jump forks just before the target's first event and position lands on its module index", () => {
    const h = harness();
    const run = new RunScript(h);
    const root = h.repos.branches.getCurrentBranchId(run.runId)!;
    run.stepStarted("s1");
    run.module("s1", "m0", { v: 0 }, { v: "k0" });
    const beforeTarget = run.module("s1", "m1", { v: 1 }, { v: "k1" });
    run.module("s1", "m2", { v: 2 }, { v: "k2" }); // the jump target
    run.module("s1", "m3", { v: 3 }, { v: "k3" });
    run.stepCompleted("s1");
    run.stepStarted("s2");
    run.module("s2", "n0", { v: 4 }, { v: "k4" });

    const fork = h.repos.state.jumpToModule(run.runId, "s1", "m2");
    assert.equal(h.repos.branches.getCurrentBranchId(run.runId), fork);
    assert.deepEqual(h.repos.branches.getBranchLineage(fork), [
      { branch_id: root, cutoff_event_id: beforeTarget },
      { branch_id: fork, cutoff_event_id: null },
    ]);
    assert.deepEqual(h.repos.state.getWorkflowPosition(run.runId), {
      current_step: "s1",
      current_module_index: 2,
      completed_steps: [],
      pending_interaction: null,
    });
    assert.deepEqual(Object.keys(h.repos.state.getModuleOutputs(run.runId)).sort(), ["k0", "k1", "m0", "m1"]);
    // jump_requested goes on the new branch (the run's current one) by default.
    const jumpId = run.event(EventType.JUMP_REQUESTED, { target_step: "s1", target_module: "m2", new_branch_id: fork });
    assert.equal(h.repos.events.getEvent(jumpId)!.branch_id, fork);
  });

  it("jump to a module of a fork uses the fork's own events and cuts the right branch", () => {
    const h = harness();
    const run = new RunScript(h);
    run.stepStarted("s1");
    run.module("s1", "m0", {});
    run.module("s1", "m1", {});
    const first = h.repos.state.jumpToModule(run.runId, "s1", "m1");
    const redoStart = run.event(EventType.MODULE_STARTED, { module_id: "x" }, "s1", "m1");
    run.h.clock.advance();
    h.repos.state.storeModuleOutputs({ workflowRunId: run.runId, stepId: "s1", moduleName: "m1", outputs: { again: true } });
    run.module("s1", "m2", {});
    const second = h.repos.state.jumpToModule(run.runId, "s1", "m2");
    const lineage = h.repos.branches.getBranchLineage(second);
    assert.equal(lineage.length, 3);
    assert.equal(lineage[1].branch_id, first);
    assert.ok(lineage[1].cutoff_event_id! > redoStart);
    assert.deepEqual(h.repos.state.getModuleOutputs(run.runId).m1, { again: true, _state_mapped: {} });
    assert.equal(h.repos.state.getWorkflowPosition(run.runId).current_module_index, 2);
  });

  it("jump to a module that never ran raises module_not_found and keeps the branch", () => {
    const h = harness();
    const run = new RunScript(h);
    const branch = h.repos.branches.getCurrentBranchId(run.runId);
    run.stepStarted("s1");
    assert.throws(
      () => h.repos.state.jumpToModule(run.runId, "s1", "ghost"),
      (error: unknown) => (error as { errorType?: string }).errorType === "module_not_found",
    );
    assert.equal(h.repos.branches.getCurrentBranchId(run.runId), branch);
  });

  it("branch_from_interaction_request keeps the request (inclusive) and makes it pending again", () => {
    const h = harness();
    const run = new RunScript(h);
    run.stepStarted("s1");
    const requestId = run.request("s1", "pick", "select_1");
    run.respond("s1", "pick", "select_1", { selected_indices: [1] });
    run.module("s1", "pick", { selected: 1 });
    run.request("s1", "pick2", "select_2");

    const fork = h.repos.state.branchFromInteractionRequest(run.runId, "select_1");
    assert.equal(h.repos.branches.getBranchLineage(fork)[0].cutoff_event_id, requestId);
    const position = h.repos.state.getWorkflowPosition(run.runId);
    assert.equal(position.pending_interaction?.interaction_id, "select_1");
    assert.deepEqual(h.repos.state.getModuleOutputs(run.runId), {});
    assert.throws(() => h.repos.state.branchFromInteractionRequest(run.runId, "select_2"), /not found in branch lineage/);
  });
});

describe("get_workflow_position (engine.md 2.5)", () => {
  it("lists completed steps with duplicates and counts modules after the latest step_started", () => {
    const h = harness();
    const run = new RunScript(h);
    run.stepStarted("s1");
    run.module("s1", "a", {});
    run.stepCompleted("s1");
    run.stepStarted("s2");
    run.module("s2", "b", {});
    run.stepCompleted("s2");
    run.stepCompleted("s2");
    run.stepStarted("s3");
    run.module("s3", "c", {});
    run.module("s3", "d", {});
    run.stepStarted("s3"); // a mid-step resume stores another step_started
    run.module("s3", "e", {});
    run.module("s1", "stray", {}); // another step's completion never counts
    assert.deepEqual(h.repos.state.getWorkflowPosition(run.runId), {
      current_step: "s3",
      current_module_index: 1,
      completed_steps: ["s1", "s2", "s2"],
      pending_interaction: null,
    });
  });

  it("has no current step once the latest started step is completed", () => {
    const h = harness();
    const run = new RunScript(h);
    run.stepStarted("s1");
    run.module("s1", "a", {});
    run.stepCompleted("s1");
    const position = h.repos.state.getWorkflowPosition(run.runId);
    assert.equal(position.current_step, null);
    assert.equal(position.current_module_index, 0);
  });

  it("pairs the latest request with the latest response by recency only", () => {
    const h = harness();
    const run = new RunScript(h);
    run.stepStarted("s1");
    run.request("s1", "a", "i_a");
    assert.equal(h.repos.state.getWorkflowPosition(run.runId).pending_interaction?.interaction_id, "i_a");
    run.respond("s1", "a", "i_a", {});
    assert.equal(h.repos.state.getWorkflowPosition(run.runId).pending_interaction, null);
    run.request("s1", "b", "i_b");
    const pending = h.repos.state.getWorkflowPosition(run.runId).pending_interaction!;
    assert.equal(pending.interaction_id, "i_b");
    assert.equal(pending.title, "b");
    // An answer to any interaction (here an older one) after the latest request clears it.
    run.respond("s1", "a", "i_a", {});
    assert.equal(h.repos.state.getWorkflowPosition(run.runId).pending_interaction, null);
  });

  it("orders by event_id, not timestamp, even when the clock goes backwards (ruling 4)", () => {
    const h = harness();
    const run = new RunScript(h);
    run.stepStarted("s1");
    run.request("s1", "a", "i_a");
    h.clock.set(Date.UTC(2020, 0, 1));
    run.respond("s1", "a", "i_a", {});
    h.clock.set(Date.UTC(2019, 0, 1));
    const latest = run.request("s1", "b", "i_b");
    assert.equal(h.repos.state.getWorkflowPosition(run.runId).pending_interaction?.interaction_id, "i_b");
    assert.equal(h.repos.events.getLatestInteractionRequest(run.runId)?.event_id, latest);
  });
});

describe("open step progress (for ruling 2)", () => {
  it("names the modules completed in the open step since it opened, across repeated step_started", () => {
    const h = harness();
    const run = new RunScript(h);
    assert.equal(h.repos.state.getOpenStepProgress(run.runId), null);
    run.stepStarted("s1");
    run.module("s1", "a", {});
    run.stepCompleted("s1");
    const opened = run.stepStarted("s2");
    run.module("s2", "x", {});
    run.module("s2", "y", {});
    run.stepStarted("s2"); // an as-built mid-step resume
    run.module("s2", "z", {});
    run.module("s1", "stray", {});
    assert.deepEqual(h.repos.state.getOpenStepProgress(run.runId), {
      step_id: "s2",
      opened_by_event_id: opened,
      completed_modules: ["x", "y", "z"],
    });
    // Counting after the latest step_started (as built) sees only one of them.
    assert.equal(h.repos.state.getWorkflowPosition(run.runId).current_module_index, 1);
    run.stepCompleted("s2");
    assert.equal(h.repos.state.getOpenStepProgress(run.runId), null);
  });
});

describe("latest interaction request (ruling 4)", () => {
  it("is scoped to the lineage: a request on an abandoned branch is never the latest", () => {
    const h = harness();
    const run = new RunScript(h);
    run.stepStarted("s1");
    run.module("s1", "m0", {});
    const kept = run.request("s1", "pick", "i_kept");
    run.respond("s1", "pick", "i_kept", {});
    run.module("s1", "pick", {});
    run.request("s1", "later", "i_abandoned");
    h.repos.state.jumpToModule(run.runId, "s1", "later");
    assert.equal(h.repos.events.getLatestInteractionRequest(run.runId)?.event_id, kept);
    // Looking an interaction up by id still searches every branch (respond, engine.md 4.4).
    assert.equal(h.repos.events.findInteractionRequest(run.runId, "i_abandoned")?.data.interaction_id, "i_abandoned");
    assert.equal(h.repos.events.findInteractionRequest(run.runId, "nope"), null);
  });
});

describe("interaction history (engine.md 2.5)", () => {
  it("pairs requests and responses by interaction_id, last one per id wins, in answer order", () => {
    const h = harness();
    const run = new RunScript(h);
    run.stepStarted("s1");
    run.request("s1", "first", "i_1");
    run.request("s1", "second", "i_2");
    run.respond("s1", "second", "i_2", { selected_indices: [2] });
    run.respond("s1", "first", "i_1", { selected_indices: [1] });
    run.respond("s1", "first", "i_1", { selected_indices: [9] });
    run.request("s1", "unanswered", "i_3");
    // A response event whose data lacks `response` is returned whole.
    run.request("s1", "raw", "i_4");
    run.event(EventType.INTERACTION_RESPONSE, { interaction_id: "i_4", value: "text" }, "s1", "raw");

    const history = h.repos.state.getInteractionHistory(run.runId);
    assert.deepEqual(
      history.map((entry) => [entry.interaction_id, entry.module_name, entry.step_id, entry.response]),
      [
        ["i_2", "second", "s1", { selected_indices: [2] }],
        ["i_1", "first", "s1", { selected_indices: [9] }],
        ["i_4", "raw", "s1", { interaction_id: "i_4", value: "text" }],
      ],
    );
    assert.equal(history[0].request.title, "second");
    assert.ok(history[0].timestamp instanceof Date);
  });
});

describe("retry context (engine.md 2.5, ruling 4)", () => {
  it("interleaves earlier answers and the feedback between them, in event_id order", () => {
    const h = harness();
    const run = new RunScript(h);
    run.stepStarted("s1");
    run.event(EventType.RETRY_REQUESTED, { target_module: "gen", feedback: "before any answer" });
    run.module("s1", "gen", { response: { scenes: ["a"], "caf\u00e9": 1.5 } });
    // The clock going backwards must not reorder anything.
    h.clock.set(Date.UTC(2001, 0, 1));
    run.event(EventType.RETRY_REQUESTED, { target_module: "gen", feedback: "more color" });
    run.event(EventType.RETRY_REQUESTED, { target_module: "other", feedback: "not mine" });
    run.event(EventType.RETRY_REQUESTED, { target_module: "gen", feedback: "" });
    run.module("s1", "gen", { response: "", response_text: "plain text" });
    run.event(EventType.RETRY_REQUESTED, { target_module: "gen", feedback: "shorter" });
    run.module("s1", "gen", { response: [] });
    run.event(EventType.RETRY_REQUESTED, { target_module: "gen", feedback: "last" });

    const context = h.repos.state.getRetryContext(run.runId, "gen");
    assert.deepEqual(context.conversation_history, [
      { role: "assistant", content: '{\n  "scenes": [\n    "a"\n  ],\n  "caf\\u00e9": 1.5\n}' },
      { role: "user", content: "FEEDBACK FROM USER: more color" },
      { role: "assistant", content: "plain text" },
      { role: "user", content: "FEEDBACK FROM USER: shorter" },
      { role: "user", content: "FEEDBACK FROM USER: last" },
    ]);
    assert.equal(context.feedback, "last");
  });

  it("is scoped to the lineage and empty for a module that never ran", () => {
    const h = harness();
    const run = new RunScript(h);
    run.stepStarted("s1");
    run.module("s1", "m0", {});
    run.module("s1", "gen", { response: "abandoned answer" });
    run.event(EventType.RETRY_REQUESTED, { target_module: "gen", feedback: "abandoned feedback" });
    h.repos.state.jumpToModule(run.runId, "s1", "gen");
    assert.deepEqual(h.repos.state.getRetryContext(run.runId, "gen"), { conversation_history: [], feedback: null });
  });
});

describe("hierarchical and full state", () => {
  it("nests step → module → event type and suffixes repeats with .1, .2", () => {
    const h = harness();
    const run = new RunScript(h);
    run.stepStarted("s1");
    run.request("s1", "pick", "i_1");
    run.respond("s1", "pick", "i_1", { selected_indices: [0] });
    run.request("s1", "pick", "i_2");
    run.module("s1", "pick", { selected: 0 });
    run.event(EventType.MODULE_STARTED, {}, undefined, "orphan");
    run.event(EventType.MODULE_STARTED, {}, "constructor", "toString");

    const { steps, state_mapped } = h.repos.state.getModuleOutputsHierarchical(run.runId);
    assert.deepEqual(state_mapped, {});
    assert.deepEqual((steps._metadata as object), { node_type: "steps_container" });
    const pick = (steps.s1 as Record<string, Record<string, unknown>>).pick;
    assert.deepEqual(Object.keys(pick), [
      "_metadata",
      "module_started",
      "interaction_requested",
      "interaction_response",
      "module_started.1",
      "interaction_requested.1",
      "module_started.2",
      "module_completed",
    ]);
    assert.deepEqual(pick["interaction_requested.1"], {
      _metadata: { node_type: "event_data", event_type: "interaction_requested" },
      interaction_id: "i_2",
      interaction_type: "select_from_structured",
      title: "pick",
      module_id: "user.select",
    });
    assert.deepEqual(Object.keys(steps._unknown as object), ["_metadata", "orphan"]);
    assert.deepEqual(steps.constructor, {
      _metadata: { node_type: "step" },
      toString: { _metadata: { node_type: "module" }, module_started: { _metadata: { node_type: "event_data", event_type: "module_started" } } },
    });
    assert.equal((steps.s1 as Record<string, unknown>)._metadata !== undefined, true);
  });

  it("getFullWorkflowState adds the flat state and the files/media tree", () => {
    const h = harness();
    const run = new RunScript(h);
    run.stepStarted("s1");
    run.module("s1", "m", { v: 1 }, { v: "value" });
    h.repos.files.storeWorkflowFile({
      workflowRunId: run.runId,
      category: "outputs",
      groupId: null,
      filename: "result.json",
      content: { ok: true },
      contentType: "json",
      metadata: { step_id: "s1" },
    });
    h.repos.files.storeWorkflowFile({
      workflowRunId: run.runId,
      category: "root",
      groupId: null,
      filename: "notes.txt",
      content: "hi",
    });
    const metadataId = h.repos.content.storeGeneration({
      workflowRunId: run.runId,
      interactionId: "media_1",
      provider: "openai",
      promptId: "p1",
      operation: "txt2img",
      requestParams: {},
      sourceData: null,
    });
    const contentId = h.repos.content.storeContent({
      metadataId,
      workflowRunId: run.runId,
      index: 0,
      providerUrl: "https://example.invalid/1.png",
      contentType: "image",
      extension: "png",
    });
    h.repos.content.updateGenerationStatus(metadataId, "completed");

    const full = h.repos.state.getFullWorkflowState(run.runId);
    assert.deepEqual(full.state_mapped, h.repos.state.getModuleOutputs(run.runId));
    assert.deepEqual(
      full.files.map((node) => node._meta.display_name),
      ["outputs", "root", "media"],
    );
    const outputs = full.files[0];
    assert.equal(outputs.children![0]._meta.display_name, "s1");
    const leaf = outputs.children![0].children![0];
    assert.equal(leaf._meta.icon, "json");
    assert.equal(leaf._meta.leaf, true);
    assert.match(leaf._meta.download_url!, new RegExp(`^/workflow/${run.runId}/files/outputs/wff_[0-9a-f]{32}$`));
    assert.equal(full.files[1].children![0]._meta.display_name, "notes.txt");
    const media = full.files[2];
    assert.equal(media._meta.download_url, `/workflow/${run.runId}/media/download`);
    assert.equal(media.children![0]._meta.display_name, "openai");
    assert.deepEqual(media.children![0].children![0]._meta, {
      display_name: `${contentId}.png`,
      icon: "image",
      leaf: true,
      content_type: "image",
      content_url: null,
      download_url: `/workflow/${run.runId}/media/openai/${metadataId}/${contentId}`,
    });
  });
});

describe("state at scale", () => {
  it("matches a reference replay over the $or lineage query on 10k events with forks", () => {
    const h = harness();
    const run = new RunScript(h);
    run.stepStarted("s1");
    const events = h.db.collection("events");
    // Bulk-written events (the shape store_event writes) on a chain of forks.
    let branchId = h.repos.branches.getCurrentBranchId(run.runId)!;
    for (let fork = 0; fork < 5; fork++) {
      const batch = [];
      for (let i = 0; i < 2000; i++) {
        const completed = i % 2 === 1;
        batch.push({
          event_id: `evt_${h.db.newUuid7Hex()}`,
          workflow_run_id: run.runId,
          branch_id: branchId,
          workflow_version_id: run.versionId,
          event_type: completed ? (i % 10 === 9 ? "sub_action_completed" : "module_completed") : "module_started",
          timestamp: h.db.now(),
          data: completed ? { i, fork, _state_mapped: { [`k${i % 37}`]: [fork, i] } } : { module_id: "x" },
          step_id: "s1",
          module_name: `m${i % 23}`,
        });
      }
      events.insertMany(batch);
      // Fork somewhere in the middle of this branch's events.
      branchId = h.repos.branches.createBranch(run.runId, branchId, batch[1000 + fork * 7].event_id);
    }

    const lineage = h.repos.branches.getBranchLineage(branchId);
    const reference: Record<string, unknown> = {};
    const replay = events.find(
      { ...h.repos.events.lineageFilter(run.runId, lineage), event_type: { $in: ["module_completed", "sub_action_completed"] } },
      { sort: { event_id: 1 } },
    );
    for (const event of replay) {
      const data = event.data as Record<string, unknown>;
      if (event.event_type === "module_completed" && event.module_name) reference[event.module_name as string] = data;
      Object.assign(reference, data._state_mapped as object);
    }
    assert.ok(replay.length > 2000);
    assert.deepEqual(h.repos.state.getModuleOutputs(run.runId), reference);
  });
});
