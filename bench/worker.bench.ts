/**
 * The extension's click through its budgeted worker (src/extension/worker-engine.ts, issue 11.1) at
 * 10k events, beside the same click in-process (src/extension/engine-core.ts): a click after the
 * store's background write took the DB (as the extension runs), and a click right after a run, with
 * no export in between (the host journals what each run changed; nothing is exported before a run).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { VirtualSession } from "../src/core/virtual";
import { createEngine } from "../src/extension/engine-core";
import { workerEngine } from "../src/extension/worker-engine";
import { fixturesDir } from "../test/helpers/paths";
import { baseRun, padded } from "./engine.bench";
import { medianAsyncMs, printTable } from "./util";

const SELECT = { target_step_id: "scene_generation", target_module_name: "select_scene" } as const;
const WORKER = existsBuilt() ? { file: resolve(__dirname, "../dist/engine-worker.js") } : { file: resolve(__dirname, "../src/extension/engine-worker.ts"), execArgv: ["--import", "tsx"] };

function existsBuilt(): boolean {
  try {
    readFileSync(resolve(__dirname, "../dist/engine-worker.js"));
    return true;
  } catch {
    return false;
  }
}

export async function run(): Promise<void> {
  const workflow = JSON.parse(readFileSync(resolve(fixturesDir, "cc_resolved_workflow.json"), "utf8")) as unknown;
  const blob = VirtualSession.open(padded(await baseRun(workflow), 10_000)).exportBlob();
  const live = { db_key: "bench", load_db: async () => blob, workflow, response: null, mode: "module" as const, mock: true, ...SELECT };
  const inProcess = createEngine();
  await inProcess.execute(live);
  const inProcessMs = await medianAsyncMs(() => inProcess.execute(live), 15, true);
  const worker = workerEngine({ script: WORKER, budgets: () => ({ memoryMb: 2048, runSeconds: 60 }) });
  await worker.execute(live);
  // As the extension runs: the store's background write hands the DB back after each run, off the click.
  const afterWrite: number[] = [];
  const behindRun: number[] = [];
  for (let i = 0; i < 17; i++) {
    await worker.exportDb("bench");
    let started = performance.now();
    await worker.execute(live);
    afterWrite.push(performance.now() - started);
    started = performance.now();
    await worker.execute(live); // right after a run: nothing exported in between
    behindRun.push(performance.now() - started);
  }
  await worker.dispose();
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  console.log("The extension's click (cc select_scene, module mode) at 10k events, median ms:");
  printTable([
    {
      "in-process ms": inProcessMs.toFixed(2),
      "worker, after the background write ms": median(afterWrite.slice(2)).toFixed(2),
      "worker, right after a run ms": median(behindRun.slice(2)).toFixed(2),
    },
  ]);
}
