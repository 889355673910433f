/** `wfv resolve-inputs`: a module's inputs through resolve_with_schema (engine.md §5.2). */
import { WfvError } from "../../core/errors";
import { NaiveDateTime, parseJsonKeepingFloats, resolveWithSchema, type TemplateContext } from "../../core/template";
import { EXIT_OK, UsageError, parseCommandArgs, printJson, readTextArg, type CliCommand } from "../io";

const USAGE = `Usage: wfv resolve-inputs --inputs <json | @file> [--context <json | @file>] [--now <ISO>]

Resolves module inputs as the engine does before running a module: only keys the inputs'
resolver_schema marks "server" (and everything under them) are rendered; "client" keys stay raw;
resolver_schema is dropped. Prints {"inputs": {...}}.

--context   {"state", "step", "config"}: the variables in scope (module = state).
--now       freezes now() at a naive local date-time, e.g. 2026-02-14T09:05:07.

A template failure prints {"error", "error_type": "resolution_failed", "details": {"input_path", ...}}.`;

function parseObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseJsonKeepingFloats(text);
  } catch (error) {
    throw new WfvError("bad_request", `${what} is not valid JSON: ${(error as Error).message}`, { argument: what });
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new WfvError("bad_request", `${what} must be a JSON object`, { argument: what });
  }
  return value as Record<string, unknown>;
}

export const resolveInputsCommand: CliCommand = {
  summary: "Resolve module inputs with their resolver_schema",
  usage: USAGE,
  run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      inputs: { type: "string" },
      context: { type: "string" },
      now: { type: "string" },
    }, false);
    if (positionals.length) throw new UsageError("unexpected arguments");
    if (values.inputs === undefined) throw new UsageError("--inputs is required");
    const inputs = parseObject(readTextArg(io, values.inputs), "--inputs");
    const context = values.context === undefined ? {} : parseObject(readTextArg(io, values.context), "--context");
    let now: TemplateContext["now"];
    if (values.now !== undefined) {
      let when: NaiveDateTime;
      try {
        when = NaiveDateTime.parseIso(values.now);
      } catch {
        throw new WfvError("bad_request", `--now must be a naive ISO date-time, got ${JSON.stringify(values.now)}`, { now: values.now });
      }
      now = () => when;
    }
    const resolved = resolveWithSchema(inputs, {
      state: (context.state as Record<string, unknown>) ?? {},
      step: (context.step as Record<string, unknown>) ?? {},
      config: (context.config as Record<string, unknown>) ?? {},
      now,
    });
    printJson(io, { inputs: resolved });
    return EXIT_OK;
  },
};
