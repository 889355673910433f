/**
 * wfv in a real VS Code (code-server + Debian Chromium + playwright-core; ./harness, ./browser), in one
 * file so `npm test` never runs two code-servers at once. In order:
 *   1. in-host tests (extensionTestsPath contract) in the Extension Development Host, trust off;
 *   2. the same module with Workspace Trust on (Restricted Mode);
 *   3. UI tests driving the workbench: lens → panel → Dog → Submit → outputs; Run up to here;
 *      window reload; Virtual: Reset DB; a broken template's resolution_failed and Go to source;
 *   4. the packaged .vsix (`npm run package`) installed into code-server, first UI test again.
 * Every server and browser is stopped in `after`/`finally`, also on failure. Screenshots go to
 * .test-artifacts/e2e/<phase>/. No sleeps: every wait is for a DOM state, a file or an event.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import { outline } from "../../src/extension/outline";
import { activeTab, choose, goToLine, openFile, reloadWindow, runCommand } from "./workbench";
import { acquireVscodeLock, bundleInHostTests, makeWorkspace, REPO, runInHost, startServer, unavailableReason, type Server } from "./harness";
import { codeLens, launchBrowser, openWorkbench, screenshot, waitForCodeLenses, webview } from "./browser";

const skip = unavailableReason();
/** The server the UI tests drive now: screenshots go to its artifacts, files are read from its workspace. */
let current: Server;
const useServer = (server: Server) => (current = server);
const vs = {
  launchBrowser,
  openWorkbench: (page: any) => openWorkbench(page, current),
  screenshot: (page: any, name: string) => screenshot(page, current.artifacts, name),
  webview,
  codeLens,
  waitForCodeLenses,
};
describe("wfv in a real VS Code (code-server)", { skip }, () => {
  let scratch: string;
  let testsJs: string;

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), "wfv-e2e-"));
    testsJs = await bundleInHostTests();
  });
  after(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  describe("in-host tests (extensionTestsPath), Extension Development Host", () => {
    it("activation, lenses on workflow and step files, runs, storage round trip, unreadable storage, reset", async () => {
      const server = await startServer({ workspace: makeWorkspace(join(scratch, "host")), extension: REPO, load: "devpath", name: "in-host" });
      try {
        const { code, lines } = await runInHost(server, testsJs);
        assert.equal(code, 0, lines.filter((l) => l.startsWith("not ok")).join("\n") || `exit ${code}`);
        assert.ok(lines.filter((l) => l.startsWith("ok")).length >= (process.env.WFV_IN_HOST_ONLY ? 1 : 10), lines.join("\n"));
      } finally {
        await server.stop();
      }
    });

    it("Workspace Trust: in Restricted Mode the lenses explain and nothing runs", async () => {
      const server = await startServer({ workspace: makeWorkspace(join(scratch, "trust")), extension: REPO, load: "devpath", trust: true, name: "trust" });
      try {
        const { code, lines } = await runInHost(server, testsJs);
        assert.equal(code, 0, lines.filter((l) => l.startsWith("not ok")).join("\n") || `exit ${code}`);
        assert.ok(lines.some((l) => l.includes("workspace restricted")), lines.join("\n"));
      } finally {
        await server.stop();
      }
    });
  });

  describe("UI tests (workbench driven by Playwright)", () => {
    let server: Server;
    let browser: any;
    let page: any;

    before(async () => {
      server = await startServer({ workspace: makeWorkspace(join(scratch, "ui")), extension: REPO, load: "link", name: "ui" });
      useServer(server);
      browser = await vs.launchBrowser();
      page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      page.setDefaultTimeout(60000);
      await vs.openWorkbench(page);
    });
    afterEach(async (t: { name: string }) => {
      if (page) await vs.screenshot(page, `after-${t.name.slice(0, 40).replace(/[^\w]+/g, "-")}`).catch(() => undefined);
    });
    after(async () => {
      if (page) await vs.screenshot(page, "99-final").catch(() => undefined);
      if (browser) await browser.close().catch(() => undefined);
      if (server) await server.stop();
    });

    it("Run module virtually on select_pet_type: pick Dog, Submit, the outputs hold Dog", async () => {
      await firstUiTest(page, "01");
    });

    it("Run up to here on select_scene shows the scene selection", async () => {
      await openFile(page, "cc/steps/2_scene_generation/step.json", shot(page));
      const lens = await moduleLens(page, "cc/steps/2_scene_generation/step.json", "select_scene", "Run up to here");
      await vs.screenshot(page, "04-scene-step-lenses");
      await lens.click();
      const wv = vs.webview(page);
      await wv.locator("#run-status", { hasText: "awaiting input" }).waitFor();
      await wv.locator(".run-header", { hasText: "select_scene" }).waitFor();
      await wv.locator(".interaction-title", { hasText: "Select a scene concept" }).waitFor();
      assert.ok((await wv.locator(".card").count()) >= 1, "scene cards are shown");
      await vs.screenshot(page, "05-scene-selection");
    });

    it("after a window reload the state is still there (status lenses, restored panel)", async () => {
      await reloadWindow(page, shot(page));
      // The restored panel first: the extension host is up and wfv active before keys are typed.
      const wv = vs.webview(page);
      await wv.locator(".run-header", { hasText: "select_scene" }).waitFor();
      await openFile(page, "cc/steps/1_user_input/step.json", shot(page));
      await moduleLens(page, "cc/steps/1_user_input/step.json", "select_pet_type", "completed");
      await vs.screenshot(page, "06-after-reload");
      // The restored interaction can still be answered.
      await wv.locator(".card").first().click();
      await wv.locator("vscode-button", { hasText: "Submit" }).click();
      await wv.locator("#run-status", { hasText: "completed" }).waitFor();
      await wv.locator(".view-outputs", { hasText: "selected_data" }).waitFor();
      await vs.screenshot(page, "06b-answered-after-reload");
    });

    it("Virtual: Reset DB empties it", async () => {
      // The command opens its own picker at once: that picker is its effect.
      const picker = page.locator('.quick-input-widget input[aria-label="Virtual: Reset DB"]');
      await runCommand(page, "Virtual: Reset DB", { effect: () => picker.waitFor({ timeout: 10_000 }).then(() => true, () => false), shot: shot(page) });
      await choose(page, "Current workflow");
      await vs.waitForCodeLenses(page, "completed", 0);
      assert.equal(await vs.codeLens(page, "Run module virtually").count() > 0, true);
      const wv = vs.webview(page);
      await wv.locator(".empty").waitFor();
      await vs.screenshot(page, "07-reset");
    });

    it("a broken template shows resolution_failed with a working Go to source link", async () => {
      await openFile(page, "broken/steps/step.json", shot(page));
      await (await moduleLens(page, "broken/steps/step.json", "greet", "Run module virtually")).click();
      const wv = vs.webview(page);
      await wv.locator("#error-type", { hasText: "resolution_failed" }).waitFor();
      await vs.screenshot(page, "08-resolution-failed");
      await wv.locator("#go-to-source").click();
      await activeTab(page, "step.json").waitFor();
      const expectedLine = readFileSync(join(server.workspace, "broken/steps/step.json"), "utf8").split("\n").findIndex((l) => l.includes("Hello {{")) + 1;
      await page.locator(".statusbar-item", { hasText: `Ln ${expectedLine},` }).first().waitFor();
      await vs.screenshot(page, "09-go-to-source");
    });
  });

  describe("the packaged .vsix", () => {
    it("npm run package builds a .vsix that installs into code-server; the first UI test passes against it", async () => {
      const vsix = join(REPO, "wfv.vsix");
      // Packaging rebuilds dist/ (minified): not while another test file's VS Code runs from it.
      const release = await acquireVscodeLock();
      let built;
      try {
        built = spawnSync("npm", ["run", "package", "--silent"], { cwd: REPO, encoding: "utf8" });
      } finally {
        release();
      }
      assert.equal(built.status, 0, `${built.stdout}\n${built.stderr}`);
      assert.ok(existsSync(vsix));
      const server = await startServer({ workspace: makeWorkspace(join(scratch, "vsix")), extension: vsix, load: "vsix", name: "vsix" });
      let browser: any;
      try {
        useServer(server);
        browser = await vs.launchBrowser();
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        page.setDefaultTimeout(60000);
        await vs.openWorkbench(page);
        await firstUiTest(page, "vsix-01");
      } finally {
        if (browser) await browser.close().catch(() => undefined);
        await server.stop();
      }
    });
  });
});

/**
 * The lens `title` above module `moduleName` of the open file `relPath`. Only visible lines are
 * rendered, so the module's line is revealed first (Go to Line); the lens's tooltip names the module.
 */
async function moduleLens(page: any, relPath: string, moduleName: string, title: string): Promise<any> {
  const text = readFileSync(join(current.workspace, relPath), "utf8");
  const anchor = outline(text).modules.find((m) => m.moduleName === moduleName);
  assert.ok(anchor, `${moduleName} not in ${relPath}`);
  const lens = page.locator(`.editor-instance .codelens-decoration a[title*="${moduleName} "]`, { hasText: title }).first();
  if (!(await lens.isVisible())) await goToLine(page, text.slice(0, anchor.offset).split("\n").length, undefined, shot(page));
  await lens.waitFor();
  return lens;
}

/** Screenshots of retried actions, beside the test's own. */
function shot(page: any): (name: string) => Promise<unknown> {
  return (name) => vs.screenshot(page, name);
}

/** The first UI test: step 1 file → Run module virtually on select_pet_type → Dog → Submit → outputs. */
async function firstUiTest(page: any, prefix: string): Promise<void> {
  await vs.screenshot(page, `${prefix}-workbench`);
  await openFile(page, "cc/steps/1_user_input/step.json", shot(page));
  const lens = await moduleLens(page, "cc/steps/1_user_input/step.json", "select_pet_type", "Run module virtually");
  await vs.screenshot(page, `${prefix}-lenses`);
  await lens.click();
  const wv = vs.webview(page);
  const dog = wv.locator(".card", { hasText: "Dog" }).first();
  await dog.waitFor();
  await vs.screenshot(page, `${prefix}-interaction`);
  await dog.click();
  assert.equal(await dog.getAttribute("aria-checked"), "true");
  await wv.locator("vscode-button", { hasText: "Submit" }).click();
  await wv.locator("#run-status", { hasText: "completed" }).waitFor();
  await wv.locator(".view-outputs", { hasText: "Dog" }).waitFor();
  await vs.screenshot(page, `${prefix}-outputs`);
}
