import { UsageError, type CliCommand } from "../io";

export const eventsCommand: CliCommand = {
  summary: "Print the events of a virtual DB's run",
  usage: "wfv events (not implemented yet)",
  run() {
    throw new UsageError("wfv events is not implemented yet");
  },
};
