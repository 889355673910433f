/**
 * The engine, loaded on the first run: activation then evaluates only the adapter and the workflow
 * model, and an engine that fails to load shows up as a failed run (with its message) instead of an
 * extension that does not activate. The engine is its own bundle (dist/engine-worker.js, built from
 * ./engine-worker.ts over ./engine-core.ts) and runs in a child Node process under the run budgets
 * (./worker-engine.ts, issue 11.1), so the activation bundle carries none of it (no DB, no mingo, no
 * templates) and a run that blows up its budget leaves the extension host running.
 */
import { join } from "node:path";
import { DEFAULT_BUDGETS, type Budgets } from "../node/isolate";
import { workerEngine, type WorkerEngine } from "./worker-engine";

// Beside dist/extension.js.
const ENGINE_WORKER = "engine-worker.js";

export function lazyEngine(onLoadError: (error: unknown) => void, budgets: () => Budgets = () => DEFAULT_BUDGETS): WorkerEngine {
  return workerEngine({ script: { file: join(__dirname, ENGINE_WORKER) }, budgets, onCrash: onLoadError });
}
