import { UsageError, type CliCommand } from "../io";

export const historyCommand: CliCommand = {
  summary: "Print the interaction history of a virtual DB's run",
  usage: "wfv history (not implemented yet)",
  run() {
    throw new UsageError("wfv history is not implemented yet");
  },
};
