/**
 * The State view (suite "state-view"): after a run of the cc workflow it lists the state keys, each
 * with the module that wrote it; a key reveals that module's `outputs_to_state` entry; Copy Value and
 * Open as JSON give the value; Show State focuses the view; a reset empties it.
 */
import * as assert from "node:assert/strict";
import { join } from "node:path";
import * as vscode from "vscode";
import type { StateNode } from "../../../src/extension/state-view";
import { open, test, until, type InHostContext } from "./kit";

export default async function stateView({ ws, api }: InHostContext): Promise<void> {
  const stepUri = vscode.Uri.joinPath(ws, "cc/steps/1_user_input/step.json");
  const workflowFile = join(ws.fsPath, "cc", "workflow_v3.json");
  const view = api.stateView;

  await test("state view: after a cc run it lists the state keys with the module that wrote each", async () => {
    await open(ws, "cc/steps/1_user_input/step.json");
    await vscode.commands.executeCommand("wfv.resetDb", stepUri, null);
    const first = (await vscode.commands.executeCommand("wfv.runModuleVirtually", stepUri, "user_input", "select_pet_type")) as { runId: number; status: string };
    assert.equal(first.status, "awaiting_input");
    const answer = await api.controller.submit(first.runId, { selected_indices: [1] });
    assert.equal(answer?.status, "completed", JSON.stringify(answer?.error));
    const keys = await until("the run's keys in the State view", async () => {
      const found = await view.keys();
      return found.some((entry) => entry.key === "pet_type_selection") ? found : undefined;
    });
    assert.equal(view.workflow, workflowFile);
    const byKey = new Map(keys.map((entry) => [entry.key, entry]));
    assert.deepEqual(byKey.get("pet_type_selection")?.producer, { stepId: "user_input", moduleName: "select_pet_type", via: "outputs_to_state" });
    assert.deepEqual(byKey.get("pet_type_indices")?.producer, { stepId: "user_input", moduleName: "select_pet_type", via: "outputs_to_state" });
    assert.deepEqual(byKey.get("pet_type_indices")?.value, [1]);
    assert.deepEqual(byKey.get("select_pet_type")?.producer, { stepId: "user_input", moduleName: "select_pet_type", via: "module_name" });
    assert.match(JSON.stringify(byKey.get("pet_type_selection")?.value), /"Dog"/);
  });

  const keyNode = async (key: string): Promise<StateNode> => {
    const node = (await view.getChildren()).find((n) => n.kind === "key" && n.key === key);
    assert.ok(node, `no node for ${key}`);
    return node;
  };

  await test("state view: a key's node shows its producer, has children, and reveals where the producer maps it", async () => {
    const node = await keyNode("pet_type_indices");
    const item = view.getTreeItem(node);
    assert.match(String(item.description), /select_pet_type/);
    const children = await view.getChildren(await keyNode("pet_type_selection"));
    assert.ok(children.length > 0, "an array's items are children");
    assert.ok(item.command, "clicking a key runs a command");
    await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
    const editor = await until("the step file revealed", () => {
      const active = vscode.window.activeTextEditor;
      return active?.document.uri.fsPath === stepUri.fsPath && active.document.lineAt(active.selection.active.line).text.includes("pet_type_indices") ? active : undefined;
    });
    assert.match(editor.document.lineAt(editor.selection.active.line).text, /"selected_indices": "pet_type_indices"/);
  });

  await test("state view: Copy Value puts the value on the clipboard; Open as JSON opens a read-only wfv-state: document", async () => {
    await vscode.commands.executeCommand("wfv.stateView.copyValue", await keyNode("pet_type_indices"));
    assert.deepEqual(JSON.parse(await vscode.env.clipboard.readText()), [1]);
    await vscode.commands.executeCommand("wfv.stateView.openJson");
    const document = await until("the state document", () => vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === "wfv-state")?.document);
    assert.deepEqual((JSON.parse(document.getText()) as Record<string, unknown>).pet_type_indices, [1]);
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.scheme === "untitled"), "no untitled document");
  });

  await test("state view: Show State focuses the view", async () => {
    await open(ws, "cc/steps/1_user_input/step.json");
    await vscode.commands.executeCommand("workbench.view.scm"); // another side bar view, so focusing is observable
    await vscode.commands.executeCommand("wfv.showState");
    await until("the State view visible", () => (view.view.visible ? true : undefined));
    assert.equal(view.workflow, workflowFile);
  });

  await test("state view: Reset DB empties it", async () => {
    await vscode.commands.executeCommand("wfv.resetDb", stepUri, null);
    await until("an empty State view", async () => ((await view.keys()).length === 0 ? true : undefined));
    assert.match(String(view.view.message), /No state yet/);
  });
}
