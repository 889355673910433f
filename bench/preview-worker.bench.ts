/**
 * The template preview's keystroke in the extension (issue 15): the host asks the engine's worker
 * (src/extension/preview/worker-ops.ts) to render cc's largest prompt (`workflow_summary/format_summary`)
 * on a live DB of 10k events. Every call renders a text no earlier call rendered (one letter at a new
 * place). The baseline is the core's own `previewTemplate` with the context already built, in this
 * process (bench/preview.bench.ts measures the core alone); the rows add the worker's round trip:
 *
 * - context kept: the DB and the workflow are the same as at the last keystroke (a prompt file edited);
 * - workflow changed: every keystroke sends a new workflow version (a template string edited in a step
 *   file), so the worker takes the workflow and rebuilds the module's context.
 *
 * The real editor adds the document's change event, a light debounce and the webview's drawing
 * (test/e2e/in-host/preview.ts prints that whole path, measured in code-server).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { moduleContext, previewTemplate } from "../src/core/preview";
import { VirtualSession } from "../src/core/virtual";
import { workerEngine } from "../src/extension/worker-engine";
import { fixturesDir } from "../test/helpers/paths";
import { baseRun, padded } from "./engine.bench";
import { medianAsyncMs, medianMs, printTable } from "./util";

const TARGET = { step_id: "workflow_summary", module_name: "format_summary" };
const INPUT = "template";
const EVENTS = 10_000;
const RUNS = 31;
const BUILT = resolve(__dirname, "../dist/engine-worker.js");
const WORKER = existsBuilt() ? { file: BUILT } : { file: resolve(__dirname, "../src/extension/engine-worker.ts"), execArgv: ["--import", "tsx"] };

function existsBuilt(): boolean {
  try {
    readFileSync(BUILT);
    return true;
  } catch {
    return false;
  }
}

export async function run(): Promise<void> {
  const workflow = JSON.parse(readFileSync(resolve(fixturesDir, "cc_resolved_workflow.json"), "utf8")) as Record<string, any>;
  const session = VirtualSession.open(padded(await baseRun(workflow), EVENTS));
  const blob = session.exportBlob();
  const prompt = workflow.steps.find((step: { step_id: string }) => step.step_id === TARGET.step_id).modules[0].inputs[INPUT] as string;
  const places = [...prompt.matchAll(/\n(?=[A-Za-z])/g)].map((match) => match.index + 1);
  let edit = 0;
  const edited = (): string => {
    const at = places[edit % places.length]!;
    const letter = String.fromCharCode(97 + (Math.floor(edit++ / places.length) % 26));
    return `${prompt.slice(0, at)}${letter}${prompt.slice(at)}`;
  };

  const context = await moduleContext(session, workflow, TARGET);
  for (let i = 0; i < 20; i++) previewTemplate(edited(), context);
  const coreMs = medianMs(() => previewTemplate(edited(), context), RUNS);

  const ref = { db_key: "bench", load_db: async () => blob };
  const request = () => ({ step_id: TARGET.step_id, module_name: TARGET.module_name, input: INPUT, sub_path: [], template: edited() });
  const worker = workerEngine({ script: WORKER, budgets: () => ({ memoryMb: 2048, runSeconds: 60 }) });
  try {
    for (let i = 0; i < 10; i++) await worker.preview(ref, workflow, request());
    const keptMs = await medianAsyncMs(() => worker.preview(ref, workflow, request()), RUNS);
    // A new workflow object per keystroke: a new version for the worker (sent whole, context rebuilt).
    const changedMs = await medianAsyncMs(() => worker.preview(ref, structuredClone(workflow), request()), 11);
    const sample = await worker.preview(ref, workflow, request());
    const fixed = (n: number) => Number(n.toFixed(2));
    console.log(`cc's largest prompt (${prompt.length} characters, ${sample.text.length} rendered, ${sample.undefinedSpans.length} undefined outputs), ${EVENTS} events in the live DB, per keystroke:`);
    printTable([
      { path: "core previewTemplate, context known (baseline)", median_ms: fixed(coreMs), vs_baseline: "1×", of_50ms_budget: `${fixed((coreMs / 50) * 100)}%` },
      { path: "worker preview, context kept", median_ms: fixed(keptMs), vs_baseline: `${fixed(keptMs / coreMs)}×`, of_50ms_budget: `${fixed((keptMs / 50) * 100)}%` },
      { path: "worker preview, workflow changed", median_ms: fixed(changedMs), vs_baseline: `${fixed(changedMs / coreMs)}×`, of_50ms_budget: `${fixed((changedMs / 50) * 100)}%` },
    ]);
  } finally {
    await worker.dispose();
  }
}
