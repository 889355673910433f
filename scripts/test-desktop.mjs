// `npm run test:desktop`: the in-host tests (test/e2e/in-host/index.ts, an `extensionTestsPath` module)
// in VS Code desktop, launched by @vscode/test-electron. It needs a machine that can download VS Code
// desktop (or WFV_DESKTOP_EXECUTABLE pointing at an installed one) and a display (on a headless Linux
// machine: `xvfb-run -a npm run test:desktop`). `npm test` runs the same module in code-server
// (test/e2e/vscode.test.ts), which needs no download; this script is for checking against desktop.
//
// Env: WFV_DESKTOP_VERSION (default "stable"), WFV_DESKTOP_EXECUTABLE (skip the download),
// WFV_VSCODE_HOME (where the download is cached, under desktop/; default ~/.cache/wfv-vscode).
// The run is a fresh workspace (the e2e one), user data and extensions folder, all removed afterwards.
// test-electron always passes --disable-workspace-trust, so this covers the trusted half of the module;
// the Restricted Mode half runs in code-server only.
import { mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { downloadAndUnzipVSCode, runTests } from "@vscode/test-electron";
// The same in-host test bundle and workspace as the code-server runs (loaded through tsx).
import { bundleInHostTests, makeWorkspace } from "../test/e2e/harness.ts";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const home = process.env.WFV_VSCODE_HOME ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "wfv-vscode");
const log = (message) => console.error(`[test:desktop] ${message}`);

async function vscodeExecutable() {
  if (process.env.WFV_DESKTOP_EXECUTABLE) return process.env.WFV_DESKTOP_EXECUTABLE;
  const version = process.env.WFV_DESKTOP_VERSION ?? "stable";
  try {
    return await downloadAndUnzipVSCode({ version, cachePath: join(home, "desktop") });
  } catch (error) {
    log(`cannot download VS Code desktop here (${version}): ${error?.message ?? error}`);
    log("the same in-host tests run in code-server by npm test (test/e2e/vscode.test.ts);");
    log("or set WFV_DESKTOP_EXECUTABLE to an installed VS Code's executable.");
    return undefined;
  }
}

async function main() {
  const executable = await vscodeExecutable();
  if (!executable) return 1;
  if (process.platform === "linux" && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    log("no display (DISPLAY is unset): VS Code desktop cannot start; run `xvfb-run -a npm run test:desktop`.");
    return 1;
  }
  const testsJs = await bundleInHostTests();
  const scratch = mkdtempSync(join(tmpdir(), "wfv-desktop-"));
  try {
    const workspace = makeWorkspace(scratch);
    await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: REPO,
      extensionTestsPath: testsJs,
      launchArgs: [
        workspace,
        "--disable-extensions",
        `--user-data-dir=${join(scratch, "user-data")}`,
        `--extensions-dir=${join(scratch, "extensions")}`,
      ],
    });
    log("in-host tests passed in VS Code desktop");
    return 0;
  } catch (error) {
    // A failing in-host test makes run() reject, VS Code exit non-zero and runTests reject.
    log(`in-host tests failed in VS Code desktop: ${error?.message ?? error}`);
    return 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

process.exitCode = await main();
