/**
 * Where a template's error is in the file: the engine reports a 1-based line and column inside the
 * template (the decoded string), the file holds it as a JSON string literal whose escapes (`\n`, `\"`,
 * `\u00e9`) take more characters than they decode to. Pure.
 */
import { findNodeAtLocation, parseTree, type ParseError } from "jsonc-parser";

type JsonPath = (string | number)[];

/** The offset of decoded unit `index` of the string literal starting at `literalStart` (its opening quote). */
export function literalOffset(text: string, literalStart: number, index: number): number {
  let i = literalStart + 1;
  for (let unit = 0; unit < index && i < text.length && text[i] !== '"'; unit++) {
    if (text[i] !== "\\") i += 1;
    else if (text[i + 1] === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
    else i += 2;
  }
  return i;
}

/** The index in `value` of a 1-based template line and column (line breaks: `\r\n`, `\r`, `\n`, as Jinja's lexer). */
export function indexOfLineColumn(value: string, line: number, column: number): number {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const next = value.slice(start).search(/\r\n|\r|\n/);
    if (next < 0) break;
    start += next + (value.startsWith("\r\n", start + next) ? 2 : 1);
  }
  const rest = value.slice(start).search(/\r\n|\r|\n/);
  const lineEnd = rest < 0 ? value.length : start + rest;
  return Math.min(start + Math.max(column, 1) - 1, lineEnd);
}

/**
 * The file offset of template position `line:column` in the string at `path` of a JSON file, or in a
 * text file (a `$ref`'d prompt: `path` is empty and the file is the template), or undefined when
 * `path` names no string.
 */
export function templateOffset(text: string, path: JsonPath, line: number, column: number): number | undefined {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const node = root ? findNodeAtLocation(root, path) : undefined;
  if (node?.type === "string") return literalOffset(text, node.offset, indexOfLineColumn(String(node.value), line, column));
  if (path.length === 0 && (errors.length > 0 || !root)) return indexOfLineColumn(text, line, column);
  return undefined;
}
