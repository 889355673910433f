import { UsageError, type CliCommand } from "../io";

export const runCommand: CliCommand = {
  summary: "Run a module virtually (module or up_to mode) and print the response",
  usage: "wfv run (not implemented yet)",
  run() {
    throw new UsageError("wfv run is not implemented yet");
  },
};
