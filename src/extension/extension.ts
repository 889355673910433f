/**
 * wfv in VS Code: a thin adapter over the engine (src/core). Activation is cheap and lazy: on a JSON
 * editor the extension registers its lenses, commands and panel serializer; the workspace is indexed
 * for workflows the first time a workflow or step file is shown or a command needs it.
 */
import { loadStarted } from "./load-clock";
import { join } from "node:path";
import * as vscode from "vscode";
import { ModuleLensProvider } from "./codelens";
import { registerCommands } from "./commands";
import { Controller } from "./controller";
import { lazyEngine } from "./lazy-engine";
import { pushVirtualState, startLanguageClient } from "./lazy-language-client";
import { createLog, logAt } from "./log";
import { outline } from "./outline";
import { PANEL_VIEW_TYPE, PanelManager } from "./panel";
import { WorkflowDbStore } from "./storage";

export interface WfvApi {
  controller: Controller;
  panels: PanelManager;
  /** From the bundle starting to load to the end of activate(). */
  activationMs: number;
  /** activate() alone. */
  activateOnlyMs: number;
  /** Resolves once the workspace is indexed (starts indexing if it has not started). */
  indexed(): Promise<void>;
}

function looksRelevant(document: vscode.TextDocument): boolean {
  if (document.uri.scheme !== "file" || !/\.json$/i.test(document.uri.fsPath)) return false;
  const text = document.getText();
  if (!text.includes("workflow_id") && !text.includes("step_id")) return false;
  return outline(text).kind !== "other";
}

let activeStore: WorkflowDbStore | undefined;

export function activate(context: vscode.ExtensionContext): WfvApi {
  const started = performance.now();
  const channel = createLog(context);
  const storageRoot = context.storageUri ?? context.globalStorageUri;
  const store = new WorkflowDbStore(join(storageRoot.fsPath, "virtual-dbs"), {
    unreadable(workflowFile, movedTo, reason) {
      logAt("error", `the stored virtual DB of ${workflowFile} cannot be read (${reason}); moved it to ${movedTo}`);
      void vscode.window.showWarningMessage(`wfv: the stored virtual DB of ${workflowFile} could not be read (${reason}). It was moved aside to ${movedTo}; a fresh DB is used.`);
    },
  });
  activeStore = store;
  const engine = lazyEngine((error) => logAt("error", `the engine failed to load: ${(error as Error)?.stack ?? error}`));
  const ctx = new Controller(store, engine, context.secrets);
  const panels = new PanelManager(context.extensionUri, ctx);
  ctx.panels = panels;
  // Hover over `{{ state.x }}` shows the live value: the server hears each run's state.
  ctx.stateSink = (workflowFile, state, label) => {
    try {
      pushVirtualState(workflowFile, state, label);
    } catch (error) {
      logAt("warn", `cannot send the state to the language server: ${(error as Error)?.message ?? error}`);
    }
  };
  let indexing: Promise<void> | undefined;
  const indexed = (): Promise<void> => {
    indexing ??= ctx.indexWorkspace().then(() => ctx.preload(ctx.catalog.workflows(), false));
    return indexing;
  };
  const lenses = new ModuleLensProvider(ctx, indexed);
  context.subscriptions.push(ctx, panels, lenses);

  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, panels.serializer()),
    vscode.languages.registerCodeLensProvider([{ language: "json", scheme: "file" }, { language: "jsonc", scheme: "file" }], lenses),
    ctx.onDidChange(() => lenses.refresh()),
    vscode.workspace.onDidOpenTextDocument((d) => {
      if (looksRelevant(d)) void indexed();
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0 && e.document.uri.scheme === "file" && /\.json$/i.test(e.document.uri.fsPath) && indexing) ctx.indexFile(e.document.uri.fsPath);
    }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      if (d.uri.scheme === "file" && indexing) ctx.indexFile(d.uri.fsPath); // back to the disk's text
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => lenses.refresh()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("wfv")) lenses.refresh();
    }),
  );
  const watcher = vscode.workspace.createFileSystemWatcher("**/*.json");
  const onFile = (uri: vscode.Uri) => {
    if (indexing) ctx.indexFile(uri.fsPath);
  };
  context.subscriptions.push(watcher, watcher.onDidCreate(onFile), watcher.onDidChange(onFile), watcher.onDidDelete(onFile));

  registerCommands(context, ctx, panels, indexed);
  void vscode.commands.executeCommand("setContext", "wfv.active", true);

  if (vscode.workspace.textDocuments.some(looksRelevant)) {
    void indexed().catch((error: unknown) => logAt("error", `indexing failed: ${(error as Error)?.stack ?? error}`));
  }
  void startLanguageClientGuarded(context);

  const now = performance.now();
  const activationMs = now - loadStarted;
  const activateOnlyMs = now - started;
  channel.info(`wfv activated in ${activationMs.toFixed(1)} ms (activate() ${activateOnlyMs.toFixed(1)} ms; storage: ${store.directory})`);
  return { controller: ctx, panels, activationMs, activateOnlyMs, indexed };
}

/** The language server (diagnostics, completion, hover); a missing or failing one never breaks our features. */
async function startLanguageClientGuarded(context: vscode.ExtensionContext): Promise<void> {
  try {
    await startLanguageClient(context);
  } catch (error) {
    logAt("warn", `the wfv language server did not start: ${(error as Error)?.message ?? error}`);
  }
}

/** Everything else is in context.subscriptions; DB writes still running are waited for. */
export function deactivate(): Promise<void> | undefined {
  return activeStore?.flush();
}
