/**
 * The template preview and pipeline stages in a real VS Code, driven through the UI (issue 15): on cc's
 * `$ref`'d scene prompt, the editor title button "Preview Rendered Template" opens the side view (undefined parts
 * marked: a fresh DB has no state), a word typed in the editor shows up in it, and the "Inspect stages"
 * lens lists the pipeline's stages. Screenshots: .test-artifacts/screenshots/template-preview.png and
 * pipeline-stages.png. One code-server (./harness, its lock), one browser; no sleeps.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { screenshot, webview } from "./browser";
import { REPO, unavailableReason, type Server } from "./harness";
import { uiSuite } from "./ui-suite";
import { goToLine, openFile } from "./workbench";

const skip = process.env.CI === "true" ? undefined : unavailableReason();
const PROMPT = "cc/steps/2_scene_generation/prompts/scene_generation_user.txt";
const STEP = "cc/steps/2_scene_generation/step.json";

describe("template preview and pipeline stages in a real VS Code (code-server)", { skip }, () => {
  let server: Server;
  let page: any;
  const shot = (name: string) => screenshot(page, server.artifacts, name);
  const screenshots = join(REPO, ".test-artifacts", "screenshots");

  uiSuite("preview", (started) => void ({ server, page } = started));

  it("Preview Rendered Template (editor title button) on a $ref'd prompt: rendered text, undefined parts marked, a typed word appears", async () => {
    await openFile(page, STEP, shot); // a step file activates wfv and indexes the workflows
    await openFile(page, PROMPT, shot);
    // The editor title button (shown on a prompt file some module renders).
    await page.locator(`.editor-group-container.active .editor-actions a[aria-label*="Preview Rendered Template"]`).click();
    const wv = webview(page);
    await wv.locator("#rendered", { hasText: "Generate 3 scene concepts" }).waitFor();
    await wv.locator("#rendered mark.undefined").first().waitFor();
    await goToLine(page, 1, 1, shot); // leaves the focus in the prompt's editor
    await page.keyboard.type("Quokka ");
    await wv.locator("#rendered", { hasText: "Quokka Generate 3 scene concepts" }).waitFor();
    mkdirSync(screenshots, { recursive: true });
    await screenshot(page, screenshots, "template-preview");
  });

  it("Inspect stages (lens) lists each stage of a transform.query pipeline (extract_selected_keywords)", async () => {
    await openFile(page, STEP, shot);
    const text = readFileSync(join(server.workspace, STEP), "utf8");
    await goToLine(page, text.slice(0, text.lastIndexOf('"pipeline"')).split("\n").length + 10, undefined, shot);
    await page.locator(`.editor-instance .codelens-decoration a[title*="extract_selected_keywords's pipeline"]`, { hasText: "Inspect stages" }).click();
    const wv = webview(page);
    await wv.locator("#stages li").nth(2).waitFor();
    await wv.locator("#stages summary", { hasText: "$unwind" }).waitFor();
    await screenshot(page, screenshots, "pipeline-stages");
  });
});
