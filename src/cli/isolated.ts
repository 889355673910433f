/**
 * The `wfv` process's side of the budgets (tracker issue 11.1): `run`, `render` and `resolve` run in
 * a budgeted worker (a child Node process, src/node/isolate.ts) started from dist/cli-worker.js
 * (./isolated-entry.ts), which runs the same command line with `runWfv` and sends back what it
 * writes. This process prints that as it comes; when the worker goes over `--max-memory-mb` or
 * `--timeout` it prints the command's failure with `error_type: "limit_exceeded"` and exits 1.
 *
 * The worker reads this process's standard input itself (`-`, `@-`). `run` writes its DB file only
 * after a call that succeeded (atomically, ../db-file.ts), so a worker stopped mid-run leaves it as it was.
 */
import { parseArgs } from "node:util";
import { isWfvError, type WfvError } from "../core/errors";
import { limitExceeded, runIsolated, type LimitKind, type LimitSite } from "../node/isolate";
import { BUDGET_OPTIONS, budgetsFrom } from "./budgets";
import { EXIT_FAILURE, printJson, reportFailure, type CliIo, type CliProgress } from "./io";

/** The commands the `wfv` process runs under budgets. */
export const ISOLATED_COMMANDS: ReadonlySet<string> = new Set(["run", "render", "resolve"]);

/** `wfv <argv…>` runs in a budgeted worker: one of those commands, not asked for its help. */
export function isIsolated(argv: readonly string[]): boolean {
  const [name, ...rest] = argv;
  return name !== undefined && ISOLATED_COMMANDS.has(name) && !rest.includes("--help") && !rest.includes("-h");
}

/** Where the worker script is: dist/cli-worker.js beside dist/cli.js (`execArgv`: e.g. a TypeScript loader). */
export interface CliIsolation {
  workerFile: string;
  execArgv?: string[];
}

/** What ./isolated-entry.ts is given (WFV_ISOLATED_DATA). */
export interface IsolatedCommandData {
  argv: string[];
  cwd: string;
}

/** The messages the worker posts besides its answer (the exit code). */
export type IsolatedCommandMessage =
  | { wfv_output: "stdout" | "stderr"; text: string }
  | { wfv_progress: CliProgress }
  | { wfv_ready: true };

/** Runs `wfv <name> <args…>` in a budgeted worker and returns its exit code. */
export async function runCommandIsolated(name: string, args: string[], io: CliIo, isolation: CliIsolation): Promise<number> {
  let budgets;
  try {
    budgets = budgetsFrom(budgetValues(args));
  } catch (error) {
    return reportFailure(io, error);
  }
  // The module running when a budget ran out (`run` reports each module it starts).
  const site: LimitSite = { step_id: null, module_name: null };
  const data: IsolatedCommandData = { argv: [name, ...args], cwd: io.cwd };
  // The time budget is the command's: it starts when the worker has loaded (Node's own start-up, slow on
  // a busy machine, is not the command's). runIsolated's timer, that much later, covers a worker that never loads.
  const expiry = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (): void => {
    timer ??= setTimeout(() => expiry.abort(), budgets.runSeconds * 1000);
  };
  try {
    return await runIsolated<number>(
      { file: isolation.workerFile, execArgv: isolation.execArgv, stdin: "inherit", workerData: data },
      { ...budgets, runSeconds: budgets.runSeconds + LOAD_SECONDS },
      {
        site,
        signal: expiry.signal,
        onMessage: (received) => {
          const message = received as Partial<Record<string, unknown>>;
          if (message.wfv_output === "stdout") io.stdout(String(message.text));
          else if (message.wfv_output === "stderr") io.stderr(String(message.text));
          else if (message.wfv_progress) Object.assign(site, message.wfv_progress);
          else if (message.wfv_ready) arm();
        },
      },
    );
  } catch (error) {
    const limit: LimitKind | null = expiry.signal.aborted ? "time" : isWfvError(error) && error.errorType === "limit_exceeded" ? (error.details.limit as LimitKind) : null;
    if (limit) return reportLimit(name, args, io, limitExceeded(limit, budgets, site));
    return reportFailure(io, error);
  } finally {
    clearTimeout(timer);
  }
}

/** How long the worker may take to load, on top of the time budget, before that counts as going over it. */
const LOAD_SECONDS = 30;

/** The budget options of a command line, read past the command's other options (which the worker checks). */
function budgetValues(args: string[]): { "max-memory-mb"?: string; timeout?: string } {
  const { values } = parseArgs({ args, options: BUDGET_OPTIONS, strict: false, allowPositionals: true });
  const text = (value: unknown): string | undefined => (typeof value === "string" ? value : value === undefined ? undefined : "");
  return { "max-memory-mb": text(values["max-memory-mb"]), timeout: text(values.timeout) };
}

/** A limit in the command's own failure shape: `run` answers as a failed call (error_type in `result`), the rest `{"error", "error_type", "details"}`. */
function reportLimit(name: string, args: string[], io: CliIo, error: WfvError): number {
  if (name !== "run") return reportFailure(io, error);
  // Loaded here, not up front: the `wfv` process runs the command in the worker and needs no engine of its own.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
  const { failureResponse } = require("../core/virtual") as typeof import("../core/virtual");
  const response = failureResponse(error, null);
  if (!args.includes("--print-db")) delete (response.result as { virtual_db?: unknown }).virtual_db;
  printJson(io, response, args.includes("--pretty"));
  return EXIT_FAILURE;
}
