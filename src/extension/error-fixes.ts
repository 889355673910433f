/**
 * "Apply fix" in the panel's error view: the first quick fix VS Code's code action providers (the wfv
 * language server) offer where the error points. The language server reports a file's diagnostics a
 * moment after it opens, so the look-up waits a little for them.
 */
import * as vscode from "vscode";
import { findNodeAtLocation, parseTree } from "jsonc-parser";
import type { SourceLink } from "../shared/protocol";
import { offsetOfPath } from "./outline";
import { templateOffset } from "./template-position";

/** How long to wait for the language server's diagnostics of a file that has none yet. */
const DIAGNOSTICS_WAIT_MS = 4000;

/**
 * The range the error names: the whole value at the link's path (a template's string), else its
 * position. `broad`: the value is an object or array (a whole module), where only an error-level
 * diagnostic can be the cause (a warning elsewhere in the module is not this error's fix).
 */
function rangeOf(document: vscode.TextDocument, link: SourceLink): { range: vscode.Range; broad: boolean } {
  const text = document.getText();
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  const node = root ? findNodeAtLocation(root, link.path) : undefined;
  if (node) return { range: new vscode.Range(document.positionAt(node.offset), document.positionAt(node.offset + node.length)), broad: node.type === "object" || node.type === "array" };
  const at = link.template ? templateOffset(text, link.path, link.template.line, link.template.column) : undefined;
  const start = document.positionAt(at ?? offsetOfPath(text, link.path)?.offset ?? 0);
  return { range: new vscode.Range(start, start), broad: false };
}

function wfvDiagnosticsIn(uri: vscode.Uri, range: vscode.Range, broad = false): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === "wfv" && d.range.intersection(range) !== undefined && (!broad || d.severity === vscode.DiagnosticSeverity.Error));
}

async function diagnosticsArrive(uri: vscode.Uri, range: vscode.Range): Promise<void> {
  if (wfvDiagnosticsIn(uri, range).length > 0) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, DIAGNOSTICS_WAIT_MS);
    const watch = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((u) => u.toString() === uri.toString()) && wfvDiagnosticsIn(uri, range).length > 0) done();
    });
    function done(): void {
      clearTimeout(timer);
      watch.dispose();
      resolve();
    }
  });
}

/** The first quick fix at the error's source, or undefined. `absoluteFile` is the link's file. */
export async function quickFixAt(absoluteFile: string, link: SourceLink): Promise<vscode.CodeAction | undefined> {
  const uri = vscode.Uri.file(absoluteFile);
  const document = await vscode.workspace.openTextDocument(uri);
  const { range, broad } = rangeOf(document, link);
  await diagnosticsArrive(uri, range);
  const causes = new Set(wfvDiagnosticsIn(uri, range, broad).map((d) => `${d.message}\0${d.range.start.line}:${d.range.start.character}`));
  const actions = (await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>("vscode.executeCodeActionProvider", uri, range, vscode.CodeActionKind.QuickFix.value)) ?? [];
  return actions.find(
    (a): a is vscode.CodeAction =>
      "kind" in a &&
      a.kind !== undefined &&
      vscode.CodeActionKind.QuickFix.contains(a.kind) &&
      (a.edit !== undefined || a.command !== undefined) &&
      // A fix for a diagnostic that can be the error's cause (another provider's fix names none: keep it only for a narrow range).
      (a.diagnostics?.length ? a.diagnostics.some((d) => causes.has(`${d.message}\0${d.range.start.line}:${d.range.start.character}`)) : !broad),
  );
}

/**
 * Applies a code action: its edit, then its command. A file that had no unsaved changes before is
 * saved, so the next run reads the fix; one with the user's own unsaved edits is left to the user.
 */
export async function applyCodeAction(action: vscode.CodeAction): Promise<boolean> {
  const edited = (action.edit?.entries() ?? []).map(([uri]) => uri.toString());
  const clean = new Set(vscode.workspace.textDocuments.filter((d) => edited.includes(d.uri.toString()) && !d.isDirty).map((d) => d.uri.toString()));
  if (action.edit && !(await vscode.workspace.applyEdit(action.edit))) return false;
  if (action.command) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
  for (const document of vscode.workspace.textDocuments) if (clean.has(document.uri.toString()) && document.isDirty) await document.save();
  return true;
}
