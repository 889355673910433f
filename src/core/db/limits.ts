/**
 * The limits of limits/index.ts inside the virtual DB's pipelines and queries (tracker issue 11,
 * item 3), as mingo operators that replace or wrap mingo's own (mingo-context.ts registers them):
 *
 * - `$range`, `$concatArrays`, `$concat`, `$replaceAll` check the size of their result before it is
 *   built (MAX_SEQUENCE_ITEMS, MAX_STRING_LENGTH): `{$size: {$range: [0, 1e9]}}` fails at once;
 * - every pipeline stage counts the documents it emits (MAX_PIPELINE_DOCUMENTS): `$unwind` of
 *   `$unwind`, `$densify` over a huge range stop as the limit is passed, lazily;
 * - `$regex` (query) and `$regexMatch` / `$regexFind` / `$regexFindAll` match through
 *   limits/regex.ts, so no pattern can backtrack catastrophically. `$regexFindAll` also moves on
 *   after an empty match (mingo's loops forever) and reports each match's index in the whole input.
 *
 * A limit is a {@link LimitExceeded}; the collection's error boundary (db-errors.ts) keeps its name.
 */
import { evalExpr } from "mingo/core";
import { $concat as mingoConcat, $concatArrays as mingoConcatArrays, $range as mingoRange, $replaceAll as mingoReplaceAll } from "mingo/operators/expression";
import { $regex as mingoRegexQuery } from "mingo/operators/query";
import type { Iterator } from "mingo/lazy";
import type { AnyObject, Options } from "mingo/types";
import { checkLimit, LimitExceeded, LIMITS } from "../limits";
import { safeRegex, type SafeRegex } from "../limits/regex";

type ExpressionOperator = (obj: AnyObject, expr: unknown, options: Options) => unknown;
type PipelineOperator = (collection: Iterator, expr: unknown, options: Options) => Iterator;

const literal = (value: unknown) => ({ $literal: value });

export const cappedRange: ExpressionOperator = (obj, expr, options) => {
  if (Array.isArray(expr) && expr.length > 1 && expr.length < 4) {
    const [start, end, step = 1] = evalExpr(obj, expr, options) as unknown[];
    if (Number.isInteger(start) && Number.isInteger(end) && Number.isInteger(step) && step !== 0) {
      const length = Math.max(0, Math.ceil(((end as number) - (start as number)) / (step as number)));
      checkLimit("MAX_SEQUENCE_ITEMS", "the array of $range", length);
      return mingoRange(obj, [start, end, step], options);
    }
  }
  return mingoRange(obj, expr, options);
};

export const cappedConcatArrays: ExpressionOperator = (obj, expr, options) => {
  const args = evalExpr(obj, expr, options);
  if (Array.isArray(args)) {
    const total = args.reduce((sum: number, item) => sum + (Array.isArray(item) ? item.length : 0), 0);
    checkLimit("MAX_SEQUENCE_ITEMS", "the array of $concatArrays", total);
  }
  return mingoConcatArrays(obj, literal(args) as never, options);
};

export const cappedConcat: ExpressionOperator = (obj, expr, options) => {
  if (!Array.isArray(expr)) return mingoConcat(obj, expr as never, options);
  const args = evalExpr(obj, expr, options) as unknown[];
  const total = args.reduce((sum: number, item) => sum + (typeof item === "string" ? item.length : 0), 0);
  checkLimit("MAX_STRING_LENGTH", "the string of $concat", total);
  return mingoConcat(obj, args.map(literal), options);
};

export const cappedReplaceAll: ExpressionOperator = (obj, expr, options) => {
  const args = evalExpr(obj, expr, options) as Record<string, unknown> | null;
  if (args !== null && typeof args === "object") {
    const { input, find, replacement } = args;
    if (typeof input === "string" && typeof find === "string" && typeof replacement === "string" && replacement.length > find.length) {
      let count = 0;
      if (find === "") count = input.length + 1;
      else for (let at = input.indexOf(find); at >= 0; at = input.indexOf(find, at + find.length)) count++;
      checkLimit("MAX_STRING_LENGTH", "the string of $replaceAll", input.length + count * (replacement.length - find.length));
    }
  }
  return mingoReplaceAll(obj, literal(args), options);
};

/** A stage whose output stops with MAX_PIPELINE_DOCUMENTS (counted lazily, as documents flow). */
export function cappedStage(name: string, stage: PipelineOperator): PipelineOperator {
  return (collection, expr, options) => {
    let count = 0;
    return stage(collection, expr, options).map((document: unknown) => {
      if (++count > LIMITS.MAX_PIPELINE_DOCUMENTS.value) throw new LimitExceeded("MAX_PIPELINE_DOCUMENTS", `the documents out of ${name}`, count);
      return document;
    });
  };
}

function toSafe(pattern: unknown, flags?: unknown): SafeRegex {
  if (pattern instanceof RegExp) return safeRegex(pattern.source, typeof flags === "string" ? flags : pattern.flags);
  return safeRegex(String(pattern), typeof flags === "string" ? flags : "");
}

/** The `$regex` query operator: mingo's, matching with a {@link safeRegex} instead of the RegExp. */
export function safeRegexQuery(selector: string, value: unknown, options: Options): unknown {
  const safe = toSafe(value);
  // mingo's predicate only calls `exec` and reads its truthiness.
  const matcher = { exec: (text: string) => (safe.test(text) ? [text] : null) };
  return (mingoRegexQuery as unknown as (s: string, v: unknown, o: Options) => unknown)(selector, matcher, options);
}

interface RegexResult {
  match: string;
  idx: number;
  captures: Array<string | null>;
}

function regexSearch(obj: AnyObject, expr: unknown, options: Options, global: boolean): RegexResult[] {
  const val = evalExpr(obj, expr, options) as { input?: unknown; regex?: unknown; options?: unknown };
  if (typeof val?.input !== "string") return [];
  const flags = val.options;
  if (typeof flags === "string") {
    if (flags.includes("x")) throw new Error("extended capability option 'x' not supported");
    if (flags.includes("g")) throw new Error("global option 'g' not supported");
  }
  const regex = toSafe(val.regex, flags);
  const input = val.input;
  const out: RegexResult[] = [];
  for (let from = 0; from <= input.length; ) {
    const found = regex.exec(input, from);
    if (found === null) break;
    const [match = "", ...captures] = found.groups;
    out.push({ match, idx: found.index, captures: captures.map((capture) => capture ?? null) });
    if (!global) break;
    // An empty match moves on by one character, or the search would find it again forever.
    from = found.index + match.length + (match === "" ? 1 : 0);
  }
  return out;
}

export const safeRegexMatch: ExpressionOperator = (obj, expr, options) => regexSearch(obj, expr, options, false).length > 0;
export const safeRegexFind: ExpressionOperator = (obj, expr, options) => regexSearch(obj, expr, options, false)[0] ?? null;
export const safeRegexFindAll: ExpressionOperator = (obj, expr, options) => regexSearch(obj, expr, options, true);
