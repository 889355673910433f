/**
 * The repository stands alone: a clone with nothing beside it runs `npm start` and `npm test`. No tracked
 * file may read, run or name the team's reference folder that sits beside the clone on our machines
 * (its spec, oracles, fixtures or VS Code harness), under any spelling a path could take. A workflow's
 * own subfolder named `shared` (as in the `$ref` tests) is fine.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { test } from "node:test";
import { repoRoot } from "../helpers/paths";

// Built from pieces so that this file does not match itself.
const SHARED = "shared";
const FORBIDDEN: readonly RegExp[] = [
  new RegExp(`${SHARED}/(vscode-e2e|oracles|spec|fixtures)`),
  new RegExp(`WFV_${SHARED.toUpperCase()}_DIR`),
  // path.join / resolve segments climbing out of the repository into it: "..", "shared"
  new RegExp(`"\\.\\."\\s*,\\s*"${SHARED}"`),
];
/** A relative "../…/shared" path: it is only wrong when, taken from the file's folder, it leaves the repository. */
const RELATIVE = new RegExp(`(?<![\\w.])((?:\\.\\./)+)${SHARED}\\b`, "g");
// Paths inside test workflows' own trees (relative to a workflow file the test writes, not to the test file).
const WORKFLOW_TREES = new Set(["test/workflow/ref-resolver.test.ts"]);

function leavesRepository(file: string, line: string): boolean {
  if (WORKFLOW_TREES.has(file)) return false;
  for (const match of line.matchAll(RELATIVE)) {
    const target = resolve(repoRoot, dirname(file), match[1]!, SHARED);
    if (!target.startsWith(repoRoot + sep)) return true;
  }
  return false;
}

function trackedFiles(): string[] {
  const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: repoRoot, encoding: "utf8" });
  assert.equal(listed.status, 0, listed.stderr);
  return listed.stdout.split("\0").filter((file) => file !== "" && !file.endsWith(".png") && !file.endsWith(".svg"));
}

test("no file of the project reads the reference folder beside the clone", () => {
  const hits: string[] = [];
  for (const file of trackedFiles()) {
    if (file === "test/repository/standalone.test.ts") continue;
    let text: string;
    try {
      text = readFileSync(join(repoRoot, file), "utf8");
    } catch {
      continue; // deleted in the working tree
    }
    text.split("\n").forEach((line, index) => {
      if (FORBIDDEN.some((pattern) => pattern.test(line)) || leavesRepository(file, line)) hits.push(`${file}:${index + 1}: ${line.trim().slice(0, 160)}`);
    });
  }
  assert.deepEqual(hits, [], `these lines reach outside the repository:\n${hits.join("\n")}`);
});

test("the patterns catch every spelling they are for", () => {
  const caught = (file: string, line: string) => FORBIDDEN.some((pattern) => pattern.test(line)) || leavesRepository(file, line);
  assert.ok(caught("package.json", `"start": "bash ../${SHARED}/vscode-e2e/install.sh"`));
  assert.ok(caught("README.md", `described in \`../${SHARED}/\``));
  assert.ok(caught("test/helpers/paths.ts", `resolve(repoRoot, "..", "${SHARED}")`));
  assert.ok(caught("bench/x.ts", `resolve(__dirname, "../../${SHARED}")`));
  assert.ok(caught("src/a.ts", `process.env.WFV_${SHARED.toUpperCase()}_DIR`));
  assert.ok(caught("src/a.ts", `// see ${SHARED}/oracles/jinja_oracle.py`));
  assert.ok(!caught("src/extension/panel.ts", `import { x } from "../${SHARED}/protocol";`));
  assert.ok(!caught("test/webview/a.test.ts", `import { x } from "../../src/${SHARED}/protocol";`));
  assert.ok(!caught("src/extension/a.ts", `import { x } from "../${SHARED}Things";`));
});
