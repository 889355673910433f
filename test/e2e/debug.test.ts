/**
 * The debugger in a real VS Code, driven through the UI (issue 14): on the fixture `debug/workflow.json`
 * (three modules, no interaction) a click in the editor's gutter sets a breakpoint on module `two`, the
 * lens "Debug up to here" above module `three` starts a `wfv` session, the session stops at the
 * breakpoint, the Variables view shows the State scope (with `first`, not `second`), and one click on
 * Step Over runs `two` (State then has `second`). Then "Debug up to here" on the inline fixture's
 * `pick_color`: the session stops on its interaction, the panel shows it, and Submit there answers it
 * (the session ends at its target, the panel says completed). Then "Debug up to here" on cc's analyze_image:
 * step 1's and 2's selects answered in the panel, and the media interaction's Generate run inside the
 * session (held mid-run there), its card picked and submitted. Screenshots go to .test-artifacts/e2e/debug/.
 * One code-server (./harness, its lock), one browser; no sleeps: every wait is for a DOM state.
 * Under CI=true a harness that is missing fails the suite instead of skipping it.
 */
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { outline } from "../../src/extension/outline";
import { screenshot, webview } from "./browser";
import { unavailableReason, type Server } from "./harness";
import { uiSuite } from "./ui-suite";
import { goToLine, openFile, runCommand } from "./workbench";

const skip = process.env.CI === "true" ? undefined : unavailableReason();
const FILE = "debug/workflow.json";

describe("the debugger in a real VS Code (code-server)", { skip }, () => {
  let server: Server;
  let page: any;
  const shot = (name: string) => screenshot(page, server.artifacts, name);

  uiSuite("debug", (started) => void ({ server, page } = started));

  /** The 1-based line of the first line of `file` holding `text`. */
  const lineOf = (text: string): number => readFileSync(join(server.workspace, FILE), "utf8").split("\n").findIndex((l) => l.includes(text)) + 1;

  /** Clicks "Debug up to here" above `moduleName` in `file` (open already; revealed first: only visible lines have lenses). */
  const debugUpTo = async (file: string, moduleName: string): Promise<void> => {
    const text = readFileSync(join(server.workspace, file), "utf8");
    const anchor = outline(text).modules.find((m) => m.moduleName === moduleName);
    assert.ok(anchor, `module ${moduleName}`);
    const lens = page.locator(`.editor-instance .codelens-decoration a[title*="${moduleName} "]`, { hasText: "Debug up to here" }).first();
    if (!(await lens.isVisible())) await goToLine(page, text.slice(0, anchor.offset).split("\n").length, undefined, shot);
    await lens.click();
  };

  /** A row of the Variables view. */
  const variable = (name: string) => page.locator(".debug-pane .monaco-list-row", { has: page.locator(".monaco-tl-contents", { hasText: new RegExp(`^\\s*${name}\\b`) }) }).first();

  it("gutter breakpoint on a module, Debug up to here, State in the Variables view, Step Over runs one module", async () => {
    await openFile(page, FILE, shot);
    const line = lineOf('"name": "two"');
    await goToLine(page, line, undefined, shot);
    // The lenses first: they push the lines down as they arrive.
    await page.locator('.editor-instance .codelens-decoration a[title*="two "]', { hasText: "Debug up to here" }).first().waitFor();
    // The glyph margin of that line: VS Code's own click target for breakpoints.
    const lineNumber = page.locator(".editor-instance .margin-view-overlays .line-numbers", { hasText: new RegExp(`^\\s*${line}\\s*$`) }).first();
    await lineNumber.waitFor();
    const box = await lineNumber.boundingBox();
    const margin = await page.locator(".editor-instance .margin").first().boundingBox();
    assert.ok(box && margin, "the line's margin is on screen");
    await page.mouse.move(margin.x + 8, box.y + box.height / 2);
    await page.mouse.click(margin.x + 8, box.y + box.height / 2);
    const glyph = page.locator('.editor-instance [class*="codicon-debug-breakpoint"]').first();
    await glyph.waitFor();
    const dot = await glyph.boundingBox();
    assert.ok(dot && Math.abs(dot.y + dot.height / 2 - (box.y + box.height / 2)) < box.height / 2, `the breakpoint sits on line ${line}`);
    await shot("01-breakpoint");

    await debugUpTo(FILE, "three");

    // Stopped at the breakpoint: the debug toolbar, and the State scope in the Variables view.
    await page.locator(".debug-toolbar").waitFor();
    if (!(await variable("State").isVisible())) await runCommand(page, "View: Show Run and Debug", { shot });
    await variable("State").waitFor();
    if ((await variable("State").getAttribute("aria-expanded")) === "false") await variable("State").click();
    await variable("first").waitFor();
    assert.equal(await variable("second").count(), 0, "two has not run");
    await shot("02-stopped-state");

    await page.locator('.debug-toolbar .action-label[aria-label^="Step Over"]').click();
    await variable("second").waitFor();
    await shot("03-after-step-over");

    await page.locator('.debug-toolbar .action-label[aria-label^="Stop"], .debug-toolbar .action-label[aria-label^="Disconnect"]').first().click();
    await page.locator(".debug-toolbar").waitFor({ state: "hidden" });
  });

  it("an interaction stops the session and shows in the panel; Submit there answers it and the session goes on", async () => {
    await openFile(page, "inline/workflow.json", shot);
    await debugUpTo("inline/workflow.json", "pick_color");
    await page.locator(".debug-toolbar").waitFor();
    const wv = webview(page);
    const red = wv.locator(".card", { hasText: "Red" }).first();
    await red.waitFor();
    await shot("04-debug-interaction");
    await red.click();
    await wv.locator("vscode-button", { hasText: "Submit" }).click();
    // pick_color was the target: answered, the run reaches it and the session ends; the panel says so.
    await page.locator(".debug-toolbar").waitFor({ state: "hidden" });
    await wv.locator("#run-status", { hasText: "completed" }).waitFor();
    await shot("05-debug-interaction-answered");
  });

  it("a media interaction in a debug session: Generate runs in the session (held mid-run), its card is picked and Submit goes on", async () => {
    await openFile(page, "cc/steps/4_image_analysis/step.json", shot);
    await debugUpTo("cc/steps/4_image_analysis/step.json", "analyze_image");
    await page.locator(".debug-toolbar").waitFor();
    const wv = webview(page);
    // The selects before it stop the session one by one: each answered with its first option.
    for (const name of ["select_pet_type", "select_aesthetic", "select_scene"]) {
      await wv.locator(".run-header", { hasText: name }).waitFor();
      await wv.locator(".card").first().click();
      await wv.locator("vscode-button", { hasText: "Submit" }).click();
    }
    await wv.locator(".run-header", { hasText: "generate_and_select_images_v2" }).waitFor();
    const generate = wv.locator("vscode-button.generate").first();
    await generate.waitFor();
    await generate.click();
    const card = wv.locator(".generations .card").first();
    await card.waitFor();
    await shot("06-debug-media-generated");
    await card.click();
    await wv.locator("vscode-button", { hasText: "Submit" }).click();
    // analyze_image (an LLM, mocked) was the target: the session ends there, and the panel says so.
    await page.locator(".debug-toolbar").waitFor({ state: "hidden" });
    await wv.locator("#run-status", { hasText: "completed" }).waitFor();
  });
});
