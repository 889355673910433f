import { createConnection, ProposedFeatures } from "vscode-languageserver/node";
import { startServer } from "../../server/start";
import { UsageError, type CliCommand } from "../io";

const TRANSPORTS = ["--stdio", "--node-ipc", "--socket", "--pipe"];

export const lspCommand: CliCommand = {
  summary: "Run the workflow language server (LSP over --stdio)",
  usage: [
    "wfv lsp --stdio",
    "",
    "Runs the workflow language server: diagnostics, completion, hover and go to definition for workflow",
    "and step files, their $ref'd files and Jinja2 templates. Talks LSP over stdin/stdout (--stdio), or",
    "--node-ipc / --socket=<port> / --pipe=<name>. Runs until the client sends exit or closes the stream.",
  ].join("\n"),
  // The language server owns the process's stdin/stdout (and its exit), so it takes no io.
  run(args) {
    if (!args.some((arg) => TRANSPORTS.some((transport) => arg === transport || arg.startsWith(`${transport}=`)))) {
      throw new UsageError("wfv lsp needs a transport: --stdio (or --node-ipc, --socket=<port>, --pipe=<name>)");
    }
    // createConnection reads the transport from process.argv; with --stdio it also routes console.* to
    // the client, so nothing else can write to stdout.
    startServer(createConnection(ProposedFeatures.all));
    // The connection ends the process itself (exit notification or end of input).
    return new Promise<number>(() => {});
  },
};
