import { UsageError, type CliCommand } from "../io";

export const stateCommand: CliCommand = {
  summary: "Print the state rebuilt from a virtual DB's events",
  usage: "wfv state (not implemented yet)",
  run() {
    throw new UsageError("wfv state is not implemented yet");
  },
};
