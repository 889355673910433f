/** Go to source: open a workspace file at the node a JSON path names. */
import * as vscode from "vscode";
import type { SourceLink } from "../shared/protocol";
import { offsetOfPath } from "./outline";

export async function openSource(absoluteFile: string, link: Pick<SourceLink, "path">): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(absoluteFile));
  const at = offsetOfPath(document.getText(), link.path);
  const start = document.positionAt(at?.offset ?? 0);
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
