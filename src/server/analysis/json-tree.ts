/**
 * JSON documents as jsonc-parser trees with offsets: parsing (strict, as the engine's json.loads),
 * property look-ups, and the escape-aware mapping between a string literal's decoded value and its
 * offsets in the file.
 */
import { getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from "jsonc-parser";

export type { Node } from "jsonc-parser";

export interface ParsedJson {
  text: string;
  /** The recovered tree (jsonc-parser keeps going after errors), or undefined for empty content. */
  root: Node | undefined;
  /** Parse errors; any of them makes the engine refuse the file. */
  errors: Array<{ offset: number; length: number; code: string }>;
}

/** Parses like Python's json.loads would accept: no comments, no trailing commas, no empty content. */
export function parseJson(text: string): ParsedJson {
  const raw: ParseError[] = [];
  const root = parseTree(text, raw, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  return { text, root, errors: raw.map((e) => ({ offset: e.offset, length: e.length, code: printParseErrorCode(e.error) })) };
}

export function isObjectNode(node: Node | undefined): node is Node & { type: "object" } {
  return node?.type === "object";
}

export function isArrayNode(node: Node | undefined): node is Node & { type: "array" } {
  return node?.type === "array";
}

export function isStringNode(node: Node | undefined): node is Node & { type: "string"; value: string } {
  return node?.type === "string" && typeof node.value === "string";
}

/** The property nodes of an object (each: children [key, value?]). */
export function properties(node: Node | undefined): Node[] {
  return isObjectNode(node) ? (node.children ?? []) : [];
}

export function propertyKey(property: Node): string | undefined {
  const key = property.children?.[0];
  return key && typeof key.value === "string" ? key.value : undefined;
}

/**
 * The property node named `key` of an object. Like Python's dict built by json.loads, the last of
 * duplicated keys wins.
 */
export function findProperty(node: Node | undefined, key: string): Node | undefined {
  let found: Node | undefined;
  for (const property of properties(node)) if (propertyKey(property) === key) found = property;
  return found;
}

export function propertyValue(node: Node | undefined, key: string): Node | undefined {
  return findProperty(node, key)?.children?.[1];
}

export function hasProperty(node: Node | undefined, key: string): boolean {
  return findProperty(node, key) !== undefined;
}

export function stringValue(node: Node | undefined): string | undefined {
  return isStringNode(node) ? node.value : undefined;
}

export function nodeValue(node: Node | undefined): unknown {
  return node === undefined ? undefined : getNodeValue(node);
}

/** The innermost node whose range contains `offset` (ends inclusive, so a cursor after a token counts). */
export function nodeAt(root: Node | undefined, offset: number): Node | undefined {
  if (!root || offset < root.offset || offset > root.offset + root.length) return undefined;
  for (const child of root.children ?? []) {
    const hit = nodeAt(child, offset);
    if (hit) return hit;
  }
  return root;
}

/**
 * Decoded string ↔ file offsets for one JSON string literal. `offsets[i]` is the file offset of decoded
 * UTF-16 unit `i`; `offsets[value.length]` is the offset of the closing quote. Escapes (`\n`, `\"`,
 * `\u00e9`) take several source characters for one decoded unit, which is why this map exists.
 */
export interface StringMap {
  value: string;
  offsets: number[];
}

export function mapStringLiteral(text: string, node: Node): StringMap {
  const start = node.offset + 1;
  const end = node.offset + node.length - 1; // the closing quote (if the literal is terminated)
  let value = "";
  const offsets: number[] = [];
  for (let i = start; i < end && i < text.length; ) {
    const ch = text[i];
    if (ch === "\\" && i + 1 < end) {
      const next = text[i + 1];
      if (next === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        offsets.push(i);
        value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", "/": "/", "\\": "\\", '"': '"' };
      offsets.push(i);
      value += simple[next] ?? next;
      i += 2;
      continue;
    }
    offsets.push(i);
    value += ch;
    i += 1;
  }
  offsets.push(Math.min(end, text.length));
  return { value, offsets };
}

/** File offset of decoded index `index` (clamped to the literal). */
export function fileOffsetOf(map: StringMap, index: number): number {
  const i = Math.max(0, Math.min(index, map.offsets.length - 1));
  return map.offsets[i]!;
}

/** Decoded index of a file offset inside the literal (the first decoded unit at or after it). */
export function decodedIndexOf(map: StringMap, offset: number): number {
  let lo = 0;
  let hi = map.offsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (map.offsets[mid]! < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Line starts of a text, counting `\r\n`, `\r` and `\n` as one break each (like Jinja's lexer). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (c === 10) starts.push(i + 1);
  }
  return starts;
}

/** Offset in `text` of a 1-based template line/column (Jinja positions count after CRLF → LF). */
export function offsetOfLineColumn(text: string, starts: readonly number[], line: number, column: number): number {
  const l = Math.max(1, Math.min(line, starts.length));
  const lineStart = starts[l - 1]!;
  let lineEnd = l < starts.length ? starts[l]! : text.length;
  while (lineEnd > lineStart && (text[lineEnd - 1] === "\n" || text[lineEnd - 1] === "\r")) lineEnd--;
  return Math.min(lineStart + Math.max(column, 1) - 1, lineEnd);
}
