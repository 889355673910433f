/**
 * The first click on a lens waits for the engine's worker (a Node process loading the engine bundle)
 * and for the workflow's DB to open. Both are started ahead of the click: once a workflow or step file
 * is shown in a trusted workspace, after the workspace is indexed (so after activation and the first
 * lenses), the worker opens that workflow's DB. Nothing of the workflow runs; each workflow once.
 */
import * as vscode from "vscode";
import type { VirtualEngine } from "./engine";
import { logAt } from "./log";
import type { WorkflowDbs } from "./workflow-dbs";
import type { WorkflowIndex } from "./workflow-index";

export interface WarmupParts {
  index: WorkflowIndex;
  dbs: WorkflowDbs;
  engine: VirtualEngine;
  indexed: () => Promise<void>;
  /** Whether a document may be a workflow or step file (a cheap text check). */
  relevant: (document: vscode.TextDocument) => boolean;
}

export function warmEngineOnWorkflows({ index, dbs, engine, indexed, relevant }: WarmupParts): vscode.Disposable {
  const warmed = new Set<string>();
  const warm = async (editor: vscode.TextEditor | undefined) => {
    if (!editor || !vscode.workspace.isTrusted || !relevant(editor.document)) return;
    await indexed();
    const workflowFile = index.workflowFor(editor.document.uri.fsPath);
    if (!workflowFile || warmed.has(workflowFile)) return;
    warmed.add(workflowFile);
    const started = performance.now();
    await engine.open(dbs.liveDb(workflowFile));
    logAt("info", `engine ready for ${vscode.workspace.asRelativePath(workflowFile, false)} in ${(performance.now() - started).toFixed(0)} ms (ahead of the first run)`);
  };
  const guarded = (editor: vscode.TextEditor | undefined) =>
    void warm(editor).catch((error: unknown) => logAt("warn", `could not start the engine ahead of the first run: ${(error as Error)?.message ?? error}`));
  guarded(vscode.window.activeTextEditor);
  return vscode.Disposable.from(
    vscode.window.onDidChangeActiveTextEditor(guarded),
    vscode.workspace.onDidGrantWorkspaceTrust(() => guarded(vscode.window.activeTextEditor)),
  );
}
