/**
 * wfv in VS Code: a thin adapter over the engine (src/core). Activation is cheap and lazy: in a
 * workspace that holds a workflow or step file (package.json's `workspaceContains`), or on a command,
 * the extension registers its lenses, commands, views and panel serializer; the workspace is indexed
 * for workflows the first time a workflow or step file is shown or a command needs it; the engine's
 * process (dist/engine-worker.js) starts once a workflow or step file is shown in a trusted workspace
 * (engine-warmup.ts), the language client (dist/language-client.js) just after activation.
 *
 * The pieces, one job each: the workflows (workflow-index.ts), runs (runs.ts) and their views
 * (run-view.ts, source-links.ts), each workflow's DB (workflow-dbs.ts over storage.ts and the engine),
 * the panels (panel.ts), the lenses (codelens.ts), the commands (commands.ts), provider keys (secrets.ts).
 */
import { loadStarted } from "./load-clock";
import { join } from "node:path";
import * as vscode from "vscode";
import { ModuleLensProvider } from "./codelens";
import { pickWorkflow, registerCommands } from "./commands";
import { lazyEngine } from "./lazy-engine";
import { runBudgets } from "./limits";
import { pushVirtualState, startLanguageClient } from "./lazy-language-client";
import { registerDebugging } from "./debug/register";
import { warmEngineOnWorkflows } from "./engine-warmup";
import { createLog, logAt } from "./log";
import { outline } from "./outline";
import { PANEL_VIEW_TYPE, PanelManager } from "./panel";
import { registerPreview, type PreviewApi } from "./preview";
import { Runs } from "./runs";
import { SeedMemory, seedsBeside } from "./seeds";
import { registerStateView, type StateView } from "./state-view";
import { chooseSeed, registerTestCommands, resetToSeed } from "./test-commands";
import { WorkflowTests } from "./test-explorer";
import { testingCore } from "./lazy-testing";
import { WorkflowDbStore } from "./storage";
import type { WorkflowCatalog } from "./workflow-catalog";
import { WorkflowDbs } from "./workflow-dbs";
import { WorkflowIndex } from "./workflow-index";
import { absolutePath, relativePath } from "./workspace-paths";

/** What the in-host tests drive: the workflows, the DB store and the runs. */
export interface WfvController {
  catalog: WorkflowCatalog;
  workflowFor(absolute: string): string | undefined;
  store: WorkflowDbStore;
  submit: Runs["submit"];
  subAction: Runs["subAction"];
}

export interface WfvApi {
  controller: WfvController;
  panels: PanelManager;
  /** The Test Explorer's workflow tests. */
  tests: WorkflowTests;
  /** The State view (Explorer): the state of the active editor's workflow. */
  stateView: StateView;
  /** The template preview and the pipeline stages views (issue 15). */
  preview: PreviewApi;
  /** The seeds Reset DB offers for a workflow (beside it). */
  seedsFor(workflowFile: string): string[];
  /** From the bundle starting to load to the end of activate(). */
  activationMs: number;
  /** activate() alone. */
  activateOnlyMs: number;
  /** Evaluating the bundle (from its start to the end of this module's top level). */
  evaluationMs: number;
  /** The same moments in ms since the epoch, to line up with VS Code's own marks (the bench). */
  timeline: { loadStarted: number; loadEnded: number; activateStarted: number; activateEnded: number };
  /** Resolves once the workspace is indexed (starts indexing if it has not started). */
  indexed(): Promise<void>;
}

/** This module's top level runs after every module it imports: the bundle is evaluated. */
const loadEnded = performance.now();

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
  const engine = lazyEngine((error) => logAt("error", `the engine failed to load: ${(error as Error)?.stack ?? error}`), runBudgets);
  /** Lenses refresh on this: a run finished, a DB was reset, files changed. */
  const changed = new vscode.EventEmitter<void>();
  const fireChanged = () => changed.fire();
  const index = new WorkflowIndex(fireChanged);
  // The listener is told of DB changes only after activation, when runs and panels exist.
  const dbs = new WorkflowDbs(store, engine, { relative: relativePath, absolute: absolutePath }, {
    replaced(workflowFile, reset) {
      if (reset) runs.dropPending(workflowFile);
      panels.reset(workflowFile);
    },
    // Hover over `{{ state.x }}` shows the live value: the server hears each run's state.
    state(workflowFile, state, label) {
      try {
        pushVirtualState(workflowFile, state, label);
      } catch (error) {
        logAt("warn", `cannot send the state to the language server: ${(error as Error)?.message ?? error}`);
      }
    },
    changed: fireChanged,
    writeFailed(workflowFile, error) {
      logAt("error", `cannot write the virtual DB of ${relativePath(workflowFile)}: ${(error as Error)?.stack ?? error}`);
      void vscode.window.showErrorMessage(`wfv: the virtual DB of ${relativePath(workflowFile)} could not be saved: ${(error as Error)?.message ?? error}`);
    },
    warn: (message) => logAt("warn", message),
  });
  const runs = new Runs(index, dbs, engine, context.secrets, fireChanged);
  const panels = new PanelManager(context.extensionUri, index, runs);
  runs.panels = panels;
  let indexing: Promise<void> | undefined;
  const indexed = (): Promise<void> => {
    indexing ??= index.indexWorkspace().then(async () => {
      await dbs.preload(index.catalog.workflows(), false);
      // The workflow tests come into the Test Explorer once the workflows they run are known.
      void tests.discover();
    });
    return indexing;
  };
  const lenses = new ModuleLensProvider(index, dbs, indexed);
  const tests = new WorkflowTests(index, indexed, testingCore);
  const seeds = new SeedMemory(context.workspaceState);
  context.subscriptions.push(changed, panels, lenses, tests, changed.event(() => tests.markStale()));

  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, panels.serializer()),
    vscode.languages.registerCodeLensProvider([{ language: "json", scheme: "file" }, { language: "jsonc", scheme: "file" }], lenses),
    changed.event(() => lenses.refresh()),
    vscode.workspace.onDidOpenTextDocument((d) => {
      if (looksRelevant(d)) void indexed();
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0 && e.document.uri.scheme === "file" && /\.json$/i.test(e.document.uri.fsPath) && indexing) index.indexFile(e.document.uri.fsPath);
    }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      if (d.uri.scheme === "file" && indexing) index.indexFile(d.uri.fsPath); // back to the disk's text
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => lenses.refresh()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("wfv")) lenses.refresh();
    }),
  );
  const watcher = vscode.workspace.createFileSystemWatcher("**/*.json");
  const onFile = (uri: vscode.Uri) => {
    if (indexing) index.indexFile(uri.fsPath);
  };
  context.subscriptions.push(watcher, watcher.onDidCreate(onFile), watcher.onDidChange(onFile), watcher.onDidDelete(onFile));

  const resetTo = async (workflowFile: string, given?: string | null): Promise<boolean> => {
    const choice = await chooseSeed(workflowFile, given);
    if (!choice) return false;
    await resetToSeed(dbs, seeds, workflowFile, choice.seed);
    void vscode.window.showInformationMessage(`wfv: reset the virtual DB of ${relativePath(workflowFile)}${choice.seed ? ` to ${vscode.workspace.asRelativePath(choice.seed, false)}` : ""}.`);
    return true;
  };
  registerCommands(context, { index, dbs, runs, panels, resetTo }, indexed);
  const preview = registerPreview(context, { index, dbs, engine, indexed, onDbChanged: changed.event });
  registerDebugging(context, { index, dbs, engine, panels, changed: fireChanged, ensureIndexed: indexed, resetTo });
  const stateView = registerStateView(context, { index, dbs, engine, panels, ensureIndexed: indexed });
  registerTestCommands(context, {
    index,
    dbs,
    panels,
    tests,
    seeds,
    core: testingCore,
    changed: fireChanged,
    pickWorkflow: async (title, uri) => {
      await indexed();
      return pickWorkflow(index, panels, title, uri);
    },
  });
  void vscode.commands.executeCommand("setContext", "wfv.active", true);

  if (vscode.workspace.textDocuments.some(looksRelevant)) {
    void indexed().catch((error: unknown) => logAt("error", `indexing failed: ${(error as Error)?.stack ?? error}`));
  }
  void startLanguageClientGuarded(context);
  // The first click then finds the engine's worker up and the workflow's DB open.
  context.subscriptions.push(warmEngineOnWorkflows({ index, dbs, engine, indexed, relevant: looksRelevant }));

  const now = performance.now();
  const activationMs = now - loadStarted;
  const activateOnlyMs = now - started;
  const evaluationMs = loadEnded - loadStarted;
  channel.info(
    `wfv activated in ${activationMs.toFixed(1)} ms (bundle evaluated in ${evaluationMs.toFixed(1)} ms, the host's wait before activate() ${(started - loadEnded).toFixed(1)} ms, activate() ${activateOnlyMs.toFixed(1)} ms; storage: ${store.directory})`,
  );
  const controller: WfvController = {
    catalog: index.catalog,
    workflowFor: (absolute) => index.workflowFor(absolute),
    store,
    submit: (...args) => runs.submit(...args),
    subAction: (...args) => runs.subAction(...args),
  };
  const epoch = (at: number) => performance.timeOrigin + at;
  const timeline = { loadStarted: epoch(loadStarted), loadEnded: epoch(loadEnded), activateStarted: epoch(started), activateEnded: epoch(now) };
  return { controller, panels, tests, preview, stateView, seedsFor: seedsBeside, activationMs, activateOnlyMs, evaluationMs, timeline, indexed };
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
