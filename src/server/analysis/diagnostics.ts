/**
 * What every check of a workflow analysis reports: a finding at file offsets (the shape the server
 * turns into LSP diagnostics), collected once each even when two walks reach the same node.
 */
import type { DiagnosticCode, FixData } from "../../shared/lsp";
import type { Node } from "./json-tree";

export const enum Severity {
  Error = 1,
  Warning = 2,
  Information = 3,
  Hint = 4,
}

export interface FileRange {
  file: string;
  start: number;
  end: number;
}

export interface FileDiagnostic extends FileRange {
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  related?: Array<FileRange & { message: string }>;
  data?: unknown;
}

/** The findings of one analysis in report order; an identical finding reported twice is kept once. */
export class DiagnosticList {
  readonly items: FileDiagnostic[] = [];
  private readonly seen = new Set<string>();

  report(diagnostic: FileDiagnostic): void {
    const id = `${diagnostic.file}\0${diagnostic.start}\0${diagnostic.end}\0${diagnostic.code}\0${diagnostic.message}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.items.push(diagnostic);
  }
}

/** The file range a node covers. */
export function nodeRange(file: string, node: Node): FileRange {
  return { file, start: node.offset, end: node.offset + node.length };
}

/** Quick fixes replacing the flagged text with one of the closest matches (three at most). */
export function renameFix(matches: readonly string[], newText: (match: string) => string): FixData | undefined {
  if (matches.length === 0) return undefined;
  return { fixes: matches.slice(0, 3).map((m) => ({ title: `Change to '${m}'`, newText: newText(m) })) };
}
