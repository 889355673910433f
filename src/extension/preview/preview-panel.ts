/**
 * A side webview of the preview bundle (dist/preview.js, webview/preview.ts): the rendered template, or a
 * pipeline's stages. The panel infrastructure's conventions (../panel.ts): CSP with a nonce, resources
 * only from media/ and dist/, typed messages both ways (src/shared/preview-protocol.ts), nothing posted
 * before the webview says `ready` (only the latest message is kept until then: each one is a whole view).
 */
import { randomBytes } from "node:crypto";
import * as vscode from "vscode";
import { parsePreviewWebviewMessage, type PreviewHostMessage } from "../../shared/preview-protocol";
import { logAt } from "../log";

export class PreviewPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private waiting: PreviewHostMessage | undefined;
  private seq = 0;
  private readonly posted = new Map<number, { message: PreviewHostMessage; at: number }>();
  /** The last message the webview drew, and how long it took from `post` (its `preview/shown`). */
  shown: { message: PreviewHostMessage; ms: number } | undefined;
  private readonly shownEmitter = new vscode.EventEmitter<PreviewHostMessage>();
  readonly onDidShow = this.shownEmitter.event;
  /** How long the owner's last piece of work before a post took (the engine's call), for the tests' and bench's breakdown. */
  workMs = 0;
  /** When the owner last heard of a change of what it shows (performance.now()): a keystroke's start, as the extension host sees it. */
  changedAt = 0;
  /** The webview's context picker changed. */
  onContext: ((context: string) => void) | undefined;
  /** The user closed the panel. */
  onClose: (() => void) | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly viewType: string,
  ) {}

  get visible(): boolean {
    return this.panel !== undefined;
  }

  nextSeq(): number {
    return ++this.seq;
  }

  /** Opens the panel beside the editor (keeping the editor's focus), or reveals it. */
  open(title: string): void {
    if (this.panel) {
      this.panel.title = title;
      if (!this.panel.visible) this.panel.reveal(vscode.ViewColumn.Beside, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(this.viewType, title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, "media"), vscode.Uri.joinPath(this.extensionUri, "dist")],
    });
    this.panel = panel;
    this.ready = false;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, "media", "icon.svg");
    panel.webview.html = this.html(panel.webview);
    const received = panel.webview.onDidReceiveMessage((data: unknown) => {
      const message = parsePreviewWebviewMessage(data);
      if (!message) {
        logAt("warn", "ignored a malformed preview message");
        return;
      }
      if (message.type === "ready") {
        this.ready = true;
        if (this.waiting) void panel.webview.postMessage(this.waiting);
        this.waiting = undefined;
      } else if (message.type === "preview/shown") {
        const sent = this.posted.get(message.seq);
        for (const seq of this.posted.keys()) if (seq <= message.seq) this.posted.delete(seq);
        if (sent) {
          this.shown = { message: sent.message, ms: performance.now() - sent.at };
          this.shownEmitter.fire(sent.message);
        }
      } else if (message.type === "preview/context") {
        this.onContext?.(message.context);
      }
    });
    panel.onDidDispose(() => {
      received.dispose();
      if (this.panel === panel) {
        this.panel = undefined;
        this.posted.clear();
        this.onClose?.();
      }
    });
  }

  post(message: PreviewHostMessage): void {
    if (!this.panel) return;
    this.posted.set(message.seq, { message, at: performance.now() });
    if (this.ready) void this.panel.webview.postMessage(message);
    else this.waiting = message;
  }

  dispose(): void {
    this.panel?.dispose();
    this.shownEmitter.dispose();
  }

  private html(webview: vscode.Webview): string {
    const nonce = randomBytes(16).toString("base64");
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, "dist", "preview.js"));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, "media", "preview.css"));
    const csp = ["default-src 'none'", `style-src ${webview.cspSource}`, `font-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`].join("; ");
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>wfv preview</title>
</head>
<body>
<main id="app"><p class="muted">Loading…</p></main>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }
}
