/**
 * The run's story in the panel through the UI (issue 12, items 5–7): on the cc example, "Run up to
 * here" on scene_generation/flatten_keywords, then the panel's Inputs, Trace and DB changes tabs, each
 * checked and photographed into .test-artifacts/screenshots/panel-inputs.png, panel-trace.png and
 * panel-db-diff.png; then a fixture (story/workflow.json) whose templates read state nothing produced:
 * its Inputs flag them (panel-inputs-flagged.png). One code-server (./harness, its lock), one browser; no sleeps: every wait is for a
 * DOM state. Under CI=true it runs or fails, never skips.
 */
import * as assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { outline } from "../../src/extension/outline";
import { screenshot, webview } from "./browser";
import { REPO, unavailableReason, type Server } from "./harness";
import { uiSuite } from "./ui-suite";
import { goToLine, openFile } from "./workbench";

const skip = process.env.CI === "true" ? undefined : unavailableReason();
const STEP_ONE = "cc/steps/1_user_input/step.json";
const STEP_TWO = "cc/steps/2_scene_generation/step.json";
const SCREENSHOTS = join(REPO, ".test-artifacts", "screenshots");

describe("the run's story in the panel, in a real VS Code (code-server)", { skip }, () => {
  let server: Server;
  let page: any;
  const shot = (name: string) => screenshot(page, server.artifacts, name);
  /** The panel alone (its webview frame), as the closing note shows it. */
  const panelShot = async (name: string) => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.locator("iframe.webview.ready").last().screenshot({ path: join(SCREENSHOTS, name) });
  };

  uiSuite("story", (started) => void ({ server, page } = started), { width: 1500, height: 1000 });

  /** Clicks the lens `title` above `moduleName` in `file` (revealed first: only visible lines have lenses). */
  async function clickLens(file: string, moduleName: string, title: string): Promise<void> {
    await openFile(page, file, shot);
    const text = readFileSync(join(server.workspace, file), "utf8");
    const anchor = outline(text).modules.find((m) => m.moduleName === moduleName);
    assert.ok(anchor, `${moduleName} not in ${file}`);
    const lens = page.locator(`.editor-instance .codelens-decoration a[title*="${moduleName} "]`, { hasText: title }).first();
    if (!(await lens.isVisible())) await goToLine(page, text.slice(0, anchor.offset).split("\n").length, undefined, shot);
    await lens.click();
  }

  it("Run up to here on flatten_keywords completes (after a first run that leaves the pet type asked)", async () => {
    await clickLens(STEP_ONE, "select_pet_type", "Run module virtually");
    const wv = webview(page);
    await wv.locator("#run-status", { hasText: "awaiting input" }).waitFor();
    await clickLens(STEP_TWO, "flatten_keywords", "Run up to here");
    await wv.locator(".run-header", { hasText: "flatten_keywords" }).waitFor();
    await wv.locator("#run-status", { hasText: "completed" }).waitFor();
  });

  it("Inputs: each input's template beside the engine's value", async () => {
    const wv = webview(page);
    await wv.locator("#tab-inputs").click();
    const data = wv.locator('.view-inputs tr.input-row[data-input="data"]');
    await data.waitFor();
    await data.locator(".input-template", { hasText: "{{ state.scene_concepts.scenes }}" }).waitFor();
    assert.ok((await data.locator("td").nth(1).locator(".json-node, .story-scalar").count()) > 0, "the resolved value is shown");
    await wv.locator('.view-inputs tr.input-row[data-input="pipeline"]').waitFor();
    await panelShot("panel-inputs.png");
  });

  it("Trace: every module that ran, in order, with its duration and who answered", async () => {
    const wv = webview(page);
    await wv.locator("#tab-trace").click();
    const rows = wv.locator(".view-trace tr.trace-row");
    await rows.nth(5).waitFor();
    const modules = await rows.evaluateAll((trs: any[]) => trs.map((tr) => tr.dataset.module));
    assert.deepEqual(modules, [
      "user_input/select_pet_type",
      "user_input/select_aesthetic",
      "scene_generation/load_selected_keywords",
      "scene_generation/load_keywords",
      "scene_generation/generate_scenes",
      "scene_generation/flatten_keywords",
    ]);
    await rows.first().locator(".trace-source").waitFor();
    assert.ok((await wv.locator(".view-trace .trace-duration").count()) === 6);
    await panelShot("panel-trace.png");
  });

  it("DB changes: an update shows only the changed fields, ids and timestamps de-emphasised, the whole document a click away", async () => {
    const wv = webview(page);
    await wv.locator("#tab-changes").click();
    const updated = wv.locator(".view-changes .db-doc-updated").first();
    await updated.waitFor();
    const changedFields = await updated.locator("tr.db-field-change").evaluateAll((trs: any[]) => trs.map((tr) => tr.dataset.field));
    assert.ok(changedFields.length > 0, "the changed fields are listed");
    const whole = updated.locator("details.db-whole");
    assert.ok((await whole.locator("dt").count()) > changedFields.length, "the whole document has more fields than the update changed");
    assert.ok((await wv.locator(".view-changes .db-noise").count()) > 0, "ids and timestamps are de-emphasised");
    await whole.locator(":scope > summary").click();
    await whole.locator("dt").first().waitFor();
    await panelShot("panel-db-diff.png");
  });

  it("Inputs: templates that resolved to nothing are flagged", async () => {
    await clickLens("story/workflow.json", "write_greeting", "Run module virtually");
    const wv = webview(page);
    await wv.locator(".run-header", { hasText: "write_greeting" }).waitFor();
    await wv.locator("#run-status", { hasText: "completed" }).waitFor();
    await wv.locator("#tab-inputs").click();
    await wv.locator('.view-inputs tr.input-flagged[data-input="system"] .input-flags', { hasText: "system is null" }).waitFor();
    await wv.locator('.view-inputs tr.input-flagged[data-input="metadata"] .input-flags', { hasText: "metadata.customer is null" }).waitFor();
    // `input` rendered, but around state nothing produces: the engine's warning becomes a hint on it.
    await wv.locator('.view-inputs tr.input-flagged[data-input="input"] .input-hint', { hasText: "state.customer_name: no module produces it" }).waitFor();
    assert.equal(await wv.locator(".view-inputs tr.input-flagged").count(), 3, "temperature, a literal, is not flagged");
    await wv.locator(".view-inputs", { hasText: "3 to check" }).waitFor();
    await panelShot("panel-inputs-flagged.png");
  });
});
