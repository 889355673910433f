/** Workflow files are absolute in the editor and workspace-relative in the store and the panel. */
import { isAbsolute, join } from "node:path";
import * as vscode from "vscode";

/** Workspace-relative key of an absolute path (what the store and the panel use). */
export function relativePath(absolute: string): string {
  return vscode.workspace.asRelativePath(vscode.Uri.file(absolute), false);
}

/** The absolute path of a workspace-relative (or already absolute) path. */
export function absolutePath(file: string): string {
  if (isAbsolute(file)) return file;
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? join(folder.uri.fsPath, file) : file;
}
