/**
 * The browser side of the real-VS-Code tests: Debian Chromium driven by the project's playwright-core,
 * opening the code-server workbench started by ./harness. Selectors are VS Code 1.139's DOM; keep them
 * here and in ./workbench so a new code-server release is one place to fix. No sleeps: every wait is
 * for a DOM state.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

type Page = any;

// Chromium as root, headless, on a machine with no network: no sandbox, no GPU, and none of the
// background connections (updates, sync, QUIC) that would be refused many at a time.
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

export const CHROMIUM = process.env.WFV_CHROMIUM ?? "/usr/bin/chromium";

export async function launchBrowser(): Promise<any> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** The workbench URL for `folder`; with `devPath`, that folder loads as an extension under development. */
export function workbenchUrl(server: { url: string; workspace: string; devPath: string }): string {
  const url = new URL(server.url);
  url.searchParams.set("folder", server.workspace);
  if (server.devPath) {
    // VS Code takes only a vscode-remote URI whose authority is the host:port the browser uses.
    url.searchParams.set("payload", JSON.stringify([["extensionDevelopmentPath", `vscode-remote://${url.host}${server.devPath}`]]));
  }
  return url.toString();
}

/** Opens the workbench and waits until the explorer lists the workspace. */
export async function openWorkbench(page: Page, server: { url: string; workspace: string; devPath: string }): Promise<void> {
  await page.goto(workbenchUrl(server));
  await page.locator(".monaco-workbench").waitFor({ timeout: 90_000 });
  await page.locator(".explorer-folders-view .monaco-list-row").first().waitFor({ timeout: 90_000 });
}

/** CodeLens links with this title in the active editor. */
export function codeLens(page: Page, title: string): any {
  return page.locator(".editor-instance .codelens-decoration a", { hasText: title });
}

/** Waits until exactly `count` lenses titled `title` are rendered (they arrive one by one). */
export async function waitForCodeLenses(page: Page, title: string, count: number, timeout = 30_000): Promise<any> {
  await page
    .waitForFunction(
      ([text, n]: [string, number]) =>
        [...(globalThis as any).document.querySelectorAll(".editor-instance .codelens-decoration a")].filter((a: any) => a.textContent.includes(text)).length === n,
      [title, count],
      { timeout },
    )
    .catch(async () => {
      throw new Error(`expected ${count} CodeLens "${title}", saw ${await codeLens(page, title).count()}`);
    });
  return codeLens(page, title);
}

/**
 * The document inside a webview panel: VS Code's host page (`iframe.webview.ready`) holds the
 * extension's HTML in `iframe#active-frame`. `index` picks among open webviews (default: the newest).
 */
export function webview(page: Page, index = -1): any {
  const outer = page.locator("iframe.webview.ready");
  const pick = index < 0 ? outer.last() : outer.nth(index);
  return pick.contentFrame().locator("iframe#active-frame").contentFrame();
}

/** A PNG of the page in `dir`, named `<name>.png`; returns its path. */
export async function screenshot(page: Page, dir: string, name: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
