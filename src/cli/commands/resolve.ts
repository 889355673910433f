import { UsageError, type CliCommand } from "../io";

export const resolveCommand: CliCommand = {
  summary: "Resolve a workflow's $refs and print the resolved workflow",
  usage: "wfv resolve (not implemented yet)",
  run() {
    throw new UsageError("wfv resolve is not implemented yet");
  },
};
