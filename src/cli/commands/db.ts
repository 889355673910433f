import { UsageError, type CliCommand } from "../io";

export const dbCommand: CliCommand = {
  summary: "A small shell over a virtual DB file",
  usage: "wfv db (not implemented yet)",
  run() {
    throw new UsageError("wfv db is not implemented yet");
  },
};
