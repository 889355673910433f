/**
 * The commands of workflow tests, pins and seeds (tracker issue 13.2–13.4): Save Run as Test…, Update
 * Expectations, Pin output / Unpin / Open Pinned Output, Save DB as Seed…, and the seed choice of
 * Reset DB. Small adapters over the runs' workflows and DBs, the Test Explorer and dist/testing.js.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import * as vscode from "vscode";
import { isWfvError } from "../core/errors";
import { readText } from "./documents";
import { logAt } from "./log";
import { offsetOfPath } from "./outline";
import type { PanelManager } from "./panel";
import { pinsFileOf, readPins, withPin, writePins } from "./pins";
import { fromFolderOf, seedFileName, seedsBeside, type SeedMemory } from "./seeds";
import { moduleKey } from "./staleness";
import type { TestingCore } from "./testing-api";
import type { WorkflowTests } from "./test-explorer";
import type { WorkflowDbs } from "./workflow-dbs";
import type { WorkflowIndex } from "./workflow-index";
import { relativePath } from "./workspace-paths";
import { mockMode } from "./secrets";

export interface TestCommandTargets {
  index: WorkflowIndex;
  dbs: WorkflowDbs;
  panels: PanelManager;
  tests: WorkflowTests;
  seeds: SeedMemory;
  core: () => TestingCore;
  /** Lenses refresh (pins changed). */
  changed: () => void;
  /** The workflow of a document, the focused panel or the active editor, else a pick. */
  pickWorkflow(title: string, uri?: vscode.Uri): Promise<string | undefined>;
}

function message(error: unknown): string {
  return isWfvError(error) ? `${error.errorType}: ${error.message}` : String((error as Error)?.message ?? error);
}

/** A test item given by the Test Explorer's menus: the item itself, or `{test}` (a message's menu). */
function testItemOf(arg: unknown): vscode.TestItem | undefined {
  if (arg && typeof arg === "object" && "test" in arg) return (arg as { test: vscode.TestItem }).test;
  if (arg && typeof arg === "object" && "id" in arg && "children" in arg) return arg as vscode.TestItem;
  return undefined;
}

/** "Reset DB": empty, or one of the seeds beside the workflow. `given`: a seed file, null for empty, undefined to ask when there are seeds. */
export async function chooseSeed(workflowFile: string, given?: string | null): Promise<{ seed: string | null } | undefined> {
  if (given !== undefined) return { seed: given };
  const seeds = seedsBeside(workflowFile);
  if (seeds.length === 0) return { seed: null };
  const items = [
    { label: "$(circle-slash) Empty", description: "a fresh DB", seed: null as string | null },
    ...seeds.map((seed) => ({ label: `$(database) ${vscode.workspace.asRelativePath(seed, false)}`, description: "seed", seed })),
  ];
  const picked = await vscode.window.showQuickPick(items, { title: "Virtual: Reset DB — start from" });
  return picked ? { seed: picked.seed } : undefined;
}

/** Resets a workflow's DB to empty or to a seed file (remembered, so a recorded test starts from it). */
export async function resetToSeed(dbs: WorkflowDbs, seeds: SeedMemory, workflowFile: string, seed: string | null): Promise<void> {
  if (seed === null) {
    await dbs.resetDb(workflowFile);
    await seeds.set(workflowFile, undefined);
    return;
  }
  await dbs.importDb(workflowFile, await readFile(seed, "utf8"));
  await seeds.set(workflowFile, seed);
}

export function registerTestCommands(context: vscode.ExtensionContext, targets: TestCommandTargets): void {
  const { index, dbs, panels, tests, seeds, core, changed } = targets;
  const register = (id: string, fn: (...args: any[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  /** The module a pin command acts on: given, else the panel's last run. */
  const moduleOf = (workflowFile: string, stepId?: string, moduleName?: string): { stepId: string; moduleName: string } | undefined => {
    if (stepId && moduleName) return { stepId, moduleName };
    const last = panels.lastView(workflowFile);
    return last ? { stepId: last.stepId, moduleName: last.moduleName } : undefined;
  };

  const postPins = (workflowFile: string) => {
    panels.postPins(workflowFile, Object.keys(readPins(workflowFile, readText).pins));
    changed();
  };

  register("wfv.saveRunAsTest", async (out?: vscode.Uri, workflowUri?: vscode.Uri, stepId?: string, moduleName?: string) => {
    const workflowFile = await targets.pickWorkflow("Save the run of which workflow as a test?", workflowUri);
    if (!workflowFile) return undefined;
    let target = moduleOf(workflowFile, stepId, moduleName);
    if (!target) {
      const records = Object.keys(dbs.runRecords(workflowFile));
      const picked = await vscode.window.showQuickPick(records, { title: "Save Run as Test — up to which module?" });
      if (!picked) return undefined;
      const slash = picked.indexOf("/");
      target = { stepId: picked.slice(0, slash), moduleName: picked.slice(slash + 1) };
    }
    const resolved = index.resolveForRun(workflowFile);
    if (!resolved.ok) {
      void vscode.window.showErrorMessage(`wfv: the workflow cannot run: ${resolved.message}`);
      return undefined;
    }
    const file =
      out ??
      (await vscode.window.showSaveDialog({
        title: "Virtual: Save Run as Test",
        defaultUri: vscode.Uri.file(join(dirname(workflowFile), "tests", `${target.moduleName}.wfvtest.json`)),
        filters: { "wfv test": ["wfvtest.json"] },
      }));
    if (!file) return undefined;
    const seedFile = seeds.seedOf(workflowFile);
    try {
      const recorded = await core().recordTest({
        db: await dbs.exportDb(workflowFile),
        workflow: resolved.source.workflow,
        workflow_ref: fromFolderOf(file.fsPath, workflowFile),
        target: { step_id: target.stepId, module_name: target.moduleName },
        mode: "up_to",
        mock: mockMode(),
        ...(seedFile ? { seed: { ref: fromFolderOf(file.fsPath, seedFile), text: await readFile(seedFile, "utf8") } } : {}),
      });
      await mkdir(dirname(file.fsPath), { recursive: true });
      await writeFile(file.fsPath, recorded.text, "utf8");
      tests.refreshFile(file);
      void vscode.window.showInformationMessage(`wfv: saved the run up to ${target.stepId}/${target.moduleName} as ${vscode.workspace.asRelativePath(file, false)} (${recorded.modules.length} module(s)).`);
      return file;
    } catch (error) {
      logAt("warn", `Save Run as Test: ${message(error)}`);
      void vscode.window.showErrorMessage(`wfv: cannot save the run as a test: ${message(error)}`);
      return undefined;
    }
  });

  register("wfv.updateTestExpectations", async (arg?: unknown) => {
    const item = testItemOf(arg);
    if (!item) {
      void vscode.window.showWarningMessage("wfv: Update Expectations acts on a workflow test in the Test Explorer.");
      return undefined;
    }
    return tests.updateExpectations(item);
  });

  register("wfv.pinOutput", async (uri?: vscode.Uri, stepId?: string, moduleName?: string, outputs?: Record<string, unknown>) => {
    const workflowFile = await targets.pickWorkflow("Pin an output of which workflow?", uri);
    if (!workflowFile) return;
    const target = moduleOf(workflowFile, stepId, moduleName);
    const last = panels.lastView(workflowFile);
    const values = outputs ?? (last && target && last.stepId === target.stepId && last.moduleName === target.moduleName && last.status === "completed" ? last.outputs : null);
    if (!target || !values) {
      void vscode.window.showWarningMessage("wfv: pin the outputs of a completed module: run it first.");
      return;
    }
    const { pins, problem } = readPins(workflowFile, readText);
    if (problem) {
      void vscode.window.showErrorMessage(`wfv: ${problem}`);
      return;
    }
    writePins(workflowFile, withPin(pins, moduleKey(target.stepId, target.moduleName), values));
    postPins(workflowFile);
    void vscode.window.showInformationMessage(`wfv: pinned the outputs of ${target.moduleName} (${relativePath(pinsFileOf(workflowFile))}); it does not run until you unpin it.`);
  });

  register("wfv.unpinOutput", async (uri?: vscode.Uri, stepId?: string, moduleName?: string) => {
    const workflowFile = await targets.pickWorkflow("Unpin an output of which workflow?", uri);
    if (!workflowFile) return;
    const { pins, problem } = readPins(workflowFile, readText);
    if (problem) {
      void vscode.window.showErrorMessage(`wfv: ${problem}`);
      return;
    }
    let key = stepId && moduleName ? moduleKey(stepId, moduleName) : undefined;
    if (!key) key = await vscode.window.showQuickPick(Object.keys(pins), { title: "Virtual: Unpin — which module?" });
    if (!key || !pins[key]) return;
    writePins(workflowFile, withPin(pins, key, undefined));
    postPins(workflowFile);
  });

  register("wfv.openPinnedOutput", async (uri?: vscode.Uri, stepId?: string, moduleName?: string) => {
    const workflowFile = await targets.pickWorkflow("Open the pinned outputs of which workflow?", uri);
    if (!workflowFile) return;
    const file = pinsFileOf(workflowFile);
    const text = readText(file);
    if (text === undefined) {
      void vscode.window.showInformationMessage("wfv: this workflow has no pinned outputs.");
      return;
    }
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const editor = await vscode.window.showTextDocument(document, { preview: false });
    if (stepId && moduleName) {
      const at = offsetOfPath(document.getText(), ["pins", moduleKey(stepId, moduleName), "module_outputs"]);
      if (at) {
        const position = document.positionAt(at.offset);
        editor.selection = new vscode.Selection(position, position);
        editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      }
    }
    return editor;
  });

  register("wfv.saveDbAsSeed", async (target?: vscode.Uri, workflowUri?: vscode.Uri) => {
    const workflowFile = await targets.pickWorkflow("Save the DB of which workflow as a seed?", workflowUri);
    if (!workflowFile) return undefined;
    const uri =
      target ??
      (await vscode.window.showSaveDialog({
        title: "Virtual: Save DB as Seed (readable JSON; Reset DB offers it)",
        defaultUri: vscode.Uri.file(join(dirname(workflowFile), seedFileName(index.workflowName(workflowFile)))),
        filters: { "wfv seed": ["seed.json"] },
      }));
    if (!uri) return undefined;
    try {
      const text = core().seedText(await dbs.exportDb(workflowFile));
      await writeFile(uri.fsPath, text, "utf8");
      void vscode.window.showInformationMessage(`wfv: saved the virtual DB as ${vscode.workspace.asRelativePath(uri, false)}.`);
      return uri;
    } catch (error) {
      void vscode.window.showErrorMessage(`wfv: cannot save the DB as a seed: ${message(error)}`);
      return undefined;
    }
  });

  // An edited pins file takes effect on the next run; the lenses and the panel follow it when it is saved.
  context.subscriptions.push(
    vscode.workspace.onDidSaveTextDocument((document) => {
      if (!/[\\/]\.wfv[\\/]pins\.json$/.test(document.uri.fsPath)) return;
      for (const workflowFile of index.catalog.workflows()) if (pinsFileOf(workflowFile) === document.uri.fsPath) postPins(workflowFile);
    }),
  );
}
