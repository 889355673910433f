/**
 * The commands (palette category `Virtual`). Each one is a small adapter: pick what to act on, call the
 * runs or the DB lifecycle, say what happened. Nothing runs in an untrusted workspace.
 */
import { readFile, writeFile } from "node:fs/promises";
import * as vscode from "vscode";
import { isWfvError } from "../core/errors";
import type { RunMode } from "../shared/protocol";
import { RUN_COMMAND, RUN_UP_TO_COMMAND } from "./codelens";
import { outline } from "./outline";
import type { PanelManager } from "./panel";
import { revealOffset } from "./navigation";
import type { Runs } from "./runs";
import { PROVIDERS, storeProviderKey } from "./secrets";
import type { WorkflowDbs } from "./workflow-dbs";
import type { WorkflowIndex } from "./workflow-index";
import { absolutePath, relativePath } from "./workspace-paths";

/** What the commands act on. */
export interface CommandTargets {
  index: WorkflowIndex;
  dbs: WorkflowDbs;
  runs: Runs;
  panels: PanelManager;
  /** Reset DB offers the seeds beside the workflow (test-commands.ts). */
  resetTo?: (workflowFile: string, given?: string | null) => Promise<boolean>;
}

function requireTrust(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage("wfv: running is disabled in an untrusted workspace (workflows run templates and modules).", "Manage Workspace Trust").then((choice) => {
    if (choice) void vscode.commands.executeCommand("workbench.trust.manage");
  });
  return false;
}

/** The workflow of the given document, else of the focused wfv panel, else of the active editor. */
function workflowOf(index: WorkflowIndex, uri?: vscode.Uri, panels?: PanelManager): string | undefined {
  if (!uri) {
    const fromPanel = panels?.activeWorkflow();
    if (fromPanel) return fromPanel;
  }
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  return target && target.scheme === "file" ? index.workflowFor(target.fsPath) : undefined;
}

/** The current workflow, else a pick among the workspace's workflows. */
export async function pickWorkflow(index: WorkflowIndex, panels: PanelManager, title: string, uri?: vscode.Uri): Promise<string | undefined> {
  const current = workflowOf(index, uri, panels);
  if (current) return current;
  const all = index.catalog.workflows();
  if (all.length === 1) return all[0];
  const picked = await vscode.window.showQuickPick(
    all.map((file) => ({ label: index.workflowName(file), description: relativePath(file), file })),
    { title },
  );
  return picked?.file;
}

export function registerCommands(context: vscode.ExtensionContext, { index, dbs, runs, panels, resetTo }: CommandTargets, ensureIndexed: () => Promise<void>): void {
  const register = (id: string, fn: (...args: any[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  const runFromLens = (mode: RunMode) => async (uri?: vscode.Uri, stepId?: string, moduleName?: string) => {
    if (!requireTrust()) return;
    if (!uri || !stepId || !moduleName) return runPicked(mode);
    // The workflow the lens was drawn for, found as the lens found it (its ancestor folders), so a click
    // in a large workspace does not wait for the whole index.
    void ensureIndexed().catch(() => undefined); // started by the lenses already; failures are logged there
    const workflowFile = uri.scheme === "file" ? await index.workflowNear(uri.fsPath) : undefined;
    if (!workflowFile) {
      void vscode.window.showWarningMessage("wfv: no workflow in this workspace includes this file.");
      return;
    }
    return runs.run(workflowFile, stepId, moduleName, mode);
  };

  /** "Virtual: Run Module…": a quick pick of every step/module of the workflow. */
  const runPicked = async (mode: RunMode = "module") => {
    if (!requireTrust()) return;
    await ensureIndexed();
    const workflowFile = await pickWorkflow(index, panels, "Run a module of which workflow?");
    if (!workflowFile) return;
    const resolved = index.resolve(workflowFile);
    if (!resolved.ok) {
      void vscode.window.showErrorMessage(`wfv: the workflow cannot run: ${resolved.message}`);
      return;
    }
    const steps = ((resolved.source.workflow as { steps?: unknown[] }).steps ?? []) as { step_id?: string; modules?: { name?: string; module_id?: string }[] }[];
    const items = steps.flatMap((step) =>
      (step.modules ?? []).map((m) => ({
        label: String(m.name ?? m.module_id),
        description: String(step.step_id),
        detail: String(m.module_id ?? ""),
        stepId: String(step.step_id),
      })),
    );
    const picked = await vscode.window.showQuickPick(items, { title: "Virtual: Run Module", matchOnDescription: true, matchOnDetail: true });
    if (!picked) return;
    return runs.run(workflowFile, picked.stepId, picked.label, mode);
  };

  register(RUN_COMMAND, runFromLens("module"));
  register(RUN_UP_TO_COMMAND, runFromLens("up_to"));
  register("wfv.runModule", () => runPicked("module"));

  register("wfv.resetDb", async (uri?: vscode.Uri, seed?: string | null) => {
    await ensureIndexed();
    const current = workflowOf(index, uri, panels);
    const stored = (await dbs.store.storedWorkflows()).map(absolutePath);
    const files = [...new Set([...(current ? [current] : []), ...index.catalog.workflows(), ...stored])];
    type Item = vscode.QuickPickItem & { file?: string; all?: boolean };
    const items: Item[] = files.map((file) => ({
      label: file === current ? `$(file-code) Current workflow: ${index.workflowName(file)}` : index.workflowName(file),
      description: relativePath(file),
      file,
    }));
    items.push({ label: "$(clear-all) All workflows", all: true });
    const picked = uri && current ? items[0] : await vscode.window.showQuickPick(items, { title: "Virtual: Reset DB" });
    if (!picked) return;
    if (picked.all) {
      const n = await dbs.resetAll();
      void vscode.window.showInformationMessage(`wfv: reset the virtual DB of ${n} workflow(s).`);
    } else if (picked.file && resetTo) {
      // Empty, or a seed beside the workflow (asked only when there are seeds and none was given).
      if (!(await resetTo(picked.file, uri ? (seed ?? null) : seed))) return;
    } else if (picked.file) {
      await dbs.resetDb(picked.file);
      void vscode.window.showInformationMessage(`wfv: reset the virtual DB of ${relativePath(picked.file)}.`);
    }
  });

  // Show State and the State view: state-view.ts.

  register("wfv.showPanel", async (uri?: vscode.Uri) => {
    await ensureIndexed();
    const workflowFile = await pickWorkflow(index, panels, "Show the panel of which workflow?", uri);
    if (!workflowFile) return;
    panels.show(workflowFile, index.workflowName(workflowFile));
    const last = panels.lastView(workflowFile);
    if (last) panels.post(workflowFile, last);
  });

  register("wfv.exportDb", async (target?: vscode.Uri) => {
    await ensureIndexed();
    const workflowFile = await pickWorkflow(index, panels, "Export the DB of which workflow?");
    if (!workflowFile) return;
    const blob = await dbs.exportDb(workflowFile);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri =
      target ??
      (await vscode.window.showSaveDialog({
        title: "Virtual: Export DB (base64 gzip, as the CLI and the server use)",
        defaultUri: folder ? vscode.Uri.joinPath(folder, `${index.workflowName(workflowFile).replace(/[^\w.-]+/g, "_")}.wfvdb`) : undefined,
      }));
    if (!uri) return;
    await writeFile(uri.fsPath, blob, "utf8");
    void vscode.window.showInformationMessage(`wfv: exported the virtual DB to ${vscode.workspace.asRelativePath(uri, false)}.`);
  });

  register("wfv.importDb", async (source?: vscode.Uri) => {
    await ensureIndexed();
    const workflowFile = await pickWorkflow(index, panels, "Import a DB into which workflow?");
    if (!workflowFile) return;
    const uri = source ?? (await vscode.window.showOpenDialog({ title: "Virtual: Import DB", canSelectMany: false }))?.[0];
    if (!uri) return;
    try {
      await dbs.importDb(workflowFile, await readFile(uri.fsPath, "utf8"));
      void vscode.window.showInformationMessage(`wfv: imported the virtual DB into ${relativePath(workflowFile)}.`);
    } catch (error) {
      const message = isWfvError(error) ? `${error.errorType}: ${error.message}` : String(error);
      void vscode.window.showErrorMessage(`wfv: cannot import: ${message} (the stored DB is unchanged)`);
    }
  });

  register("wfv.toggleMockMode", async () => {
    const config = vscode.workspace.getConfiguration("wfv");
    const next = !config.get<boolean>("mockMode", true);
    await config.update("mockMode", next, vscode.ConfigurationTarget.Global);
    void vscode.window.showInformationMessage(next ? "wfv: mock mode is on (no real LLM/HTTP/media calls)." : "wfv: mock mode is off: modules may call real providers with your API keys.");
  });

  // The panel's "Set API key" names the provider: no picker then.
  register("wfv.setProviderApiKey", async (named?: unknown) => {
    const known = PROVIDERS.find((p) => p === named);
    const provider = known ?? (await vscode.window.showQuickPick([...PROVIDERS], { title: "Virtual: Set Provider API Key — which provider?" }));
    if (!provider) return false;
    const key = await vscode.window.showInputBox({ title: `API key for ${provider}`, password: true, ignoreFocusOut: true, prompt: "Stored in VS Code's SecretStorage; empty removes it." });
    if (key === undefined) return false;
    await storeProviderKey(context.secrets, provider, key);
    void vscode.window.showInformationMessage(key === "" ? `wfv: removed the ${provider} key.` : `wfv: stored the ${provider} key.`);
    // Whether a key was stored: the panel runs the failed module again then.
    return key !== "";
  });

  register("wfv.revealOffset", (uri: vscode.Uri, offset: number) => revealOffset(uri, offset));

  /** Used by the tests and the quick pick: the modules of a document, as the lenses see them. */
  register("wfv.outline", (uri: vscode.Uri) => {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    return document ? outline(document.getText()) : undefined;
  });
}
