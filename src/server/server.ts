/**
 * Entry of `dist/server.js`: the workflow language server in its own Node process. The transport
 * comes from the command line (`--node-ipc` from vscode-languageclient, or `--stdio`).
 */
import { createConnection, ProposedFeatures } from "vscode-languageserver/node";
import { startServer } from "./start";

startServer(createConnection(ProposedFeatures.all));
