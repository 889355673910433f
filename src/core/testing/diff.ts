/**
 * Structural comparison of expected and actual JSON for workflow tests: every difference with its path
 * (`$.module_outputs.items[0].title`), the expected and the actual value. Object key order never counts;
 * array order does. Ignore paths leave out a value and everything below it.
 *
 * Ignore paths are JSON paths as wfv prints them, plus wildcards: `*` (or `[*]`) stands for one key or
 * index, `..` for any number of levels (`$..created_at` ignores every `created_at`).
 */
import type { Json } from "../json/extended-json";
import { formatJsonPath, type JsonPathSegment } from "../workflow/json-path";

export interface Difference {
  path: JsonPathSegment[];
  /** Absent: the actual value has something the expected one has not. */
  expected?: Json;
  /** Absent: the expected value is missing from the actual one. */
  actual?: Json;
}

/** One step of an ignore pattern: a key or index, `*` (any one), `**` (any number of levels). */
type PatternSegment = { kind: "key"; value: JsonPathSegment } | { kind: "any" } | { kind: "deep" };

export type IgnorePattern = PatternSegment[];

const patternPart = /\.\.|\.(\*|[^.[\]]+)|\[(\*|\d+)\]|\[("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\]/y;

/** Parses `$.a[0]["b c"].*..d`; a pattern that does not parse throws, naming it. */
export function parseIgnorePattern(text: string): IgnorePattern {
  let rest = text.trim();
  if (rest.startsWith("$")) rest = rest.slice(1);
  else if (rest !== "" && !rest.startsWith(".") && !rest.startsWith("[")) rest = `.${rest}`;
  const out: IgnorePattern = [];
  patternPart.lastIndex = 0;
  let position = 0;
  while (position < rest.length) {
    patternPart.lastIndex = position;
    const match = patternPart.exec(rest);
    if (match === null) throw new Error(`ignore path '${text}' is not a JSON path (at '${rest.slice(position)}')`);
    position = patternPart.lastIndex;
    if (match[0] === "..") {
      out.push({ kind: "deep" });
      // `..key` and `..*`: the key follows without its own dot.
      const next = /^(\*|[^.[\]]+)/.exec(rest.slice(position));
      if (next) {
        out.push(next[1] === "*" ? { kind: "any" } : { kind: "key", value: next[1] });
        position += next[0].length;
      }
    } else if (match[1] !== undefined) out.push(match[1] === "*" ? { kind: "any" } : { kind: "key", value: match[1] });
    else if (match[2] !== undefined) out.push(match[2] === "*" ? { kind: "any" } : { kind: "key", value: Number(match[2]) });
    else {
      const quoted = match[3];
      out.push({ kind: "key", value: quoted.startsWith("'") ? quoted.slice(1, -1).replace(/\\(.)/g, "$1") : (JSON.parse(quoted) as string) });
    }
  }
  return out;
}

/** True when the pattern matches `path` or one of its ancestors. */
export function ignoreMatches(pattern: IgnorePattern, path: readonly JsonPathSegment[]): boolean {
  const match = (p: number, s: number): boolean => {
    if (p === pattern.length) return true; // the pattern matched an ancestor (or the path itself)
    if (s === path.length) return pattern.slice(p).every((segment) => segment.kind === "deep");
    const segment = pattern[p];
    if (segment.kind === "deep") return match(p + 1, s) || match(p, s + 1);
    if (segment.kind === "any") return match(p + 1, s + 1);
    return String(segment.value) === String(path[s]) && match(p + 1, s + 1);
  };
  return match(0, 0);
}

function isObject(value: unknown): value is { [key: string]: Json } {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export interface DiffOptions {
  ignore?: readonly IgnorePattern[];
  /** Stop after this many differences (default 200). */
  limit?: number;
}

/** Every difference between `expected` and `actual`, in document order. */
export function diffJson(expected: Json | undefined, actual: Json | undefined, options: DiffOptions = {}): Difference[] {
  const out: Difference[] = [];
  const ignore = options.ignore ?? [];
  const limit = options.limit ?? 200;
  const walk = (e: Json | undefined, a: Json | undefined, path: JsonPathSegment[]) => {
    if (out.length >= limit) return;
    if (ignore.some((pattern) => ignoreMatches(pattern, path))) return;
    if (Array.isArray(e) && Array.isArray(a)) {
      for (let i = 0; i < Math.max(e.length, a.length); i++) walk(i < e.length ? e[i] : undefined, i < a.length ? a[i] : undefined, [...path, i]);
      return;
    }
    if (isObject(e) && isObject(a)) {
      const keys = new Set([...Object.keys(e), ...Object.keys(a)]);
      for (const key of keys) {
        const has = (value: object) => Object.prototype.hasOwnProperty.call(value, key);
        walk(has(e) ? e[key] : undefined, has(a) ? a[key] : undefined, [...path, key]);
      }
      return;
    }
    if (e === undefined && a === undefined) return;
    if (e !== undefined && a !== undefined && (e === a || (e !== null && a !== null && typeof e !== "object" && Object.is(e, a)))) return;
    const difference: Difference = { path };
    if (e !== undefined) difference.expected = e;
    if (a !== undefined) difference.actual = a;
    out.push(difference);
  };
  walk(expected, actual, []);
  return out;
}

/** `$.module_outputs.x`, as wfv prints paths. */
export function formatPath(path: readonly JsonPathSegment[]): string {
  return formatJsonPath(path);
}

/**
 * A difference for people: its path, and the expected and actual values as JSON cut to `max`
 * characters; two texts of several lines are shown by their first differing line.
 */
export function describeDifference(difference: Difference, max = 300): { path: string; expected: string; actual: string } {
  const { expected, actual } = difference;
  const path = formatPath(difference.path);
  if (typeof expected === "string" && typeof actual === "string" && (expected.includes("\n") || actual.includes("\n"))) {
    const a = expected.split("\n");
    const b = actual.split("\n");
    let line = 0;
    while (line < a.length && line < b.length && a[line] === b[line]) line++;
    return {
      path: `${path} (line ${line + 1} of the text)`,
      expected: line < a.length ? previewJson(a[line], max) : "(no such line)",
      actual: line < b.length ? previewJson(b[line], max) : "(no such line)",
    };
  }
  return { path, expected: previewJson(expected, max), actual: previewJson(actual, max) };
}

/** A value for a one-line report: JSON, cut to `max` characters. */
export function previewJson(value: Json | undefined, max = 200): string {
  if (value === undefined) return "(missing)";
  const text = JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
