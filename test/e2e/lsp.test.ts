/**
 * The workflow language server in a real VS Code (code-server + Chromium, driven by Playwright): the
 * extension in this repository starts it, an unknown module_id shows up in the Problems panel, and a
 * completion list with the state keys appears after typing `{{ state.` in a server-resolved input.
 *
 * Self-contained: starts code-server with ../shared/vscode-e2e/start.sh (the repository folder as the
 * extension, built by pretest), stops it in `finally`. Needs ../shared/vscode-e2e/install.sh to have run.
 * WFV_E2E_EXTENSION_DIR points it at another extension folder (to try the client on its own).
 * Holds the shared "one real VS Code at a time" lock of ./harness while code-server runs.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { acquireVscodeLock } from "./harness";
import { goToLine, openFile } from "./workbench";

const REPO = resolve(__dirname, "..", "..");
const E2E = resolve(process.env.WFV_SHARED_DIR ?? join(REPO, "..", "shared"), "vscode-e2e");
const E2E_HOME = process.env.VSCODE_E2E_HOME ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "vscode-e2e");
const EXTENSION = resolve(process.env.WFV_E2E_EXTENSION_DIR ?? REPO);

function skipReason(): string | undefined {
  if (process.env.WFV_SKIP_E2E === "1") return "WFV_SKIP_E2E=1";
  if (!existsSync(join(E2E_HOME, "code-server", "node_modules", "code-server"))) return `code-server not installed in ${E2E_HOME} (run ${E2E}/install.sh)`;
  if (!existsSync(process.env.VSCODE_E2E_CHROMIUM ?? "/usr/bin/chromium")) return "chromium not installed";
  if (!existsSync(join(EXTENSION, "dist", "server.js"))) return "dist/server.js not built (npm run build)";
  // The extension starts the client only once its activate() calls startLanguageClient (src/extension/extension.ts).
  const main = join(EXTENSION, JSON.parse(readFileSync(join(EXTENSION, "package.json"), "utf8")).main ?? "dist/extension.js");
  if (!existsSync(main) || !readFileSync(main, "utf8").includes("wfv/virtualState")) {
    return "the extension does not start the language client yet (activate() must call startLanguageClient)";
  }
  return undefined;
}

const WORKFLOW = `{
  "workflow_id": "lsp_e2e",
  "steps": [
    {
      "step_id": "one",
      "modules": [
        {"module_id": "user.text_input", "name": "ask", "inputs": {"prompt": "Colors?"}, "outputs_to_state": {"value": "favourite_colors"}}
      ]
    },
    {
      "step_id": "two",
      "modules": [
        {"module_id": "user.selec", "name": "typo", "inputs": {"data": [], "schema": {}}},
        {
          "module_id": "io.render_template",
          "name": "summary",
          "inputs": {
            "resolver_schema": {"type": "object", "properties": {"template": {"resolver": "server"}}},
            "template": "Colors: "
          }
        }
      ]
    }
  ]
}
`;

describe("language server in VS Code (code-server)", { skip: skipReason(), timeout: 240_000 }, () => {
  it("shows an unknown module_id in the Problems panel and state keys after {{ state.", async () => {
    const work = mkdtempSync(join(tmpdir(), "wfv-lsp-e2e-"));
    const ws = join(work, "ws");
    mkdirSync(join(ws, "wf"), { recursive: true });
    writeFileSync(join(ws, "wf", "workflow.json"), WORKFLOW);
    const state = join(work, "state");
    const artifacts = join(REPO, ".test-artifacts", "e2e", "lsp");
    mkdirSync(artifacts, { recursive: true });
    const release = await acquireVscodeLock();
    const started = spawnSync("bash", [join(E2E, "start.sh"), ws, EXTENSION], {
      encoding: "utf8",
      env: { ...process.env, VSCODE_E2E_STATE: state, VSCODE_E2E_LOAD: "link" },
    });
    let browser: { close(): Promise<void>; newPage(options: unknown): Promise<any> } | undefined;
    let page: any;
    try {
      assert.equal(started.status, 0, `start.sh failed:\n${started.stdout}\n${started.stderr}`);
      for (const line of started.stdout.split("\n")) {
        const match = /^(VSCODE_E2E_[A-Z_]+)=(.*)$/.exec(line);
        if (match) process.env[match[1]!] = match[2]!;
      }
      process.env.VSCODE_E2E_ARTIFACTS = artifacts;
      delete process.env.VSCODE_E2E_DEV_PATH;
      const vs = createRequire(__filename)(join(E2E, "lib", "vscode-web.js"));
      browser = await vs.launchBrowser();
      page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
      page.setDefaultTimeout(60_000);
      await vs.openWorkbench(page);
      await openFile(page, "wf/workflow.json");

      // Problems panel: the diagnostic pushed by the server.
      await page.keyboard.press("Control+Shift+M");
      const problem = page.locator(".markers-panel .monaco-list-row", { hasText: "Unknown module_id 'user.selec'" });
      await problem.first().waitFor({ timeout: 120_000 });
      assert.match(await problem.first().innerText(), /did you mean 'user\.select'/);
      await vs.screenshot(page, "lsp-01-problems");

      // Completion: type `{{ state.` inside the server-resolved template string.
      const line = WORKFLOW.split("\n").findIndex((text) => text.includes('"template": "Colors: "')) + 1;
      const column = WORKFLOW.split("\n")[line - 1]!.indexOf("Colors: ") + "Colors: ".length + 1;
      await page.locator(".editor-instance .monaco-editor .view-lines").first().click();
      await goToLine(page, line, column);
      await page.keyboard.type("{{ state.");
      const suggestion = page.locator(".editor-widget.suggest-widget .monaco-list-row", { hasText: "favourite_colors" });
      try {
        await suggestion.first().waitFor({ timeout: 20_000 });
      } catch {
        await page.keyboard.press("Control+Space"); // quick suggestions off in strings: ask explicitly
        await suggestion.first().waitFor({ timeout: 60_000 });
      }
      const rows = await page.locator(".editor-widget.suggest-widget .monaco-list-row").allInnerTexts();
      assert.ok(rows.some((row: string) => row.includes("ask")), rows.join(" | "));
      assert.ok(!rows.some((row: string) => row.includes("summary")), rows.join(" | "));
      await vs.screenshot(page, "lsp-02-completion");
    } catch (error) {
      if (page) await page.screenshot({ path: join(artifacts, "lsp-failure.png") }).catch(() => {});
      throw error;
    } finally {
      if (browser) await browser.close().catch(() => {});
      spawnSync("bash", [join(E2E, "stop.sh"), state], { stdio: "ignore" });
      release();
      rmSync(work, { recursive: true, force: true });
    }
  });
});
