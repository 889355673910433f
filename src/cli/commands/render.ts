import { UsageError, type CliCommand } from "../io";

export const renderCommand: CliCommand = {
  summary: "Render a Jinja2 template exactly as the original engine",
  usage: "wfv render (not implemented yet)",
  run() {
    throw new UsageError("wfv render is not implemented yet");
  },
};
