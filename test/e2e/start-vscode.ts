/**
 * `npm start`: a real VS Code (code-server, installed by scripts/install-vscode-harness.mjs) on 127.0.0.1 with wfv loaded from
 * this folder and an example workspace holding the cc workflow. Prints the URL; Ctrl+C stops it.
 * The workspace and VS Code's state (so the virtual DBs too) persist in .wfv-tmp/ between starts.
 * Env: WFV_PORT (default: a free port), WFV_WORKSPACE (another folder to open).
 */
import { cpSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { REPO, startServer, unavailableReason } from "./harness";

async function main(): Promise<void> {
  const why = unavailableReason();
  if (why) throw new Error(`cannot start VS Code: ${why}`);
  const base = join(REPO, ".wfv-tmp");
  let workspace = process.env.WFV_WORKSPACE;
  if (!workspace) {
    workspace = join(base, "workspace");
    if (!existsSync(join(workspace, "cc"))) {
      mkdirSync(workspace, { recursive: true });
      cpSync(join(REPO, "examples", "workflows", "cc"), join(workspace, "cc"), { recursive: true });
    }
  }
  const state = join(base, "vscode-state");
  mkdirSync(state, { recursive: true });
  const server = await startServer({
    workspace,
    extension: REPO,
    load: "link",
    name: "start",
    state,
    port: process.env.WFV_PORT ? Number(process.env.WFV_PORT) : undefined,
  });
  const url = `${server.url}/?folder=${encodeURIComponent(workspace)}`;
  console.log(`\nwfv is running in VS Code: ${url}\n`);
  console.log("Open cc/steps/1_user_input/step.json and click “Run module virtually”. Ctrl+C stops VS Code.");
  console.log(`(workspace: ${workspace}; VS Code state and logs: ${state})`);
  const stop = () => {
    void server.stop().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
