/**
 * The debugger (issue 14) at 10k events: the latency of one step (`next`: run one module, take the
 * step-back checkpoint, stop again) next to a plain module run (`executeOnSession`, mode module) on
 * the same DB, and the memory the session keeps so it can step back over every cc module it ran.
 *
 * The DB is engine.bench's: a real cc run up to select_scene inside other runs padded to 10k events.
 * The up-to runs, plain and debugged, start the cc run over (`force_new`: its events go, the other
 * runs' stay) and go through every module to the last one (mock defaults answer the interactions).
 * Memory is the heap the checkpoints hold, measured after a full GC with them and without them.
 *
 * Goals: a step within 2× of a plain module run; under 50 MB kept for step-back over cc's modules.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { executeOnSession, VirtualSession } from "../src/core/virtual";
import { RunController } from "../src/debug/run-controller";
import type { DebugTarget } from "../src/debug/target";
import { fixturesDir } from "../test/helpers/paths";
import { baseRun, padded } from "./engine.bench";
import { medianAsyncMs, printTable } from "./util";

const EVENTS = 10_000;
const QUERY = { target_step_id: "scene_generation", target_module_name: "flatten_keywords" } as const;

function collectGarbage(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const fixed = (n: number, digits = 1) => Number(n.toFixed(digits));

export async function run(): Promise<void> {
  const gc = collectGarbage();
  const workflow = JSON.parse(readFileSync(resolve(fixturesDir, "cc_resolved_workflow.json"), "utf8")) as { steps: Array<{ step_id: string; modules?: Array<{ name?: string; module_id: string }> }> };
  const snapshot = padded(await baseRun(workflow), EVENTS);

  const plain = VirtualSession.open(snapshot);
  const plainMs = await medianAsyncMs(() => executeOnSession(plain, { workflow, ...QUERY, mode: "module", response: null }), 9);

  const last = workflow.steps[workflow.steps.length - 1];
  const lastModule = last.modules![last.modules!.length - 1];
  const runTarget = { step_id: last.step_id, module_name: lastModule.name ?? lastModule.module_id };

  // The same run without the debugger: one up-to call through the same modules (after one to warm the code up).
  const startedOver = async () => {
    const copy = VirtualSession.open(snapshot);
    await copy.start(workflow, null, { force_new: true, mock: true });
    return copy;
  };
  await (await startedOver()).runUpTo(workflow, runTarget, null, { mock: true });
  const unobserved = await startedOver();
  let ranPlain = 0;
  const plainStarted = process.hrtime.bigint();
  await unobserved.runUpTo(workflow, runTarget, null, { mock: true, observer: { moduleStarting: () => void ranPlain++ } });
  const plainRunMs = Number(process.hrtime.bigint() - plainStarted) / 1e6;
  const session = await startedOver();
  const target: DebugTarget = {
    workflowFile: "workflow.json",
    source: { workflow: workflow as never, entry: "workflow.json", sources: [], files: ["workflow.json"] },
    fileText: () => undefined,
    absolutePath: (file) => file,
    relativeFile: (path) => path,
    session,
    mock: true,
    inTurn: (work) => work(),
  };
  let wake: () => void = () => undefined;
  let ended = false;
  const controller = new RunController(
    target,
    { workflow, target: runTarget, stopOnEntry: true, stopOnInteraction: false },
    { breakpointAt: () => null, hasBreakpoint: () => false, stopped: () => wake(), ended: () => ((ended = true), wake()) },
  );
  const nextStop = () => new Promise<void>((resolve) => (wake = resolve));
  let stop = nextStop();
  controller.start();
  await stop;
  const steps: number[] = [];
  // Until the run ends, or waits on the target's own interaction (up-to leaves that one to the user).
  while (!ended && controller.current?.phase !== "interaction" && steps.length < 200) {
    stop = nextStop();
    const started = process.hrtime.bigint();
    controller.continue("next");
    await stop;
    if (!ended) steps.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const boundaries = controller.boundaries.length;

  gc();
  const withCheckpoints = process.memoryUsage().heapUsed;
  controller.boundaries.length = 0;
  gc();
  const withoutCheckpoints = process.memoryUsage().heapUsed;
  const keptMb = Math.max(0, withCheckpoints - withoutCheckpoints) / (1024 * 1024);

  printTable([
    { measure: "plain module run (flatten_keywords, mode module)", events: EVENTS, ms: fixed(plainMs, 2), "vs plain": "1×" },
    { measure: `debugger step (next), median of ${steps.length}`, events: EVENTS, ms: fixed(median(steps), 2), "vs plain": `${fixed(median(steps) / plainMs, 2)}×` },
    { measure: "debugger step, slowest (an LLM-mock module)", events: EVENTS, ms: fixed(Math.max(...steps), 2), "vs plain": `${fixed(Math.max(...steps) / plainMs, 2)}×` },
    { measure: `the same ${ranPlain} modules in one up-to call, per module`, events: EVENTS, ms: fixed(plainRunMs / ranPlain, 2), "vs plain": `${fixed(plainRunMs / ranPlain / plainMs, 2)}×` },
    { measure: `debugger, per module (${steps.length} steps)`, events: EVENTS, ms: fixed(steps.reduce((a, b) => a + b, 0) / steps.length, 2), "vs plain": `${fixed(steps.reduce((a, b) => a + b, 0) / steps.length / (plainRunMs / ranPlain), 2)}× the same run` },
  ]);
  printTable([{ measure: "memory kept for step-back", modules: boundaries, events: EVENTS, MB: fixed(keptMb, 2), "goal MB": 50 }]);
}
