import { UsageError, type CliCommand } from "../io";

export const mockCommand: CliCommand = {
  summary: "Generate deterministic mock data from a JSON schema",
  usage: "wfv mock (not implemented yet)",
  run() {
    throw new UsageError("wfv mock is not implemented yet");
  },
};
