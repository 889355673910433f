/** Runs a corpus through wfv and through Python Jinja2 (the oracle) and compares the answers by kind. */
import { isDeepStrictEqual } from "node:util";
import { parseJsonKeepingFloats, resolveString, TemplateError, type TemplateContext } from "../../src/core/template";
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { debianPython } from "../helpers/oracle";
import { oraclesDir } from "../helpers/paths";
import type { CorpusCase } from "./corpus";

export const frozenNowIso = "2026-02-14T09:05:07";

export type Outcome = { value: unknown } | { errorKind: string; message: string };

/** The oracle's error, reduced to a kind: the resolver's prefix or the exception class. */
function oracleErrorKind(error: string, exception: string): string {
  if (error.startsWith("Jinja2 syntax error:")) return "syntax";
  if (error.startsWith("Jinja2 undefined variable:")) return "undefined";
  const byClass: Record<string, string> = {
    TemplateSyntaxError: "syntax",
    TemplateAssertionError: "syntax",
    UndefinedError: "undefined",
    TypeError: "type",
    ValueError: "value",
    ZeroDivisionError: "zero_division",
    MemoryError: "memory",
    AssertionError: "assertion",
    AttributeError: "attribute",
    IndexError: "index",
    KeyError: "key",
    SecurityError: "security",
    TemplateRuntimeError: "runtime",
    FilterArgumentError: "runtime",
    TemplateNotFound: "runtime",
    OverflowError: "overflow",
    RecursionError: "runtime",
    StopIteration: "runtime",
  };
  return byClass[exception] ?? exception;
}

/** JSON as the oracle prints it: dates as `{"$date": naive ISO}`, numbers as numbers. */
function normalise(value: unknown): unknown {
  if (value instanceof Date) {
    const iso = value.toISOString().replace(/Z$/, "").replace(/\.000$/, "");
    return { $date: iso };
  }
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = normalise(inner);
    return out;
  }
  return value;
}

export function runWfv(testCase: CorpusCase): Outcome {
  const parsed = parseJsonKeepingFloats(testCase.contextJson) as { state: Record<string, unknown>; step: Record<string, unknown>; config: Record<string, unknown> };
  const context: TemplateContext = { ...parsed, now: () => new Date(`${frozenNowIso}`) };
  try {
    return { value: normalise(resolveString(testCase.template, context)) };
  } catch (error) {
    if (error instanceof TemplateError) {
      const kind = error.exception === "ValueError" && error.kind !== "value" ? error.kind : error.kind;
      return { errorKind: kind, message: error.message };
    }
    return { errorKind: "host", message: String(error) };
  }
}

/** One oracle process for the whole corpus; contexts go as raw text so `2.0` reaches Python as a float. */
export function runPython(cases: readonly CorpusCase[]): Outcome[] {
  const input = cases
    .map((testCase) => `{"template":${JSON.stringify(testCase.template)},"context":${testCase.contextJson},"now":"${frozenNowIso}"}`)
    .join("\n");
  const result = spawnSync(debianPython, [resolve(oraclesDir, "jinja_oracle.py")], { input: input + "\n", encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`jinja_oracle.py exited ${result.status}: ${result.stderr}`);
  const answers = result.stdout
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as { value?: unknown; error?: string; exception?: string });
  if (answers.length !== cases.length) throw new Error(`oracle answered ${answers.length} of ${cases.length}: ${result.stderr}`);
  return answers.map((answer) =>
    answer.error !== undefined
      ? { errorKind: oracleErrorKind(answer.error, answer.exception ?? ""), message: answer.error }
      : { value: answer.value ?? null },
  );
}

export function sameOutcome(a: Outcome, b: Outcome): boolean {
  if ("value" in a && "value" in b) return isDeepStrictEqual(a.value, b.value);
  if ("errorKind" in a && "errorKind" in b) return a.errorKind === b.errorKind;
  return false;
}
