/**
 * The files of one analysis and the `$ref`s between them. Refs follow the engine's resolver exactly
 * (paths, types, cycles, the root the refs may not leave: each node goes through core's `checkRef`),
 * but a failure does not stop the walk: each bad ref becomes a diagnostic at the ref and the caller
 * goes on with the rest of the workflow.
 */
import { dirname, join, relative, sep } from "node:path";
import { checkRef } from "../../core/workflow/ref-resolver";
import { LIMITS, limitMessage } from "../../core/limits";
import { DiagnosticCodes, type DiagnosticCode } from "../../shared/lsp";
import { Severity, type DiagnosticList, type FileDiagnostic } from "./diagnostics";
import {
  isArrayNode,
  isObjectNode,
  nodeValue,
  parseJson,
  plainValue,
  properties,
  propertyKey,
  propertyValue,
  refObjects,
  reparseJson,
  type Node,
  type ParsedJson,
} from "./json-tree";

/** Where the analysis reads files (absolute paths): open editors first, then the disk. */
export interface AnalysisHost {
  read(path: string): string | undefined;
}

/** Parse trees by file, reused while a file's text is unchanged. */
export class ParseCache {
  private readonly entries = new Map<string, ParsedJson>();

  get(file: string, text: string): ParsedJson {
    const hit = this.entries.get(file);
    if (hit && hit.text === text) return hit;
    const parsed = hit ? reparseJson(hit, text) : parseJson(text);
    this.entries.set(file, parsed);
    return parsed;
  }

  delete(file: string): void {
    this.entries.delete(file);
  }
}

/** A node in some file, with the chain of json `$ref` files that led to it (for cycle detection). */
export interface Loc {
  file: string;
  node: Node;
  chain: readonly string[];
}

export type Deref =
  | { kind: "node"; loc: Loc }
  | { kind: "text"; file: string; text: string; refLoc: Loc }
  | { kind: "failed" };

export interface RefInfo {
  /** The file holding the `{"$ref": …}` node, the node, and its `$ref` value node. */
  file: string;
  node: Node;
  refNode: Node | undefined;
  ref: unknown;
  type: string;
  /** Absolute path of the referenced file, when the path is valid. */
  target?: string;
  ok: boolean;
}

/** What {@link RefResolver.resolveValue} gives in place of a ref that failed. */
export const FAILED = Symbol("failed ref");

/**
 * Reads the files an analysis reaches (each once: `texts`, entry first) and follows `$ref`s, each
 * ref node resolved once per chain and recorded in `refs`; ref failures go to `diagnostics`.
 */
export class RefResolver {
  readonly texts = new Map<string, string>();
  readonly refs: RefInfo[] = [];
  private readonly derefMemo = new WeakMap<Node, Map<string, Deref>>();
  /** Resolved values by node and chain: a file referenced n times is resolved once (issue 11.3). */
  private readonly valueMemo = new WeakMap<Node, Map<string, unknown>>();

  constructor(
    readonly root: string,
    private readonly host: AnalysisHost,
    private readonly cache: ParseCache,
    private readonly diagnostics: DiagnosticList,
  ) {}

  parse(file: string): ParsedJson | undefined {
    const text = this.read(file);
    return text === undefined ? undefined : this.cache.get(file, text);
  }

  read(file: string): string | undefined {
    if (this.texts.has(file)) return this.texts.get(file);
    const text = this.host.read(file);
    if (text !== undefined) this.texts.set(file, text);
    return text;
  }

  /** Root-relative, `/`-separated path of a file under the root. */
  rel(file: string): string {
    return relative(this.root, file).split(sep).join("/");
  }

  deref(loc: Loc): Deref {
    let current = loc;
    for (let depth = 0; depth < 64; depth++) {
      if (current.node.type !== "object" || !refObjects.has(current.node)) return { kind: "node", loc: current };
      const step = this.resolveRef(current);
      if (step.kind !== "node") return step;
      current = step.loc;
    }
    return { kind: "failed" };
  }

  private resolveRef(loc: Loc): Deref {
    const chainKey = loc.chain.join("\n");
    let memo = this.derefMemo.get(loc.node);
    const hit = memo?.get(chainKey);
    if (hit) return hit;
    const result = this.resolveRefUncached(loc);
    if (!memo) this.derefMemo.set(loc.node, (memo = new Map()));
    memo.set(chainKey, result);
    return result;
  }

  private resolveRefUncached(loc: Loc): Deref {
    const node = loc.node;
    const refNode = propertyValue(node, "$ref");
    const ref = nodeValue(refNode);
    const typeNode = propertyValue(node, "type");
    const type = typeNode === undefined ? "text" : nodeValue(typeNode);
    const info: RefInfo = { file: loc.file, node, refNode, ref, type: typeof type === "string" ? type : String(type), ok: false };
    this.refs.push(info);
    const at = refNode ?? node;
    const fail = (code: DiagnosticCode, message: string, range: Node = at, related?: FileDiagnostic["related"]): Deref => {
      this.diagnostics.report({ file: loc.file, start: range.offset, end: range.offset + range.length, severity: Severity.Error, code, message, related });
      return { kind: "failed" };
    };
    const baseDir = dirname(this.rel(loc.file));
    const checked = checkRef(ref, type, baseDir === "." ? "" : baseDir);
    if (!checked.ok) {
      if (checked.reason === "bad_ref_type") return fail(DiagnosticCodes.refBadType, checked.message, typeNode ?? at);
      return fail(checked.reason === "bad_ref_value" ? DiagnosticCodes.refBadValue : DiagnosticCodes.refOutsideRoot, checked.message);
    }
    const target = checked.target;
    const targetFile = join(this.root, ...target.split("/"));
    info.target = targetFile;
    if (loc.chain.length >= LIMITS.MAX_REF_DEPTH.value) {
      return fail(DiagnosticCodes.refCycle, limitMessage("MAX_REF_DEPTH", "the chain of $refs", loc.chain.length + 1));
    }
    if (loc.chain.includes(targetFile)) {
      const chain = [...loc.chain, targetFile].map((file) => this.rel(file)).join(" → ");
      return fail(DiagnosticCodes.refCycle, `Circular reference detected: ${target} (${chain})`, at, [
        { file: targetFile, start: 0, end: 0, message: `${target} is already being resolved` },
      ]);
    }
    const text = target === "" ? undefined : this.read(targetFile);
    if (text === undefined) {
      return fail(DiagnosticCodes.refMissingFile, `Referenced file not found: ${ref} (resolved to: ${target})`);
    }
    if (type !== "json") {
      info.ok = true;
      return { kind: "text", file: targetFile, text, refLoc: loc };
    }
    const parsed = this.cache.get(targetFile, text);
    if (parsed.errors.length > 0 || !parsed.root) {
      const first = parsed.errors[0];
      const where = first ? ` at line ${lineOf(text, first.offset)} column ${columnOf(text, first.offset)}: ${first.code}` : "";
      this.reportParseError(targetFile, parsed, `Invalid JSON behind $ref '${ref}'`);
      return fail(DiagnosticCodes.refInvalidJson, `Invalid JSON in '${ref}' (${target}${where})`, at, [
        { file: targetFile, start: first?.offset ?? 0, end: (first?.offset ?? 0) + Math.max(first?.length ?? 0, 1), message: "first JSON error" },
      ]);
    }
    info.ok = true;
    return { kind: "node", loc: { file: targetFile, node: parsed.root, chain: [...loc.chain, targetFile] } };
  }

  reportParseError(file: string, parsed: ParsedJson, prefix: string): void {
    const first = parsed.errors[0];
    if (!first) return;
    this.diagnostics.report({
      file,
      start: first.offset,
      end: first.offset + Math.max(first.length, 1),
      severity: Severity.Error,
      code: DiagnosticCodes.invalidJson,
      message: `${prefix}: invalid JSON (${first.code})`,
    });
  }

  /** The value the engine's resolver would produce (failed refs become {@link FAILED}); shared, never mutate it. */
  resolveValue(loc: Loc): unknown {
    const chainKey = loc.chain.join("\n");
    const memo = this.valueMemo.get(loc.node);
    if (memo?.has(chainKey)) return memo.get(chainKey);
    const value = this.resolveValueUncached(loc);
    if (memo) memo.set(chainKey, value);
    else this.valueMemo.set(loc.node, new Map([[chainKey, value]]));
    return value;
  }

  private resolveValueUncached(loc: Loc): unknown {
    const d = this.deref(loc);
    if (d.kind === "failed") return FAILED;
    if (d.kind === "text") return d.text;
    const node = d.loc.node;
    if (node.type !== "object" && node.type !== "array") return nodeValue(node);
    const parsed = this.parse(d.loc.file);
    if (parsed && !parsed.refAncestors.has(node)) return plainValue(parsed, node);
    if (node.type === "array") return (node.children ?? []).map((child) => this.resolveValue({ ...d.loc, node: child }));
    const out: Record<string, unknown> = {};
    for (const property of properties(node)) {
      const key = propertyKey(property);
      const child = property.children?.[1];
      if (key === undefined || !child) continue;
      const value = this.resolveValue({ ...d.loc, node: child });
      if (key === "__proto__") Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
    }
    return out;
  }

  /** The items of the array under `key` of the object at `loc`, each with its refs followed. */
  arrayItems(loc: Loc, key: string): Loc[] {
    const value = propertyValue(loc.node, key);
    if (!value) return [];
    const d = this.deref({ ...loc, node: value });
    if (d.kind !== "node" || !isArrayNode(d.loc.node)) return [];
    const items: Loc[] = [];
    for (const child of d.loc.node.children ?? []) {
      const item = this.deref({ ...d.loc, node: child });
      if (item.kind === "node" && isObjectNode(item.loc.node)) items.push(item.loc);
    }
    return items;
  }

  /** The object under `key` of the object at `loc`, with its refs followed. */
  objectAt(loc: Loc, key: string): Loc | undefined {
    const value = propertyValue(loc.node, key);
    if (!value) return undefined;
    const d = this.deref({ ...loc, node: value });
    return d.kind === "node" && isObjectNode(d.loc.node) ? d.loc : undefined;
  }
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf("\n", offset - 1) + 1) + 1;
}
