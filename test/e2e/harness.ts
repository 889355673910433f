/**
 * Starts and stops a real VS Code (code-server, installed by scripts/install-vscode-harness.mjs into
 * $WFV_VSCODE_HOME, default ~/.cache/wfv-vscode) for the extension tests, `npm start` and the bench.
 * One server at a time on this machine; each runs in its own process group on 127.0.0.1, and `stop()`
 * ends the whole group (code-server forks its server, extension hosts and watchers).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, cpSync } from "node:fs";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as esbuild from "esbuild";
import { CHROMIUM, launchBrowser } from "./browser";

export const REPO = resolve(__dirname, "..", "..");
export const VSCODE_HOME = process.env.WFV_VSCODE_HOME ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "wfv-vscode");
const INSTALL = "node scripts/install-vscode-harness.mjs";

/** What the installer wrote once everything was in place: the Node 24 binary and code-server's entry. */
interface Installed {
  node: string;
  codeServer: string;
}

function installed(): Installed | undefined {
  try {
    const ready = JSON.parse(readFileSync(join(VSCODE_HOME, "ready.json"), "utf8")) as Installed;
    return existsSync(ready.node) && existsSync(ready.codeServer) ? ready : undefined;
  } catch {
    return undefined;
  }
}

/** Why the real-VS-Code tests cannot run here, or undefined when they can. */
export function unavailableReason(): string | undefined {
  if (process.env.WFV_SKIP_E2E === "1") return "WFV_SKIP_E2E=1";
  if (!installed()) return `code-server is not installed in ${VSCODE_HOME} (run ${INSTALL})`;
  if (!existsSync(CHROMIUM)) return `Chromium is not installed at ${CHROMIUM} (run ${INSTALL})`;
  if (!existsSync(join(REPO, "dist", "extension.js")) || !existsSync(join(REPO, "dist", "webview.js"))) return "dist/ is not built (npm run build)";
  return undefined;
}

export interface ServerOptions {
  workspace: string;
  /** The extension folder (link, devpath) or a .vsix (vsix). */
  extension: string;
  load: "link" | "devpath" | "vsix";
  /** Workspace Trust on (the folder then opens in Restricted Mode). Default: off, as start.sh. */
  trust?: boolean;
  name: string;
  /** A state folder to reuse (user data, extensions, logs); default: a fresh temporary one. */
  state?: string;
  /** A fixed port; default: a free one. */
  port?: number;
}

export interface Server {
  url: string;
  state: string;
  workspace: string;
  artifacts: string;
  devPath: string;
  log(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolvePort(port));
    });
  });
}

async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/healthz`);
    return response.status === 200;
  } catch {
    return false;
  }
}

/** A fresh copy of the e2e workspace: the cc example workflow plus the fixtures (inline, broken, invalid). */
export function makeWorkspace(parent: string): string {
  const ws = join(parent, "ws");
  mkdirSync(ws, { recursive: true });
  cpSync(join(REPO, "examples", "workflows", "cc"), join(ws, "cc"), { recursive: true });
  cpSync(join(REPO, "test", "e2e", "fixtures", "ws"), ws, { recursive: true });
  return ws;
}

/**
 * One real VS Code at a time on this machine (2 cores; `npm test` runs test files two at a time): a
 * lock folder created atomically, holding the owner's pid. A lock whose owner is gone is taken over.
 * Other test files that start code-server can share it through `acquireVscodeLock()`.
 */
export const VSCODE_LOCK = join(tmpdir(), "wfv-vscode-e2e.lock");

export async function acquireVscodeLock(): Promise<() => void> {
  for (;;) {
    try {
      mkdirSync(VSCODE_LOCK);
      writeFileSync(join(VSCODE_LOCK, "pid"), String(process.pid));
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(VSCODE_LOCK, { recursive: true, force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    let owner = NaN;
    try {
      owner = Number(readFileSync(join(VSCODE_LOCK, "pid"), "utf8"));
    } catch {
      // being created or removed right now
    }
    if (Number.isInteger(owner) && owner > 0 && !isAlive(owner)) rmSync(VSCODE_LOCK, { recursive: true, force: true });
    await new Promise((r) => setTimeout(r, 200));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export async function startServer(options: ServerOptions): Promise<Server> {
  const tools = installed();
  if (!tools) throw new Error(unavailableReason());
  const release = await acquireVscodeLock();
  try {
    return await launch(options, tools, release);
  } catch (error) {
    release();
    throw error;
  }
}

async function launch(options: ServerOptions, tools: Installed, release: () => void): Promise<Server> {
  const state = options.state ?? mkdtempSync(join(tmpdir(), `wfv-e2e-${options.name}-`));
  if (options.state) rmSync(join(state, "extensions"), { recursive: true, force: true });
  for (const d of ["user-data/User", "extensions", "xdg-config", "xdg-data", "artifacts"]) mkdirSync(join(state, d), { recursive: true });
  // No welcome page, telemetry, AI features or restored windows; trust off unless asked for.
  const settings = JSON.parse(readFileSync(join(__dirname, "vscode-settings.json"), "utf8")) as Record<string, unknown>;
  if (options.trust) {
    Object.assign(settings, {
      "security.workspace.trust.enabled": true,
      "security.workspace.trust.startupPrompt": "never",
      "security.workspace.trust.emptyWindow": false,
      "security.workspace.trust.untrustedFiles": "open",
    });
  }
  writeFileSync(join(state, "user-data", "User", "settings.json"), JSON.stringify(settings, null, 2));
  // code-server writes a config with a password into XDG_CONFIG_HOME on every start: keep it in the state folder.
  const env = { ...process.env, XDG_CONFIG_HOME: join(state, "xdg-config"), XDG_DATA_HOME: join(state, "xdg-data"), PATH: `${resolve(tools.node, "..")}:${process.env.PATH}` };
  const nodeBin = tools.node;
  const CODE_SERVER = tools.codeServer;
  const common = ["--user-data-dir", join(state, "user-data"), "--extensions-dir", join(state, "extensions")];
  const extra: string[] = [];
  let devPath = "";
  if (options.load === "link") {
    const pkg = JSON.parse(readFileSync(join(options.extension, "package.json"), "utf8")) as { publisher: string; name: string; version: string };
    spawnSync("ln", ["-s", options.extension, join(state, "extensions", `${pkg.publisher}.${pkg.name}-${pkg.version}`)]);
  } else if (options.load === "vsix") {
    const installed = spawnSync(nodeBin, [CODE_SERVER, ...common, "--install-extension", options.extension], { env, encoding: "utf8" });
    writeFileSync(join(state, "install-extension.log"), `${installed.stdout}\n${installed.stderr}`);
    if (installed.status !== 0) throw new Error(`installing the vsix failed: ${installed.stdout}\n${installed.stderr}`);
  } else {
    extra.push("--vscode-option", "enable-smoke-test-driver");
    devPath = options.extension;
  }
  const port = options.port ?? (await freePort());
  const logFd = openSync(join(state, "code-server.log"), "w");
  const child = spawn(
    nodeBin,
    [
      CODE_SERVER,
      ...common,
      "--bind-addr",
      `127.0.0.1:${port}`,
      "--auth",
      "none",
      "--disable-telemetry",
      "--disable-update-check",
      ...(options.trust ? [] : ["--disable-workspace-trust"]),
      "--disable-getting-started-override",
      "--ignore-last-opened",
      "--reconnection-grace-time",
      "30",
      ...extra,
      options.workspace,
    ],
    { env, detached: true, stdio: ["ignore", logFd, logFd] },
  );
  const exited = new Promise<void>((resolveExit) => child.once("exit", () => resolveExit()));
  let alive = true;
  child.once("exit", () => (alive = false));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    try {
      if (!alive || child.pid === undefined) return;
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        return;
      }
      const killed = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10000).unref())]);
      if (!killed) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // gone
        }
      }
    } finally {
      release();
    }
  };
  // Wait for /healthz (or for the server to die).
  for (;;) {
    if (await healthy(url)) break;
    if (!alive) throw new Error(`code-server died:\n${readFileSync(join(state, "code-server.log"), "utf8")}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  process.once("exit", () => {
    // a test runner killed mid-run: never leave a code-server behind
    if (alive && child.pid !== undefined) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // gone
      }
      release();
    }
  });
  const artifacts = join(REPO, ".test-artifacts", "e2e", options.name);
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  return {
    url,
    state,
    workspace: options.workspace,
    artifacts,
    devPath,
    log: () => readFileSync(join(state, "code-server.log"), "utf8"),
    stop,
  };
}

/** Bundles the in-host test module (TypeScript) into a .js the extension host can require. */
export async function bundleInHostTests(): Promise<string> {
  // Inside the extension's folder: VS Code maps `require("vscode")` to an extension by path.
  // One file per test process: helpers running the e2e suite side by side never load each other's bundle.
  const outfile = join(REPO, ".test-artifacts", "e2e", `in-host-tests-${process.pid}.js`);
  await esbuild.build({
    entryPoints: [join(REPO, "test", "e2e", "in-host", "index.ts")],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    outfile,
    external: ["vscode"],
    mainFields: ["module", "main"],
    logLevel: "warning",
    // WFV_IN_HOST_ONLY=core,panel runs only those suites (test/e2e/in-host/kit.ts `selected`).
    define: { WFV_IN_HOST_ONLY: JSON.stringify(process.env.WFV_IN_HOST_ONLY ?? "") },
  });
  return outfile;
}

/** Runs an extensionTestsPath module in the server's extension host (the @vscode/test-electron contract: VS Code calls codeAutomationExit when run() settles). */
export async function runInHost(server: Server, testsPath: string): Promise<{ code: number | string; lines: string[] }> {
  const browser = await launchBrowser();
  const lines: string[] = [];
  try {
    const page = await browser.newPage();
    page.on("console", (m: { text(): string }) => {
      const t = m.text().replace(/^%c\s*\w+\s+color:\s*#\w+\s*/, "");
      if (process.env.WFV_E2E_VERBOSE) console.log(`    [console] ${t}`);
      if (/^(ok\b|not ok\b|# )/.test(t)) {
        lines.push(t);
        console.log(`    [in-host] ${t.split("\n")[0]}`);
      }
    });
    let resolveExit!: (code: number | string) => void;
    const exited = new Promise<number | string>((r) => (resolveExit = r));
    await page.exposeFunction("codeAutomationExit", (code: number) => resolveExit(code));
    const u = new URL(server.url);
    u.searchParams.set("folder", server.workspace);
    u.searchParams.set(
      "payload",
      JSON.stringify([
        ["extensionDevelopmentPath", `vscode-remote://${u.host}${server.devPath}`],
        ["extensionTestsPath", `vscode-remote://${u.host}${testsPath}`],
      ]),
    );
    await page.goto(u.toString());
    const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r("timeout"), 240000).unref())]);
    return { code, lines };
  } finally {
    await browser.close();
  }
}

