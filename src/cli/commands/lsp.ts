import { UsageError, type CliCommand } from "../io";

export const lspCommand: CliCommand = {
  summary: "Run the workflow language server (LSP over --stdio)",
  usage: "wfv lsp --stdio (not implemented yet)",
  run() {
    throw new UsageError("wfv lsp is not implemented yet");
  },
};
