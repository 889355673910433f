/**
 * `wfv render`: one template through the resolver (exactly as a module input is resolved), or a
 * batch of JSON-lines cases, one answer per line (the shape the differential tests compare).
 */
import { WfvError } from "../../core/errors";
import { toExtendedJson } from "../../core/json/extended-json";
import { parseJsonKeepingFloats, resolveString, TemplateError, type TemplateContext } from "../../core/template";
import { EXIT_FAILURE, EXIT_OK, UsageError, parseCommandArgs, printJson, readTextArg, type CliCommand, type CliIo } from "../io";
import { BUDGET_OPTIONS, budgetUsage, budgetsFrom } from "../budgets";
import { moduleContext, previewTemplate, renderModuleInput } from "../../core/preview";
import { frozenNow, PREVIEW_TARGET_OPTIONS, PREVIEW_TARGET_USAGE, previewTarget } from "../preview-target";

const USAGE = `Usage: wfv render <template | @file> [--context <json | @file>] [--now <ISO>]
       wfv render --batch <cases.jsonl | -> [--now <ISO>]
       wfv render --workflow <file> --step <step_id> --module <name> --input <name> [--db <file>] [--now <ISO>]
       wfv render --workflow <file> --step <step_id> --module <name> <template | @file> [--db <file>] [--now <ISO>]

Renders a template exactly as the original engine resolves a module input (Jinja2 3.1 semantics):
a lone {{ expr }} gives its native value, anything else a string. Prints {"value": ...}.

--context   {"state", "step", "config"}: the variables in scope (module = state).
--now       freezes now() at a naive local date-time, e.g. 2026-02-14T09:05:07.
--batch     JSON lines {"template", "context"?, "now"?}; prints one line per case:
            {"value": ...} or {"error", "error_type", "exception", "kind", "line", "column", "details"}.

--workflow  renders one input of a module with the context that module would get from the DB's
            current state (state, step, config), under the inputs' resolver_schema, read-only. Prints
            {"value", "resolved", "undefined_spans"?}: resolved is false when resolver_schema leaves
            the input raw; undefined_spans [{start, end, name}] mark where a text input printed an
            undefined value. A failure prints {"error", "error_type", "line", "column", "details"}.
${PREVIEW_TARGET_USAGE.replace(/^/gm, "  ")}
  --input <name>      the input to render; or, instead, a template (inline or @file, e.g. an edited
                      prompt file) rendered as text with the module's context: {"value", "undefined_spans"}

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

/** `--workflow … --input NAME`: the input as the engine resolves it for that module, from the DB's state. */
async function renderWorkflowInput(io: CliIo, values: Parameters<typeof previewTarget>[1] & { input?: string }): Promise<number> {
  if (!values.input) throw new UsageError("--input is required with --workflow");
  const { source, session, target, now } = previewTarget(io, values);
  const options = now ? { now } : {};
  const rendered = await renderModuleInput(session, source.workflow, target, values.input, options);
  if (!rendered.ok) {
    const { message, error_type, line, column, details } = rendered.error;
    printJson(io, { error: message, error_type, line: line ?? null, column: column ?? null, details });
    return EXIT_FAILURE;
  }
  const answer: Record<string, unknown> = { value: toExtendedJson(rendered.value), resolved: rendered.resolved };
  const context = await moduleContext(session, source.workflow, target, options);
  const raw = findRawInput(source.workflow, target, values.input);
  if (rendered.resolved && typeof raw === "string" && typeof rendered.value === "string") {
    const preview = previewTemplate(raw, context);
    if (preview.text === rendered.value) answer.undefined_spans = preview.undefinedSpans;
  }
  printJson(io, answer);
  return EXIT_OK;
}

/** `--workflow … <template>`: any template text (an edited prompt file) with the module's context. */
async function renderWithModuleContext(io: CliIo, values: Parameters<typeof previewTarget>[1], template: string): Promise<number> {
  const { source, session, target, now } = previewTarget(io, values);
  const preview = previewTemplate(template, await moduleContext(session, source.workflow, target, now ? { now } : {}));
  if (preview.error) {
    const { message, line, column, kind } = preview.error;
    printJson(io, { error: message, error_type: "resolution_failed", line, column, details: { kind, line, column } });
    return EXIT_FAILURE;
  }
  printJson(io, { value: preview.text, undefined_spans: preview.undefinedSpans });
  return EXIT_OK;
}

function findRawInput(workflow: unknown, target: { step_id: string; module_name: string }, input: string): unknown {
  const steps = (workflow as { steps?: Array<{ step_id?: string; modules?: Array<Record<string, unknown>> }> }).steps ?? [];
  const module = steps.find((step) => step.step_id === target.step_id)?.modules?.find((entry) => (entry.name !== undefined ? entry.name : entry.module_id) === target.module_name);
  const inputs = module?.inputs as Record<string, unknown> | undefined;
  return inputs && Object.hasOwn(inputs, input) ? inputs[input] : undefined;
}

export const renderCommand: CliCommand = {
  summary: "Render a Jinja2 template exactly as the original engine",
  usage: USAGE,
  run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      context: { type: "string" },
      batch: { type: "string" },
      now: { type: "string" },
      ...PREVIEW_TARGET_OPTIONS,
      input: { type: "string" },
      ...BUDGET_OPTIONS,
    });
    budgetsFrom(values);
    if (values.workflow !== undefined || values.input !== undefined) {
      if (values.batch !== undefined || values.context !== undefined) throw new UsageError("--workflow takes the module's context: no --batch or --context");
      if (positionals.length > 1 || (positionals.length === 1) === (values.input !== undefined)) {
        throw new UsageError("with --workflow, give either --input <name> or one template (inline or @file)");
      }
      if (positionals.length === 1) return renderWithModuleContext(io, values, readTextArg(io, positionals[0]!));
      return renderWorkflowInput(io, values);
    }
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
