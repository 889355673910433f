// Installs what the differential tests need from Debian: Python Jinja2 and mongomock, the oracles
// that run the original behaviour. Idempotent and quick when they are already there.
import { spawnSync } from "node:child_process";

const python = "/usr/bin/python3";
const wanted = [
  { module: "jinja2", pkg: "python3-jinja2" },
  { module: "mongomock", pkg: "python3-mongomock" },
];

const has = (module) => spawnSync(python, ["-c", `import ${module}`], { stdio: "ignore" }).status === 0;
const missing = wanted.filter((w) => !has(w.module)).map((w) => w.pkg);
if (missing.length === 0) process.exit(0);

if (process.getuid?.() !== 0) {
  console.error(`[setup] missing Debian packages ${missing.join(" ")}; run: sudo apt-get install -y ${missing.join(" ")}`);
  process.exit(0);
}
console.error(`[setup] installing ${missing.join(" ")} ...`);
const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
const run = (args) => spawnSync("apt-get", args, { stdio: ["ignore", "ignore", "inherit"], env }).status === 0;
if (!run(["install", "-y", "-qq", ...missing])) {
  run(["update", "-qq"]);
  if (!run(["install", "-y", "-qq", ...missing])) {
    console.error("[setup] apt-get install failed; the differential tests will report the missing oracle");
  }
}
