// Runs every test/**/*.test.ts with Node's built-in test runner (TypeScript through tsx).
// Two phases: the fast suites two at a time, then the real-VS-Code suites (test/e2e) one at a time,
// because each starts its own code-server and browser. A last line totals both phases and says why
// anything was skipped. Under CI=true nothing may skip: a suite that cannot run (no VS Code harness, no
// Python oracle, no Chromium) fails the run with its reason. Pass substrings of paths to narrow the run.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

function findTests(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (name.endsWith(".test.ts")) found.push(path);
  }
  return found;
}

const filters = process.argv.slice(2);
const files = findTests("test")
  .map((f) => relative(".", f))
  .filter((f) => filters.length === 0 || filters.some((needle) => f.includes(needle)))
  .sort();
if (files.length === 0) {
  console.error("no test files matched");
  process.exit(1);
}

const isE2e = (file) => file.startsWith(join("test", "e2e"));
const phases = [
  { files: files.filter((f) => !isE2e(f)), concurrency: 2 },
  { files: files.filter(isE2e), concurrency: 1 },
].filter((phase) => phase.files.length > 0);

const countsDir = mkdtempSync(join(tmpdir(), "wfv-test-counts-"));
const total = { passed: 0, failed: 0, skipped: 0, todo: 0, skips: [] };
let exitCode = 0;
phases.forEach((phase, index) => {
  const countsFile = join(countsDir, `phase-${index}.json`);
  const result = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "--test",
      `--test-concurrency=${phase.concurrency}`,
      "--test-reporter=spec",
      "--test-reporter-destination=stdout",
      "--test-reporter=./scripts/count-reporter.mjs",
      `--test-reporter-destination=${countsFile}`,
      ...phase.files,
    ],
    { stdio: "inherit" },
  );
  if (result.status !== 0) exitCode = result.status ?? 1;
  try {
    const counts = JSON.parse(readFileSync(countsFile, "utf8"));
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.skipped += counts.skipped;
    total.todo += counts.todo;
    total.skips.push(...counts.skips);
  } catch {
    total.failed += 1; // the phase died before reporting
    exitCode = exitCode || 1;
  }
});
rmSync(countsDir, { recursive: true, force: true });
const why = total.skips.map((s) => `${relative(".", s.file ?? "?")} "${s.name}": ${s.reason}`).join("; ");
if (process.env.CI === "true" && total.skipped > 0) {
  console.log(`\nCI=true: ${total.skipped} suite(s) could not run, which fails the run: ${why}`);
  total.failed += total.skipped;
  total.skipped = 0;
}
if (total.failed > 0) exitCode = exitCode || 1;
if (total.todo > 0) console.log(`\n${total.todo} test(s) marked todo (known issues, not counted)`);
const skipped = total.skipped > 0 ? ` (skipped: ${why})` : "";
console.log(`\ntests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped${skipped}`);
process.exit(exitCode);
