/**
 * The panel's interactions and errors in a real VS Code, driven through the UI (issue 12, items 1, 2,
 * 4, 9 and 11) on the fixture `interactions/workflow.json`:
 *   - a file_input answered with "Choose workspace file…" (VS Code's quick pick) completes, its outputs
 *     name the file;
 *   - "Virtual: Toggle Mock Mode" with the panel open flips its badge, which always matches wfv.mockMode;
 *   - a failed validation_pattern shows the module's validation_error under that module's header;
 *   - a real-mode provider error offers "Set API key" and "Switch to mock" (which runs it again, mocked);
 *   - a template typo: Go to source lands on the template's column, "Apply fix" applies the server's fix;
 *   - polish: a long module name does not wrap the header; nested objects render as rows; the
 *     screenshot .test-artifacts/screenshots/panel-interaction.png.
 * One code-server (./harness, its lock), one browser; no sleeps: every wait is for a DOM state or a file.
 */
import * as assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { outline } from "../../src/extension/outline";
import { codeLens, screenshot, webview } from "./browser";
import { REPO, unavailableReason, type Server } from "./harness";
import { uiSuite } from "./ui-suite";
import { activeTab, choose, goToLine, openFile, runCommand } from "./workbench";

const skip = process.env.CI === "true" ? undefined : unavailableReason();
const FILE = "interactions/workflow.json";
const LLM_MODULE = "summarize_the_whole_order_with_a_language_model_for_the_customer";
const VALIDATION_ERROR = "An order code is three capitals, a dash and three digits (ABC-123).";

describe("panel interactions and errors in a real VS Code (code-server)", { skip }, () => {
  let server: Server;
  let page: any;
  const shot = (name: string) => screenshot(page, server.artifacts, name);

  uiSuite(
    "interactions",
    async (started) => {
      ({ server, page } = started);
      await openFile(page, FILE, shot);
    },
  );

  /** Clicks the lens `title` above `moduleName` in the workflow file (revealed first: only visible lines have lenses). */
  async function clickLens(moduleName: string, title = "Run module virtually"): Promise<void> {
    await openFile(page, FILE, shot);
    const text = readFileSync(join(server.workspace, FILE), "utf8");
    const anchor = outline(text).modules.find((m) => m.moduleName === moduleName);
    assert.ok(anchor, `${moduleName} not in ${FILE}`);
    const lens = page.locator(`.editor-instance .codelens-decoration a[title*="${moduleName} "]`, { hasText: title }).first();
    if (!(await lens.isVisible())) await goToLine(page, text.slice(0, anchor.offset).split("\n").length, undefined, shot);
    await lens.click();
  }

  const badge = () => webview(page).locator(".panel-header vscode-badge");
  const mockSetting = () => {
    const settings = JSON.parse(readFileSync(join(server.state, "user-data", "User", "settings.json"), "utf8")) as Record<string, unknown>;
    return settings["wfv.mockMode"] !== false;
  };

  it("file input: Choose workspace file… → rex.png → Submit completes and the outputs name the file", async () => {
    await clickLens("upload_picture");
    const wv = webview(page);
    await wv.locator(".run-header", { hasText: "upload_picture" }).waitFor();
    await wv.locator("#choose-file").click();
    await page.locator(".quick-input-widget", { hasText: "pick a workspace file" }).waitFor();
    await choose(page, "rex.png");
    await wv.locator("#picked-file", { hasText: "rex.png" }).waitFor();
    await shot("01-file-picked");
    await wv.locator("vscode-button", { hasText: "Submit" }).click();
    await wv.locator("#run-status", { hasText: "completed" }).waitFor();
    await wv.locator(".view-outputs", { hasText: "rex.png" }).waitFor();
    assert.equal(await wv.locator("#error-type").count(), 0);
  });

  it("mock badge: Virtual: Toggle Mock Mode with the panel open flips it, and it matches wfv.mockMode", async () => {
    await badge().filter({ hasText: "mock" }).waitFor();
    assert.equal(mockSetting(), true);
    await runCommand(page, "Virtual: Toggle Mock Mode", { shot });
    await badge().filter({ hasText: "real" }).waitFor();
    assert.equal(mockSetting(), false);
    await shot("02-badge-real");
    await runCommand(page, "Virtual: Toggle Mock Mode", { shot });
    await badge().filter({ hasText: "mock" }).waitFor();
    assert.equal(mockSetting(), true);
  });

  it("validation_pattern: a wrong code shows the module's validation_error under ask_code's header", async () => {
    await clickLens("ask_code");
    const wv = webview(page);
    const section = wv.locator(".run", { has: wv.locator(".run-header", { hasText: "ask_code" }) });
    await section.locator(".interaction-text_input").waitFor();
    await wv.locator("#text-value input").fill("abc");
    await wv.locator("vscode-button", { hasText: "Submit" }).click();
    await section.locator(".problem", { hasText: VALIDATION_ERROR }).waitFor();
    await shot("03-validation-error");
    await wv.locator("#text-value input").fill("ABC-123");
    await wv.locator("vscode-button", { hasText: "Submit" }).click();
    await wv.locator("#run-status", { hasText: "completed" }).waitFor();
    await wv.locator(".view-outputs", { hasText: "ABC-123" }).waitFor();
  });

  it("provider error in real mode: Set API key and Switch to mock; Switch to mock runs it again, mocked", async () => {
    await runCommand(page, "Virtual: Toggle Mock Mode", { shot });
    await badge().filter({ hasText: "real" }).waitFor();
    await clickLens(LLM_MODULE);
    const wv = webview(page);
    await wv.locator("#error-type", { hasText: "execution_failed" }).waitFor();
    await wv.locator("#error-actions vscode-button", { hasText: "Set API key (openai)" }).waitFor();
    const toMock = wv.locator("#error-actions vscode-button", { hasText: "Switch to mock" });
    await toMock.waitFor();
    await shot("04-provider-error-actions");
    // A long module name stays on one line: ellipsis, the full name in the tooltip.
    const header = wv.locator(".run-header");
    assert.equal(await header.locator(".module-name").getAttribute("title"), LLM_MODULE);
    const box = await header.boundingBox();
    const lineHeight = await header.locator("#run-status").boundingBox();
    assert.ok(box && lineHeight && box.height < lineHeight.height * 2 + 8, `the header wraps: ${JSON.stringify(box)}`);
    // Set API key asks for the named provider's key at once (no provider picker).
    await wv.locator("#error-actions vscode-button", { hasText: "Set API key (openai)" }).click();
    await page.locator(".quick-input-widget", { hasText: "API key for openai" }).waitFor();
    await shot("04b-set-api-key");
    await page.keyboard.press("Escape");
    await page.locator(".quick-input-widget input").waitFor({ state: "hidden" });
    await toMock.click();
    await badge().filter({ hasText: "mock" }).waitFor();
    await wv.locator("#run-status", { hasText: "completed" }).waitFor();
    assert.equal(mockSetting(), true);
    await wv.locator(".view-outputs", { hasText: "response_text" }).waitFor();
    await shot("05-switched-to-mock");
  });

  it("template typo: Go to source lands on the template's column; Apply fix applies the language server's fix", async () => {
    await clickLens("greet_typo");
    const wv = webview(page);
    await wv.locator("#error-type", { hasText: "resolution_failed" }).waitFor();
    const apply = wv.locator("#error-actions vscode-button", { hasText: "Apply fix: Change to 'order_code'" });
    await apply.waitFor();
    await shot("06-apply-fix-offered");
    const text = readFileSync(join(server.workspace, FILE), "utf8");
    const at = text.indexOf("{{ state.order_cod.upper") + "{{ state.order_cod.upper".length;
    const line = text.slice(0, at).split("\n").length;
    const column = at - text.lastIndexOf("\n", at - 1);
    await wv.locator("#go-to-source").click();
    await activeTab(page, "workflow.json").waitFor();
    await page.locator(".statusbar-item", { hasText: `Ln ${line}, Col ${column}` }).first().waitFor();
    await shot("07-go-to-template-column");
    await apply.click();
    await until("the fix on disk", () => readFileSync(join(server.workspace, FILE), "utf8").includes("{{ state.order_code.upper() }}"));
    await clickLens("greet_typo");
    await wv.locator(".run-header", { hasText: "greet_typo" }).waitFor();
    await wv.locator(".interaction-title", { hasText: "Your code is ABC-123, right?" }).waitFor();
  });

  it("polish: nested objects as rows, a sticky Submit with the selection's summary; the screenshot", async () => {
    await clickLens("pick_plan");
    const wv = webview(page);
    const team = wv.locator(".card", { hasText: "Team" }).first();
    await team.waitFor();
    // limits: {seats, storage: {size, unit}} → nested rows, never raw JSON.
    assert.equal(await team.locator("text=/\\{\"/").count(), 0, "no raw JSON in the card");
    await team.locator(".card-fields dt", { hasText: "Seats" }).waitFor();
    await team.locator(".card-fields dt", { hasText: "Unit" }).waitFor();
    await team.click();
    await wv.locator(".submit-bar .selection-summary", { hasText: "Team" }).waitFor();
    const dir = join(REPO, ".test-artifacts", "screenshots");
    mkdirSync(dir, { recursive: true });
    await page.locator("iframe.webview.ready").last().screenshot({ path: join(dir, "panel-interaction.png") });
    await wv.locator("vscode-button", { hasText: "Submit" }).click();
    await wv.locator("#run-status", { hasText: "completed" }).waitFor();
    assert.ok((await codeLens(page, "Run module virtually").count()) > 0);
  });

  it("media: Generate shows progress and is disabled while it runs, then offers the generation", async () => {
    const step = "cc/steps/3_image_prompts/step.json";
    await openFile(page, step, shot);
    const text = readFileSync(join(server.workspace, step), "utf8");
    const anchor = outline(text).modules.find((m) => m.moduleName === "generate_and_select_images_v2");
    assert.ok(anchor);
    const lens = page.locator('.editor-instance .codelens-decoration a[title*="generate_and_select_images_v2 "]', { hasText: "Run up to here" }).first();
    if (!(await lens.isVisible())) await goToLine(page, text.slice(0, anchor.offset).split("\n").length, undefined, shot);
    await lens.click();
    const wv = webview(page);
    await wv.locator(".run-header", { hasText: "generate_and_select_images_v2" }).waitFor();
    const generate = wv.locator("vscode-button.generate").first();
    await generate.waitFor();
    const before = await wv.locator(".generations .card").count();
    // Record what the button and its progress line go through (a mock generation is quick to see).
    // Runs in the webview: no named inner functions (tsx would wrap them in a helper the page lacks).
    await generate.evaluate((button: any) => {
      const seen = ((globalThis as any).wfvSeen = { disabled: false, ring: false });
      const progress = button.parentElement.querySelector(".generate-progress");
      new (globalThis as any).MutationObserver(() => {
        if (button.hasAttribute("disabled")) seen.disabled = true;
        if (progress.querySelector("vscode-progress-ring")) seen.ring = true;
      }).observe(button.parentElement, { attributes: true, childList: true, subtree: true });
    });
    await generate.click();
    await wv.locator(".generations .card").nth(before).waitFor();
    // While it ran the button was disabled with a progress ring; afterwards it is enabled again.
    assert.deepEqual(await generate.evaluate(() => (globalThis as any).wfvSeen), { disabled: true, ring: true });
    assert.equal(await generate.getAttribute("disabled"), null, "Generate is enabled again");
    assert.equal(await wv.locator(".generate-progress vscode-progress-ring").count(), 0);
    await wv.locator(".generations .card").nth(before).click();
    await wv.locator(".submit-bar .selection-summary", { hasText: "Selected:" }).waitFor();
    const dir = join(REPO, ".test-artifacts", "screenshots");
    await page.locator("iframe.webview.ready").last().screenshot({ path: join(dir, "panel-media.png") });
  });
});

/** Polls a condition (a file on disk) until it holds; the browser-side waits are Playwright's own. */
async function until(what: string, probe: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
