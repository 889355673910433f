/**
 * `wfv run`: one virtual `execute` call from the command line. The workflow file is resolved with its
 * `$ref`s; the DB lives in a file (the compressed blob), read before the call and replaced atomically
 * after it — only when the call did not fail, so a failure never touches the file.
 */
import { dirname, resolve } from "node:path";
import { WfvError } from "../../core/errors";
import type { InteractionResponseData } from "../../core/engine/types";
import { EventType } from "../../core/repositories";
import { attachErrorSource, execute, failureResponse, type VirtualSession } from "../../core/virtual";
import type { ResolvedWorkflowSource } from "../../core/workflow/ref-resolver";
import { EXIT_FAILURE, EXIT_OK, UsageError, parseCommandArgs, printJson, readJsonArg, resolvePath, type CliCommand, type CliIo } from "../io";
import { BUDGET_OPTIONS, budgetUsage, budgetsFrom } from "../budgets";
import { readDbText, writeDbText } from "../db-file";
import { pinnedRun } from "../pins-file";
import { directoryFileReader, resolveWorkflowFile } from "../workspace-files";

const usage = `Usage: wfv run <workflow.json> --step <step_id> --module <name> [options]

Runs a module virtually (virtual-execution.md "The execute call") and prints the response JSON.

Options:
  --step <id>            Step that holds the target module (required).
  --module <name>        The target module's name (required).
  --db <file>            Virtual DB file (compressed blob). Read when it exists (else a fresh DB);
                         written after the call unless the call failed.
  --response <json|@f>   The answer to the pending interaction (InteractionResponseData).
  --mode <module|up_to>  module (default): only the target. up_to: from the run's position through
                         the target, answering earlier interactions from remembered answers or by
                         auto-selection.
  --answers <json|@f>    up_to: scripted answers keyed "step_id/module_name" (InteractionResponseData
                         each); they come before remembered answers.
  --no-default-answers   up_to in mock mode: stop at an interaction that no scripted or remembered
                         answer and no auto-selection can answer, instead of answering it with mock
                         defaults (text default, form defaults, first mock media, pause acknowledged,
                         review accepted as it is). The response's auto_answers says which answer
                         each earlier interaction got, and from where.
  --no-mock              Allow real LLM/HTTP/media calls (mock mode is on by default).
  --pins <file>          Pinned outputs (.wfv/pins.json beside the workflow): a pinned module does
                         not run, its pinned outputs are used (its module_started names wfv.pinned).
  --print-db             Keep result.virtual_db in the printed response.
  --pretty               Indent the output.

Exit status: 0, or 1 when the response's status is "error" (error_type and details in result).

${budgetUsage()}`;

/** `--answers`: an object keyed `step_id/module_name`, each value an answer object. */
function readAnswers(io: CliIo, argument: string): Record<string, InteractionResponseData> {
  const parsed = readJsonArg(io, argument, "--answers");
  const isObject = (value: unknown): value is Record<string, unknown> =>
    value !== null && typeof value === "object" && !Array.isArray(value);
  if (!isObject(parsed)) throw new WfvError("bad_request", "--answers must be a JSON object", { argument: "--answers" });
  for (const [key, answer] of Object.entries(parsed)) {
    if (!/^[^/]+\/[^/]+$/.test(key) || !isObject(answer)) {
      throw new WfvError("bad_request", `--answers: '${key}' must be "step_id/module_name" with an answer object`, {
        argument: "--answers",
        key,
      });
    }
  }
  return parsed as Record<string, InteractionResponseData>;
}

/** Tells `io.progress` each module the session starts (its `module_started` event), as it is stored. */
function reportModuleStarts(session: VirtualSession, io: CliIo): void {
  const events = session.repos.events;
  const store = events.storeEvent.bind(events);
  events.storeEvent = (input) => {
    if (input.eventType === EventType.MODULE_STARTED) io.progress?.({ step_id: input.stepId ?? null, module_name: input.moduleName ?? null });
    return store(input);
  };
}

export const runCommand: CliCommand = {
  summary: "Run a module virtually (module or up_to mode) and print the response",
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      step: { type: "string" },
      module: { type: "string" },
      db: { type: "string" },
      response: { type: "string" },
      mode: { type: "string" },
      "no-mock": { type: "boolean" },
      answers: { type: "string" },
      "no-default-answers": { type: "boolean" },
      "print-db": { type: "boolean" },
      pretty: { type: "boolean" },
      pins: { type: "string" },
      ...BUDGET_OPTIONS,
    });
    budgetsFrom(values);
    if (positionals.length !== 1) throw new UsageError("run takes exactly one workflow file");
    if (!values.step) throw new UsageError("--step is required");
    if (!values.module) throw new UsageError("--module is required");
    const mode = values.mode ?? "module";
    if (mode !== "module" && mode !== "up_to") throw new UsageError(`--mode must be module or up_to, got '${mode}'`);
    const pretty = values.pretty ?? false;

    let workflow: unknown;
    let source: ResolvedWorkflowSource | undefined;
    const workflowPath = resolvePath(io, positionals[0]!);
    // The workflow's folder: errors say where they are written in its files (details.source).
    const files = directoryFileReader(dirname(resolve(workflowPath)));
    let response: Record<string, unknown> | null = null;
    let blob: string | null = null;
    let answers: Record<string, InteractionResponseData> | undefined;
    let pinned: ReturnType<typeof pinnedRun> | undefined;
    try {
      source = resolveWorkflowFile(workflowPath);
      workflow = source.workflow;
      if (values.response !== undefined) {
        const parsed = readJsonArg(io, values.response, "--response");
        if (parsed !== null && (typeof parsed !== "object" || Array.isArray(parsed))) {
          throw new WfvError("bad_request", "--response must be a JSON object", { argument: "--response" });
        }
        response = parsed as Record<string, unknown> | null;
      }
      if (values.answers !== undefined) answers = readAnswers(io, values.answers);
      if (values.db) blob = readDbText(io, values.db);
      if (values.pins) pinned = pinnedRun(io, values.pins, workflow);
    } catch (error) {
      if (!(error instanceof WfvError)) throw error;
      // A `$ref` failure names its file and JSON path; the source adds the line and column.
      printJson(io, attachErrorSource(failureResponse(error, null), { workflow: {}, entry: "", sources: [], files: [] }, (file) => files.read(file)), pretty);
      return EXIT_FAILURE;
    }

    const result = await execute({
      workflow: pinned ? pinned.workflow : workflow,
      virtual_db: blob,
      target_step_id: values.step,
      target_module_name: values.module,
      response,
      mode,
      mock: !values["no-mock"],
      default_answers: !values["no-default-answers"],
      answers,
      db_format: values.db || values["print-db"] ? "compressed" : "none",
    }, pinned?.engine, io.progress ? (session) => reportModuleStarts(session, io) : undefined);
    io.progress?.({ step_id: null, module_name: null });

    if (source) attachErrorSource(result, source, (file) => files.read(file));
    if (result.status !== "error" && values.db && typeof result.result.virtual_db === "string") {
      writeDbText(io, values.db, result.result.virtual_db);
    }
    if (!values["print-db"]) delete result.result.virtual_db;
    printJson(io, result, pretty);
    return result.status === "error" ? EXIT_FAILURE : EXIT_OK;
  },
};
