/**
 * `$ref` resolution, exactly as the original `WorkflowResolver` (engine.md §1.9): every object that
 * has a `$ref` key is replaced by the referenced file — parsed and resolved again for `type: "json"`,
 * the file text verbatim otherwise. The core does no I/O: files come from a {@link WorkflowFileReader}
 * whose paths are relative to the workflow root (the entry file's folder, or a zip's virtual fs).
 *
 * Besides the resolved workflow (which must equal the original's output), the result carries where
 * every replaced node came from, so the editor can link a resolved path back to its source file.
 *
 * Where JSON.parse and Python's json.loads differ: Python also accepts `NaN`/`Infinity` literals (an
 * `invalid_json` failure here) and keeps big ints exact (JS rounds beyond 2^53).
 */
// The ESM build: the package's main (UMD) build requires its parts at run time, which esbuild cannot
// bundle with the current build settings (scripts/build.mjs would need mainFields ["module", "main"]).
import { parse as parseJsonc, printParseErrorCode, type ParseError } from "jsonc-parser";
import { WfvError } from "../errors";
import { isStackOverflow, limitDetails, limitMessage, LIMITS, type LimitName } from "../limits";
import type { Json } from "../json/extended-json";
import { pythonTypeName } from "../python/builtins";
import { formatJsonPath, isPathPrefix, type JsonPathSegment } from "./json-path";

export const REF_TYPES = ["text", "json", "jinja2", "raw", "template"] as const;
export type RefType = (typeof REF_TYPES)[number];

export interface WorkflowFileReader {
  /**
   * The text of a file, or `undefined` when there is none (a folder is not a file). `path` is always
   * normalised by the resolver: relative to the workflow root, `/`-separated, no `.`, `..` or empty
   * segments.
   */
  read(path: string): string | undefined;
}

/** A reader over an in-memory virtual file system (`path → text`), like the original's unzipped upload. */
export function memoryFileReader(files: Readonly<Record<string, string>> | ReadonlyMap<string, string>): WorkflowFileReader {
  const map = files instanceof Map ? files : new Map(Object.entries(files));
  return { read: (path) => map.get(path) };
}

export interface RefLocation {
  /** Root-relative file that holds the node. */
  file: string;
  jsonPath: string;
  path: JsonPathSegment[];
}

/** One `$ref` node that was replaced, and where its content came from. */
export interface RefSource {
  /** Where the replaced node sits in the resolved workflow. */
  jsonPath: string;
  path: JsonPathSegment[];
  /** Root-relative file whose content replaced the node. */
  file: string;
  /** The `$ref` string as written. */
  ref: string;
  type: RefType;
  /** `cache_ttl` of the node, if it had one: the resolved workflow loses it (a kept [QUIRK]). */
  cacheTtl?: unknown;
  /** Every other key of the node besides `$ref` and `type` (all dropped from the resolved workflow). */
  extra: Record<string, unknown>;
  /** Where the `$ref` node itself was written. */
  referencedFrom: RefLocation;
}

export interface ResolvedWorkflowSource {
  /** The workflow with every `$ref` replaced; equal to what the original resolver produces. */
  workflow: Json;
  /** The normalised entry path. */
  entry: string;
  /** Every replaced `$ref` node, in resolution order (a parent before the refs inside it). */
  sources: RefSource[];
  /** Every file read, entry first, each once. */
  files: string[];
}

export type RefFailureReason =
  | "missing_file"
  | "invalid_json"
  | "cycle"
  | "outside_root"
  | "bad_ref_type"
  | "bad_ref_value"
  /** Over a limit of limits/index.ts: MAX_RESOLVED_WORKFLOW, MAX_REF_DEPTH, MAX_JSON_DEPTH, HOST_STACK. */
  | "too_large"
  | "too_deep";

/**
 * The original's path normalisation: trim, `\` → `/`, strip leading `./`, drop empty and `.` segments,
 * `..` pops. A path whose running depth ever goes below the root is refused (`a/../x` is fine,
 * `../x` is not). Returns `undefined` for a refused path.
 */
export function normalizeRefPath(path: string): string | undefined {
  let text = pythonStrip(path).replace(/\\/g, "/");
  while (text.startsWith("./")) text = text.slice(2);
  const parts: string[] = [];
  let depth = 0;
  for (const part of text.split("/")) {
    if (part === "..") {
      depth -= 1;
      if (depth < 0) return undefined;
      parts.pop();
    } else if (part !== "" && part !== ".") {
      parts.push(part);
      depth += 1;
    }
  }
  return parts.join("/");
}

// Python's str.strip() whitespace (str.isspace), which differs from String.prototype.trim at the edges:
// it includes \x1c-\x1f and \x85 and excludes U+FEFF.
const pythonWhitespace = "\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const pythonStripPattern = new RegExp(`^[${pythonWhitespace}]+|[${pythonWhitespace}]+$`, "g");

function pythonStrip(text: string): string {
  return text.replace(pythonStripPattern, "");
}

function directoryOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

/** A `$ref` node that passed the checks made before its file is read. */
export interface CheckedRef {
  ok: true;
  ref: string;
  type: RefType;
  /** The normalised, root-relative file it names. */
  target: string;
}

export interface RefProblem {
  ok: false;
  reason: "bad_ref_value" | "bad_ref_type" | "outside_root";
  message: string;
  details: Record<string, unknown>;
}

/**
 * The checks the original makes on a `$ref` node before reading its file, in its order: the value
 * is a string, the type one of {@link REF_TYPES}, and the path (absolute from the root with a
 * leading `/`, else relative to `baseDir`, the referencing file's root-relative folder, `""` at the
 * root) stays inside the root. The resolver and the language server's analysis both apply it.
 */
export function checkRef(ref: unknown, type: unknown, baseDir: string): CheckedRef | RefProblem {
  if (typeof ref !== "string") {
    return { ok: false, reason: "bad_ref_value", message: `$ref value must be a string, got ${pythonTypeName(ref)}`, details: {} };
  }
  if (typeof type !== "string" || !(REF_TYPES as readonly string[]).includes(type)) {
    const message = `$ref type must be 'text', 'json', 'jinja2', 'raw', or 'template', got ${JSON.stringify(type)}`;
    return { ok: false, reason: "bad_ref_type", message, details: { type } };
  }
  const joined = ref.startsWith("/") ? ref.slice(1) : baseDir ? `${baseDir}/${ref}` : ref;
  const target = normalizeRefPath(joined);
  if (target === undefined) {
    return { ok: false, reason: "outside_root", message: `Path traversal not allowed: '${ref}' leaves the workflow's folder`, details: { attempted_path: joined } };
  }
  return { ok: true, ref, type: type as RefType, target };
}

function isJsonObject(value: unknown): value is { [key: string]: Json } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

interface JsonParseFailure {
  /** JSON.parse's own message. */
  message: string;
  /** jsonc-parser's name for the first error, e.g. `ValueExpected`. */
  code?: string;
  line?: number;
  column?: number;
}

function parseJsonFile(text: string): { ok: true; value: Json } | { ok: false; failure: JsonParseFailure } {
  try {
    return { ok: true, value: JSON.parse(text) as Json };
  } catch (error) {
    return { ok: false, failure: locateJsonError(text, (error as Error).message) };
  }
}

/**
 * JSON.parse says what is wrong but not reliably where; jsonc-parser, with comments and trailing
 * commas refused, finds the offset of the first error for the editor.
 */
function locateJsonError(text: string, message: string): JsonParseFailure {
  const errors: ParseError[] = [];
  parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return { message };
  const before = text.slice(0, first.offset);
  const line = before.split("\n").length;
  const column = first.offset - (before.lastIndexOf("\n") + 1) + 1;
  return { message, code: printParseErrorCode(first.error), line, column };
}

function where(failure: JsonParseFailure): string {
  return failure.line !== undefined ? ` at line ${failure.line} column ${failure.column}` : "";
}

function parseFailureDetails(failure: JsonParseFailure): Record<string, unknown> {
  const located = failure.line !== undefined ? { parse_error_code: failure.code, line: failure.line, column: failure.column } : {};
  return { parse_error: failure.message, ...located };
}

interface Frame {
  /** Root-relative file being walked. */
  file: string;
  /** Folder that relative refs in this file resolve against. */
  baseDir: string;
  /** Path inside `file`. */
  pathInFile: JsonPathSegment[];
  /** Path in the resolved workflow. */
  resolvedPath: JsonPathSegment[];
}

/** A json file resolved once, reused wherever it is referenced again (fan-out costs the distinct files). */
interface ResolvedFile {
  value: Json;
  /** Its size as JSON text (about), counted against MAX_RESOLVED_WORKFLOW at every use. */
  size: number;
  /** How many levels it nests (against MAX_JSON_DEPTH below wherever it is used). */
  depth: number;
  /** The refs replaced inside it, with paths relative to where it is used. */
  sources: RefSource[];
}

/** Approximate JSON size of a primitive. */
function primitiveSize(value: Json): number {
  return typeof value === "string" ? value.length + 2 : value === null ? 4 : String(value).length;
}

/** A deep copy of resolved JSON (a reused file must not share objects between its uses). */
function cloneJson(value: Json): Json {
  if (Array.isArray(value)) return value.map(cloneJson);
  if (isJsonObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, cloneJson(item)]));
  return value;
}

class RefResolver {
  readonly sources: RefSource[] = [];
  readonly files: string[] = [];
  private readonly texts = new Map<string, string | undefined>();
  /** Files being resolved on the current chain (the original's `_resolved_refs`; siblings may reuse). */
  private readonly chain: string[] = [];
  private readonly resolvedFiles = new Map<string, ResolvedFile>();
  /** The resolved workflow's size so far (about, as JSON text). */
  private size = 0;
  /** The deepest resolved path seen while resolving the current file. */
  private deepest = 0;

  constructor(private readonly reader: WorkflowFileReader) {}

  readFile(path: string): string | undefined {
    if (!this.texts.has(path)) {
      const text = this.reader.read(path);
      this.texts.set(path, text);
      if (text !== undefined) this.files.push(path);
    }
    return this.texts.get(path);
  }

  resolveValue(value: Json, frame: Frame): Json {
    if (frame.resolvedPath.length > this.deepest) {
      this.deepest = frame.resolvedPath.length;
      if (this.deepest > LIMITS.MAX_JSON_DEPTH.value) this.overLimit("MAX_JSON_DEPTH", "too_deep", frame, "the resolved workflow's nesting", this.deepest);
    }
    if (Array.isArray(value)) {
      this.grow(2 + value.length, frame);
      return value.map((item, index) => this.resolveValue(item, descend(frame, index)));
    }
    if (isJsonObject(value)) {
      if (Object.hasOwn(value, "$ref")) return this.resolveRef(value, frame);
      const entries = Object.entries(value);
      this.grow(2 + entries.reduce((total, [key]) => total + key.length + 4, 0), frame);
      // fromEntries defines own properties, so a "__proto__" key stays a plain key.
      return Object.fromEntries(entries.map(([key, item]) => [key, this.resolveValue(item, descend(frame, key))]));
    }
    this.grow(primitiveSize(value), frame);
    return value;
  }

  private grow(size: number, frame: Frame): void {
    this.size += size;
    if (this.size > LIMITS.MAX_RESOLVED_WORKFLOW.value) this.overLimit("MAX_RESOLVED_WORKFLOW", "too_large", frame, "the resolved workflow", this.size);
  }

  private countRefs(more: number, frame: Frame): void {
    const count = this.sources.length + more;
    if (count > LIMITS.MAX_RESOLVED_REFS.value) this.overLimit("MAX_RESOLVED_REFS", "too_large", frame, "the resolved workflow", count);
  }

  private overLimit(limit: LimitName, reason: RefFailureReason, frame: Frame, what: string, requested?: number): never {
    const message = limitMessage(limit, what, requested);
    return refError(reason, message, frame, undefined, { ...limitDetails(limit, requested), chain: [...this.chain], resolved_json_path: formatJsonPath(frame.resolvedPath) });
  }

  /** A json file already resolved once: its value again, with its sources at this place. */
  private reuse(cached: ResolvedFile, frame: Frame): Json {
    const depth = frame.resolvedPath.length + cached.depth;
    if (depth > LIMITS.MAX_JSON_DEPTH.value) this.overLimit("MAX_JSON_DEPTH", "too_deep", frame, "the resolved workflow's nesting", depth);
    this.deepest = Math.max(this.deepest, depth);
    this.grow(cached.size, frame);
    this.countRefs(cached.sources.length, frame);
    for (const source of cached.sources) {
      const path = [...frame.resolvedPath, ...source.path];
      this.sources.push({ ...source, path, jsonPath: formatJsonPath(path) });
    }
    return cloneJson(cached.value);
  }

  private resolveRef(node: { [key: string]: Json }, frame: Frame): Json {
    const ref = node.$ref;
    const fail = (reason: RefFailureReason, message: string, more: Record<string, unknown> = {}) =>
      refError(reason, message, frame, ref, more);

    const checked = checkRef(ref, Object.hasOwn(node, "type") ? node.type : "text", frame.baseDir);
    if (!checked.ok) return fail(checked.reason, checked.message, checked.details);
    const { type, target } = checked;
    if (this.chain.includes(target)) {
      return fail("cycle", `Circular reference detected: ${target}`, { resolved_path: target, chain: [...this.chain, target] });
    }
    const text = this.readFile(target);
    if (text === undefined) {
      return fail("missing_file", `Referenced file not found: ${checked.ref} (resolved to: ${target})`, { resolved_path: target });
    }

    const extra: Record<string, unknown> = {};
    for (const key of Object.keys(node)) if (key !== "$ref" && key !== "type") extra[key] = node[key];
    this.countRefs(1, frame);
    this.sources.push({
      jsonPath: formatJsonPath(frame.resolvedPath),
      path: [...frame.resolvedPath],
      file: target,
      ref: checked.ref,
      type,
      ...(Object.hasOwn(node, "cache_ttl") ? { cacheTtl: node.cache_ttl } : {}),
      extra,
      referencedFrom: { file: frame.file, jsonPath: formatJsonPath(frame.pathInFile), path: [...frame.pathInFile] },
    });

    if (type !== "json") {
      this.grow(text.length + 2, frame);
      return text;
    }

    const parsed = parseJsonFile(text);
    if (!parsed.ok) {
      return fail("invalid_json", `Invalid JSON in '${checked.ref}' (${target}${where(parsed.failure)}): ${parsed.failure.message}`, {
        resolved_path: target,
        ...parseFailureDetails(parsed.failure),
      });
    }
    const cached = this.resolvedFiles.get(target);
    if (cached) return this.reuse(cached, frame);
    if (this.chain.length >= LIMITS.MAX_REF_DEPTH.value) this.overLimit("MAX_REF_DEPTH", "too_deep", frame, "the chain of $refs", this.chain.length + 1);
    const start = { size: this.size, sources: this.sources.length, deepest: this.deepest };
    this.deepest = frame.resolvedPath.length;
    this.chain.push(target);
    let value: Json;
    try {
      value = this.resolveValue(parsed.value, { file: target, baseDir: directoryOf(target), pathInFile: [], resolvedPath: frame.resolvedPath });
    } finally {
      this.chain.pop();
    }
    // Resolved without failing, so it holds no cycle through any file that refers to it: reusable anywhere.
    const prefix = frame.resolvedPath.length;
    this.resolvedFiles.set(target, {
      value,
      size: this.size - start.size,
      depth: this.deepest - prefix,
      sources: this.sources.slice(start.sources).map((source) => ({ ...source, path: source.path.slice(prefix) })),
    });
    this.deepest = Math.max(this.deepest, start.deepest);
    return value;
  }
}

function descend(frame: Frame, segment: JsonPathSegment): Frame {
  return { ...frame, pathInFile: [...frame.pathInFile, segment], resolvedPath: [...frame.resolvedPath, segment] };
}

function refError(reason: RefFailureReason, message: string, frame: Frame, ref: unknown, more: Record<string, unknown>): never {
  const jsonPath = formatJsonPath(frame.pathInFile);
  throw new WfvError("workflow_invalid", `${frame.file} ${jsonPath}: ${message}`, {
    reason,
    file: frame.file,
    json_path: jsonPath,
    path: [...frame.pathInFile],
    ref,
    ...more,
  });
}

/**
 * Resolves every `$ref` in the workflow at `entryPath` (relative to the reader's root). Failures are
 * `workflow_invalid` errors whose details name the referencing `file` and the `json_path` of the `$ref`
 * node inside it, and a `reason`.
 */
export function resolveWorkflow(entryPath: string, reader: WorkflowFileReader): ResolvedWorkflowSource {
  const resolver = new RefResolver(reader);
  const entry = normalizeRefPath(entryPath);
  const entryFailure = (reason: RefFailureReason, message: string, more: Record<string, unknown> = {}): never => {
    throw new WfvError("workflow_invalid", message, { reason, file: entry ?? entryPath, json_path: "$", path: [], ref: null, ...more });
  };
  if (entry === undefined) return entryFailure("outside_root", `Path traversal not allowed: '${entryPath}'`);
  const text = resolver.readFile(entry);
  if (text === undefined) return entryFailure("missing_file", `Workflow file not found: ${entryPath}`);
  const parsed = parseJsonFile(text);
  if (!parsed.ok) {
    return entryFailure("invalid_json", `Invalid JSON in entry point '${entry}'${where(parsed.failure)}: ${parsed.failure.message}`,
      parseFailureDetails(parsed.failure));
  }
  // Like the original, the entry file itself is not on the cycle chain: a ref back to it is caught one
  // level deeper, where it refers to a file that is.
  let workflow: Json;
  try {
    workflow = resolver.resolveValue(parsed.value, { file: entry, baseDir: directoryOf(entry), pathInFile: [], resolvedPath: [] });
  } catch (error) {
    // The limits above stop long before; this is the net for whatever still nests past the stack.
    if (!isStackOverflow(error)) throw error;
    return entryFailure("too_deep", `${entry}: ${limitMessage("HOST_STACK", "the workflow")}`, limitDetails("HOST_STACK"));
  }
  return { workflow, entry, sources: resolver.sources, files: resolver.files };
}

/**
 * Where a node of the resolved workflow was written: the innermost `$ref` whose replaced node contains
 * it (its file, and the path inside that file), or the entry file when no ref is involved. A path into
 * a text ref's string maps to that text file as a whole.
 */
export function sourceLocation(resolved: Pick<ResolvedWorkflowSource, "entry" | "sources">, path: readonly JsonPathSegment[]): RefLocation {
  let best: RefSource | undefined;
  for (const source of resolved.sources) {
    if (isPathPrefix(source.path, path) && (!best || source.path.length >= best.path.length)) best = source;
  }
  if (!best) return { file: resolved.entry, jsonPath: formatJsonPath(path), path: [...path] };
  const inner = best.type === "json" ? path.slice(best.path.length) : [];
  return { file: best.file, jsonPath: formatJsonPath(inner), path: [...inner] };
}
