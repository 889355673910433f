/**
 * Show State's documents: read-only virtual documents (`wfv-state:` scheme) holding a workflow's flat
 * state as `wfv state` prints it (module outputs under module names plus `outputs_to_state` keys),
 * never an untitled editor (which would ask "Save changes?"). An open document refreshes when the
 * workflow's state changes (a run, a sub-action, a reset, an import).
 */
import * as vscode from "vscode";
import type { WorkflowDbs } from "./workflow-dbs";
import { absolutePath, relativePath } from "./workspace-paths";

export const STATE_SCHEME = "wfv-state";

/** `wfv-state:/<workspace-relative workflow>.state.json`; the query keeps the workflow's path exactly. */
export function stateUri(workflowFile: string): vscode.Uri {
  const relative = relativePath(workflowFile);
  return vscode.Uri.from({ scheme: STATE_SCHEME, path: `/${relative.replace(/\.json$/i, "")}.state.json`, query: encodeURIComponent(relative) });
}

function workflowOfUri(uri: vscode.Uri): string {
  return absolutePath(decodeURIComponent(uri.query));
}

export class StateDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly watching: { dispose(): void };

  constructor(private readonly dbs: WorkflowDbs) {
    this.watching = dbs.onStateChanged((workflowFile) => this.refresh(workflowFile));
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const state = (await this.dbs.stateOf(workflowOfUri(uri))) ?? {};
    return `${JSON.stringify(state, null, 2)}\n`;
  }

  /** Re-reads the workflow's state document if it is open. */
  refresh(workflowFile: string): void {
    const uri = stateUri(workflowFile);
    if (vscode.workspace.textDocuments.some((document) => document.uri.toString() === uri.toString())) this.changed.fire(uri);
  }

  dispose(): void {
    this.watching.dispose();
    this.changed.dispose();
  }
}
