/**
 * In-host suite "interactions" (issue 12, items 1, 2, 4 and 9) on the fixture workflow
 * `interactions/workflow.json` (every interaction type, a validation_pattern, an LLM module, a
 * template with a state-key typo): a file answer as the panel sends it completes; the badge follows
 * `wfv.mockMode`; a failed pattern reports the module's validation_error; provider errors get
 * "Set API key" / "Switch to mock"; a template typo gets the language server's quick fix and Go to
 * source lands on the template's column. The panel's own rendering is checked in
 * test/e2e/interactions.test.ts (Playwright).
 */
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as vscode from "vscode";
import { providerActions } from "../../../src/extension/error-actions";
import { applyCodeAction, quickFixAt } from "../../../src/extension/error-fixes";
import { openSource } from "../../../src/extension/navigation";
import { test, until, type InHostContext } from "./kit";

const FILE = "interactions/workflow.json";
const LLM_MODULE = "summarize_the_whole_order_with_a_language_model_for_the_customer";

async function setMock(on: boolean): Promise<void> {
  await vscode.workspace.getConfiguration("wfv").update("mockMode", on, vscode.ConfigurationTarget.Global);
}

export default async function interactions({ ws, api }: InHostContext): Promise<void> {
  const uri = vscode.Uri.joinPath(ws, FILE);
  const workflowFile = uri.fsPath;
  const run = async (moduleName: string): Promise<any> => vscode.commands.executeCommand("wfv.runModuleVirtually", uri, "ask", moduleName);

  await test("interactions: a file answer as the panel sends it (value + file_path) completes and names the file", async () => {
    const asked = await run("upload_picture");
    assert.equal(asked.status, "awaiting_input", JSON.stringify(asked.error));
    assert.equal(asked.interaction.interaction_type, "file_input");
    const bytes = readFileSync(vscode.Uri.joinPath(ws, "interactions/rex.png").fsPath);
    const answered = await api.controller.submit(asked.runId, { value: `data:image/png;base64,${bytes.toString("base64")}`, file_path: "rex.png" });
    assert.equal(answered?.status, "completed", JSON.stringify(answered?.error));
    assert.equal(answered?.outputs?.filename, "rex.png");
    assert.match(String(answered?.outputs?.value), /^data:image\/png;base64,/);
  });

  await test("interactions: the panel's badge follows wfv.mockMode both ways while it is open", async () => {
    assert.ok(api.panels.has(workflowFile), "the run opened the panel");
    await until("the panel is ready", () => api.panels.badgeMock(workflowFile));
    for (let i = 0; i < 2; i++) {
      await vscode.commands.executeCommand("wfv.toggleMockMode");
      const want = vscode.workspace.getConfiguration("wfv").get<boolean>("mockMode");
      await until(`badge ${want ? "mock" : "real"}`, () => (api.panels.badgeMock(workflowFile) === want ? true : undefined));
    }
    assert.equal(vscode.workspace.getConfiguration("wfv").get<boolean>("mockMode"), true);
  });

  await test("interactions: a failed validation_pattern reports the module's validation_error for that module", async () => {
    const asked = await run("ask_code");
    assert.equal(asked.status, "awaiting_input");
    assert.equal(asked.interaction.context.validation.error, "An order code is three capitals, a dash and three digits (ABC-123).");
    const failed = await api.controller.submit(asked.runId, { value: "abc" });
    assert.equal(failed?.status, "error");
    assert.equal(failed?.moduleName, "ask_code");
    assert.match(String(failed?.error?.details.retry_feedback), /^An order code is three capitals/);
    const ok = await api.controller.submit((await run("ask_code")).runId, { value: "ABC-123" });
    assert.equal(ok?.status, "completed", JSON.stringify(ok?.error));
  });

  await test("interactions: after Reset DB, Run up to here past a pattern no mock text passes stops there and asks", async () => {
    await vscode.commands.executeCommand("wfv.resetDb", uri, null);
    const view = (await vscode.commands.executeCommand("wfv.runUpToHere", uri, "ask", "upload_picture")) as any;
    assert.equal(view.status, "awaiting_input", JSON.stringify(view.error));
    assert.deepEqual(view.stoppedAt, { stepId: "ask", moduleName: "ask_code" });
    assert.equal(view.interaction.interaction_type, "text_input");
  });

  await test("errors: a real-mode provider error offers Set API key (openai) and Switch to mock", async () => {
    await setMock(false);
    try {
      const failed = await run(LLM_MODULE);
      assert.equal(failed.status, "error");
      assert.match(failed.error.message, /API key not provided/);
      assert.deepEqual(providerActions(failed.error, false), [{ kind: "set_api_key", provider: "openai" }, { kind: "switch_to_mock" }]);
      // The error points at the whole module: a warning's fix elsewhere in it (the input's resolver_schema trap) is not offered.
      assert.equal(await quickFixAt(workflowFile, failed.error.source), undefined);
    } finally {
      await setMock(true);
    }
    const mocked = await run(LLM_MODULE);
    assert.equal(mocked.status, "completed", JSON.stringify(mocked.error));
  });

  await test("errors: a template typo's Go to source lands on the template's column; Apply fix is the server's quick fix", async () => {
    const failed = await run("greet_typo");
    assert.equal(failed.status, "error");
    assert.equal(failed.error.error_type, "resolution_failed");
    const link = failed.error.source;
    assert.deepEqual(link.template, { line: 1, column: 38 });
    const editor = await openSource(workflowFile, link);
    const text = editor.document.getText();
    const expected = editor.document.positionAt(text.indexOf("{{ state.order_cod.upper() }}") + "{{ state.order_cod.upper".length);
    assert.deepEqual([editor.selection.active.line, editor.selection.active.character], [expected.line, expected.character]);
    const fix = await until("a quick fix", () => quickFixAt(workflowFile, link));
    assert.equal(fix.title, "Change to 'order_code'");
    const before = text;
    try {
      assert.ok(await applyCodeAction(fix));
      assert.match(readFileSync(workflowFile, "utf8"), /\{\{ state\.order_code\.upper\(\) \}\}/, "the fix is applied and saved");
    } finally {
      await vscode.workspace.fs.writeFile(uri, Buffer.from(before, "utf8"));
    }
  });
}
