import { UsageError, type CliCommand } from "../io";

export const resolveInputsCommand: CliCommand = {
  summary: "Resolve module inputs with their resolver_schema",
  usage: "wfv resolve-inputs (not implemented yet)",
  run() {
    throw new UsageError("wfv resolve-inputs is not implemented yet");
  },
};
