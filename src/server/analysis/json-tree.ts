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
  /** Every object node with a `$ref` key, in document order. */
  refNodes: Node[];
  /** Objects and arrays that contain a `$ref` object somewhere below (or are one). */
  refAncestors: Set<Node>;
}

/** Parses like Python's json.loads would accept: no comments, no trailing commas, no empty content. */
export function parseJson(text: string): ParsedJson {
  const fast = fastParse(text);
  if (fast) return finish(text, fast.root, [], fast.refNodes);
  // Invalid JSON: jsonc-parser recovers a tree and says where the errors are.
  const raw: ParseError[] = [];
  const root = parseTree(text, raw, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const refNodes: Node[] = [];
  const collect = (node: Node) => {
    if (node.type === "object" && (node.children ?? []).some((p) => p.children?.[0]?.value === "$ref")) refNodes.push(node);
    for (const child of node.children ?? []) collect(child);
  };
  if (root) collect(root);
  const errors = raw.map((e) => ({ offset: e.offset, length: e.length, code: printParseErrorCode(e.error) }));
  return finish(text, root, errors, refNodes);
}

/**
 * Parses `text`, an edit of `previous.text`, re-using the previous tree: only the smallest value node
 * that contains the changed characters is parsed again, and the nodes after it are shifted. Falls back
 * to a full parse when the old text had errors or no node around the change parses on its own.
 * The previous tree is updated in place (its ParsedJson must not be used any more).
 */
export function reparseJson(previous: ParsedJson, text: string): ParsedJson {
  const old = previous.text;
  if (previous.errors.length > 0 || !previous.root || old === text) return previous.text === text ? previous : parseJson(text);
  const max = Math.min(old.length, text.length);
  const prefix = commonPrefix(old, text, max);
  const suffix = commonSuffix(old, text, max - prefix);
  const changeEnd = old.length - suffix;
  const delta = text.length - old.length;

  let node: Node | undefined = previous.root;
  for (;;) {
    const child: Node | undefined = node!.children?.find((c) => c.offset <= prefix && changeEnd <= c.offset + c.length);
    if (!child) break;
    node = child;
  }
  for (; node; node = node.parent) {
    if (node.type === "property") continue;
    const end = node.offset + node.length;
    const parsed = fastParse(text, node.offset, end + delta);
    if (!parsed) continue;
    const parent = node.parent as MutableNode | undefined;
    if (!parent) break; // the root itself: a full parse is as cheap
    const isKey = parent.type === "property" && parent.children![0] === (node as MutableNode);
    if (isKey && parsed.root.type !== "string") continue;
    shiftAfter(previous.root as MutableNode, node as MutableNode, end, delta);
    const replacement = parsed.root as MutableNode;
    replacement.parent = parent;
    parent.children![parent.children!.indexOf(node as MutableNode)] = replacement;
    let refNodes = previous.refNodes.filter((ref) => ref.offset < node!.offset || ref.offset >= end + delta);
    refNodes.push(...parsed.refNodes);
    for (let ancestor: MutableNode | undefined = parent; ancestor; ancestor = ancestor.parent) {
      versions.set(ancestor as Node, (versions.get(ancestor as Node) ?? 0) + 1);
    }
    if (isKey) {
      const object = parent.parent as Node;
      const hasRef = (object.children ?? []).some((p) => p.children?.[0]?.value === "$ref");
      refNodes = refNodes.filter((ref) => ref !== object);
      if (hasRef) refNodes.push(object);
      else refObjects.delete(object);
    }
    refNodes.sort((a, b) => a.offset - b.offset);
    return finish(text, previous.root, [], refNodes);
  }
  return parseJson(text);
}

const versions = new WeakMap<Node, number>();

/** Bumped on a node each time an incremental re-parse changes something below it (0: never). */
export function nodeVersion(node: Node): number {
  return versions.get(node) ?? 0;
}

const CHUNKS = [65536, 4096, 256, 16, 1];

/** Length of the common prefix (compares slices, which V8 does natively, before single characters). */
function commonPrefix(a: string, b: string, max: number): number {
  let p = 0;
  for (const size of CHUNKS) {
    while (p + size <= max && a.slice(p, p + size) === b.slice(p, p + size)) p += size;
  }
  return p;
}

/** Length of the common suffix, at most `max`. */
function commonSuffix(a: string, b: string, max: number): number {
  let s = 0;
  for (const size of CHUNKS) {
    while (s + size <= max && a.slice(a.length - s - size, a.length - s) === b.slice(b.length - s - size, b.length - s)) s += size;
  }
  return s;
}

/** Moves every node after `end` by `delta` and grows the nodes that contain `target`. */
function shiftAfter(root: MutableNode, target: MutableNode, end: number, delta: number): void {
  const stack: MutableNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node === target) continue;
    if (node.offset >= end) node.offset += delta;
    else if (node.offset + node.length >= end) node.length += delta;
    else continue; // entirely before the change, and so are its children
    if (node.colonOffset !== undefined && node.colonOffset >= end) node.colonOffset += delta;
    if (node.children) for (const child of node.children) stack.push(child);
  }
}

/** Every object node with a `$ref` key, of every tree parsed (a quick "is this a ref?" test). */
export const refObjects = new WeakSet<Node>();

function finish(text: string, root: Node | undefined, errors: ParsedJson["errors"], refNodes: Node[]): ParsedJson {
  for (const ref of refNodes) refObjects.add(ref);
  const refAncestors = new Set<Node>();
  for (const ref of refNodes) {
    for (let node: Node | undefined = ref; node && !refAncestors.has(node); node = node.parent) refAncestors.add(node);
  }
  return { text, root, errors, refNodes, refAncestors };
}

const markerCache = new WeakMap<ParsedJson, number[]>();

/** True when `{{` or `{%` occurs in the file text between `start` and `end` (binary search over all of them). */
export function hasTemplateMarker(parsed: ParsedJson, start: number, end: number): boolean {
  let positions = markerCache.get(parsed);
  if (!positions) {
    positions = [];
    const text = parsed.text;
    for (let i = text.indexOf("{"); i >= 0 && i < text.length - 1; i = text.indexOf("{", i + 1)) {
      const next = text.charCodeAt(i + 1);
      if (next === 123 || next === 37) positions.push(i);
    }
    markerCache.set(parsed, positions);
  }
  let lo = 0;
  let hi = positions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (positions[mid]! < start) lo = mid + 1;
    else hi = mid;
  }
  return lo < positions.length && positions[lo]! < end - 1;
}

/** The JSON value of a node; subtrees without `$ref`s of a valid file come from JSON.parse (fast). */
export function plainValue(parsed: ParsedJson, node: Node): unknown {
  if (parsed.errors.length === 0) return JSON.parse(parsed.text.slice(node.offset, node.offset + node.length));
  return getNodeValue(node);
}

interface MutableNode {
  type: Node["type"];
  value?: unknown;
  offset: number;
  length: number;
  colonOffset?: number;
  parent?: MutableNode;
  children?: MutableNode[];
}

const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * A strict JSON parser that builds jsonc-parser-shaped nodes several times faster than `parseTree`
 * (no visitor, no scanner objects). Returns undefined at the first error; the caller then asks
 * jsonc-parser, which recovers and locates errors.
 */
function fastParse(text: string, from = 0, to = text.length): { root: Node; refNodes: Node[] } | undefined {
  const refNodes: MutableNode[] = [];
  let pos = from;
  const n = to;
  const ws = () => {
    for (; pos < n; pos++) {
      const c = text.charCodeAt(pos);
      if (c !== 32 && c !== 10 && c !== 13 && c !== 9) break;
    }
  };
  const fail = (): never => {
    throw fastParseFailure;
  };
  const parseString = (parent: MutableNode | undefined): MutableNode => {
    const start = pos;
    let escaped = false;
    pos++;
    for (;;) {
      if (pos >= n) fail();
      const c = text.charCodeAt(pos);
      if (c === 34) break;
      if (c < 32) fail();
      if (c === 92) {
        escaped = true;
        pos += 2;
      } else pos++;
    }
    pos++;
    const value = escaped ? (JSON.parse(text.slice(start, pos)) as string) : text.slice(start + 1, pos - 1);
    return { type: "string", value, offset: start, length: pos - start, parent };
  };
  const parseValue = (parent: MutableNode | undefined): MutableNode => {
    ws();
    if (pos >= n) fail();
    const c = text.charCodeAt(pos);
    const start = pos;
    if (c === 123) {
      const node: MutableNode = { type: "object", offset: start, length: 0, parent, children: [] };
      pos++;
      ws();
      let hasRef = false;
      if (text.charCodeAt(pos) === 125) pos++;
      else {
        for (;;) {
          ws();
          if (text.charCodeAt(pos) !== 34) fail();
          const property: MutableNode = { type: "property", offset: pos, length: 0, parent: node, children: [] };
          const key = parseString(property);
          if (key.value === "$ref") hasRef = true;
          ws();
          if (text.charCodeAt(pos) !== 58) fail();
          property.colonOffset = pos;
          pos++;
          const value = parseValue(property);
          property.children!.push(key, value);
          property.length = value.offset + value.length - property.offset;
          node.children!.push(property);
          ws();
          const next = text.charCodeAt(pos);
          pos++;
          if (next === 125) break;
          if (next !== 44) fail();
        }
      }
      node.length = pos - start;
      if (hasRef) refNodes.push(node);
      return node;
    }
    if (c === 91) {
      const node: MutableNode = { type: "array", offset: start, length: 0, parent, children: [] };
      pos++;
      ws();
      if (text.charCodeAt(pos) === 93) pos++;
      else {
        for (;;) {
          node.children!.push(parseValue(node));
          ws();
          const next = text.charCodeAt(pos);
          pos++;
          if (next === 93) break;
          if (next !== 44) fail();
        }
      }
      node.length = pos - start;
      return node;
    }
    if (c === 34) return parseString(parent);
    if (text.startsWith("true", pos)) {
      pos += 4;
      return { type: "boolean", value: true, offset: start, length: 4, parent };
    }
    if (text.startsWith("false", pos)) {
      pos += 5;
      return { type: "boolean", value: false, offset: start, length: 5, parent };
    }
    if (text.startsWith("null", pos)) {
      pos += 4;
      return { type: "null", value: null, offset: start, length: 4, parent };
    }
    numberPattern.lastIndex = pos;
    const match = numberPattern.exec(text);
    if (!match) fail();
    pos += match![0].length;
    return { type: "number", value: Number(match![0]), offset: start, length: pos - start, parent };
  };
  try {
    const root = parseValue(undefined);
    ws();
    if (pos !== n) return undefined;
    return { root: root as Node, refNodes: refNodes as Node[] };
  } catch {
    return undefined; // a syntax error (or nesting too deep for the stack): let jsonc-parser do it
  }
}

const fastParseFailure = new Error("invalid JSON");

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
  const children = node?.type === "object" ? node.children : undefined;
  if (!children) return undefined;
  for (let i = children.length - 1; i >= 0; i--) {
    const property = children[i]!;
    if (property.children?.[0]?.value === key) return property;
  }
  return undefined;
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
