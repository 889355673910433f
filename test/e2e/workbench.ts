/**
 * Driving the VS Code workbench (code-server in Chromium) without flakes. Pressing a key and hoping
 * is not enough: on a busy 2-core machine a keystroke can land before the quick input has its rows, a
 * row can be recycled under a click, and a reload can still show the old page. Every action here is
 * "act, then check the effect"; an action whose effect does not show is undone (Escape) and tried
 * again, and the last failure says what the workbench showed.
 * No sleeps: every wait is for a DOM state.
 */
import * as assert from "node:assert/strict";

type Page = any;

const QUICK_INPUT = ".quick-input-widget input";
const ATTEMPTS = 4;

/** A regular expression matching `text` exactly (surrounding white space allowed). */
export function exactly(text: string): RegExp {
  return new RegExp(`^\\s*${escape(text)}\\s*$`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

async function shows(locator: any, timeout: number, state: "visible" | "hidden" = "visible"): Promise<boolean> {
  try {
    await locator.waitFor({ state, timeout });
    return true;
  } catch {
    return false;
  }
}

/** What the workbench shows now: editor groups with their tabs, and the quick input. For failure messages. */
async function describeWorkbench(page: Page): Promise<string> {
  return page.evaluate(DESCRIBE).catch((error: Error) => `(could not read the workbench: ${error.message})`);
}

// Runs in the page (a string: the project's TypeScript has no DOM types outside webview/).
const DESCRIBE = `(() => {
  const groups = [...document.querySelectorAll(".editor-group-container")].map((group, i) => {
    const tabs = [...group.querySelectorAll(".tabs-container .tab")].map((tab) => (tab.classList.contains("active") ? "*" : "") + (tab.getAttribute("aria-label") || tab.textContent));
    const crumbs = group.querySelector(".breadcrumbs-control")?.textContent ?? "";
    return "group " + (i + 1) + (group.classList.contains("active") ? " (active)" : "") + ": [" + tabs.join(" | ") + "] crumbs '" + crumbs + "'";
  });
  const widget = document.querySelector(".quick-input-widget");
  const input = document.querySelector(".quick-input-widget input");
  const rows = [...document.querySelectorAll(".quick-input-list .monaco-list-row")].slice(0, 5).map((r) => (r.classList.contains("focused") ? "*" : "") + r.textContent);
  const quick = widget && widget.style.display !== "none" ? "quick input '" + (input && input.value) + "' rows [" + rows.join(" | ") + "]" : "quick input closed";
  const focus = document.activeElement ? document.activeElement.tagName + "." + document.activeElement.className : "none";
  return groups.join("; ") + "; " + quick + "; focus " + focus + "; " + location.href;
})()`;

/**
 * Runs `act` until `effect` holds, at most ATTEMPTS times. Between attempts any quick input left open is
 * closed and a screenshot is kept (`retry-<what>-<n>`), so a flake that was retried is still visible.
 */
async function untilEffect(page: Page, what: string, act: () => Promise<void>, effect: () => Promise<boolean>, shot?: (name: string) => Promise<unknown>): Promise<void> {
  let seen = "";
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    let failure = "";
    try {
      await act();
      if (await effect()) return;
    } catch (error) {
      failure = ` (${(error as Error).message.split("\n")[0]})`;
    }
    seen = await describeWorkbench(page);
    if (shot) await shot(`retry-${what.replace(/[^\w]+/g, "-").slice(0, 40)}-${attempt}`).catch(() => undefined);
    await closeQuickInput(page);
    if (attempt === ATTEMPTS) assert.fail(`${what}: no effect after ${ATTEMPTS} attempts${failure}. The workbench showed: ${seen}`);
  }
}

/** Closes the quick input (palette, Quick Open, Go to Line) if one is open. */
async function closeQuickInput(page: Page): Promise<void> {
  const input = page.locator(QUICK_INPUT);
  for (let i = 0; i < 3 && (await input.isVisible().catch(() => false)); i++) {
    await page.keyboard.press("Escape");
    await shows(input, 2_000, "hidden");
  }
}

/**
 * Opens the quick input with `keys`, types `value`, waits for the row `row` picks, then accepts it:
 * Enter on the input when it is the highlighted row, else a click on it. False when it never shows.
 */
async function acceptInQuickInput(page: Page, keys: string, value: string, row: (rows: any) => any): Promise<boolean> {
  await closeQuickInput(page);
  await page.keyboard.press(keys);
  const input = page.locator(QUICK_INPUT);
  if (!(await shows(input, 10_000))) return false;
  await input.fill(value);
  const wanted = row(page.locator(".quick-input-list .monaco-list-row"));
  if (!(await shows(wanted.first(), 10_000))) return false;
  // Enter takes the highlighted row; when another row ranks first (recently used ones do), click ours.
  if (await shows(row(page.locator(".quick-input-list .monaco-list-row.focused")).first(), 1_000)) await input.press("Enter");
  else await wanted.first().click();
  return true;
}

export interface RunCommandOptions {
  /** The command's effect; default: the palette closed. */
  effect?: () => Promise<boolean>;
  shot?: (name: string) => Promise<unknown>;
}

/** Runs a command from the palette (F1) by its "Category: Title", checking that it was accepted. */
export async function runCommand(page: Page, title: string, options: RunCommandOptions = {}): Promise<void> {
  const row = (rows: any) => rows.filter({ has: page.locator(".label-name", { hasText: exactly(title) }) });
  const effect = options.effect ?? (() => shows(page.locator(QUICK_INPUT), 10_000, "hidden"));
  await untilEffect(page, `command "${title}"`, async () => {
    if (!(await acceptInQuickInput(page, "F1", `>${title}`, row))) throw new Error("the palette did not offer it");
  }, effect, options.shot);
}

/** The active tab of the active editor group, by file name. */
export function activeTab(page: Page, name: string): any {
  return page.locator(".editor-group-container.active .tabs-container .tab.active", { hasText: name }).first();
}

/**
 * Opens a workspace file in the first editor group with Quick Open and checks that this very file is
 * the active editor (name in the tab, folder in the breadcrumbs): same-named files are common here.
 */
export async function openFile(page: Page, relPath: string, shot?: (name: string) => Promise<unknown>): Promise<void> {
  const parts = relPath.split("/");
  const base = parts.pop() as string;
  const folder = parts.join("/");
  const row = (rows: any) => {
    const named = rows.filter({ has: page.locator(".label-name", { hasText: exactly(base) }) });
    return folder ? named.filter({ has: page.locator(".label-description", { hasText: exactly(folder) }) }) : named;
  };
  const opened = async (): Promise<boolean> => {
    if (!(await shows(activeTab(page, base), 10_000))) return false;
    if (!folder) return true;
    const crumbs = page.locator(".editor-group-container.active .breadcrumbs-control", { hasText: parts[parts.length - 1] });
    return shows(crumbs.first(), 5_000);
  };
  await untilEffect(page, `open ${relPath}`, async () => {
    await runCommand(page, "View: Focus First Editor Group", { shot });
    if (!(await acceptInQuickInput(page, "Control+P", relPath, row))) throw new Error("Quick Open did not highlight it");
  }, opened, shot);
  await page.locator(".editor-group-container.active .editor-instance .monaco-editor .view-lines").first().waitFor();
}

/** Moves the cursor of the active text editor to `line` (and `column`) with Go to Line, checked on the status bar. */
export async function goToLine(page: Page, line: number, column?: number, shot?: (name: string) => Promise<unknown>): Promise<void> {
  const target = column === undefined ? `:${line}` : `:${line}:${column}`;
  const row = (rows: any) => rows.filter({ hasText: new RegExp(`line ${line}\\b`) });
  const status = page.locator(".statusbar-item", { hasText: new RegExp(`Ln ${line}, Col ${column ?? "\\d+"}\\b`) }).first();
  await untilEffect(page, `go to line ${target}`, async () => {
    if (!(await acceptInQuickInput(page, "Control+G", target, row))) throw new Error("Go to Line did not offer the line");
  }, async () => (await shows(page.locator(QUICK_INPUT), 5_000, "hidden")) && shows(status, 5_000), shot);
}

/**
 * Reloads the window ("Developer: Reload Window") and waits for the new page, not the old one still on
 * screen: the reload is seen as a navigation of the main frame, then the workbench and its explorer.
 */
export async function reloadWindow(page: Page, shot?: (name: string) => Promise<unknown>): Promise<void> {
  const navigated = page.waitForEvent("framenavigated", { predicate: (frame: any) => frame === page.mainFrame(), timeout: 90_000 });
  await runCommand(page, "Developer: Reload Window", { effect: async () => true, shot });
  await navigated;
  await page.waitForLoadState("load");
  await page.locator(".monaco-workbench").waitFor({ timeout: 90_000 });
  await page.locator(".explorer-folders-view .monaco-list-row").first().waitFor({ timeout: 90_000 });
}

/** In a picker already open (a command's own quick pick), chooses the row whose label starts with `label`. */
export async function choose(page: Page, label: string): Promise<void> {
  const input = page.locator(QUICK_INPUT);
  await input.waitFor();
  await input.fill(label);
  const named = { has: page.locator(".label-name", { hasText: new RegExp(`^\\s*${escape(label)}`) }) };
  const rows = page.locator(".quick-input-list .monaco-list-row").filter(named);
  await rows.first().waitFor();
  const focused = page.locator(".quick-input-list .monaco-list-row.focused").filter(named);
  if (await shows(focused.first(), 2_000)) await input.press("Enter");
  else await rows.first().click();
  if (!(await shows(input, 10_000, "hidden"))) assert.fail(`choosing "${label}" did not close the picker. The workbench showed: ${await describeWorkbench(page)}`);
}
