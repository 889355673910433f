/**
 * The run's story in the panel (suite "story", issue 12.5–12.7): after a cc "Run up to here" the RunView
 * the panel receives has the target's resolved inputs beside their templates, the trace of every
 * module the run ran (with who answered each interaction), and field-level DB changes; every module
 * that ran gets a status lens; `wfv.runUpTo.stopAtInteractions` leaves the interactions to the user.
 */
import * as assert from "node:assert/strict";
import { join } from "node:path";
import * as vscode from "vscode";
import type { RunView } from "../../../src/shared/protocol";
import { lenses, open, test, until, type InHostContext } from "./kit";

export default async function story({ ws, api }: InHostContext): Promise<void> {
  const stepOne = vscode.Uri.joinPath(ws, "cc/steps/1_user_input/step.json");
  const stepTwo = vscode.Uri.joinPath(ws, "cc/steps/2_scene_generation/step.json");
  const workflowFile = join(ws.fsPath, "cc", "workflow_v3.json");
  const ranBefore = ["select_pet_type", "select_aesthetic", "load_selected_keywords", "load_keywords", "generate_scenes"];

  await test("story: Run up to here on a cc module: the panel's view has the trace, the resolved inputs and field-level DB changes", async () => {
    await open(ws, "cc/steps/2_scene_generation/step.json");
    await vscode.commands.executeCommand("wfv.resetDb", stepTwo, null);
    // A first run leaves the run awaiting the pet type, so the next one updates documents, not only inserts them.
    const asking = (await vscode.commands.executeCommand("wfv.runModuleVirtually", stepOne, "user_input", "select_pet_type")) as RunView;
    assert.equal(asking.status, "awaiting_input", JSON.stringify(asking.error));
    const view = (await vscode.commands.executeCommand("wfv.runUpToHere", stepTwo, "scene_generation", "flatten_keywords")) as RunView;
    assert.equal(view.status, "completed", JSON.stringify(view.error));
    const shown = await until("the panel's view of the run", () => (api.panels.lastView(workflowFile)?.runId === view.runId ? api.panels.lastView(workflowFile) : undefined));

    const trace = shown.trace ?? [];
    assert.deepEqual(trace.map((entry) => entry.moduleName), [...ranBefore, "flatten_keywords"], `every module, in order: ${JSON.stringify(trace)}`);
    for (const entry of trace) {
      assert.equal(entry.status, "completed", `${entry.moduleName}: ${entry.status}`);
      assert.ok(entry.durationMs >= 0, `${entry.moduleName} has a duration`);
    }
    const petType = trace[0];
    assert.ok(petType.answer, "the pet type interaction was answered by the run");
    assert.ok(["auto_select", "mock_default", "remembered"].includes(petType.answer.source), petType.answer.source);
    assert.equal(petType.answer.interactionType, "select_from_structured");

    const inputs = shown.inputs;
    assert.ok(inputs, "the target's inputs");
    assert.equal(inputs.moduleName, "flatten_keywords");
    assert.ok(inputs.inputs.length > 0);
    const templated = inputs.inputs.find((row) => JSON.stringify(row.template).includes("{{"));
    assert.ok(templated, "an input written as a template");
    assert.ok("value" in templated && JSON.stringify(templated.value) !== JSON.stringify(templated.template), "shown resolved, beside its template");

    const changes = shown.changes;
    assert.ok(changes && changes.collections.length > 0, "the run changed the DB");
    const updatedCollections = changes.collections.filter((c) => c.changed.length > 0);
    assert.ok(updatedCollections.length > 0, `some document was updated: ${changes.collections.map((c) => `${c.name} +${c.added.length} ~${c.changed.length}`).join(", ")}`);
    for (const collection of updatedCollections) {
      assert.equal(collection.updates?.length, collection.changed.length, `${collection.name}: a field-level diff for every update`);
      for (const update of collection.updates ?? []) assert.ok(update.fields.length > 0, `${collection.name}/${update.id}: the fields that changed`);
    }
  });

  await test("story: every module the run ran has a status lens, not only the target", async () => {
    const completedOn = async (uri: vscode.Uri, count: number) =>
      until(`${count} completed status lenses in ${uri.path.split("/").slice(-2).join("/")}`, async () => {
        const found = (await lenses(uri)).filter((lens) => /completed/.test(lens.title));
        return found.length >= count ? found : undefined;
      });
    await completedOn(stepOne, 2);
    const stepTwoLenses = await completedOn(stepTwo, 4);
    const document = await vscode.workspace.openTextDocument(stepTwo);
    const text = document.getText();
    const nameLine = (name: string) => document.positionAt(text.indexOf(`"name": "${name}"`)).line;
    const names = ["load_selected_keywords", "load_keywords", "generate_scenes", "flatten_keywords"];
    names.forEach((name, i) => {
      // A module's lenses sit on its opening brace: after the previous module's name, up to its own.
      const after = i === 0 ? -1 : nameLine(names[i - 1]);
      assert.ok(stepTwoLenses.some((lens) => lens.line > after && lens.line <= nameLine(name)), `a status lens above ${name}`);
    });
    const unrun = nameLine("save_keywords");
    assert.ok(!stepTwoLenses.some((lens) => lens.line > nameLine("flatten_keywords") && lens.line <= unrun), "none on a module the run did not reach");
  });

  await test("story: with wfv.runUpTo.stopAtInteractions, Run up to here stops at the first interaction for the user", async () => {
    const config = vscode.workspace.getConfiguration("wfv");
    await config.update("runUpTo.stopAtInteractions", true, vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand("wfv.resetDb", stepTwo, null);
      const view = (await vscode.commands.executeCommand("wfv.runUpToHere", stepTwo, "scene_generation", "flatten_keywords")) as RunView;
      assert.equal(view.status, "awaiting_input", JSON.stringify(view.error));
      assert.deepEqual(view.stoppedAt, { stepId: "user_input", moduleName: "select_pet_type" });
      assert.deepEqual(view.trace?.map((entry) => [entry.moduleName, entry.status, entry.answer ?? null]), [["select_pet_type", "awaiting_input", null]]);
      assert.equal(view.inputs?.moduleName, "select_pet_type", "the inputs of the module that asks");
    } finally {
      await config.update("runUpTo.stopAtInteractions", undefined, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand("wfv.resetDb", stepTwo, null);
    }
  });
}
