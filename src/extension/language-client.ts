/**
 * The extension side of the workflow language server (vscode-languageclient): starts `dist/server.js`
 * in its own Node process. A thin adapter — all analysis lives in the server (`src/server`), which
 * never imports `vscode`. Its own bundle (dist/language-client.js), loaded just after activation by
 * lazy-language-client.ts, which also forwards the live virtual state for hover.
 */
import * as vscode from "vscode";
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";
import { LANGUAGE_SERVER_ID, LANGUAGE_SERVER_NAME } from "../shared/lsp";

let client: LanguageClient | undefined;
let starting: Promise<LanguageClient | undefined> | undefined;

/** The files the server analyses: workflow and step JSON, and the templates they `$ref`. */
export const WORKFLOW_DOCUMENT_SELECTOR = [
  { scheme: "file", language: "json" },
  { scheme: "file", language: "jsonc" },
  { scheme: "file", pattern: "**/*.{txt,j2,jinja,jinja2}" },
];

/**
 * Starts the language client once (later calls return the same client). Resolves to undefined when the
 * `wfv.languageServer.enabled` setting is off or the server cannot start (the error is shown, since VS
 * Code does not report a failing activation by itself).
 */
export function startLanguageClient(context: vscode.ExtensionContext): Promise<LanguageClient | undefined> {
  starting ??= start(context);
  return starting;
}

async function start(context: vscode.ExtensionContext): Promise<LanguageClient | undefined> {
  if (!vscode.workspace.getConfiguration("wfv").get<boolean>("languageServer.enabled", true)) return undefined;
  const serverModule = context.asAbsolutePath("dist/server.js");
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ["--nolazy", "--inspect=6019"] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: WORKFLOW_DOCUMENT_SELECTOR,
    diagnosticCollectionName: LANGUAGE_SERVER_ID,
  };
  let created: LanguageClient;
  try {
    // The constructor checks the VS Code version (vscode-languageclient 11 needs ^1.91).
    created = new LanguageClient(LANGUAGE_SERVER_ID, LANGUAGE_SERVER_NAME, serverOptions, clientOptions);
    context.subscriptions.push({ dispose: () => void stopLanguageClient() });
    await created.start();
  } catch (error) {
    void vscode.window.showErrorMessage(`The wfv language server did not start: ${(error as Error)?.message ?? String(error)}`);
    starting = undefined;
    return undefined;
  }
  client = created;
  return client;
}

export async function stopLanguageClient(): Promise<void> {
  const running = client;
  client = undefined;
  starting = undefined;
  if (running && running.state !== State.Stopped) await running.stop();
}
