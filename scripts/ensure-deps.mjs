// Makes `npm test` and `npm start` work on a fresh clone: installs the locked npm packages when
// node_modules is missing or older than package-lock.json. Uses only Node, so it runs before them.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";

const marker = "node_modules/.package-lock.json";
const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync("package-lock.json").mtimeMs;
if (stale) {
  console.error("[setup] installing npm packages (npm ci) ...");
  const result = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
