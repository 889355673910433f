/**
 * The language client, started just after activation from its own bundle (dist/language-client.js,
 * built from ./language-client.ts): vscode-languageclient and the LSP protocol are ~420 KB minified,
 * more than everything else activation loads. The live state of each workflow's virtual DB, which the
 * server shows in hover, is sent from here, and kept until the server runs.
 */
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import type { VirtualStateParams } from "../shared/lsp";
import { VIRTUAL_STATE_METHOD } from "../shared/lsp-methods";

type LanguageClientModule = typeof import("./language-client");

// A name esbuild cannot follow, so the client is not bundled into the extension.
const LANGUAGE_CLIENT_BUNDLE = "./language-client.js";

let client: LanguageClient | undefined;
/** States pushed before the server was up; sent once it is. */
const pendingStates = new Map<string, VirtualStateParams>();

/** Loads the client's bundle after activation has returned, then starts the client; undefined when it does not start. */
export async function startLanguageClient(context: vscode.ExtensionContext): Promise<LanguageClient | undefined> {
  await new Promise((resolve) => setImmediate(resolve));
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a run-time load by design
  const started = await (require(LANGUAGE_CLIENT_BUNDLE) as LanguageClientModule).startLanguageClient(context);
  if (!started) return undefined;
  client = started;
  for (const params of pendingStates.values()) void client.sendNotification(VIRTUAL_STATE_METHOD, params);
  pendingStates.clear();
  return client;
}

/**
 * Tells the server the live state of a workflow's virtual DB (hover over `{{ state.x }}` shows it).
 * `state: null` forgets it (e.g. after a reset). Safe to call before the server is up.
 */
export function pushVirtualState(workflowFile: string, state: Record<string, unknown> | null, label?: string): void {
  const params: VirtualStateParams = { workflowUri: vscode.Uri.file(workflowFile).toString(), state, label };
  if (client?.isRunning()) void client.sendNotification(VIRTUAL_STATE_METHOD, params);
  else pendingStates.set(params.workflowUri, params);
}
