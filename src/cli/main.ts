/**
 * `wfv`: the headless front door to the engine. JSON in, JSON out.
 * Each command lives in its own file under ./commands and is registered here.
 */
import { EXIT_OK, EXIT_USAGE, reportFailure, type CliCommand } from "./io";
import { dbCommand } from "./commands/db";
import { eventsCommand } from "./commands/events";
import { historyCommand } from "./commands/history";
import { lspCommand } from "./commands/lsp";
import { mockCommand } from "./commands/mock";
import { runCommand } from "./commands/run";
import { serveCommand } from "./commands/serve";
import { stateCommand } from "./commands/state";
import { modulesCommand } from "./commands/modules";
import { renderCommand } from "./commands/render";
import { resolveCommand } from "./commands/resolve";
import { resolveInputsCommand } from "./commands/resolve-inputs";

const commands: Record<string, CliCommand> = {
  resolve: resolveCommand,
  db: dbCommand,
  render: renderCommand,
  "resolve-inputs": resolveInputsCommand,
  modules: modulesCommand,
  run: runCommand,
  state: stateCommand,
  events: eventsCommand,
  history: historyCommand,
  serve: serveCommand,
  lsp: lspCommand,
  mock: mockCommand,
};

function helpText(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return ["Usage: wfv <command> [options]", "", "Commands:", ...lines, "", "wfv <command> --help shows a command's options."].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(helpText() + "\n");
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`wfv: unknown command '${name}'\n\n${helpText()}\n`);
    return EXIT_USAGE;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(command.usage + "\n");
    return EXIT_OK;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    return reportFailure(error);
  }
}

// A closed pipe (`wfv … | head`) is the reader's choice, not a failure.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.exitCode = reportFailure(error);
  },
);
