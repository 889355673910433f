/**
 * The set-up every UI test file shares: inside its `describe`, one code-server on a scratch copy of the
 * test workspace (./harness, its lock) and one browser page on its workbench, a screenshot after each
 * test, and everything stopped and removed after the last one.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before } from "node:test";
import { launchBrowser, openWorkbench, screenshot } from "./browser";
import { makeWorkspace, REPO, startServer, type Server } from "./harness";

export interface UiSession {
  server: Server;
  page: any;
}

/**
 * Registers the hooks in the calling `describe`; `started` receives the server and the page once the
 * workbench is open (before the first test). `name` names the server's artifacts folder.
 */
export function uiSuite(name: string, started: (session: UiSession) => void | Promise<void>, viewport = { width: 1400, height: 900 }): void {
  let scratch: string | undefined;
  let server: Server | undefined;
  let browser: any;
  let page: any;

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), `wfv-e2e-${name}-`));
    server = await startServer({ workspace: makeWorkspace(scratch), extension: REPO, load: "link", name });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport });
    page.setDefaultTimeout(60000);
    await openWorkbench(page, server);
    await started({ server, page });
  });
  afterEach(async (t: { name: string }) => {
    if (page && server) await screenshot(page, server.artifacts, `after-${t.name.slice(0, 40).replace(/[^\w]+/g, "-")}`).catch(() => undefined);
  });
  after(async () => {
    if (browser) await browser.close().catch(() => undefined);
    if (server) await server.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });
}
