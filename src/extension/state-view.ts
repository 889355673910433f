/**
 * The State view (Explorer, "Virtual State"): the flat state after the last run of the workflow of the
 * active editor, one node per state key with the module that wrote it (click: reveal it in the
 * workflow or step file), children for objects and arrays (paged, state-view-model.ts), "Copy Value"
 * on every node, and "Open as JSON" (a read-only `wfv-state:` document, state-documents.ts) in its
 * title. It reloads when the workflow's state changes (a run, a sub-action, a reset, an import) and
 * only while it is visible: a hidden view costs nothing.
 */
import * as vscode from "vscode";
import { pickWorkflow } from "./commands";
import type { VirtualEngine } from "./engine";
import { logAt } from "./log";
import { openSource } from "./navigation";
import type { PanelManager } from "./panel";
import { toJson } from "./run-view";
import { linkFor } from "./source-links";
import { STATE_SCHEME, StateDocuments, stateUri } from "./state-documents";
import { childCount, copyText, preview, producerPath, stateEntries, valueChildren, type StateEntry, type StateProducer } from "./state-view-model";
import type { WorkflowDbs } from "./workflow-dbs";
import type { WorkflowIndex } from "./workflow-index";
import { relativePath } from "./workspace-paths";

export const STATE_VIEW_ID = "wfv.state";

export type StateNode =
  | { kind: "key"; key: string; value: unknown; producer?: StateProducer }
  | { kind: "value"; name: string; value: unknown }
  | { kind: "range"; value: unknown; start: number; end: number };

export interface StateViewParts {
  index: WorkflowIndex;
  dbs: WorkflowDbs;
  engine: VirtualEngine;
  panels: PanelManager;
  ensureIndexed: () => Promise<void>;
}

export class StateView implements vscode.TreeDataProvider<StateNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<StateNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  readonly view: vscode.TreeView<StateNode>;
  /** The workflow shown: the active editor's, kept while the editor shows something else. */
  private workflowFile: string | undefined;
  /** The keys loaded for the workflow shown; undefined until the view asks for them. */
  private loading: Promise<StateEntry[]> | undefined;
  private readonly disposables: { dispose(): void }[] = [];

  constructor(private readonly parts: StateViewParts) {
    this.view = vscode.window.createTreeView(STATE_VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    this.disposables.push(
      this.view,
      this.emitter,
      parts.dbs.onStateChanged((workflowFile) => {
        if (workflowFile === this.workflowFile || this.workflowFile === undefined) this.show(workflowFile, false);
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => this.follow(editor)),
      this.view.onDidChangeVisibility(({ visible }) => {
        if (visible) void this.followActiveEditor();
      }),
    );
    if (this.view.visible) void this.followActiveEditor();
  }

  /** The workflow whose state the view shows. */
  get workflow(): string | undefined {
    return this.workflowFile;
  }

  /** Shows the state of `workflowFile`, reloading it; `focus` brings the view forward. */
  show(workflowFile: string, focus: boolean): Thenable<unknown> | undefined {
    this.workflowFile = workflowFile;
    this.loading = undefined;
    this.view.description = this.parts.index.workflowName(workflowFile);
    this.emitter.fire(undefined);
    return focus ? vscode.commands.executeCommand(`${STATE_VIEW_ID}.focus`) : undefined;
  }

  /** Reloads the shown workflow's state. */
  refresh(): void {
    if (this.workflowFile) this.show(this.workflowFile, false);
  }

  private async followActiveEditor(): Promise<void> {
    await this.parts.ensureIndexed();
    this.follow(vscode.window.activeTextEditor);
  }

  private follow(editor: vscode.TextEditor | undefined): void {
    const uri = editor?.document.uri;
    if (!uri || uri.scheme !== "file") return;
    const workflowFile = this.parts.index.workflowFor(uri.fsPath);
    if (workflowFile && workflowFile !== this.workflowFile) this.show(workflowFile, false);
  }

  async getChildren(node?: StateNode): Promise<StateNode[]> {
    if (node) return childrenOf(node);
    if (!this.workflowFile) {
      this.view.message = "Open a workflow or step file to see the state of its last run.";
      return [];
    }
    this.loading ??= this.load(this.workflowFile);
    const entries = await this.loading;
    this.view.message = entries.length === 0 ? "No state yet: run a module of this workflow." : undefined;
    return entries.map((entry) => ({ kind: "key", ...entry }));
  }

  /** The root's keys, for the tests (they wait for a run's keys to show up). */
  async keys(): Promise<StateEntry[]> {
    return (await this.getChildren()).flatMap((node) => (node.kind === "key" ? [{ key: node.key, value: node.value, producer: node.producer }] : []));
  }

  getTreeItem(node: StateNode): vscode.TreeItem {
    const collapsible = node.kind === "range" || childCount(node.value) > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None;
    if (node.kind === "range") {
      const item = new vscode.TreeItem(`[${node.start}…${node.end - 1}]`, collapsible);
      item.contextValue = "wfv.stateRange";
      return item;
    }
    if (node.kind === "value") {
      const item = new vscode.TreeItem(node.name, collapsible);
      item.description = preview(node.value);
      item.contextValue = "wfv.stateValue";
      return item;
    }
    const item = new vscode.TreeItem(node.key, collapsible);
    const from = node.producer ? `← ${node.producer.moduleName}` : "";
    item.description = collapsible === vscode.TreeItemCollapsibleState.None ? `${preview(node.value, 40)}  ${from}`.trim() : from;
    item.tooltip = new vscode.MarkdownString(
      node.producer
        ? `**${node.key}** written by \`${node.producer.stepId}/${node.producer.moduleName}\` (${node.producer.via.replace(/_/g, " ")})\n\n${preview(node.value, 200)}`
        : `**${node.key}**\n\n${preview(node.value, 200)}`,
    );
    item.contextValue = node.producer ? "wfv.stateKey.produced" : "wfv.stateKey";
    if (node.producer) item.command = { command: "wfv.stateView.revealProducer", title: "Reveal the module that wrote it", arguments: [node] };
    return item;
  }

  /** The state and who wrote each key, from the engine (its live DB, loaded from the store if need be). */
  private async load(workflowFile: string): Promise<StateEntry[]> {
    try {
      const stored = await this.parts.dbs.store.entry(relativePath(workflowFile));
      if (stored.virtualDb === "") return [];
      const state = await this.parts.engine.state(this.parts.dbs.liveDb(workflowFile));
      const resolved = this.parts.index.resolve(workflowFile);
      const flat = (toJson(state.state_mapped) ?? {}) as Record<string, unknown>;
      return stateEntries(flat, toJson(state.steps), resolved.ok ? resolved.source.workflow : undefined);
    } catch (error) {
      logAt("warn", `the State view cannot read the state of ${relativePath(workflowFile)}: ${(error as Error)?.message ?? error}`);
      return [];
    }
  }

  /** Opens the workflow or step file at the place the producer wrote the key. */
  async revealProducer(node: StateNode): Promise<void> {
    if (node.kind !== "key" || !node.producer || !this.workflowFile) return;
    const resolved = this.parts.index.resolve(this.workflowFile);
    if (!resolved.ok) {
      void vscode.window.showWarningMessage(`wfv: the workflow cannot be read: ${resolved.message}`);
      return;
    }
    const path = producerPath(resolved.source.workflow, node.key, node.producer);
    if (!path) {
      void vscode.window.showWarningMessage(`wfv: ${node.producer.stepId}/${node.producer.moduleName} is not in the workflow any more.`);
      return;
    }
    // Naming files by their absolute path: the link's file is the one to open.
    const link = linkFor({ source: resolved.source, workflowFile: this.workflowFile }, path, (file) => file);
    await openSource(link.file, link);
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}

function childrenOf(node: StateNode): StateNode[] {
  const value = node.value;
  const children = node.kind === "range" ? valueChildren(value, node.start, node.end) : valueChildren(value);
  return children.map((child) => (child.kind === "entry" ? { kind: "value", name: child.name, value: child.value } : { kind: "range", value, start: child.start, end: child.end }));
}

/** The part of a large array or object a range node stands for. */
function rangeValue(value: unknown, start: number, end: number): unknown {
  if (Array.isArray(value)) return value.slice(start, end);
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).slice(start, end));
}

/** The view, its commands and Show State's JSON documents. */
export function registerStateView(context: vscode.ExtensionContext, parts: StateViewParts): StateView {
  const view = new StateView(parts);
  const documents = new StateDocuments(parts.dbs);
  const register = (id: string, fn: (...args: any[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  context.subscriptions.push(view, documents, vscode.workspace.registerTextDocumentContentProvider(STATE_SCHEME, documents));

  register("wfv.showState", async (uri?: vscode.Uri) => {
    await parts.ensureIndexed();
    const workflowFile = await pickWorkflow(parts.index, parts.panels, "Show the state of which workflow?", uri);
    if (workflowFile) await view.show(workflowFile, true);
  });
  register("wfv.stateView.refresh", () => view.refresh());
  register("wfv.stateView.revealProducer", (node: StateNode) => view.revealProducer(node));
  register("wfv.stateView.copyValue", async (node?: StateNode) => {
    const target = node ?? view.view.selection[0];
    if (target) await vscode.env.clipboard.writeText(copyText(target.kind === "range" ? rangeValue(target.value, target.start, target.end) : target.value));
  });
  register("wfv.stateView.openJson", async () => {
    await parts.ensureIndexed();
    const workflowFile = view.workflow ?? (await pickWorkflow(parts.index, parts.panels, "Open the state of which workflow?"));
    if (!workflowFile) return;
    const uri = stateUri(workflowFile);
    documents.refresh(workflowFile);
    const document = await vscode.workspace.openTextDocument(uri);
    if (document.languageId !== "json") await vscode.languages.setTextDocumentLanguage(document, "json");
    await vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  });
  return view;
}
