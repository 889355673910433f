/**
 * The VS Code extension:
 *  - CodeLens computation on a 1,000-module workflow (goal ≤ 20 ms): phase 1 (outline from the
 *    jsonc-parser tree + lens plan) and phase 2 (every title, incl. the chained fingerprints the
 *    status lenses need), next to JSON.parse and a bare jsonc-parser tree of the same text;
 *  - bundle sizes as `npm run package` builds them (minified; goal: extension < 300 KB; the engine
 *    and the language client are bundles of their own, loaded after activation);
 *  - activation time in a real VS Code (code-server, test/e2e/harness.ts): from the bundle
 *    starting to load to the end of activate(), read from the in-host tests' report, and split (from
 *    the extension's log) into evaluating the bundle, the host's wait before it calls activate() (it
 *    fetches the extension's global and workspace state from the workbench first), and activate().
 *    Skipped, saying why, when the harness is not installed or WFV_BENCH_SKIP_VSCODE=1.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildSync } from "esbuild";
import { parseTree } from "jsonc-parser";
import { lensTitle, planLenses } from "../src/extension/lens-model";
import { outline } from "../src/extension/outline";
import { moduleFingerprints, moduleKey, type RunRecord } from "../src/extension/staleness";
import { bundleInHostTests, makeWorkspace, REPO, runInHost, startServer, unavailableReason } from "../test/e2e/harness";
import { medianMs, printTable } from "./util";

function bigWorkflow(modules: number): string {
  const perStep = 25;
  const steps = [];
  for (let s = 0; s < modules / perStep; s++) {
    steps.push({
      step_id: `step_${s}`,
      name: `Step ${s}`,
      modules: Array.from({ length: perStep }, (_, m) => ({
        module_id: m % 2 ? "user.select" : "transform.query",
        name: `module_${s}_${m}`,
        inputs: { prompt: `Pick {{ state.value_${m} }}`, data: [{ id: "a", label: "A" }, { id: "b", label: "B" }], schema: { type: "array" } },
        outputs_to_state: { selected_data: `value_${m}` },
      })),
    });
  }
  return JSON.stringify({ workflow_id: "bench", name: "Bench", steps }, null, 2);
}

function lensBench(): void {
  const text = bigWorkflow(1000);
  const runs: Record<string, RunRecord> = {};
  for (let s = 0; s < 40; s++) runs[moduleKey(`step_${s}`, `module_${s}_0`)] = { status: "completed", fingerprint: "x", at: "" };
  let count = 0;
  const phase1 = () => {
    const plans = planLenses(outline(text), { trusted: true, runs });
    count = plans.length;
    return plans;
  };
  const plans = phase1();
  const both = () => {
    const p = phase1();
    let fingerprints: Map<string, string> | undefined;
    for (const plan of p) {
      lensTitle(plan, runs, () => {
        fingerprints ??= moduleFingerprints(JSON.parse(text));
        return plan.anchor ? fingerprints.get(moduleKey(plan.anchor.stepId, plan.anchor.moduleName)) : undefined;
      });
    }
  };
  printTable([
    { what: "JSON.parse (baseline)", ms: +medianMs(() => JSON.parse(text), 9).toFixed(2) },
    { what: "jsonc-parser parseTree (baseline)", ms: +medianMs(() => parseTree(text), 9).toFixed(2) },
    { what: `phase 1: outline + plan (${count} lenses)`, ms: +medianMs(phase1, 9).toFixed(2), goal: "≤ 20 ms" },
    { what: "phase 1 + 2: every title incl. fingerprints", ms: +medianMs(both, 9).toFixed(2), goal: "≤ 20 ms" },
  ]);
  console.log(`1,000-module workflow: ${(text.length / 1024).toFixed(0)} KiB, ${plans.length} lenses`);
}

function bundleSizes(): void {
  const common = { bundle: true, minify: true, write: false, logLevel: "silent" as const, absWorkingDir: REPO };
  const node = (entry: string) =>
    buildSync({
      ...common,
      entryPoints: [entry],
      platform: "node",
      format: "cjs",
      target: "node20",
      external: ["vscode", "chokidar", "fsevents"],
      mainFields: ["module", "main"],
      alias: { "json-schema-faker": "./node_modules/json-schema-faker/dist/main.cjs" },
    }).outputFiles![0]!.contents.length;
  const extension = node("src/extension/extension.ts");
  const webview = buildSync({
    ...common,
    entryPoints: ["webview/main.ts"],
    platform: "browser",
    format: "iife",
    target: "es2022",
    mainFields: ["browser", "module", "main"],
    loader: { ".css": "text" },
  }).outputFiles![0]!.contents.length;
  const kb = (n: number) => +(n / 1024).toFixed(1);
  printTable([
    { bundle: "dist/extension.js (minified), loaded on activation", KiB: kb(extension), goal: "< 300 KB" },
    { bundle: "dist/language-client.js (minified), just after activation", KiB: kb(node("src/extension/language-client.ts")) },
    { bundle: "dist/engine-worker.js (minified), its process started on the first run", KiB: kb(node("src/extension/engine-worker.ts")) },
    { bundle: "dist/webview.js (minified), in the panel", KiB: kb(webview) },
  ]);
}

async function activation(): Promise<void> {
  const why = process.env.WFV_BENCH_SKIP_VSCODE === "1" ? "WFV_BENCH_SKIP_VSCODE=1" : unavailableReason();
  if (why) {
    console.log(`activation time: skipped (${why})`);
    return;
  }
  const scratch = mkdtempSync(join(tmpdir(), "wfv-bench-"));
  const server = await startServer({ workspace: makeWorkspace(scratch), extension: resolve(REPO), load: "devpath", name: "bench" });
  try {
    const { lines } = await runInHost(server, await bundleInHostTests());
    const line = lines.find((l) => l.startsWith("# activation"));
    const m = line ? /# activation ([\d.]+) ms \(activate\(\) ([\d.]+) ms\)/.exec(line) : null;
    const logged = /bundle evaluated in ([\d.]+) ms, the host's wait before activate\(\) ([\d.]+) ms/.exec(extensionLog(server.state));
    printTable([
      { what: "activation: bundle load → end of activate() (real VS Code 1.139, code-server)", ms: m ? +m[1] : "n/a", goal: "≤ 100 ms" },
      { what: "  evaluating dist/extension.js", ms: logged ? +logged[1] : "n/a" },
      { what: "  the host's wait before activate() (the extension context's state)", ms: logged ? +logged[2] : "n/a" },
      { what: "  activate()", ms: m ? +m[2] : "n/a" },
    ]);
  } finally {
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The extension's own log (its `wfv` output channel) in a code-server state folder. */
function extensionLog(state: string): string {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name === "wfv.log") found.push(path);
    }
  };
  try {
    walk(join(state, "user-data", "logs"));
  } catch {
    return "";
  }
  return found.map((file) => readFileSync(file, "utf8")).join("\n");
}

export async function run(): Promise<void> {
  lensBench();
  bundleSizes();
  await activation();
}
