/**
 * Jinja2 templates as the editor sees them: syntax problems and `state.<key>` references with offsets
 * into the template source, and what the cursor is completing inside `{{ … }}` / `{% … %}`.
 * Offsets here are indices into the template string itself (a decoded JSON string value or a text
 * file's content); callers map them to file offsets.
 */
import { checkSyntax, filterNames as engineFilterNames, tokenize, type Token } from "../../core/template";
import { lineStarts, offsetOfLineColumn } from "./json-tree";

/** The engine renders a string only when it contains `{{` or `{%` (engine.md §5.4). */
export function isTemplate(text: string): boolean {
  return text.includes("{{") || text.includes("{%");
}

export interface TemplateProblem {
  message: string;
  start: number;
  end: number;
}

export interface StateRef {
  /** The state key: `x` in `state.x.y` or `state['x']`. */
  key: string;
  /** The whole access path after `state`: `["x", "y"]`. */
  path: string[];
  /** Offsets of each path segment (same order as `path`). */
  spans: Array<{ start: number; end: number }>;
  /** Offset of `state`. */
  start: number;
}

export interface TemplateInfo {
  problems: TemplateProblem[];
  stateRefs: StateRef[];
}

let filterNameList: string[] | undefined;

/** Every filter the template engine knows (Jinja2's built-ins), sorted; computed once. */
export function filterNames(): string[] {
  filterNameList ??= engineFilterNames();
  return filterNameList;
}

const cache = new Map<string, TemplateInfo>();
const CACHE_LIMIT = 20000;

/** Syntax problems and state references of a template; cached by source text. */
export function analyzeTemplate(source: string): TemplateInfo {
  const hit = cache.get(source);
  if (hit) return hit;
  const info = computeTemplateInfo(source);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(source, info);
  return info;
}

function computeTemplateInfo(source: string): TemplateInfo {
  const starts = lineStarts(source);
  const at = (line: number, column: number) => offsetOfLineColumn(source, starts, line, column);
  const problems: TemplateProblem[] = [];
  for (const problem of checkSyntax(source)) {
    const start = at(problem.line, problem.column);
    problems.push({ message: problem.message, ...wordRange(source, start) });
  }
  let tokens: Token[] = [];
  try {
    tokens = tokenize(source);
  } catch {
    tokens = []; // a lexer error is already one of the syntax problems
  }
  const known = new Set(filterNames());
  const stateRefs: StateRef[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.type !== "name") continue;
    const previous = tokens[i - 1];
    // `x | name`: Jinja fails at compile time on a filter it does not know (a TemplateAssertionError,
    // which the resolver reports as a syntax error). Only when the template otherwise parses.
    if (previous?.type === "operator" && previous.value === "|" && !known.has(token.value) && problems.length === 0) {
      const start = at(token.line, token.column);
      problems.push({ message: `No filter named '${token.value}'.`, start, end: start + token.value.length });
    }
    if (token.value !== "state") continue;
    if (previous?.type === "operator" && previous.value === ".") continue; // `x.state`, not the root
    const ref = readAccessPath(tokens, i + 1, at);
    if (ref.path.length > 0) stateRefs.push({ key: ref.path[0]!, path: ref.path, spans: ref.spans, start: at(token.line, token.column) });
  }
  return { problems, stateRefs };
}

function readAccessPath(tokens: Token[], from: number, at: (line: number, column: number) => number) {
  const path: string[] = [];
  const spans: Array<{ start: number; end: number }> = [];
  let i = from;
  for (;;) {
    const op = tokens[i];
    if (op?.type !== "operator") break;
    if (op.value === ".") {
      const name = tokens[i + 1];
      if (name?.type !== "name" && name?.type !== "integer") break;
      const start = at(name.line, name.column);
      path.push(name.value);
      spans.push({ start, end: start + name.value.length });
      i += 2;
    } else if (op.value === "[") {
      const literal = tokens[i + 1];
      const close = tokens[i + 2];
      if (literal?.type !== "string" || close?.type !== "operator" || close.value !== "]") break;
      const start = at(literal.line, literal.column) + 1; // inside the quote
      path.push(literal.value);
      spans.push({ start, end: start + literal.value.length });
      i += 3;
    } else break;
  }
  return { path, spans };
}

/** The word at `start` (at least one character), for a readable error range. */
function wordRange(source: string, start: number): { start: number; end: number } {
  if (source.length === 0) return { start: 0, end: 0 };
  let s = Math.min(start, source.length);
  if (s === source.length) s = source.length - 1;
  let end = s;
  while (end < source.length && /[\w]/.test(source[end]!)) end++;
  if (end === s) end = s + 1;
  return { start: s, end };
}

export type TemplateCompletion =
  | { kind: "state"; path: string[]; prefix: string; start: number }
  | { kind: "filter"; prefix: string; start: number };

/**
 * What is being completed at `index` of a template source: a state key after `{{ state.` (with the
 * path already typed, for `state.module.`), or a filter after `|`. Undefined outside `{{ }}`/`{% %}`.
 */
export function templateCompletionAt(source: string, index: number): TemplateCompletion | undefined {
  const before = source.slice(0, index);
  const open = Math.max(before.lastIndexOf("{{"), before.lastIndexOf("{%"));
  if (open < 0) return undefined;
  const inside = before.slice(open + 2);
  if (inside.includes("}}") || inside.includes("%}")) return undefined;
  const state = /(?<![\w.\]'"])state((?:\.\w+)*)\.(\w*)$/.exec(inside);
  if (state) {
    const path = state[1] ? state[1].slice(1).split(".") : [];
    return { kind: "state", path, prefix: state[2]!, start: index - state[2]!.length };
  }
  const filter = /\|\s*(\w*)$/.exec(inside);
  if (filter) return { kind: "filter", prefix: filter[1]!, start: index - filter[1]!.length };
  return undefined;
}

/** The state reference whose `state` … last segment span contains `index`, and the segment under it. */
export function stateRefAt(info: TemplateInfo, index: number): { ref: StateRef; depth: number } | undefined {
  for (const ref of info.stateRefs) {
    const last = ref.spans[ref.spans.length - 1]!;
    if (index < ref.start || index > last.end) continue;
    let depth = 0;
    for (let d = 0; d < ref.spans.length; d++) if (index >= ref.spans[d]!.start) depth = d;
    return { ref, depth };
  }
  return undefined;
}
