/**
 * The interaction panel: one webview panel per workflow, reused. Typed messages both ways
 * (src/shared/protocol.ts), nothing posted before the webview says `ready`; CSP with a nonce;
 * `localResourceRoots` limited to the extension's media and dist; no retainContextWhenHidden (the
 * webview keeps its view with setState, and a serializer restores panels after a reload).
 */
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { basename, extname } from "node:path";
import * as vscode from "vscode";
import type { ErrorAction, HostMessage, RunMode, RunView, WebviewMessage } from "../shared/protocol";
import { parseWebviewMessage } from "./panel-messages";
import { logAt } from "./log";
import { openSource } from "./navigation";
import type { RunPanels, Runs, SubActionResult } from "./runs";
import { mockMode } from "./secrets";
import type { WorkflowIndex } from "./workflow-index";
import { absolutePath, relativePath } from "./workspace-paths";
import { downloadFileName } from "./download-name";
import { isProviderError, providerActions } from "./error-actions";
import { applyCodeAction, quickFixAt } from "./error-fixes";

/** An interaction a debug session stopped at, as the panel answers it (../debug/session.ts). */
export interface DebugInteraction {
  answer(response: Record<string, unknown>): Promise<void>;
  subAction(actionId: string, params: Record<string, unknown>): Promise<SubActionResult>;
}

export const PANEL_VIEW_TYPE = "wfv.panel";

interface PanelEntry {
  panel: vscode.WebviewPanel;
  ready: boolean;
  queue: HostMessage[];
  lastView: RunView | undefined;
  lastTarget: { stepId: string; moduleName: string; mode: RunMode } | undefined;
  /** The mock flag last told to the webview (its badge), once it said `ready`. */
  mock?: boolean;
  /** The quick fix "Apply fix" applies, for the error of run `runId`. */
  fix?: { runId: number; action: vscode.CodeAction };
}

const MIME: Record<string, string> = {
  ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
  ".svg": "image/svg+xml", ".json": "application/json", ".txt": "text/plain", ".md": "text/markdown", ".csv": "text/csv",
  ".pdf": "application/pdf", ".mp3": "audio/mpeg", ".mp4": "video/mp4", ".wav": "audio/wav",
};

export class PanelManager implements RunPanels, vscode.Disposable {
  private readonly panels = new Map<string, PanelEntry>();
  /** The mock/real badge follows `wfv.mockMode` while panels are open (issue 12.2). */
  private readonly configWatch: vscode.Disposable;
  /** Interactions a debug session shows (src/extension/debug/): the answer goes to the session, by the shown run id. */
  private readonly debugInteractions = new Map<number, DebugInteraction>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly index: WorkflowIndex,
    private readonly runs: Runs,
  ) {
    this.configWatch = vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration("wfv.mockMode")) return;
      const mock = mockMode();
      for (const [workflowFile, entry] of this.panels) {
        if (entry.ready) entry.mock = mock;
        this.send(workflowFile, { type: "mock/changed", mock });
      }
    });
  }

  dispose(): void {
    this.configWatch.dispose();
    for (const entry of this.panels.values()) entry.panel.dispose();
    this.panels.clear();
  }

  /** The serializer: panels come back after a window reload with the webview's saved state. */
  serializer(): vscode.WebviewPanelSerializer {
    return {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        const file = (state as { workflowFile?: unknown } | undefined)?.workflowFile;
        if (typeof file !== "string") {
          panel.dispose();
          return;
        }
        this.attach(panel, absolutePath(file));
      },
    };
  }

  /** The workflow of the panel that is active (focused), if one is. */
  activeWorkflow(): string | undefined {
    for (const [file, entry] of this.panels) if (entry.panel.active) return file;
    return undefined;
  }

  has(workflowFile: string): boolean {
    return this.panels.has(workflowFile);
  }

  lastView(workflowFile: string): RunView | undefined {
    return this.panels.get(workflowFile)?.lastView;
  }

  show(workflowFile: string, workflowName: string): void {
    const existing = this.panels.get(workflowFile);
    if (existing) {
      if (!existing.panel.visible) existing.panel.reveal(vscode.ViewColumn.Beside, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      `Virtual: ${workflowName}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      this.options(),
    );
    this.attach(panel, workflowFile);
  }

  private options(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, "media"), vscode.Uri.joinPath(this.extensionUri, "dist")],
    };
  }

  private attach(panel: vscode.WebviewPanel, workflowFile: string): void {
    const entry: PanelEntry = { panel, ready: false, queue: [], lastView: undefined, lastTarget: undefined };
    this.panels.set(workflowFile, entry);
    panel.webview.options = this.options();
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, "media", "icon.svg");
    panel.title = `Virtual: ${this.index.workflowName(workflowFile)}`;
    panel.webview.html = this.html(panel.webview, workflowFile);
    const subscriptions: vscode.Disposable[] = [];
    subscriptions.push(
      panel.webview.onDidReceiveMessage((data: unknown) => {
        const parsed = parseWebviewMessage(data);
        if (!parsed.ok) {
          logAt("warn", `ignored a malformed panel message: ${parsed.error}`);
          return;
        }
        this.handle(workflowFile, entry, parsed.message).catch((error: unknown) => {
          logAt("error", `panel message ${parsed.message.type} failed: ${(error as Error)?.stack ?? error}`);
          void vscode.window.showErrorMessage(`wfv: ${(error as Error)?.message ?? error}`);
        });
      }),
    );
    panel.onDidDispose(() => {
      if (this.panels.get(workflowFile) === entry) this.panels.delete(workflowFile);
      subscriptions.forEach((d) => d.dispose());
    });
  }

  private send(workflowFile: string, message: HostMessage): void {
    const entry = this.panels.get(workflowFile);
    if (!entry) return;
    if (!entry.ready) {
      entry.queue.push(message);
      return;
    }
    void entry.panel.webview.postMessage(message);
  }

  post(workflowFile: string, view: RunView): void {
    const entry = this.panels.get(workflowFile);
    if (entry) {
      entry.lastView = view;
      entry.lastTarget = { stepId: view.stepId, moduleName: view.moduleName, mode: view.mode };
    }
    this.send(workflowFile, { type: "run/result", view });
    if (entry && view.error) void this.offerErrorActions(workflowFile, entry, view);
  }

  /** The error view's buttons (issue 12.9): provider ones at once, "Apply fix" once the language server answers. */
  private async offerErrorActions(workflowFile: string, entry: PanelEntry, view: RunView): Promise<void> {
    const error = view.error;
    if (!error) return;
    const actions = providerActions(error, mockMode());
    if (actions.length > 0) this.send(workflowFile, { type: "error/actions", runId: view.runId, actions });
    // A provider's failure is not in the workflow file: no quick fix there is its fix.
    if (!error.source || isProviderError(error)) return;
    try {
      const fix = await quickFixAt(absolutePath(error.source.file), error.source);
      if (!fix || entry.lastView?.runId !== view.runId) return;
      entry.fix = { runId: view.runId, action: fix };
      this.send(workflowFile, { type: "error/actions", runId: view.runId, actions: [...actions, { kind: "apply_fix", title: fix.title }] });
    } catch (e) {
      logAt("warn", `no quick fix for the error of run ${view.runId}: ${(e as Error)?.message ?? e}`);
    }
  }

  private async runAgain(workflowFile: string, entry: PanelEntry): Promise<void> {
    const target = entry.lastTarget;
    if (target && vscode.workspace.isTrusted) await this.runs.run(workflowFile, target.stepId, target.moduleName, target.mode);
  }

  /** What the error view's buttons do. */
  private async errorAction(workflowFile: string, entry: PanelEntry, runId: number, action: ErrorAction): Promise<void> {
    switch (action.kind) {
      case "set_api_key": {
        // With a key stored, the failed module runs again (a cancelled prompt leaves the error as it is).
        if (await vscode.commands.executeCommand<boolean>("wfv.setProviderApiKey", action.provider)) await this.runAgain(workflowFile, entry);
        return;
      }
      case "switch_to_mock":
        await vscode.workspace.getConfiguration("wfv").update("mockMode", true, vscode.ConfigurationTarget.Global);
        await this.runAgain(workflowFile, entry);
        return;
      case "apply_fix": {
        const fix = entry.fix;
        if (!fix || fix.runId !== runId) return;
        entry.fix = undefined;
        if (!(await applyCodeAction(fix.action))) void vscode.window.showWarningMessage(`wfv: could not apply "${fix.action.title}".`);
        const link = entry.lastView?.error?.source;
        if (link) await openSource(absolutePath(link.file), link);
        return;
      }
    }
  }

  started(workflowFile: string, runId: number, stepId: string, moduleName: string, mode: RunMode): void {
    this.send(workflowFile, { type: "run/started", runId, stepId, moduleName, mode });
  }

  reset(workflowFile: string): void {
    const entry = this.panels.get(workflowFile);
    if (entry) entry.lastView = undefined;
    this.send(workflowFile, { type: "db/reset" });
  }

  /** The workflow's pinned modules changed (Pin output, Unpin, an edited pins file). */
  postPins(workflowFile: string, pinned: string[]): void {
    this.send(workflowFile, { type: "pins/changed", pinned });
  }

  /** The mock flag the panel's badge shows (what it was last told), or undefined before it is ready. */
  badgeMock(workflowFile: string): boolean | undefined {
    return this.panels.get(workflowFile)?.mock;
  }

  /** A debug session stopped on an interaction: the panel shows `view`; its Submit calls `answer` (once), its sub-actions `subAction`. */
  showDebugInteraction(workflowFile: string, view: RunView, session: DebugInteraction): vscode.Disposable {
    this.show(workflowFile, this.index.workflowName(workflowFile));
    this.debugInteractions.set(view.runId, session);
    this.post(workflowFile, view);
    return new vscode.Disposable(() => this.debugInteractions.delete(view.runId));
  }

  showState(workflowFile: string, state: Record<string, unknown>): void {
    this.send(workflowFile, { type: "state/show", state, runId: null });
  }

  private async handle(workflowFile: string, entry: PanelEntry, message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case "ready": {
        entry.ready = true;
        const init: HostMessage = {
          type: "panel/init",
          workflowFile: relativePath(workflowFile),
          workflowName: this.index.workflowName(workflowFile),
          mock: mockMode(),
          trusted: vscode.workspace.isTrusted,
        };
        entry.mock = init.mock;
        void entry.panel.webview.postMessage(init);
        for (const queued of entry.queue.splice(0)) void entry.panel.webview.postMessage(queued);
        return;
      }
      case "interaction/submit": {
        if (!vscode.workspace.isTrusted) return;
        const debug = this.debugInteractions.get(message.runId);
        this.debugInteractions.delete(message.runId);
        if (debug) {
          // The session's next stop opens its module in the active group: not over this panel.
          await focusEditorBeside(entry.panel);
          return debug.answer(message.response);
        }
        await this.runs.submit(message.runId, message.response, { workflowFile, ...message.target });
        return;
      }
      case "file/pick":
        this.send(workflowFile, { type: "file/picked", requestId: message.requestId, file: await this.pickWorkspaceFile(message.accept) });
        return;
      case "download/save":
        await this.saveDownload(workflowFile, message.runId);
        return;
      case "subaction/run": {
        // An interaction a debug session shows: the sub-action runs in that session, on the DB it holds.
        const debug = this.debugInteractions.get(message.runId);
        const result = debug ? await debug.subAction(message.actionId, message.params) : await this.runs.subAction(message.runId, message.actionId, message.params);
        this.send(workflowFile, { type: "subaction/result", requestId: message.requestId, ...result });
        return;
      }
      case "source/open":
        await openSource(absolutePath(message.link.file), message.link);
        return;
      case "error/action":
        await this.errorAction(workflowFile, entry, message.runId, message.action);
        return;
      case "run/again": {
        const target = entry.lastTarget;
        if (target && vscode.workspace.isTrusted) await this.runs.run(workflowFile, target.stepId, target.moduleName, target.mode);
        return;
      }
      case "pin/set": {
        const view = entry.lastView;
        if (view && view.runId === message.runId && view.outputs) {
          await vscode.commands.executeCommand("wfv.pinOutput", vscode.Uri.file(workflowFile), view.stepId, view.moduleName, view.outputs);
        }
        return;
      }
      case "pin/clear":
        await vscode.commands.executeCommand("wfv.unpinOutput", vscode.Uri.file(workflowFile), message.stepId, message.moduleName);
        return;
      case "test/save":
        await vscode.commands.executeCommand("wfv.saveRunAsTest", undefined, vscode.Uri.file(workflowFile));
        return;
    }
  }

  /** file_input: a quick pick of workspace files (filtered by the accepted extensions), sent as a data URL. */
  private async pickWorkspaceFile(accept: string[]): Promise<{ name: string; dataUrl: string; size: number; contentType: string } | null> {
    const uris = await vscode.workspace.findFiles("**/*", "{**/node_modules/**,**/.git/**}", 2000);
    const wanted = accept.map((a) => a.toLowerCase()).filter((a) => a.startsWith("."));
    const items = uris
      .filter((u) => wanted.length === 0 || wanted.includes(extname(u.fsPath).toLowerCase()))
      .map((u) => ({ label: basename(u.fsPath), description: vscode.workspace.asRelativePath(u, false), uri: u }))
      .sort((a, b) => a.description.localeCompare(b.description));
    const picked = await vscode.window.showQuickPick(items, { title: "wfv: pick a workspace file", matchOnDescription: true });
    if (!picked) return null;
    const bytes = await readFile(picked.uri.fsPath);
    const contentType = MIME[extname(picked.uri.fsPath).toLowerCase()] ?? "application/octet-stream";
    return { name: picked.label, dataUrl: `data:${contentType};base64,${bytes.toString("base64")}`, size: bytes.length, contentType };
  }

  /** file_download: save dialog, write the file, then answer the interaction saying it was written. */
  private async saveDownload(workflowFile: string, runId: number): Promise<void> {
    const pending = this.runs.pendingRun(runId);
    const request = pending?.interaction;
    if (!request) return;
    // One plain file name: whatever file_name says, the default path stays in the workspace folder.
    const name = downloadFileName(request.file_name);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({ defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined, title: "wfv: save the module's file" });
    if (!target) {
      await this.runs.submit(runId, { file_written: false, file_error: "cancelled by the user" });
      return;
    }
    const content = request.file_content;
    const text = typeof content === "string" ? content : JSON.stringify(content, null, 2);
    const bytes = request.file_content_type === "base64" || request.file_content_type === "binary" ? Buffer.from(text, "base64") : Buffer.from(text, "utf8");
    await writeFile(target.fsPath, bytes);
    logAt("info", `file_download wrote ${target.fsPath} for ${relativePath(workflowFile)}`);
    await this.runs.submit(runId, { file_written: true, file_path: target.fsPath });
  }

  /**
   * The script and stylesheets stay linked: inline in the page they made the panel say `ready` later,
   * not sooner (the extension bench measures both pages in one window, alternating), although linked
   * ones are fetched through the webview's service worker.
   */
  private html(webview: vscode.Webview, workflowFile: string): string {
    const nonce = randomBytes(16).toString("base64");
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, "dist", "webview.js"));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, "media", "panel.css"));
    const storyStyle = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, "media", "story.css"));
    const csp = [
      "default-src 'none'",
      `img-src ${webview.cspSource} data:`,
      `media-src ${webview.cspSource} data:`,
      `style-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join("; ");
    const file = escapeHtml(relativePath(workflowFile));
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<link rel="stylesheet" href="${storyStyle}">
<title>wfv</title>
</head>
<body>
<main id="app" data-workflow-file="${file}"><p class="muted">Loading…</p></main>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Focuses a text editor in another group than `panel`'s, if one is visible (the debugger then reveals sources there). */
async function focusEditorBeside(panel: vscode.WebviewPanel): Promise<void> {
  const other = vscode.window.visibleTextEditors.find((editor) => editor.viewColumn !== undefined && editor.viewColumn !== panel.viewColumn);
  if (other) await vscode.window.showTextDocument(other.document, { viewColumn: other.viewColumn, preserveFocus: false });
}
