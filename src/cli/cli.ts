/**
 * `wfv`: the headless front door to the engine. JSON in, JSON out.
 * Each command lives in its own file under ./commands and is registered here. {@link runWfv} runs one
 * command line against a {@link CliIo} and returns the exit code; main.ts is the process around it.
 */
import { EXIT_OK, EXIT_USAGE, reportFailure, type CliCommand, type CliIo } from "./io";
import { dbCommand } from "./commands/db";
import { eventsCommand } from "./commands/events";
import { historyCommand } from "./commands/history";
import { lspCommand } from "./commands/lsp";
import { dapCommand } from "./commands/dap";
import { mockCommand } from "./commands/mock";
import { runCommand } from "./commands/run";
import { serveCommand } from "./commands/serve";
import { stateCommand } from "./commands/state";
import { testCommand } from "./commands/test";
import { modulesCommand } from "./commands/modules";
import { renderCommand } from "./commands/render";
import { queryStagesCommand } from "./commands/query-stages";
import { resolveCommand } from "./commands/resolve";
import { resolveInputsCommand } from "./commands/resolve-inputs";
import { isIsolated, runCommandIsolated, type CliIsolation } from "./isolated";

export { bufferedIo, processIo, type CliIo } from "./io";

const commands: Record<string, CliCommand> = {
  resolve: resolveCommand,
  db: dbCommand,
  render: renderCommand,
  "query-stages": queryStagesCommand,
  "resolve-inputs": resolveInputsCommand,
  modules: modulesCommand,
  run: runCommand,
  state: stateCommand,
  events: eventsCommand,
  history: historyCommand,
  serve: serveCommand,
  lsp: lspCommand,
  dap: dapCommand,
  mock: mockCommand,
  test: testCommand,
};

function helpText(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return ["Usage: wfv <command> [options]", "", "Commands:", ...lines, "", "wfv <command> --help shows a command's options."].join("\n");
}

export interface RunWfvOptions {
  /** Run `run`, `render` and `resolve` in a budgeted worker (`--max-memory-mb`, `--timeout`); the `wfv` process does. Without it they run in this process, their budgets checked but not enforced. */
  isolation?: CliIsolation;
}

/**
 * Runs `wfv <argv…>` (argv without node and the script) and returns its exit code: 0, 1 for a failure
 * (printed as `{"error", "error_type", "details"}`), 2 for a usage error. `serve` and `lsp` use the
 * process itself (signals, the LSP transport) and run until it stops.
 */
export async function runWfv(argv: readonly string[], io: CliIo, options: RunWfvOptions = {}): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout(helpText() + "\n");
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = commands[name];
  if (!command) {
    io.stderr(`wfv: unknown command '${name}'\n\n${helpText()}\n`);
    return EXIT_USAGE;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout(command.usage + "\n");
    return EXIT_OK;
  }
  if (options.isolation && isIsolated(argv)) return runCommandIsolated(name, rest, io, options.isolation);
  try {
    return await command.run(rest, io);
  } catch (error) {
    return reportFailure(io, error);
  }
}
