/**
 * Latency of one virtual run in module mode — a select module (`scene_generation/select_scene`,
 * first call: resolve inputs, ask, store the request) and a query module
 * (`scene_generation/flatten_keywords`) of the cc workflow — with virtual DBs of 100, 10k and 100k
 * events, next to the original server's per-request cycle on the same DB, measured in the same run:
 * base64 decode + gunzip + JSON parse + mongomock import + export + JSON dump + gzip + base64, in
 * /usr/bin/python3 with python3-mongomock (skipped with a note when it is absent). The original paid
 * that cycle on every call before its engine ran at all.
 *
 * Two wfv paths:
 * - blob: `execute` with the compressed DB string (decompress, import, run, export, compress per call);
 * - live: `executeOnSession` on a DB kept in memory between calls;
 * - extension: the extension's engine (src/extension/engine-core.ts) on the workflow's live DB, as a
 *   click on a lens runs it, including the DB changes it reports to the panel (the stored file is
 *   written afterwards, in the background).
 * The blob path is also split (open / run / export) to show where its time goes.
 *
 * The DBs: a real cc run driven by the engine up to select_scene (the run under test), inside many
 * other runs of 1–3 branches whose events are copies of real cc events (engine.md §2.2–2.3 shapes and
 * payload sizes), until the event count is reached.
 *
 * Goal (issue 4): ≤ 15 ms at 10k events, and ≥ 20× faster than the original's cycle.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { compressText, createFreshVirtualDb, exportJsonText, type DbSnapshot, type Document } from "../src/core/db";
import { execute, executeOnSession, VirtualSession, type ExecuteRequest } from "../src/core/virtual";
import { fixturesDir } from "../test/helpers/paths";
import { createEngine } from "../src/extension/engine-core";
import { originalCycleMs } from "./original-cycle";
import { medianAsyncMs, medianMs, printTable, pythonHas } from "./util";

const SIZES = [100, 10_000, 100_000];
const SELECT = { target_step_id: "scene_generation", target_module_name: "select_scene" } as const;
const QUERY = { target_step_id: "scene_generation", target_module_name: "flatten_keywords" } as const;

// A single run at 100k events is not warmed up: the smaller sizes already warmed the code.
const warmed = (runs: number) => runs > 1;

/** The run under test: cc driven by the engine to select_scene (two auto-selected answers before it). */
export async function baseRun(workflow: unknown): Promise<DbSnapshot> {
  const first = await execute({ workflow, ...SELECT, mode: "up_to", virtual_db: {} });
  if (first.status !== "awaiting_input" || first.progress?.current_module !== "select_scene") {
    throw new Error(`bench setup: expected to stop at select_scene, got ${first.status} at ${first.progress?.current_module}: ${first.error}`);
  }
  return first.result.virtual_db as DbSnapshot;
}

/**
 * The run under test plus other runs up to `eventCount` events. Their events are copies of the real
 * run's events (same types, step/module names and payloads), on 1–3 branches per run, with ids made
 * by a uuid7 generator running before the real run, so every id stays unique and sorted. The other
 * runs were created later, so the virtual run is still the DB's first main run.
 */
export function padded(base: DbSnapshot, eventCount: number): DbSnapshot {
  const snapshot: DbSnapshot = structuredClone(base);
  const templates = snapshot.events!;
  const realRun = snapshot.workflow_runs![0]!;
  let pastMs = (templates[0]!.timestamp as Date).getTime() - 365 * 24 * 3600 * 1000;
  const ids = createFreshVirtualDb({ clock: () => (pastMs += 7) });
  let random = 11;
  const next = () => ((random = (random * 16807) % 2147483647) / 2147483647);

  const runs: Document[] = [];
  const branches: Document[] = [];
  const events: Document[] = [];
  for (let runIndex = 0; templates.length + events.length < eventCount; runIndex++) {
    const runId = `wf_${runIndex.toString(16).padStart(12, "0")}`;
    const branchCount = 1 + Math.floor(next() * 3);
    const runBranches = Array.from({ length: branchCount }, () => `br_${ids.newUuid7Hex()}`);
    runBranches.forEach((branchId, i) =>
      branches.push({
        _id: ids.newObjectId(),
        branch_id: branchId,
        workflow_run_id: runId,
        lineage: runBranches.slice(0, i + 1).map((b, k) => ({ branch_id: b, cutoff_event_id: k < i ? null : null })),
        created_at: new Date(pastMs),
      }),
    );
    runs.push({
      ...realRun,
      _id: ids.newObjectId(),
      workflow_run_id: runId,
      current_branch_id: runBranches[branchCount - 1],
      created_at: new Date((realRun.created_at as Date).getTime() + 1000 + runIndex),
      updated_at: new Date((realRun.created_at as Date).getTime() + 1000 + runIndex),
    });
    for (const template of templates) {
      if (templates.length + events.length >= eventCount) break;
      events.push({
        ...template,
        _id: ids.newObjectId(),
        event_id: `evt_${ids.newUuid7Hex()}`,
        workflow_run_id: runId,
        branch_id: runBranches[Math.floor(next() * branchCount)],
        timestamp: new Date(pastMs),
      });
    }
  }
  snapshot.workflow_runs = [...snapshot.workflow_runs!, ...runs];
  snapshot.branches = [...snapshot.branches!, ...branches];
  snapshot.events = [...events, ...templates];
  return snapshot;
}

/** The original's blob: dates as `datetime.isoformat()` strings (naive, no Z), gzip + base64. */
export function pythonBlob(snapshot: DbSnapshot): string {
  const text = JSON.stringify(snapshot, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    if (raw instanceof Date) return raw.toISOString().replace("Z", "").replace(/\.000$/, "");
    return value;
  });
  return compressText(text);
}

const fixed = (n: number, digits = 1) => Number(n.toFixed(digits));
const ratio = (baseline: number | undefined, ms: number) => (baseline === undefined ? "n/a" : `${fixed(baseline / ms, 1)}×`);

/** Calls per measurement: the blob path at 100k events costs seconds per call (hundreds of MB of JSON). */
function runsFor(size: number): { blob: number; live: number; python: number } {
  if (size >= 100_000) return { blob: 1, live: 5, python: 1 };
  if (size >= 10_000) return { blob: 5, live: 15, python: 3 };
  return { blob: 15, live: 15, python: 5 };
}

export async function run(): Promise<void> {
  const withPython = pythonHas("mongomock");
  if (!withPython) console.log("note: /usr/bin/python3 with mongomock is absent; the original's cycle is not measured (apt-get install python3-mongomock).");
  const workflow = JSON.parse(readFileSync(resolve(fixturesDir, "cc_resolved_workflow.json"), "utf8")) as unknown;
  const base = await baseRun(workflow);

  const latency: Array<Record<string, string | number>> = [];
  const splits: Array<Record<string, string | number>> = [];
  for (const size of SIZES) {
    const runs = runsFor(size);
    const snapshot = padded(base, size);
    const session = VirtualSession.open(snapshot);
    const blob = session.exportBlob();
    const eventCount = snapshot.events!.length;
    const jsonMb = Buffer.byteLength(exportJsonText(session.db)) / (1024 * 1024);
    const request = (target: typeof SELECT | typeof QUERY): ExecuteRequest => ({ workflow, virtual_db: blob, ...target });

    // Both targets do what is measured (checked on a copy, so the live DB below starts as the blob).
    const check = VirtualSession.open(snapshot);
    const selectAnswer = await executeOnSession(check, { workflow, ...SELECT });
    const queryAnswer = await executeOnSession(check, { workflow, ...QUERY });
    if (selectAnswer.status !== "awaiting_input" || queryAnswer.status !== "completed") {
      throw new Error(`bench: select ${selectAnswer.status} (${selectAnswer.error}), query ${queryAnswer.status} (${queryAnswer.error})`);
    }

    // The live path first: a live DB grows by two events per call, negligible next to its size.
    const liveSelectMs = await medianAsyncMs(() => executeOnSession(session, { workflow, ...SELECT }), runs.live, warmed(runs.live));
    const liveQueryMs = await medianAsyncMs(() => executeOnSession(session, { workflow, ...QUERY }), runs.live, warmed(runs.live));
    const extension = createEngine();
    const live = { db_key: "bench", load_db: async () => blob, workflow, response: null, mode: "module" as const, mock: true };
    await extension.execute({ ...live, ...SELECT }); // opens the stored DB once, as the first click does
    const extensionSelectMs = await medianAsyncMs(() => extension.execute({ ...live, ...SELECT }), runs.live, warmed(runs.live));
    // Writing the stored file after a run (off the run's path): JSON text on this thread, native gzip on the thread pool.
    const persistMs = await medianAsyncMs(() => extension.exportDb("bench"), runs.blob, warmed(runs.blob));
    const blobSelectMs = await medianAsyncMs(() => execute(request(SELECT)), runs.blob, warmed(runs.blob));
    const blobQueryMs = await medianAsyncMs(() => execute(request(QUERY)), runs.blob, warmed(runs.blob));
    const openMs = medianMs(() => VirtualSession.open(blob), runs.blob, warmed(runs.blob));
    const exportMs = medianMs(() => exportJsonText(session.db), runs.blob, warmed(runs.blob));
    const jsonText = exportJsonText(session.db);
    const compressMs = medianMs(() => compressText(jsonText), runs.blob, warmed(runs.blob));
    const pythonMs = withPython ? originalCycleMs(pythonBlob(snapshot), runs.python, { input: "blob", ids: "drop" }) : undefined;

    latency.push({
      events: eventCount,
      "JSON MB": fixed(jsonMb, 1),
      "blob MB": fixed(blob.length / (1024 * 1024), 2),
      "original cycle ms": pythonMs === undefined ? "n/a" : fixed(pythonMs, 0),
      "select live ms": fixed(liveSelectMs, 2),
      "query live ms": fixed(liveQueryMs, 2),
      "select extension ms": fixed(extensionSelectMs, 2),
      "select blob ms": fixed(blobSelectMs, 0),
      "query blob ms": fixed(blobQueryMs, 0),
      "cycle / select live": ratio(pythonMs, liveSelectMs),
      "cycle / query live": ratio(pythonMs, liveQueryMs),
      "cycle / select extension": ratio(pythonMs, extensionSelectMs),
      "cycle / select blob": ratio(pythonMs, blobSelectMs),
      "cycle / query blob": ratio(pythonMs, blobQueryMs),
    });
    splits.push({
      events: eventCount,
      "open: decode+import ms": fixed(openMs, 0),
      "run (live) ms": fixed(liveSelectMs, 2),
      "export: extended JSON text ms": fixed(exportMs, 0),
      "export: gzip+base64 ms": fixed(compressMs, 0),
      "sum ms": fixed(openMs + liveSelectMs + exportMs + compressMs, 0),
      "select blob ms": fixed(blobSelectMs, 0),
      "extension: persist after a run, wall ms (gzip off-thread)": fixed(persistMs, 0),
    });
  }
  console.log("One virtual run in module mode (cc scene_generation/select_scene first call; flatten_keywords query), median ms:");
  printTable(latency);
  console.log("Where the blob path's time goes (select), and the extension's background write of its live DB (export + native gzip):");
  printTable(splits);
}
