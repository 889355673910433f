/**
 * "Unsaved editor text is what runs": file readers that layer the open documents' text over the disk.
 * The `$ref` reader stays bound to the workflow's folder, as the CLI's is.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as vscode from "vscode";
import { directoryFileReader } from "../cli/workspace-files";
import type { WorkflowFileReader } from "../core/workflow/ref-resolver";

function openDocument(absolutePath: string): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.scheme === "file" && d.uri.fsPath === absolutePath);
}

/** Text of an absolute path: the open editor's (saved or not), else the disk's; undefined if neither. */
export function readText(absolutePath: string): string | undefined {
  const doc = openDocument(absolutePath);
  if (doc) return doc.getText();
  try {
    return readFileSync(absolutePath, "utf8");
  } catch {
    return undefined;
  }
}

/** A `$ref` reader rooted at `rootDir`: open documents first, then the folder-bound disk reader. */
export function layeredReader(rootDir: string): WorkflowFileReader {
  const disk = directoryFileReader(rootDir);
  return {
    read(path) {
      const doc = openDocument(join(rootDir, ...path.split("/")));
      return doc ? doc.getText() : disk.read(path);
    },
  };
}
