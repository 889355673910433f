// Installs what the tests need beyond npm packages, idempotently and quickly when already there:
// - from Debian: Python Jinja2, mongomock, jsonschema and simpleeval, the oracles that run the original behaviour;
// - the real VS Code harness (code-server with Node 24, Debian Chromium): scripts/install-vscode-harness.mjs.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const python = "/usr/bin/python3";
const wanted = [
  { module: "jinja2", pkg: "python3-jinja2" },
  { module: "mongomock", pkg: "python3-mongomock" },
  // Oracles for modules that copy Python libraries' behaviour (io.validate, transform.parse_pattern).
  { module: "jsonschema", pkg: "python3-jsonschema" },
  { module: "simpleeval", pkg: "python3-simpleeval" },
];
const isRoot = process.getuid?.() === 0;
const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };

const has = (module) => spawnSync(python, ["-c", `import ${module}`], { stdio: "ignore" }).status === 0;
const missing = wanted.filter((w) => !has(w.module)).map((w) => w.pkg);
if (missing.length > 0) {
  if (!isRoot) {
    console.error(`[setup] missing Debian packages ${missing.join(" ")}; run: sudo apt-get install -y ${missing.join(" ")}`);
  } else {
    console.error(`[setup] installing ${missing.join(" ")} ...`);
    const apt = (args) => spawnSync("apt-get", args, { stdio: ["ignore", "ignore", "inherit"], env }).status === 0;
    if (!apt(["install", "-y", "-qq", ...missing])) {
      apt(["update", "-qq"]);
      if (!apt(["install", "-y", "-qq", ...missing])) {
        console.error("[setup] apt-get install failed; the differential tests will report the missing oracle");
      }
    }
  }
}

// The VS Code end-to-end harness. WFV_SKIP_E2E=1 leaves it out: the UI tests then skip, saying why
// (and fail under CI=true, where a suite that cannot run is a failure).
if (process.env.WFV_SKIP_E2E !== "1") {
  const installer = fileURLToPath(new URL("./install-vscode-harness.mjs", import.meta.url));
  const result = spawnSync(process.execPath, [installer], { stdio: ["ignore", "inherit", "inherit"], env });
  if (result.status !== 0) console.error("[setup] the VS Code harness did not install; the VS Code suites cannot run");
}
