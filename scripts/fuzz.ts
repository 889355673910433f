/**
 * `npm run fuzz`: runs generated `execute` requests (test/fuzz) by the thousand on worker threads and
 * prints the count, the outcomes, and every failing seed.
 *
 *   npm run fuzz                         10,000 cases from seed 1
 *   npm run fuzz -- --cases 50000 --start 100000 --workers 4
 *   npm run fuzz -- --replay 1541        one case, in this process, with its full report
 *   npm run fuzz -- --replay 1541 --dump case.json   ... and its request as JSON
 *
 * A case that has not finished `--case-limit-ms` after it began (default 60 s, generous: cases take
 * milliseconds) is reported as a hang; its worker is replaced and the run goes on. Exit code 1 when
 * any case failed, known core issues included (they are listed apart).
 */
import { writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { stringifyWire } from "../src/http/json";
import { buildPool, generateCase } from "../test/fuzz/cases";
import { disableNetwork, runCase } from "../test/fuzz/check";
import { knownIssueOf } from "../test/fuzz/known-issues";
import type { FromWorker, ToWorker } from "../test/fuzz/worker";

const WORKER_PATH = resolve(__dirname, "..", "test", "fuzz", "worker.ts");
/** Workers do not inherit `--import tsx`'s hooks, so each registers tsx before loading the TypeScript worker. */
const WORKER_BOOTSTRAP = `require(${JSON.stringify(require.resolve("tsx/cjs"))}); require(${JSON.stringify(WORKER_PATH)});`;

interface Failure {
  seed: number;
  problems: string[];
  description: string[];
}

interface Options {
  cases: number;
  start: number;
  workers: number;
  batch: number;
  caseLimitMs: number;
}

function positiveInteger(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 0) throw new Error(`--${name} must be a non-negative integer`);
  return number;
}

async function replay(seed: number, dumpPath: string | undefined): Promise<number> {
  disableNetwork();
  const pool = await buildPool();
  const fuzzCase = generateCase(seed, pool);
  console.log(`seed ${seed}:\n  ${fuzzCase.description.join("\n  ")}`);
  if (dumpPath) {
    writeFileSync(dumpPath, stringifyWire(fuzzCase.request));
    console.log(`request written to ${dumpPath}`);
  }
  const outcome = await runCase(fuzzCase);
  console.log(`status ${outcome.status ?? "-"}${outcome.errorType ? ` (${outcome.errorType})` : ""} in ${outcome.ms.toFixed(1)} ms`);
  if (outcome.problems.length === 0) {
    console.log("no problem");
    return 0;
  }
  for (const problem of outcome.problems) console.log(`PROBLEM${knownIssueOf(problem) ? ` [known: ${knownIssueOf(problem)!.id}]` : ""}: ${problem}`);
  return 1;
}

/** Runs seeds [start, start + cases) on `workers` threads; resolves with the failures and counts. */
function runAll(options: Options): Promise<{ failures: Failure[]; done: number; outcomes: Map<string, number>; slowest: Array<[number, number]> }> {
  const end = options.start + options.cases;
  let nextSeed = options.start;
  let done = 0;
  const failures: Failure[] = [];
  const outcomes = new Map<string, number>();
  const slowest: Array<[number, number]> = [];
  const lastReport = { at: Date.now() };

  return new Promise((resolveRun, rejectRun) => {
    const active = new Set<Worker>();
    const current = new Map<Worker, { seed: number; since: number; batchEnd: number; description: string[] }>();

    const finishIfDone = () => {
      if (active.size === 0 && nextSeed >= end) {
        clearInterval(watchdog);
        resolveRun({ failures, done, outcomes, slowest });
      }
    };

    const takeBatch = (): ToWorker | null => {
      if (nextSeed >= end) return null;
      const from = nextSeed;
      nextSeed = Math.min(end, from + options.batch);
      return { type: "batch", from, to: nextSeed };
    };

    const spawnWorker = (initial: ToWorker | null) => {
      // The main thread's stack (~1 MB; workers default to 4), so stack depth findings match in-process callers.
      const worker = new Worker(WORKER_BOOTSTRAP, { eval: true, resourceLimits: { stackSizeMb: 1 } });
      active.add(worker);
      let pending = initial;
      let ready = false;
      const give = (batch: ToWorker | null) => {
        if (batch === null) {
          worker.postMessage({ type: "stop" } satisfies ToWorker);
          return;
        }
        if (batch.type === "batch") current.set(worker, { seed: batch.from, since: Date.now(), batchEnd: batch.to, description: [] });
        worker.postMessage(batch);
      };
      worker.on("message", (message: FromWorker) => {
        switch (message.type) {
          case "ready":
            ready = true;
            give(pending ?? takeBatch());
            pending = null;
            break;
          case "begin": {
            const state = current.get(worker);
            if (state) Object.assign(state, { seed: message.seed, since: Date.now() });
            break;
          }
          case "end": {
            done++;
            const key = `${message.status ?? "-"}${message.errorType ? `:${message.errorType}` : ""}`;
            outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
            slowest.push([message.ms, message.seed]);
            slowest.sort((a, b) => b[0] - a[0]);
            slowest.length = Math.min(slowest.length, 5);
            if (message.problems.length > 0) failures.push({ seed: message.seed, problems: message.problems, description: message.description });
            if (Date.now() - lastReport.at > 10_000) {
              lastReport.at = Date.now();
              process.stderr.write(`fuzz: ${done}/${options.cases} cases, ${failures.length} failing\n`);
            }
            break;
          }
          case "idle":
            give(takeBatch());
            break;
        }
      });
      worker.on("error", (error) => {
        if (!ready) {
          // The harness itself cannot start (pool or loader): nothing would ever run.
          clearInterval(watchdog);
          for (const other of active) void other.terminate();
          rejectRun(new Error(`fuzz worker failed to start: ${error.stack ?? error.message}`));
          return;
        }
        // The worker died (not a hang): the case it was on fails; the rest of its batch goes on elsewhere.
        const state = current.get(worker);
        if (state) {
          failures.push({ seed: state.seed, problems: [`worker crashed: ${error.stack ?? error.message}`], description: [] });
          done++;
          requeue(state.seed + 1, state.batchEnd);
        }
        current.delete(worker);
      });
      worker.on("exit", () => {
        active.delete(worker);
        current.delete(worker);
        finishIfDone();
      });
    };

    /** Seeds left over from a replaced worker run on a new one. */
    const requeue = (from: number, to: number) => {
      if (from < to) spawnWorker({ type: "batch", from, to });
    };

    const watchdog = setInterval(() => {
      for (const [worker, state] of current) {
        if (Date.now() - state.since <= options.caseLimitMs) continue;
        failures.push({ seed: state.seed, problems: [`hang: no answer ${options.caseLimitMs} ms after the case began`], description: [] });
        done++;
        current.delete(worker);
        void worker.terminate();
        requeue(state.seed + 1, state.batchEnd);
      }
    }, 1000);

    for (let i = 0; i < Math.max(1, options.workers); i++) spawnWorker(null);
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      cases: { type: "string" },
      start: { type: "string" },
      workers: { type: "string" },
      batch: { type: "string" },
      "case-limit-ms": { type: "string" },
      replay: { type: "string" },
      dump: { type: "string" },
    },
    strict: true,
  });
  if (values.replay !== undefined) return replay(positiveInteger(values.replay, "replay", 0), values.dump);

  const options: Options = {
    cases: positiveInteger(values.cases, "cases", 10_000),
    start: positiveInteger(values.start, "start", 1),
    workers: positiveInteger(values.workers, "workers", Math.min(availableParallelism(), 4)),
    batch: Math.max(1, positiveInteger(values.batch, "batch", 100)),
    caseLimitMs: positiveInteger(values["case-limit-ms"], "case-limit-ms", 60_000),
  };
  const started = Date.now();
  const { failures, done, outcomes, slowest } = await runAll(options);
  const seconds = (Date.now() - started) / 1000;

  failures.sort((a, b) => a.seed - b.seed);
  console.log(`fuzz: ${done} cases (seeds ${options.start}–${options.start + options.cases - 1}) in ${seconds.toFixed(1)} s on ${options.workers} worker(s)`);
  console.log(`outcomes: ${[...outcomes].sort((a, b) => b[1] - a[1]).map(([key, count]) => `${key} ${count}`).join(", ")}`);
  console.log(`slowest cases: ${slowest.map(([ms, seed]) => `seed ${seed} ${ms.toFixed(0)} ms`).join(", ")}`);

  const groups = new Map<string, Failure[]>();
  for (const failure of failures) {
    const ids = new Set(failure.problems.map((problem) => knownIssueOf(problem)?.id ?? "unexplained"));
    for (const id of ids) groups.set(id, [...(groups.get(id) ?? []), failure]);
  }
  const unexplained = groups.get("unexplained") ?? [];
  for (const failure of unexplained) {
    console.log(`\nFAIL seed ${failure.seed}\n  ${failure.description.join("\n  ")}\n  => ${failure.problems.map((problem) => problem.split("\n").slice(0, 3).join(" | ")).join("\n  => ")}`);
  }
  for (const [id, group] of groups) {
    if (id === "unexplained") continue;
    console.log(`\nknown issue ${id}: ${group.length} case(s), seeds ${group.map((failure) => failure.seed).join(", ")}`);
    const example = group[0]!.problems.find((problem) => knownIssueOf(problem)?.id === id) ?? "";
    console.log(`  e.g. seed ${group[0]!.seed}: ${example.split("\n").slice(0, 4).join(" | ")}`);
  }
  console.log(`\n${done - failures.length} passed, ${failures.length} failed (${unexplained.length} unexplained)${failures.length > 0 ? "; replay one with: npm run fuzz -- --replay <seed>" : ""}`);
  return failures.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    console.error(error.stack ?? error.message);
    process.exitCode = 2;
  },
);
