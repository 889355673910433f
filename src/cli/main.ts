/** The `wfv` process: runs the command line with the process's io (./cli.ts) and sets the exit code. */
import { runWfv } from "./cli";
import { processIo, reportFailure } from "./io";

// A closed pipe (`wfv … | head`) is the reader's choice, not a failure.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

const io = processIo();
runWfv(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.exitCode = reportFailure(io, error);
  },
);
