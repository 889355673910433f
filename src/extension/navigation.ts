/** Go to source: open a workspace file at the node a JSON path names. */
import * as vscode from "vscode";
import type { SourceLink } from "../shared/protocol";
import { offsetOfPath } from "./outline";
import { templateOffset } from "./template-position";

export async function openSource(absoluteFile: string, link: Pick<SourceLink, "path" | "template">): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(absoluteFile));
  const text = document.getText();
  // A template's error: its own line and column inside the string, as Problems shows it.
  const exact = link.template ? templateOffset(text, link.path, link.template.line, link.template.column) : undefined;
  const start = document.positionAt(exact ?? offsetOfPath(text, link.path)?.offset ?? 0);
  const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
  editor.selection = new vscode.Selection(start, start);
  editor.revealRange(new vscode.Range(start, start), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return editor;
}

export async function revealOffset(uri: vscode.Uri, offset: number): Promise<void> {
  const document = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(document);
  const position = document.positionAt(offset);
  editor.selection = new vscode.Selection(position, position);
  editor.revealRange(new vscode.Range(position, position));
}
