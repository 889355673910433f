/**
 * The workflow language server in a real VS Code (code-server + Chromium, driven by Playwright): the
 * extension in this repository starts it, an unknown module_id shows up in the Problems panel, and a
 * completion list with the state keys appears after typing `{{ state.` in a server-resolved input.
 *
 * Self-contained: starts code-server through ./harness (the repository folder as the extension, built
 * by pretest) and stops it in `finally`. WFV_E2E_EXTENSION_DIR points it at another extension folder
 * (to try the client on its own).
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { launchBrowser, openWorkbench, screenshot } from "./browser";
import { REPO, startServer, unavailableReason, type Server } from "./harness";
import { goToLine, openFile } from "./workbench";

const EXTENSION = resolve(process.env.WFV_E2E_EXTENSION_DIR ?? REPO);

function skipReason(): string | undefined {
  const why = unavailableReason();
  if (why) return why;
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
    let server: Server | undefined;
    let browser: { close(): Promise<void>; newPage(options: unknown): Promise<any> } | undefined;
    let page: any;
    try {
      server = await startServer({ workspace: ws, extension: EXTENSION, load: "link", name: "lsp" });
      const artifacts = server.artifacts;
      const vs = { screenshot: (p: any, name: string) => screenshot(p, artifacts, name) };
      browser = await launchBrowser();
      page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
      page.setDefaultTimeout(60_000);
      await openWorkbench(page, server);
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
      if (page && server) await screenshot(page, server.artifacts, "lsp-failure").catch(() => {});
      throw error;
    } finally {
      if (browser) await browser.close().catch(() => {});
      if (server) await server.stop();
      rmSync(work, { recursive: true, force: true });
    }
  });
});
