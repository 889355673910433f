import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hostMessageSchema, parseHostMessage, parseWebviewMessage, webviewStateSchema, type HostMessage, type RunView, type WebviewMessage } from "../../src/shared/protocol";

const view: RunView = {
  runId: 1,
  stepId: "s",
  moduleName: "m",
  mode: "module",
  status: "error",
  message: "boom",
  interaction: null,
  stoppedAt: null,
  outputs: null,
  state: null,
  changes: { events: [], collections: [] },
  error: { error_type: "resolution_failed", message: "bad", details: { line: 1 }, source: { file: "a.json", path: ["modules", 0] } },
  validationErrors: [],
};

describe("panel protocol", () => {
  it("every webview → host message round-trips; junk is refused with a reason", () => {
    const messages: WebviewMessage[] = [
      { type: "ready" },
      { type: "interaction/submit", runId: 3, target: { stepId: "s", moduleName: "m", mode: "up_to" }, response: { selected_indices: [1] } },
      { type: "file/pick", requestId: "f1", accept: [".png"] },
      { type: "download/save", runId: 3 },
      { type: "subaction/run", requestId: "s1", runId: 3, actionId: "generate", params: {} },
      { type: "source/open", link: { file: "a.json", path: [] } },
      { type: "run/again" },
    ];
    for (const m of messages) assert.deepEqual(parseWebviewMessage(JSON.parse(JSON.stringify(m))), { ok: true, message: m });
    for (const junk of [null, "ready", { type: "nope" }, { type: "interaction/submit", runId: "x", response: {} }]) {
      const r = parseWebviewMessage(junk);
      assert.equal(r.ok, false);
    }
  });

  it("every host → webview message round-trips", () => {
    const messages: HostMessage[] = [
      { type: "panel/init", workflowFile: "w.json", workflowName: "W", mock: true, trusted: true },
      { type: "mock/changed", mock: false },
      { type: "run/started", runId: 1, stepId: "s", moduleName: "m", mode: "module" },
      { type: "run/result", view },
      { type: "state/show", state: { a: 1 }, runId: null },
      { type: "file/picked", requestId: "f", file: { name: "a.png", dataUrl: "data:image/png;base64,AA==", size: 1, contentType: "image/png" } },
      { type: "subaction/result", requestId: "s", ok: false, progress: [], result: null, error: "x" },
      { type: "db/reset" },
    ];
    for (const m of messages) assert.deepEqual(parseHostMessage(JSON.parse(JSON.stringify(m))), m);
    assert.equal(hostMessageSchema.safeParse({ type: "run/result" }).success, false);
  });

  it("webview state defaults", () => {
    assert.deepEqual(webviewStateSchema.parse({ workflowFile: "w.json" }), { workflowFile: "w.json", workflowName: "", view: null });
  });
});
