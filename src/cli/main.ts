/**
 * The `wfv` process: runs the command line with the process's io (./cli.ts) and sets the exit code;
 * `run`, `render` and `resolve` under their budgets, in dist/cli-worker.js beside this bundle.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { processIo, reportFailure } from "./io";
import { isIsolated, runCommandIsolated, type CliIsolation } from "./isolated";

// A closed pipe (`wfv … | head`) is the reader's choice, not a failure.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

const io = processIo();
const argv = process.argv.slice(2);
// From source (under tsx, as `wfv test`'s tests start it): the worker's entry beside this file, with tsx's hook.
const isolation: CliIsolation = __filename.endsWith(".ts")
  ? { workerFile: join(__dirname, "isolated-entry.ts"), execArgv: ["--require", createRequire(__filename).resolve("tsx/cjs")] }
  : { workerFile: join(__dirname, "cli-worker.js") };
// A budgeted command runs in the worker: this process does not load the engine and the other commands for it.
const run = isIsolated(argv)
  ? runCommandIsolated(argv[0]!, argv.slice(1), io, isolation)
  : // eslint-disable-next-line @typescript-eslint/no-require-imports -- evaluated only for the commands this process runs itself
    (require("./cli") as typeof import("./cli")).runWfv(argv, io, { isolation });
run.then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.exitCode = reportFailure(io, error);
  },
);
