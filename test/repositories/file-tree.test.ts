import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatTreeDate } from "../../src/core/repositories";
import { harness } from "./fixture";

describe("files tree of the full workflow state", () => {
  it("shows group folders (dated) only when a step has several groups; files without a step sit under the category", () => {
    const h = harness();
    const store = (groupId: string | null, filename: string, stepId?: string) =>
      h.repos.files.storeWorkflowFile({
        workflowRunId: "wf_1",
        category: "api_calls",
        groupId,
        filename,
        content: "{}",
        contentType: filename.endsWith(".json") ? "json" : "text",
        metadata: stepId ? { step_id: stepId } : {},
      });
    const r1 = store("call_1", "request.json", "s1");
    h.clock.advance(60_000);
    const r2 = store("call_2", "request.json", "s1");
    const loose = store(null, "loose.txt", "s1");
    const single = store("call_3", "response.txt", "s2");
    const unstepped = store("call_4", "meta.txt");

    const [apiCalls] = h.repos.state.getFullWorkflowState("wf_1").files;
    assert.equal(apiCalls._meta.download_url, "/workflow/wf_1/files/api_calls/download");
    const [s1, s2, metaLeaf] = apiCalls.children!;
    assert.deepEqual(
      s1.children!.map((node) => node._meta.display_name),
      ["Jan 15, 10:30", "Jan 15, 10:31", "loose.txt"],
    );
    assert.equal(s1.children![0]._meta.download_url, "/workflow/wf_1/files/api_calls/s1/call_1/download");
    assert.equal(s1.children![0].children![0]._meta.download_url, `/workflow/wf_1/files/api_calls/s1/call_1/${r1}`);
    assert.equal(s1.children![1].children![0]._meta.content_url, `/workflow/wf_1/files/${r2}`);
    assert.equal(s1.children![2]._meta.download_url, `/workflow/wf_1/files/api_calls/${loose}`);
    assert.equal(s1.children![2]._meta.icon, "text");
    // One group: files directly under the step.
    assert.equal(s2.children![0]._meta.download_url, `/workflow/wf_1/files/api_calls/s2/call_3/${single}`);
    assert.equal(metaLeaf._meta.download_url, `/workflow/wf_1/files/api_calls/_ungrouped/call_4/${unstepped}`);
  });

  it("groups completed generations by provider, skips video previews and pending generations", () => {
    const h = harness();
    const content = h.repos.content;
    const generation = (provider: string, status: "completed" | "pending") => {
      const id = content.storeGeneration({ workflowRunId: "wf_1", interactionId: "m", provider, promptId: "p", operation: "img2vid", requestParams: {}, sourceData: null });
      if (status === "completed") content.updateGenerationStatus(id, "completed");
      return id;
    };
    const a = generation("openai", "completed");
    content.storeContentWithDownload({ contentId: "gc_video", metadataId: a, workflowRunId: "wf_1", index: 0, providerUrl: "u", contentType: "video", extension: "mp4", localPath: "x.mp4" });
    content.storeContent({ metadataId: a, workflowRunId: "wf_1", index: 1, providerUrl: "u", contentType: "video.preview", extension: "jpg" });
    h.clock.advance(120_000);
    const b = generation("openai", "completed");
    content.storeContent({ metadataId: b, workflowRunId: "wf_1", index: 0, providerUrl: "u", contentType: "audio" });
    generation("leonardo", "pending");
    const onlyPreview = generation("midjourney", "completed");
    content.storeContent({ metadataId: onlyPreview, workflowRunId: "wf_1", index: 0, providerUrl: "u", contentType: "video.preview" });

    const files = h.repos.state.getFullWorkflowState("wf_1").files;
    assert.equal(files.length, 1);
    const [openai] = files[0].children!;
    assert.equal(files[0].children!.length, 1);
    assert.deepEqual(openai.children!.map((group) => group._meta.display_name), ["Jan 15, 10:30", "Jan 15, 10:32"]);
    assert.deepEqual(openai.children![0].children!.map((leaf) => [leaf._meta.display_name, leaf._meta.icon, leaf._meta.content_url]), [
      ["gc_video.mp4", "video", "/workflow/wf_1/media/gc_video.mp4"],
    ]);
    assert.equal(openai.children![1].children![0]._meta.icon, "audio");
  });

  it("formats dates like strftime('%b %d, %H:%M') and says Unknown for none", () => {
    assert.equal(formatTreeDate(new Date(Date.UTC(2026, 1, 3, 4, 5))), "Feb 03, 04:05");
    assert.equal(formatTreeDate("2026-02-03T04:05:06"), "Feb 03, 04:05");
    assert.equal(formatTreeDate(null), "Unknown");
  });
});
