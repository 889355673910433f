/**
 * Virtual DB export/import throughput on realistic event stores (engine.md §2.2/2.3) of 1k, 10k and
 * 100k events, next to floors measured in the same run on the same data:
 *   export floor = JSON.stringify + gzip (same codec and level) + base64,
 *   import floor = base64 decode + gunzip + JSON.parse,
 * and, when python3-mongomock is present, the original server's cycle on the same data (JSON → mongomock
 * insert_many → export with virtual.py's serialiser → json.dumps → gzip → base64), timed inside Python.
 * Also the engine's hot query (lineage events of a run, sorted by event_id) against a hand-written
 * filter+sort over the same array.
 */
import { cpus, loadavg } from "node:os";
import { FILE_GZIP_LEVEL, nodeGzipCodec } from "../src/node/gzip";
import { createFreshVirtualDb, createVirtualDb, exportCompressed, exportDb, fflateCodec, importDb, type Document, type GzipCodec, type GzipLevel, type VirtualDb } from "../src/core/db";
import type { MemoryDb } from "../src/core/db/memory-db";
import { SegmentedEncoder } from "../src/core/db/segmented";
import { originalCycleMs } from "./original-cycle";
import { printTable, pythonHas } from "./util";

const SIZES = [1_000, 10_000, 100_000];

/** A deterministic event store: one run, three branches, events of every type with realistic payloads. */
export function buildDb(eventCount: number): VirtualDb {
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  let clockMs = Date.UTC(2025, 0, 1);
  const db = createFreshVirtualDb({ clock: () => clockMs, random });
  const runId = "wf_0123456789ab";
  const branches = [0, 1, 2].map(() => `br_${db.newUuid7Hex()}`);
  db.collection("workflow_runs").insertOne({
    workflow_run_id: runId,
    user_id: "virtual_user_001",
    project_name: "bench",
    workflow_template_name: "cc",
    workflow_template_id: "tpl_0123456789ab",
    current_workflow_version_id: `ver_${db.newUuid7Hex()}`,
    current_branch_id: branches[2],
    status: "awaiting_input",
    created_at: db.now(),
    updated_at: db.now(),
  });
  db.collection("branches").insertMany(
    branches.map((branchId, i) => ({
      branch_id: branchId,
      workflow_run_id: runId,
      lineage: branches.slice(0, i + 1).map((b, k) => ({ branch_id: b, cutoff_event_id: k < i ? null : null })),
      created_at: db.now(),
    })),
  );
  const words = ["forest", "river", "lantern", "copper", "meadow", "glass", "ember", "harbor", "violet", "summit"];
  const sentence = (n: number) => Array.from({ length: n }, () => words[Math.floor(random() * words.length)]).join(" ");
  const types = ["step_started", "module_started", "module_completed", "interaction_requested", "interaction_response", "module_completed", "step_completed"];
  const events: Document[] = [];
  for (let i = 0; i < eventCount; i++) {
    clockMs += 1 + Math.floor(random() * 50);
    const eventType = types[i % types.length];
    const stepId = `step_${Math.floor(i / 70) % 10}`;
    let data: Record<string, unknown> = {};
    if (eventType === "module_started") data = { module_id: "user.select" };
    if (eventType === "module_completed") {
      data = {
        selected_indices: [Math.floor(random() * 5)],
        selected_data: { title: sentence(4), description: sentence(30), tags: [sentence(1), sentence(1), sentence(1)], score: random() },
        _state_mapped: { [`scene_${i % 20}`]: { text: sentence(12), at: db.now() } },
      };
    }
    if (eventType === "interaction_requested") {
      data = {
        interaction_id: `select_${db.newUuid7Hex()}`,
        interaction_type: "select_from_structured",
        title: sentence(5),
        display_data: { data: Array.from({ length: 5 }, (_, k) => ({ index: k, title: sentence(3), body: sentence(25) })), schema: { type: "array" } },
        _resolved_inputs: { prompt: sentence(40), options: Array.from({ length: 5 }, () => sentence(6)) },
        module_id: "user.select",
        _step_context: { step_id: stepId, step_name: "Pick a scene", module_name: "select_scene", module_index: 2 },
      };
    }
    if (eventType === "interaction_response") {
      data = { interaction_id: `select_${db.newUuid7Hex()}`, response: { selected_indices: [1], value: null, cancelled: false, retry_requested: false, feedback: null } };
    }
    const event: Document = {
      event_id: `evt_${db.newUuid7Hex()}`,
      workflow_run_id: runId,
      branch_id: branches[Math.min(2, Math.floor((i / eventCount) * 3))],
      workflow_version_id: "ver_0",
      event_type: eventType,
      timestamp: db.now(),
      data,
    };
    if (eventType !== "workflow_created") {
      event.step_id = stepId;
      event.module_name = "select_scene";
    }
    events.push(event);
  }
  db.collection("events").insertMany(events);
  return db;
}

function floorExport(snapshot: unknown, codec: GzipCodec, level: GzipLevel): string {
  const gz = codec.gzip(new TextEncoder().encode(JSON.stringify(snapshot)), level);
  return Buffer.from(gz.buffer, gz.byteOffset, gz.byteLength).toString("base64");
}

function floorImport(blob: string, codec: GzipCodec): unknown {
  const bytes = Buffer.from(blob, "base64");
  return JSON.parse(new TextDecoder().decode(codec.gunzip(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength))));
}

const CODECS: Array<[string, GzipCodec, GzipLevel]> = [
  ["fflate 6 (core default)", fflateCodec, 6],
  [`node:zlib ${FILE_GZIP_LEVEL} (CLI, extension)`, nodeGzipCodec, FILE_GZIP_LEVEL],
];

/**
 * Times `subject` and `baseline` alternately, so a busy machine slows both alike; returns their median
 * times and the median of the per-pair ratios.
 */
function pairedMs(subject: () => unknown, baseline: () => unknown, runs: number): { subject: number; baseline: number; ratio: number } {
  subject();
  baseline();
  const time = (fn: () => unknown) => {
    const start = process.hrtime.bigint();
    fn();
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  const a: number[] = [];
  const b: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Alternate which goes first, so neither always runs right after the other's garbage.
    let x: number;
    let y: number;
    if (i % 2 === 0) {
      x = time(subject);
      y = time(baseline);
    } else {
      y = time(baseline);
      x = time(subject);
    }
    a.push(x);
    b.push(y);
    ratios.push(x / y);
  }
  const median = (values: number[]) => values.slice().sort((p, q) => p - q)[Math.floor(values.length / 2)];
  return { subject: median(a), baseline: median(b), ratio: median(ratios) };
}

const mb = (bytes: number) => bytes / (1024 * 1024);
const fixed = (n: number, digits = 2) => Number(n.toFixed(digits));

export function run(): void {
  console.log(`Machine load average: ${loadavg().map((l) => l.toFixed(1)).join(" ")} on ${cpus().length} CPUs (ratios are measured in the same run).`);
  const withPython = pythonHas("mongomock");
  const rows: Array<Record<string, string | number>> = [];
  const queryRows: Array<Record<string, string | number>> = [];
  const segmentRows: Array<Record<string, string | number>> = [];
  const pythonRows: Array<Record<string, string | number>> = [];
  for (const size of SIZES) {
    // Small sizes need many runs for a stable median (JIT warm-up, a busy machine).
    const runs = size >= 100_000 ? 3 : size >= 10_000 ? 11 : 61;
    const db = buildDb(size);
    const snapshot = exportDb(db);
    const jsonText = JSON.stringify(snapshot);
    const cycles: Record<string, number> = {};
    for (const [codecName, codec, level] of CODECS) {
      const blob = exportCompressed(db, { codec, level });
      const floorBlob = floorExport(snapshot, codec, level);
      const exporting = pairedMs(() => exportCompressed(db, { codec, level }), () => floorExport(snapshot, codec, level), runs);
      const importing = pairedMs(() => importDb(blob, { codec }), () => floorImport(floorBlob, codec), runs);
      cycles[codecName] = exporting.subject + importing.subject;
      rows.push({
        events: size,
        gzip: codecName,
        "JSON MB": fixed(mb(jsonText.length)),
        "blob MB": fixed(mb(blob.length)),
        "export ms": fixed(exporting.subject, 1),
        "floor ms": fixed(exporting.baseline, 1),
        "export / floor": fixed(exporting.ratio),
        "import ms": fixed(importing.subject, 1),
        "floor ms ": fixed(importing.baseline, 1),
        "import / floor": fixed(importing.ratio),
        "import MB/s": fixed(mb(jsonText.length) / (importing.subject / 1000), 1),
      });
    }
    // mongomock needs about three minutes for 100k events, so that size runs only when asked for.
    const pythonWanted = withPython && (size < 100_000 || process.env.WFV_BENCH_PYTHON_100K === "1");
    const pythonMs = pythonWanted ? originalCycleMs(jsonText, size >= 100_000 ? 1 : 3, { input: "json", ids: "keep" }) : undefined;
    pythonRows.push({
      events: size,
      "python cycle ms": pythonMs === undefined ? (withPython ? "set WFV_BENCH_PYTHON_100K=1" : "no mongomock") : fixed(pythonMs, 0),
      ...Object.fromEntries(
        Object.entries(cycles).flatMap(([name, ms]) => [
          [`wfv ${name} ms`, fixed(ms, 1)],
          [`python / wfv ${name}`, pythonMs === undefined ? "n/a" : fixed(pythonMs / ms, 1)],
        ]),
      ),
    });

    // The engine's hot path: lineage events of the run, ordered by event_id (engine.md 2.4).
    const events = db.collection("events");
    const branches = db.collection("branches").find({}, { sort: { created_at: 1 } }).map((b) => b.branch_id as string);
    const cutoff = (events.find({ branch_id: branches[0] }, { sort: { event_id: -1 }, limit: 1 })[0]?.event_id as string) ?? "";
    const lineageFilter = {
      workflow_run_id: "wf_0123456789ab",
      $or: [{ branch_id: branches[0], event_id: { $lte: cutoff } }, { branch_id: branches[1] }, { branch_id: branches[2] }],
      event_type: { $in: ["module_completed", "sub_action_completed"] },
    };
    const stored = snapshot.events;
    const handWritten = () =>
      stored
        .filter(
          (e) =>
            e.workflow_run_id === "wf_0123456789ab" &&
            (e.event_type === "module_completed" || e.event_type === "sub_action_completed") &&
            ((e.branch_id === branches[0] && (e.event_id as string) <= cutoff) || e.branch_id === branches[1] || e.branch_id === branches[2]),
        )
        .sort((a, b) => ((a.event_id as string) < (b.event_id as string) ? -1 : 1))
        .map((e) => structuredClone(e));
    const querying = pairedMs(() => events.find(lineageFilter, { sort: { event_id: 1 } }), handWritten, runs);
    const [queryMs, baselineMs] = [querying.subject, querying.baseline];
    // Appending events one by one, as the engine does: insertOne vs structuredClone + push.
    const appending = pairedMs(
      () => {
        const target = createVirtualDb().collection("events");
        for (const event of stored) target.insertOne(event);
      },
      () => {
        const target: Document[] = [];
        for (const event of stored) target.push(structuredClone(event));
      },
      Math.max(3, Math.floor(runs / 2)),
    );
    queryRows.push({
      events: size,
      "insertOne each ms": fixed(appending.subject, 1),
      "structuredClone+push ms": fixed(appending.baseline, 1),
      "insert / baseline": fixed(appending.ratio),
      matched: events.countDocuments(lineageFilter),
      "find ms": fixed(queryMs, 2),
      "filter+sort+structuredClone ms": fixed(baselineMs, 2),
      "find / hand-written": fixed(querying.ratio),
    });
    // Segmented blobs (what wfv serve returns): a full encode, and a re-encode after two appended
    // events, next to the export floor (JSON.stringify + gzip + base64), native zlib at the files' level.
    const segmented = () => new SegmentedEncoder({ codec: nodeGzipCodec, level: FILE_GZIP_LEVEL });
    const full = pairedMs(() => segmented().encode(db as MemoryDb), () => floorExport(snapshot, nodeGzipCodec, FILE_GZIP_LEVEL), Math.max(3, Math.floor(runs / 2)));
    const encoder = segmented();
    encoder.encode(db as MemoryDb);
    const appended: number[] = [];
    for (let i = 0; i < runs; i++) {
      db.collection("events").insertMany([{ ...stored[i % stored.length]!, _id: `appended_${i}_a` }, { ...stored[(i + 1) % stored.length]!, _id: `appended_${i}_b` }]);
      const started = process.hrtime.bigint();
      encoder.encode(db as MemoryDb);
      appended.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    const appendMs = appended.sort((a, b) => a - b)[Math.floor(appended.length / 2)]!;
    segmentRows.push({
      events: size,
      "full encode ms": fixed(full.subject, 1),
      "export floor ms": fixed(full.baseline, 1),
      "full / floor": fixed(full.ratio),
      "re-encode after 2 appended events ms": fixed(appendMs, 2),
      "re-encode / floor": fixed(appendMs / full.baseline, 4),
    });
  }
  console.log("Export/import of the compressed blob (gzip + base64) vs floors on the same data (JSON.stringify + gzip + base64, and the reverse):");
  printTable(rows);
  console.log("A whole cycle (export + import) vs the original server's cycle on the same data (JSON → mongomock → export → gzip → base64):");
  printTable(pythonRows);
  console.log(`Segmented blobs (wfv serve): a full encode and a re-encode after appending 2 events, vs the export floor (node:zlib ${FILE_GZIP_LEVEL}):`);
  printTable(segmentRows);
  console.log("Appending events one by one, and the lineage query (find + sort by event_id, copies out), vs hand-written baselines:");
  printTable(queryRows);
}
