import { UsageError, type CliCommand } from "../io";

export const serveCommand: CliCommand = {
  summary: "Serve the virtual execution HTTP API on a loopback port",
  usage: "wfv serve (not implemented yet)",
  run() {
    throw new UsageError("wfv serve is not implemented yet");
  },
};
