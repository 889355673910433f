import { UsageError, type CliCommand } from "../io";

export const modulesCommand: CliCommand = {
  summary: "List every registered module with its declared inputs and outputs",
  usage: "wfv modules (not implemented yet)",
  run() {
    throw new UsageError("wfv modules is not implemented yet");
  },
};
