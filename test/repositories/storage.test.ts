import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { exportCompressed, exportDb, importDb } from "../../src/core/db";
import {
  createRepositories,
  EventType,
  VIRTUAL_USER_ID,
  type Repositories,
} from "../../src/core/repositories";
import { createModuleDb } from "../../src/core/modules/module-db";
import { moduleDbRepositoryCalls } from "../../src/core/engine/module-db-calls";
import { harness, RunScript, seededRandom, START_MS, testClock } from "./fixture";

describe("virtual user", () => {
  it("is inserted once with the contract's fields", () => {
    const h = harness();
    const user = h.repos.users.ensureVirtualUser();
    assert.equal(user.user_id, VIRTUAL_USER_ID);
    h.repos.users.ensureVirtualUser();
    assert.equal(h.db.collection("users").countDocuments(), 1);
    const stored = h.repos.users.getUser(VIRTUAL_USER_ID)!;
    assert.deepEqual(
      { ...stored, created_at: stored.created_at instanceof Date },
      { _id: VIRTUAL_USER_ID, user_id: VIRTUAL_USER_ID, username: "virtual_user", email: "virtual@example.com", created_at: true, is_virtual: true },
    );
    assert.equal(h.repos.users.getUser("nobody"), null);
  });
});

describe("workflow files (modules.md 1.7)", () => {
  it("stores and finds files, newest first, with filters applied only when truthy", () => {
    const h = harness();
    const files = h.repos.files;
    const first = files.storeWorkflowFile({ workflowRunId: "wf_1", category: "outputs", groupId: "g1", filename: "a.json", content: { v: 1 }, contentType: "json", branchId: "br_1" });
    const second = files.storeWorkflowFile({ workflowRunId: "wf_1", category: "outputs", groupId: "g2", filename: "a.json", content: { v: 2 }, contentType: "json", branchId: "br_2" });
    files.storeWorkflowFile({ workflowRunId: "wf_2", category: "outputs", groupId: "g1", filename: "a.json", content: "other run" });
    assert.match(first, /^wff_[0-9a-f]{32}$/);

    // Same millisecond: the later file still wins.
    assert.equal(files.getWorkflowFileByName("wf_1", "a.json")?.file_id, second);
    assert.equal(files.getWorkflowFileByName("wf_1", "a.json", { groupId: "g1" })?.file_id, first);
    assert.equal(files.getWorkflowFileByName("wf_1", "a.json", { branchId: "br_1", category: "", groupId: null })?.file_id, first);
    assert.equal(files.getWorkflowFileByName("wf_1", "a.json", { category: "api_calls" }), null);
    assert.equal(files.getWorkflowFileByName("wf_1", "missing.json"), null);

    const { _id: _ignored, ...doc } = files.getWorkflowFile(first)! as unknown as Record<string, unknown>;
    assert.deepEqual(doc, {
      file_id: first,
      workflow_run_id: "wf_1",
      branch_id: "br_1",
      category: "outputs",
      group_id: "g1",
      filename: "a.json",
      content_type: "json",
      content: { v: 1 },
      metadata: {},
      created_at: new Date(START_MS),
    });
    assert.deepEqual(files.getWorkflowFiles("wf_1").map((f) => f.file_id), [first, second]);
    assert.equal(files.getWorkflowFile("wff_missing"), null);
    assert.equal(files.deleteRunFiles("wf_1"), 2);
    assert.equal(files.getWorkflowFiles("wf_2").length, 1);
  });
});

describe("generated content", () => {
  it("stores a generation, its items and status changes", () => {
    const h = harness();
    const content = h.repos.content;
    const metadataId = content.storeGeneration({
      workflowRunId: "wf_1",
      interactionId: "media_1",
      provider: "leonardo",
      promptId: "p1",
      operation: "txt2img",
      requestParams: { prompt: "a cat" },
      sourceData: { scene: 1 },
    });
    assert.match(metadataId, /^cgm_[0-9a-f]{32}$/);
    const second = content.storeContent({ metadataId, workflowRunId: "wf_1", index: 1, providerUrl: "u2", contentType: "image", extension: "png" });
    const first = content.storeContent({ metadataId, workflowRunId: "wf_1", index: 0, providerUrl: "u1", contentType: "image" });
    content.storeContentWithDownload({
      contentId: "gc_pre",
      metadataId,
      workflowRunId: "wf_1",
      index: 2,
      providerUrl: "u3",
      contentType: "video",
      extension: "mp4",
      localPath: "media/gc_pre.mp4",
      seed: 1234,
    });
    h.clock.advance(500);
    content.updateGenerationStatus(metadataId, "completed", { responseData: { ok: true } });

    const generation = content.getGeneration(metadataId)!;
    assert.equal("_id" in generation, false);
    assert.equal(generation.status, "completed");
    assert.deepEqual(generation.completed_at, new Date(START_MS + 500));
    assert.deepEqual(generation.response_data, { ok: true });
    assert.equal(generation.error_message, null);
    assert.equal(generation.provider_task_id, null);

    const [withItems] = content.getGenerationsForInteraction("media_1");
    assert.deepEqual(withItems.content_items.map((item) => item.generated_content_id), [first, second, "gc_pre"]);
    assert.equal(withItems.content_items[2].seed, 1234);
    assert.deepEqual(
      content.getGenerationsForInteraction("media_1", "video")[0].content_items.map((item) => item.generated_content_id),
      ["gc_pre"],
    );
    assert.deepEqual(content.getGenerationsForInteraction("media_other"), []);
    assert.deepEqual(content.getContentById(first), {
      generated_content_id: first,
      workflow_run_id: "wf_1",
      content_generation_metadata_id: metadataId,
      index: 0,
      provider_content_id: null,
      content_type: "image",
      provider_url: "u1",
      extension: null,
      local_path: null,
      downloaded_at: null,
    });
    content.updateContentLocalPath(first, "media/first.jpg", "jpg");
    const updated = content.getContentById(first)!;
    assert.equal(updated.local_path, "media/first.jpg");
    assert.equal(updated.extension, "jpg");
    assert.ok(updated.downloaded_at instanceof Date);
    assert.equal(content.getContentById("gc_missing"), null);

    content.updateGenerationStatus(metadataId, "failed", { errorMessage: "boom" });
    assert.equal(content.getGeneration(metadataId)!.error_message, "boom");
    assert.deepEqual(content.deleteRunContent("wf_1"), { metadata_deleted: 1, content_deleted: 3 });
  });
});

describe("token usage (modules.md 1.7)", () => {
  it("stores usage records, validates entries and sums their cost", () => {
    const h = harness();
    const input = { workflowRunId: "wf_1", stepId: "s1", stepName: "Step 1", moduleName: "gen", moduleIndex: 2 };
    h.repos.tokens.storeUsage({ ...input, usage: [{ display_name: "gpt-4o", total_cost: 0.25, total_tokens: 100 }] });
    h.repos.tokens.storeUsage({ ...input, usage: [{ display_name: "a", total_cost: 0.5 }, { display_name: "b", total_cost: 1 }] });
    assert.throws(() => h.repos.tokens.storeUsage({ ...input, usage: [] }), /at least one entry/);
    assert.throws(() => h.repos.tokens.storeUsage({ ...input, usage: [{ display_name: "x" }] }), /usage\[0\] is missing total_cost/);
    const usage = h.repos.tokens.getUsage("wf_1");
    assert.equal(usage.length, 2);
    assert.deepEqual(usage[0], {
      workflow_run_id: "wf_1",
      timestamp: new Date(START_MS),
      step_id: "s1",
      step_name: "Step 1",
      module_name: "gen",
      module_index: 2,
      usage: [{ display_name: "gpt-4o", total_cost: 0.25, total_tokens: 100 }],
    });
    assert.equal(h.repos.tokens.getTotalCost("wf_1"), 1.75);
    assert.equal(h.repos.tokens.getTotalCost("wf_other"), 0);
  });
});

describe("the modules' context.db facade over the repositories", () => {
  it("routes files, tokens and content to the repositories", () => {
    const h = harness();
    const moduleDb = createModuleDb(h.db, moduleDbRepositoryCalls(h.repos));
    const fileId = moduleDb.storeWorkflowFile({ workflowRunId: "wf_1", category: "outputs", groupId: "g", filename: "x.txt", content: "hello" });
    assert.equal(moduleDb.getWorkflowFileByName({ workflowRunId: "wf_1", filename: "x.txt", groupId: "g" })?.file_id, fileId);
    moduleDb.storeTokenUsage({ workflowRunId: "wf_1", stepId: "s", stepName: "S", moduleName: "m", moduleIndex: 0, usage: [{ display_name: "d", total_cost: 1 }] });
    assert.equal(h.repos.tokens.getUsage("wf_1").length, 1);
    assert.equal(moduleDb.getContentById("gc_none"), null);
  });
});

function snapshotOfState(repos: Repositories, runId: string) {
  return {
    outputs: repos.state.getModuleOutputs(runId),
    position: repos.state.getWorkflowPosition(runId),
    history: repos.state.getInteractionHistory(runId),
    hierarchical: repos.state.getModuleOutputsHierarchical(runId),
    retry: repos.state.getRetryContext(runId, "gen"),
    lineage: repos.branches.getBranchLineage(repos.branches.getCurrentBranchId(runId)!),
    run: repos.runs.getWorkflowRun(runId),
  };
}

describe("export → import keeps the state (ruling 13, ruling 4)", () => {
  it("rebuilds the same state, keeps dates as dates, and new events sort after imported ones", () => {
    const h = harness();
    const run = new RunScript(h, { runId: "virtual_run" });
    run.stepStarted("s1");
    run.request("s1", "pick", "i_1");
    run.respond("s1", "pick", "i_1", { selected_indices: [0] });
    run.module("s1", "pick", { selected: 0 }, { selected: "choice" });
    run.module("s1", "gen", { response: { text: "one" } });
    run.event(EventType.RETRY_REQUESTED, { target_module: "gen", feedback: "again" });
    run.module("s1", "gen", { response: { text: "two" } });
    h.repos.state.jumpToModule(run.runId, "s1", "gen");
    run.module("s1", "gen", { response: { text: "three" } }, { "response.text": "text" });
    run.request("s1", "review", "i_2");
    const before = snapshotOfState(h.repos, run.runId);
    const lastEventId = h.repos.events.getEvents(run.runId).at(-1)!.event_id;

    for (const exported of [exportDb(h.db), exportCompressed(h.db)]) {
      // The importing side's clock is far behind: ids must still grow past the imported ones.
      const clock = testClock(START_MS - 86_400_000);
      const imported = importDb(exported, { clock, random: seededRandom(7) });
      const repos = createRepositories(imported);
      assert.deepEqual(snapshotOfState(repos, run.runId), before);
      assert.ok(repos.runs.getWorkflowRun(run.runId)!.created_at instanceof Date);

      const next = repos.events.storeEvent({ workflowRunId: run.runId, eventType: EventType.INTERACTION_RESPONSE, data: { interaction_id: "i_2", response: {} } });
      assert.ok(next > lastEventId);
      assert.equal(repos.state.getWorkflowPosition(run.runId).pending_interaction, null);
    }
  });
});
