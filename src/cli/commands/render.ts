/**
 * `wfv render`: one template through the resolver (exactly as a module input is resolved), or a
 * batch of JSON-lines cases, one answer per line (the shape the differential tests compare).
 */
import { WfvError } from "../../core/errors";
import { toExtendedJson } from "../../core/json/extended-json";
import { NaiveDateTime, parseJsonKeepingFloats, resolveString, TemplateError, type TemplateContext } from "../../core/template";
import { EXIT_FAILURE, EXIT_OK, UsageError, parseCommandArgs, printJson, readTextArg, type CliCommand, type CliIo } from "../io";
import { BUDGET_OPTIONS, budgetUsage, budgetsFrom } from "../budgets";

const USAGE = `Usage: wfv render <template | @file> [--context <json | @file>] [--now <ISO>]
       wfv render --batch <cases.jsonl | -> [--now <ISO>]

Renders a template exactly as the original engine resolves a module input (Jinja2 3.1 semantics):
a lone {{ expr }} gives its native value, anything else a string. Prints {"value": ...}.

--context   {"state", "step", "config"}: the variables in scope (module = state).
--now       freezes now() at a naive local date-time, e.g. 2026-02-14T09:05:07.
--batch     JSON lines {"template", "context"?, "now"?}; prints one line per case:
            {"value": ...} or {"error", "error_type", "exception", "kind", "line", "column", "details"}.

Numbers written with a decimal point (1.0) stay floats, as they do in Python. Errors read as in a
module run: a failing lone {{ expr }} gives the bare Jinja2 error ("'dict object' has no attribute
'missing'", UndefinedError), a template rendered as text the original's "Jinja2 undefined variable:" /
"Jinja2 syntax error:" prefix (ValueError).

${budgetUsage()}`;

interface CaseContext {
  state?: Record<string, unknown>;
  step?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

function parseJson(text: string, what: string): unknown {
  try {
    return parseJsonKeepingFloats(text);
  } catch (error) {
    throw new WfvError("bad_request", `${what} is not valid JSON: ${(error as Error).message}`, { argument: what });
  }
}

function frozenNow(iso: string | undefined): TemplateContext["now"] {
  if (iso === undefined) return undefined;
  let when: NaiveDateTime;
  try {
    when = NaiveDateTime.parseIso(iso);
  } catch {
    throw new WfvError("bad_request", `--now must be a naive ISO date-time such as 2026-02-14T09:05:07, got ${JSON.stringify(iso)}`, { now: iso });
  }
  return () => when;
}

function toContext(value: unknown, now: TemplateContext["now"]): TemplateContext {
  if (value !== undefined && (value === null || typeof value !== "object" || Array.isArray(value))) {
    throw new WfvError("bad_request", "the context must be an object {state, step, config}", {});
  }
  const context = (value ?? {}) as CaseContext;
  return { state: context.state ?? {}, step: context.step ?? {}, config: context.config ?? {}, now };
}

/** A template failure in the CLI's one error shape, plus the Python exception class for comparisons. */
export function templateFailure(error: TemplateError): Record<string, unknown> {
  const position = { line: error.line ?? null, column: error.column ?? null };
  return {
    error: error.message,
    error_type: "resolution_failed",
    exception: error.exception,
    kind: error.kind,
    ...position,
    details: { exception: error.exception, kind: error.kind, reason: error.reason, ...position, ...(error.limit === undefined ? {} : { limit: error.limit }) },
  };
}

function renderOne(template: string, context: TemplateContext): Record<string, unknown> {
  try {
    return { value: toExtendedJson(resolveString(template, context)) };
  } catch (error) {
    if (error instanceof TemplateError) return templateFailure(error);
    throw error;
  }
}

function runBatch(io: CliIo, source: string, nowOption: string | undefined): number {
  const text = source === "-" ? io.readStdin() : readTextArg(io, `@${source}`);
  const defaultNow = frozenNow(nowOption);
  for (const [index, line] of text.split("\n").entries()) {
    if (!line.trim()) continue;
    let answer: Record<string, unknown>;
    try {
      const testCase = parseJson(line, `line ${index + 1}`) as { template?: unknown; context?: unknown; now?: unknown };
      if (typeof testCase?.template !== "string") throw new WfvError("bad_request", `line ${index + 1}: "template" must be a string`, { line: index + 1 });
      const now = typeof testCase.now === "string" ? frozenNow(testCase.now) : defaultNow;
      answer = renderOne(testCase.template, toContext(testCase.context, now));
    } catch (error) {
      if (!(error instanceof WfvError)) throw error;
      answer = error.toJSON();
    }
    io.stdout(JSON.stringify(answer) + "\n");
  }
  return EXIT_OK;
}

export const renderCommand: CliCommand = {
  summary: "Render a Jinja2 template exactly as the original engine",
  usage: USAGE,
  run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      context: { type: "string" },
      batch: { type: "string" },
      now: { type: "string" },
      ...BUDGET_OPTIONS,
    });
    budgetsFrom(values);
    if (values.batch !== undefined) {
      if (positionals.length) throw new UsageError("--batch takes no template argument");
      return runBatch(io, values.batch, values.now);
    }
    if (positionals.length !== 1) throw new UsageError("expected one template (inline or @file)");
    const template = readTextArg(io, positionals[0]);
    const contextValue = values.context === undefined ? undefined : parseJson(readTextArg(io, values.context), "--context");
    const answer = renderOne(template, toContext(contextValue, frozenNow(values.now)));
    printJson(io, answer);
    return "error" in answer ? EXIT_FAILURE : EXIT_OK;
  },
};
