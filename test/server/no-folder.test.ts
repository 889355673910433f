/** Without a workspace folder (a single file opened), a step file still finds the workflow above it. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { LspTestClient } from "./lsp-client";
import { FEATURES_WORKSPACE, tempWorkspace, type TempWorkspace } from "./fixtures";

describe("wfv lsp --stdio without a workspace folder", { timeout: 60_000 }, () => {
  let ws: TempWorkspace;
  let client: LspTestClient;

  before(async () => {
    ws = tempWorkspace(FEATURES_WORKSPACE);
    client = await LspTestClient.start(null);
  });

  after(async () => {
    assert.equal(await client.stop(), 0, client.stderr);
    ws.remove();
  });

  it("analyses a step file in the workflow found in the folders above it", async () => {
    const two = ws.path("wf/steps/two.json");
    await client.open(two);
    // Alone, `state.colors` would be unproduced; in the workflow, step one produces it.
    assert.deepEqual(await client.waitForDiagnostics(two), []);
    const workflow = ws.path("wf/workflow.json");
    assert.deepEqual(await client.waitForDiagnostics(workflow), []);
  });

  it("a step file with no workflow above it is analysed alone", async () => {
    const lone = ws.path("lone/step.json");
    await client.open(lone);
    const diagnostics = await client.waitForDiagnostics(lone, (list) => list.length > 0);
    assert.deepEqual(diagnostics.map((d) => d.code), ["state-not-produced"]);
  });
});
