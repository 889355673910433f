/** Offsets ↔ LSP positions (UTF-16), per file text, cached while the text is unchanged. */
import { TextDocument } from "vscode-languageserver-textdocument";
import type { Position, Range } from "vscode-languageserver";

const documents = new Map<string, TextDocument>();

function documentFor(path: string, text: string): TextDocument {
  const hit = documents.get(path);
  if (hit && hit.getText() === text) return hit;
  const document = TextDocument.create(`file://${path}`, "plaintext", 0, text);
  documents.set(path, document);
  return document;
}

export function positionAt(path: string, text: string, offset: number): Position {
  return documentFor(path, text).positionAt(offset);
}

export function offsetAt(path: string, text: string, position: Position): number {
  return documentFor(path, text).offsetAt(position);
}

export function rangeOf(path: string, text: string, start: number, end: number): Range {
  const document = documentFor(path, text);
  return { start: document.positionAt(start), end: document.positionAt(end) };
}
