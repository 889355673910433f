/**
 * The extension bench's probe inside a real VS Code (an `extensionTestsPath` module, bundled by
 * bench/extension.bench.ts into the production extension's folder): prints one `# wfv-timing {json}`
 * line with
 *  - VS Code's own marks around loading our code (`code/extHost/willLoadExtensionCode/wfv.wfv` and
 *    `didLoadExtensionCode`, the extension host's `MonacoPerformanceMarks`, the span it reports as
 *    codeLoadingTime) and our activate() (activateCallTime; it returns no promise, so nothing is
 *    added after it), and the wall time from VS Code starting to load our code to the end of activate();
 *  - the first webview of the window, as a baseline: a blank panel whose one-line script posts a
 *    message (VS Code's own cost: the webview host, its service worker, a renderer for its origin);
 *  - then the first click on a lens: from the command to the panel's webview saying `ready` (its
 *    script ran) and to the run's view posted to it, and the same for a second click.
 * The workspace holds the cc example, so wfv activates on `workspaceContains` at startup.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as vscode from "vscode";
import type { WfvApi } from "../src/extension/extension";

interface Mark {
  name: string;
  startTime: number;
}

async function poll<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60000, everyMs = 2): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error("timed out");
}

function hostMarks(): Mark[] {
  const marks = (globalThis as { MonacoPerformanceMarks?: { getMarks(): Mark[] } }).MonacoPerformanceMarks;
  return marks?.getMarks() ?? [];
}

export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension<WfvApi>("wfv.wfv");
  if (!extension) throw new Error("wfv.wfv is not installed");
  const api = await poll(() => (extension.isActive ? extension.exports : undefined));
  const marks = hostMarks();
  const markAt = (name: string) => marks.find((m) => m.name === name)?.startTime;
  const willLoad = markAt("code/extHost/willLoadExtensionCode/wfv.wfv");
  const didLoad = markAt("code/extHost/didLoadExtensionCode/wfv.wfv");
  const t = api.timeline;
  const activation = {
    codeLoadingMs: willLoad !== undefined && didLoad !== undefined ? didLoad - willLoad : null,
    evaluationMs: t.loadEnded - t.loadStarted,
    activateCallMs: t.activateEnded - t.activateStarted,
    hostWaitMs: didLoad !== undefined ? t.activateStarted - didLoad : null,
    wallMs: willLoad !== undefined ? t.activateEnded - willLoad : null,
  };

  const ws = vscode.workspace.workspaceFolders![0].uri;
  const stepUri = vscode.Uri.joinPath(ws, "cc/steps/1_user_input/step.json");
  const workflowFile = vscode.Uri.joinPath(ws, "cc/workflow_v3.json").fsPath;
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(stepUri));
  await poll(async () => {
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>("vscode.executeCodeLensProvider", stepUri, 100)) ?? [];
    return lenses.some((l) => l.command?.title.includes("Run module virtually")) ? true : undefined;
  });
  const blankWebviewMs = await blankWebview(BLANK_PAGE);
  // Once the window has a webview: VS Code's own cost for another one, and that page with our bundle
  // inline (it says `ready` as the panel's does), so the click's time splits into VS Code's and ours.
  const secondBlankWebviewMs = await blankWebview(BLANK_PAGE);
  // Our page both ways, alternating, 5 each (medians): the script and stylesheets inline (as the panel
  // has them) or linked (fetched through the webview's service worker, as the panel had them).
  const asset = (...segments: string[]) => readFileSync(join(extension.extensionPath, ...segments), "utf8").replace(/<\/(script|style)/gi, "<\\/$1");
  const inlinePage = `<!DOCTYPE html><html><head><style>${asset("media", "panel.css")}</style><style>${asset("media", "story.css")}</style></head><body><main id="app"></main><script>${asset("dist", "webview.js")}</script></body></html>`;
  const linkedPage = (webview: vscode.Webview) => {
    const uri = (...segments: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extension.extensionUri, ...segments));
    return `<!DOCTYPE html><html><head><link rel="stylesheet" href="${uri("media", "panel.css")}"><link rel="stylesheet" href="${uri("media", "story.css")}"></head><body><main id="app"></main><script src="${uri("dist", "webview.js")}"></script></body></html>`;
  };
  const inline: number[] = [];
  const linked: number[] = [];
  for (let i = 0; i < 5; i++) {
    inline.push(await blankWebview(inlinePage));
    linked.push(await blankWebview(linkedPage));
  }
  const middle = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const bundleWebviewMs = middle(inline);
  const linkedWebviewMs = middle(linked);
  const click = async () => {
    const start = performance.now();
    let viewMs = 0;
    const running = Promise.resolve(vscode.commands.executeCommand("wfv.runModuleVirtually", stepUri, "user_input", "select_pet_type")).then(() => {
      viewMs = performance.now() - start;
    });
    const createdMs = await poll(() => (api.panels.has(workflowFile) ? performance.now() - start : undefined), 60000, 0);
    const readyMs = await poll(() => (api.panels.badgeMock(workflowFile) !== undefined ? performance.now() - start : undefined));
    await running;
    return { panelCreatedMs: createdMs, panelReadyMs: readyMs, viewPostedMs: viewMs, openMs: Math.max(readyMs, viewMs) };
  };
  const first = await click();
  const second = await click();
  // The panel closed and opened again by a click (the worker warm): the webview's part of a first
  // click, repeated for a median that the machine's noise moves less than one sample.
  const reopened: Awaited<ReturnType<typeof click>>[] = [];
  for (let i = 0; i < 5; i++) {
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.label.startsWith("Virtual:"));
    await vscode.window.tabGroups.close(tabs);
    await poll(() => (api.panels.has(workflowFile) ? undefined : true));
    reopened.push(await click());
  }
  const median = (pick: (c: Awaited<ReturnType<typeof click>>) => number) => reopened.map(pick).sort((a, b) => a - b)[Math.floor(reopened.length / 2)];
  const reopen = { panelCreatedMs: median((c) => c.panelCreatedMs), panelReadyMs: median((c) => c.panelReadyMs), viewPostedMs: median((c) => c.viewPostedMs), openMs: median((c) => c.openMs) };
  console.log(`# wfv-timing ${JSON.stringify({ activation, blankWebviewMs, secondBlankWebviewMs, bundleWebviewMs, linkedWebviewMs, first, second, reopen, marks: marks.length })}`);
}

const BLANK_PAGE = `<!DOCTYPE html><html><body><script>acquireVsCodeApi().postMessage("ready")</script></body></html>`;

/** A webview panel with `html` (or the page for its webview): from creating it to its script's first message. */
async function blankWebview(html: string | ((webview: vscode.Webview) => string)): Promise<number> {
  const start = performance.now();
  const panel = vscode.window.createWebviewPanel("wfv.benchBlank", "blank", { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableScripts: true });
  const posted = new Promise<number>((resolve) => panel.webview.onDidReceiveMessage(() => resolve(performance.now() - start)));
  panel.webview.html = typeof html === "string" ? html : html(panel.webview);
  const ms = await posted;
  panel.dispose();
  return ms;
}
