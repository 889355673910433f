/**
 * The stateless path at live speed (issue 17): `POST /workflow/virtual/execute` on `wfv serve` (the
 * built dist/cli.js, in its own process, as a client would run it) with the DB in every request, at
 * 100, 10k and 100k events, next to baselines measured in the same run on the same DB:
 *
 * - live: `executeOnSession` on a DB kept in memory (the extension's path, no HTTP, no blob);
 * - floor: what any stateless server pays at least to take the blob in and give it back — base64
 *   decode + gunzip + JSON.parse, then JSON.stringify + gzip + base64 (Node's zlib at the level the
 *   server writes blobs with);
 * - the original's cycle: the original virtual server's per-request DB work, in Python with mongomock
 *   (original-cycle.ts), on the original's blob of the same DB.
 *
 * Each request is paired with its baseline measured just before it (the ratios are medians of the
 * pairs' ratios, so a busy machine slows both sides alike). Two kinds of request:
 * - hit: the request brings back the blob the server just returned (the editor's normal loop), so
 *   the server starts from its live copy and re-encodes only what the run changed;
 * - miss: a blob the server never returned (here: the DB exported elsewhere), decoded as any
 *   stateless server must; it gets the same answer, only slower.
 *
 * The server runs as users start it: a pool of one worker per core (pool.ts), each request routed to the
 * worker holding its DB live. "server ms" is the server's own time per request, from its `Server-Timing` header (`process`: from
 * the request body read to the response ready to be written; the body's transfer is not in it);
 * "round trip ms" is the client's wall time, sending and receiving the blob included.
 *
 * Goals (issue 17): at 10k events a hit ≤ 15 ms server-side and ≤ 10× live; a miss ≤ 2× the floor;
 * at 100k events a hit under 100 ms.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { compressText, exportJsonText, type DbSnapshot } from "../src/core/db";
import { executeOnSession, VirtualSession } from "../src/core/virtual";
import { FILE_GZIP_LEVEL, nodeGzipCodec } from "../src/node/gzip";
import { fixturesDir } from "../test/helpers/paths";
import { baseRun, padded, pythonBlob } from "./engine.bench";
import { originalCycleMs } from "./original-cycle";
import { printTable, pythonHas } from "./util";

const SIZES = [100, 10_000, 100_000];
const SELECT = { target_step_id: "scene_generation", target_module_name: "select_scene" } as const;
const CLI = resolve(__dirname, "..", "dist", "cli.js");

/** Requests per measurement (each paired with its baseline); a miss at 100k events takes tens of seconds. */
function runsFor(size: number): { hit: number; miss: number; python: number } {
  if (size >= 100_000) return { hit: 9, miss: 2, python: 1 };
  if (size >= 10_000) return { hit: 25, miss: 5, python: 3 };
  return { hit: 41, miss: 15, python: 5 };
}

/** `wfv serve` on a free loopback port, in its own process; resolves with its URL. */
function startServer(extra: string[] = []): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [CLI, "serve", "--port", "0", ...extra], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((done, fail) => {
    let out = "";
    child.once("exit", (code) => fail(new Error(`wfv serve exited (${code}) before listening`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const line = out.split("\n").find((l) => l.startsWith('{"url"'));
      if (line) done({ url: (JSON.parse(line) as { url: string }).url, child });
    });
  });
}

interface Reply {
  status: string;
  blob: string;
  source: string;
  serverMs: number;
  roundTripMs: number;
  /** The Server-Timing parts: parse, lookup, open, run, encode (ms). */
  parts: Record<string, number>;
}

/**
 * One execute with `blob`, sent again (once) when the connection fails while the body is on its way:
 * on this 2-core machine a 50 MB upload has been seen to end in EPIPE with the server still up.
 */
async function execute(url: string, head: string, blob: string): Promise<Reply> {
  try {
    return await executeOnce(url, head, blob);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EPIPE" && code !== "ECONNRESET") throw error;
    console.warn(`serve bench: ${code} while sending ${(blob.length / 2 ** 20).toFixed(1)} MB; sending it again`);
    return executeOnce(url, head, blob);
  }
}

/** One execute with `blob`; the reply's blob is cut out of the text (no parse of megabytes of base64). */
function executeOnce(url: string, head: string, blob: string): Promise<Reply> {
  const started = performance.now();
  return new Promise((done, fail) => {
    // A new connection per request: an idle keep-alive socket may be closed by the server while the
    // bench computes a baseline, and a request sent on it would fail.
    const request = httpRequest(`${url}/workflow/virtual/execute`, { method: "POST", agent: false, headers: { "Content-Type": "application/json" } }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", fail);
      response.on("end", () => {
        const roundTripMs = performance.now() - started;
        const text = Buffer.concat(chunks).toString("utf8");
        const key = '"virtual_db":"';
        const at = text.indexOf(key);
        const end = at < 0 ? -1 : text.indexOf('"', at + key.length);
        const rest = JSON.parse(at < 0 ? text : text.slice(0, at + key.length) + text.slice(end)) as { status: string; error?: string };
        if (rest.status !== "awaiting_input" || at < 0) {
          fail(new Error(`bench: expected awaiting_input with a blob, got ${rest.status}: ${rest.error ?? ""}`));
          return;
        }
        const timing = String(response.headers["server-timing"] ?? "");
        const parts: Record<string, number> = {};
        for (const [, name, ms] of timing.matchAll(/(\w+);dur=([\d.]+)/g)) parts[name!] = Number(ms);
        done({
          parts,
          status: rest.status,
          blob: text.slice(at + key.length, end),
          source: /db;desc=(\w+)/.exec(timing)?.[1] ?? "?",
          serverMs: Number(/process;dur=([\d.]+)/.exec(timing)?.[1] ?? NaN),
          roundTripMs,
        });
      });
    });
    request.on("error", fail);
    request.end(head + blob + '"}');
  });
}

const median = (values: number[]) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fixed = (n: number, digits = 1) => Number(n.toFixed(digits));
const times = (a: number | undefined, b: number) => (a === undefined ? "n/a" : `${fixed(a / b, 1)}×`);

/** The floor: the blob in (base64 + gunzip + JSON.parse) and out (JSON.stringify + gzip + base64). */
function floorCycle(blob: string): string {
  const state = JSON.parse(Buffer.from(nodeGzipCodec.gunzip(Buffer.from(blob, "base64"))).toString("utf8")) as unknown;
  return Buffer.from(nodeGzipCodec.gzip(Buffer.from(JSON.stringify(state), "utf8"), FILE_GZIP_LEVEL)).toString("base64");
}

export async function run(): Promise<void> {
  if (!existsSync(CLI)) {
    console.log("serve bench: dist/cli.js is missing (npm run build); skipped.");
    return;
  }
  const withPython = pythonHas("mongomock");
  if (!withPython) console.log("note: /usr/bin/python3 with mongomock is absent; the original's cycle is not measured (apt-get install python3-mongomock).");
  const workflow = JSON.parse(readFileSync(resolve(fixturesDir, "cc_resolved_workflow.json"), "utf8")) as unknown;
  const base = await baseRun(workflow);
  // The request as the editor sends it: the workflow, the target, then the DB.
  const head = `${JSON.stringify({ workflow, ...SELECT }).slice(0, -1)},"virtual_db":"`;

  const rows: Array<Record<string, string | number>> = [];
  const ratios: Array<Record<string, string | number>> = [];
  const splits: Array<Record<string, string | number>> = [];
  for (const size of SIZES) {
    const runs = runsFor(size);
    const snapshot: DbSnapshot = padded(base, size);
    const live = VirtualSession.open(snapshot, { codec: nodeGzipCodec });
    // A blob the server never returned: every request with it is a miss.
    const foreign = compressText(exportJsonText(live.db), { codec: nodeGzipCodec, level: FILE_GZIP_LEVEL });
    // Each request is paired with its baseline, measured right before it (a live run before a hit, the
    // floor before a miss): a busy machine slows both alike, and the ratio is the median of the pairs'.
    const liveRun = async () => {
      const started = performance.now();
      await executeOnSession(live, { workflow, ...SELECT });
      return performance.now() - started;
    };
    const floorRun = () => {
      const started = performance.now();
      floorCycle(foreign);
      return performance.now() - started;
    };
    await liveRun();
    if (size < 100_000) floorRun();

    const { url, child } = await startServer();
    let hits: Reply[] = [];
    const misses: Reply[] = [];
    let liveTimes: number[] = [];
    const floorTimes: number[] = [];
    try {
      for (let i = 0; i < runs.miss; i++) {
        floorTimes.push(floorRun());
        misses.push(await execute(url, head, foreign));
      }
      // The editor's loop: each request brings back the blob the previous one returned.
      let blob = misses[misses.length - 1]!.blob;
      for (let i = 0; i < runs.hit + 1; i++) {
        liveTimes.push(await liveRun());
        const reply = await execute(url, head, blob);
        hits.push(reply);
        blob = reply.blob;
      }
      // The first hit warms the path.
      hits = hits.slice(1);
      liveTimes = liveTimes.slice(1);
    } finally {
      child.kill();
    }
    const liveMs = median(liveTimes);
    const floorMs = median(floorTimes);
    const hitPerLive = median(hits.map((r, i) => r.serverMs / liveTimes[i]!));
    const missPerFloor = median(misses.map((r, i) => r.serverMs / floorTimes[i]!));
    if (misses.some((r) => r.source !== "miss") || hits.some((r) => r.source !== "hit")) {
      throw new Error(`bench: expected misses and hits, got ${misses.map((r) => r.source)} / ${hits.map((r) => r.source)}`);
    }
    const pythonMs = withPython ? originalCycleMs(pythonBlob(snapshot), runs.python, { input: "blob", ids: "drop" }) : undefined;

    const hitMs = median(hits.map((r) => r.serverMs));
    const missMs = median(misses.map((r) => r.serverMs));
    rows.push({
      events: snapshot.events!.length,
      "blob MB": fixed(hits[hits.length - 1]!.blob.length / (1024 * 1024), 2),
      "live ms": fixed(liveMs, 2),
      "hit: server ms": fixed(hitMs, 2),
      "hit: round trip ms": fixed(median(hits.map((r) => r.roundTripMs)), 0),
      "miss: server ms": fixed(missMs, 0),
      "miss: round trip ms": fixed(median(misses.map((r) => r.roundTripMs)), 0),
      "floor ms": fixed(floorMs, 0),
      "original cycle ms": pythonMs === undefined ? "n/a" : fixed(pythonMs, 0),
    });
    for (const [kind, replies] of [["hit", hits], ["miss", misses]] as const) {
      const part = (name: string) => fixed(median(replies.map((r) => r.parts[name] ?? NaN)), 2);
      splits.push({
        events: snapshot.events!.length,
        request: kind,
        "parse ms": part("parse"),
        "lookup ms": part("lookup"),
        "open ms": part("open"),
        "run ms": part("run"),
        "encode ms": part("encode"),
        "server ms": part("process"),
      });
    }
    ratios.push({
      events: snapshot.events!.length,
      "hit / live": `${fixed(hitPerLive, 1)}×`,
      "miss / floor": `${fixed(missPerFloor, 1)}×`,
      "cycle / hit": times(pythonMs, hitMs),
      "cycle / miss": times(pythonMs, missMs),
      "cycle / live": times(pythonMs, liveMs),
    });
  }
  console.log("Stateless execute on wfv serve (select_scene, first call), median ms: hit = the blob the server just returned, miss = a blob it never returned:");
  printTable(rows);
  console.log("Where a request's server time goes (median ms; parse: the body without the blob; lookup: the cache, and on a miss the whole body parsed again; open: decode on a miss):");
  printTable(splits);
  console.log("Ratios, medians of paired measurements (goals at 10k events: hit ≤ 15 ms and ≤ 10× live, miss ≤ 2× floor; at 100k a hit < 100 ms):");
  printTable(ratios);
  await throughput(workflow);
}

/**
 * Issue 11.2: requests/s of `wfv serve --workers N` (the pool of budgeted workers) against 1 worker and
 * against the server's own process (--workers 0), `2 × N` clients keeping it busy, with no DB in the
 * requests: a trivial module (one text input asking) and cc's up_to run to select_scene (mock mode).
 */
export async function throughput(ccWorkflow: unknown): Promise<void> {
  const cores = availableParallelism();
  const trivial = {
    workflow: { workflow_id: "trivial", name: "Trivial", steps: [{ step_id: "s", name: "S", modules: [{ module_id: "user.text_input", name: "ask", inputs: { prompt: "Topic?" } }] }] },
    target_step_id: "s",
    target_module_name: "ask",
    db_format: "none",
  };
  const upTo = { workflow: ccWorkflow, ...SELECT, mode: "up_to", db_format: "none" };
  const cases = [
    { name: "trivial module", body: JSON.stringify(trivial), requests: 400 },
    { name: "cc up_to select_scene", body: JSON.stringify(upTo), requests: 24 * cores },
  ];
  const rows: Array<Record<string, string | number>> = [];
  const perSecond: Record<string, Record<number, number>> = {};
  for (const workers of [0, 1, cores]) {
    const { url, child } = await startServer(["--workers", String(workers)]);
    try {
      for (const { name, body, requests } of cases) {
        await postText(url, body); // warm up (a worker's first call loads the engine)
        for (let i = 0; i < workers; i++) await postText(url, body);
        const clients = 2 * Math.max(1, cores);
        let next = 0;
        const started = performance.now();
        await Promise.all(
          Array.from({ length: clients }, async () => {
            while (next++ < requests) await postText(url, body);
          }),
        );
        const rate = requests / ((performance.now() - started) / 1000);
        (perSecond[name] ??= {})[workers] = rate;
        rows.push({ request: name, workers: workers === 0 ? "0 (in the server's process)" : workers, clients, requests, "requests/s": fixed(rate, 1) });
      }
    } finally {
      child.kill("SIGTERM");
    }
  }
  for (const row of rows) {
    const rates = perSecond[row.request as string];
    row[`× 1 worker`] = `${fixed(Number(row["requests/s"]) / rates[1], 2)}×`;
  }
  console.log(`wfv serve throughput, requests/s by pool size (${cores} cores; no DB in the requests, mock mode):`);
  printTable(rows);
}

/** One POST of `body` to execute; resolves with the status once the whole answer is read. */
function postText(url: string, body: string): Promise<number> {
  return new Promise((done, fail) => {
    const request = httpRequest(`${url}/workflow/virtual/execute`, { method: "POST", headers: { "Content-Type": "application/json" } }, (response) => {
      response.resume();
      response.on("error", fail);
      response.on("end", () => (response.statusCode === 200 ? done(200) : fail(new Error(`execute answered ${response.statusCode}`))));
    });
    request.on("error", fail);
    request.end(body);
  });
}
