/**
 * Inline values (suite "inlay", issue 15.2): after a cc "Run up to here", the language server's inlay
 * hints in a step file show the live value after a `{{ state.… }}` the run produced, flag one it did
 * not produce as undefined, and go away with `wfv.inlayHints.enabled` off.
 */
import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import { open, test, until, type InHostContext } from "./kit";

const labelText = (hint: vscode.InlayHint) => (typeof hint.label === "string" ? hint.label : hint.label.map((part) => part.value).join(""));

export default async function inlay({ ws }: InHostContext): Promise<void> {
  const stepTwo = vscode.Uri.joinPath(ws, "cc/steps/2_scene_generation/step.json");

  const hintsOf = async (document: vscode.TextDocument) => {
    const whole = new vscode.Range(0, 0, document.lineCount, 0);
    return (await vscode.commands.executeCommand<vscode.InlayHint[]>("vscode.executeInlayHintProvider", stepTwo, whole)) ?? [];
  };
  const hintAfter = (document: vscode.TextDocument, hints: vscode.InlayHint[], needle: string) => {
    const offset = document.getText().indexOf(needle);
    assert.ok(offset >= 0, `${needle} is in the step file`);
    const end = document.positionAt(offset + needle.length);
    return hints.find((hint) => hint.position.isEqual(end));
  };

  await test("inlay: after Run up to here, a step file shows the live value after {{ state.… }} and flags an undefined one", async () => {
    const document = await open(ws, "cc/steps/2_scene_generation/step.json");
    await vscode.commands.executeCommand("wfv.resetDb", stepTwo, null);
    const view = (await vscode.commands.executeCommand("wfv.runUpToHere", stepTwo, "scene_generation", "flatten_keywords")) as { status: string; error?: unknown };
    assert.equal(view.status, "completed", JSON.stringify(view.error));
    const hints = await until("a value hint after {{ state.scene_concepts.scenes }}", async () => {
      const found = await hintsOf(document);
      const hint = hintAfter(document, found, "{{ state.scene_concepts.scenes }}");
      return hint && labelText(hint).startsWith("= ") ? found : undefined;
    });
    const value = labelText(hintAfter(document, hints, "{{ state.scene_concepts.scenes }}")!);
    assert.match(value, /^= (\[\d+ items?\]|\{\d+ keys?\}|".*"|.+)$/);
    assert.notEqual(value, "= ⚠ undefined");
    // select_scene runs after the target: its key is not in the state yet.
    const later = hintAfter(document, hints, "{{ state.selected_scene }}");
    assert.ok(later, "a hint after {{ state.selected_scene }}");
    assert.equal(labelText(later), "⚠ undefined");
  });

  await test("inlay: wfv.inlayHints.enabled = false removes the hints, true brings them back", async () => {
    const document = await vscode.workspace.openTextDocument(stepTwo);
    const config = vscode.workspace.getConfiguration("wfv");
    await config.update("inlayHints.enabled", false, vscode.ConfigurationTarget.Global);
    try {
      await until("no inlay hints", async () => ((await hintsOf(document)).length === 0 ? true : undefined));
    } finally {
      await config.update("inlayHints.enabled", undefined, vscode.ConfigurationTarget.Global);
    }
    await until("inlay hints again", async () => ((await hintsOf(document)).length > 0 ? true : undefined));
  });
}
