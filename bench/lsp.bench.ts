/**
 * Language server: re-validation time of a 1,000-module workflow after an edit (target ≤ 50 ms),
 * next to baselines measured in the same run on the same document: JSON.parse and a jsonc-parser tree.
 * The server code is bundled by esbuild exactly as for dist/server.js, so what is timed is what runs.
 * Wall and CPU time are both shown: on a busy machine the wall time also counts waiting for a core.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { buildSync } from "esbuild";
import {
  createMessageConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type PublishDiagnosticsParams,
} from "vscode-languageserver-protocol/node";
import { parseTree } from "jsonc-parser";
import type * as Workflow from "../src/server/analysis/workflow";
import type * as Catalog from "../src/server/analysis/module-catalog";
import type * as Positions from "../src/server/features/positions";
import type * as InlayHints from "../src/server/features/inlay-hints";
import type * as SessionModule from "../src/server/session";
import { printTable } from "./util";

type ServerCode = typeof Workflow & typeof Catalog & typeof Positions & typeof SessionModule & typeof InlayHints;

/** The server modules, bundled like dist/server.js (no tsx transform in the timed code). */
function loadServerBundle(dir: string): ServerCode {
  const outfile = join(dir, "server-bench.cjs");
  buildSync({
    stdin: {
      // Handed over through a global: a bundled UMD dependency reassigns module.exports.
      contents: [
        'import * as workflow from "./src/server/analysis/workflow";',
        'import * as catalog from "./src/server/analysis/module-catalog";',
        'import * as positions from "./src/server/features/positions";',
        'import * as session from "./src/server/session";',
        'import * as inlay from "./src/server/features/inlay-hints";',
        "(globalThis as any).__wfvServerBench = { ...workflow, ...catalog, ...positions, ...session, ...inlay };",
      ].join("\n"),
      resolveDir: resolve(__dirname, ".."),
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    mainFields: ["module", "main"],
    external: ["chokidar", "fsevents"],
    outfile,
    logLevel: "warning",
  });
  createRequire(__filename)(outfile);
  return (globalThis as { __wfvServerBench?: ServerCode }).__wfvServerBench!;
}

/** Median wall and CPU milliseconds per call (after one warm-up). */
function measure(fn: () => unknown, runs: number): { wall: number; cpu: number } {
  fn();
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    fn();
    walls.push(Number(process.hrtime.bigint() - start) / 1e6);
    const used = process.cpuUsage(cpu);
    cpus.push((used.user + used.system) / 1000);
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return { wall: median(walls), cpu: median(cpus) };
}

const STEPS = 50;
const MODULES_PER_STEP = 20;

/** A workflow of 1,000 modules: inputs with server-resolved templates that read earlier state keys. */
export function bigWorkflow(steps = STEPS, perStep = MODULES_PER_STEP): string {
  const stepList = [];
  let n = 0;
  for (let s = 0; s < steps; s++) {
    const modules = [];
    for (let m = 0; m < perStep; m++, n++) {
      const previous = n > 0 ? `key_${n - 1}` : "seed";
      if (m % 5 === 0) {
        modules.push({ module_id: "user.text_input", name: `ask_${n}`, inputs: { prompt: `Question ${n}?`, default: "" }, outputs_to_state: { value: `key_${n}` } });
      } else if (m % 5 === 1) {
        modules.push({
          module_id: "api.llm",
          name: `llm_${n}`,
          inputs: {
            resolver_schema: { type: "object", properties: { input: { resolver: "server" }, metadata: { resolver: "server" } } },
            input: `Write about {{ state.${previous} }}.\n{% for item in state.${previous} %}- {{ item | upper }}\n{% endfor %}`,
            metadata: { step_id: "{{ step.step_id }}" },
            output_schema: { type: "object", properties: { text: { type: "string" } } },
          },
          outputs_to_state: { response: `key_${n}` },
        });
      } else if (m % 5 === 2) {
        modules.push({
          module_id: "transform.query",
          name: `query_${n}`,
          inputs: { resolver_schema: { type: "object", properties: { data: { resolver: "server" } } }, data: `{{ state.${previous} }}`, pipeline: [{ $match: { a: 1 } }] },
          outputs_to_state: { result: `key_${n}` },
        });
      } else if (m % 5 === 3) {
        modules.push({
          module_id: "io.render_template",
          name: `render_${n}`,
          inputs: { resolver_schema: { type: "object", properties: { template: { resolver: "server" } } }, template: `Summary: {{ state.${previous} | default('none') }}` },
          outputs_to_state: { rendered: `key_${n}` },
        });
      } else {
        modules.push({
          module_id: "user.select",
          name: `select_${n}`,
          inputs: {
            resolver_schema: { type: "object", properties: { data: { resolver: "server" } } },
            data: `{{ state.${previous} }}`,
            schema: { type: "array", items: { type: "object", properties: { title: { type: "string", "_ux.display": true } } } },
            prompt: "Pick one",
          },
          outputs_to_state: { selected_data: `key_${n}` },
        });
      }
    }
    stepList.push({ step_id: `step_${s}`, name: `Step ${s}`, modules });
  }
  return JSON.stringify({ workflow_id: "big", name: "Big", steps: stepList }, null, 2);
}

/**
 * End to end through the built server (`node dist/cli.js lsp --stdio`, diagnostics delay 0): the time
 * from sending an incremental didChange to receiving the new publishDiagnostics. Every edit changes the
 * findings (an unknown state key comes and goes), so every edit gets a notification.
 */
/** CPU milliseconds a process has used so far (Linux /proc; undefined elsewhere). */
function processCpuMs(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in USER_HZ (100)
  } catch {
    return undefined;
  }
}

async function protocolLatency(dir: string, file: string, text: string, marker: string, runs: number): Promise<{ times: number[]; serverCpuMs?: number }> {
  const cli = resolve(__dirname, "..", "dist", "cli.js");
  const child = spawn(process.execPath, [cli, "lsp", "--stdio"], { stdio: ["pipe", "pipe", "inherit"] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const uri = pathToFileURL(file).href;
  let waiting: ((params: PublishDiagnosticsParams) => void) | undefined;
  connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
    if (params.uri === uri && waiting) waiting(params);
  });
  connection.listen();
  const next = () => new Promise<PublishDiagnosticsParams>((done) => (waiting = done));
  try {
    await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(dir).href,
      capabilities: {},
      initializationOptions: { diagnosticsDelayMs: 0 },
    });
    await connection.sendNotification(InitializedNotification.type, {});
    const first = next();
    await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "json", version: 1, text } });
    await first;
    const offset = text.indexOf(marker);
    const line = text.slice(0, offset).split("\n").length - 1;
    const character = offset - (text.lastIndexOf("\n", offset - 1) + 1);
    let current = marker;
    const times: number[] = [];
    const warmup = 10; // edits not timed: the server's code gets optimised first, as in a real session
    let cpuBefore: number | undefined;
    for (let i = 0; i < warmup + runs; i++) {
      if (i === warmup) cpuBefore = processCpuMs(child.pid);
      const replacement = i % 2 === 0 ? `Summary: {{ state.nope_${i} }}` : `Summary: {{ state.key_${i} }}`;
      const published = next();
      const start = process.hrtime.bigint();
      await connection.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version: i + 2 },
        contentChanges: [{ range: { start: { line, character }, end: { line, character: character + current.length } }, text: replacement }],
      });
      const params = await published;
      if (i >= warmup) times.push(Number(process.hrtime.bigint() - start) / 1e6);
      if ((params.diagnostics.length > 0) !== (i % 2 === 0)) throw new Error(`unexpected diagnostics after edit ${i}`);
      current = replacement;
    }
    const cpuAfter = processCpuMs(child.pid);
    return { times, serverCpuMs: cpuBefore !== undefined && cpuAfter !== undefined ? (cpuAfter - cpuBefore) / runs : undefined };
  } finally {
    await connection.sendRequest(ShutdownRequest.type).catch(() => undefined);
    await connection.sendNotification(ExitNotification.type).catch(() => undefined);
    connection.dispose();
    child.kill();
  }
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "wfv-lsp-bench-"));
  try {
    const { analyzeWorkflow, ParseCache, defaultModuleCatalog, rangeOf, Session, inlayHints } = loadServerBundle(dir);
    const text = bigWorkflow();
    const file = join(dir, "workflow.json");
    writeFileSync(file, text);
    const catalog = defaultModuleCatalog();

    // The edit: a template in the middle of the workflow changes (a new state reference each time).
    const marker = "Summary: {{ state.key_502 | default('none') }}";
    if (!text.includes(marker)) throw new Error("bench workflow changed shape");
    let edits = 0;
    const edited = () => text.replace(marker, `Summary: {{ state.key_${edits++ % 500} | default('none') }}`);

    const jsonParse = measure(() => JSON.parse(text), 21);
    const jsoncTree = measure(() => parseTree(text), 11);
    const cold = measure(() => analyzeWorkflow(file, { read: () => text }, catalog, new ParseCache()), 7);

    // What the server does after didChange: re-validate the owner's analysis and turn findings into LSP ranges.
    const session = new Session(catalog);
    const uri = pathToFileURL(file).href;
    session.openDocument(uri, text, 1);
    session.diagnostics();
    let version = 1;
    const revalidate = measure(() => {
      session.openDocument(uri, edited(), ++version);
      for (const [path, { analysis, diagnostics }] of session.diagnostics()) {
        const fileText = analysis.texts.get(path)!;
        for (const d of diagnostics) rangeOf(path, fileText, d.start, d.end);
      }
    }, 21);
    const analysis = session.analysisOf(file)!;

    // Inlay hints (issue 15.2) over live state for every key: the whole file, and one screen (60 lines)
    // in the middle, alone and right after an edit (the analysis re-runs first, as in the server).
    const state: Record<string, unknown> = { seed: "Cat" };
    for (let n = 0; n < 1000; n++) state[`key_${n}`] = n % 3 === 0 ? [`a${n}`, `b${n}`, `c${n}`] : n % 3 === 1 ? { text: `value ${n}` } : `value number ${n}`;
    const live = { state, label: "bench" };
    const currentText = session.source.read(file)!;
    const wholeFile = { start: 0, end: currentText.length };
    const middle = currentText.indexOf("Summary: {{ state.key_");
    const screenStart = currentText.lastIndexOf("\n", Math.floor(currentText.length / 2)) + 1;
    let screenEnd = screenStart;
    for (let i = 0; i < 60 && screenEnd >= 0; i++) screenEnd = currentText.indexOf("\n", screenEnd + 1);
    const screen = { start: screenStart, end: screenEnd };
    const hintCount = inlayHints(analysis, file, currentText, live, wholeFile).length;
    const hintsWhole = measure(() => inlayHints(analysis, file, currentText, live, wholeFile), 11);
    const hintsScreen = measure(() => inlayHints(analysis, file, currentText, live, screen), 21);
    const hintsAfterEdit = measure(() => {
      session.openDocument(uri, edited(), ++version);
      const fresh = session.analysisOf(file)!;
      const freshText = session.source.read(file)!;
      inlayHints(fresh, file, freshText, live, screen);
    }, 11);
    if (middle < 0 || hintCount === 0) throw new Error("bench workflow has no inlay hints");

    const cliBuilt = existsSync(resolve(__dirname, "..", "dist", "cli.js"));
    const protocol = cliBuilt ? await protocolLatency(dir, file, text, marker, 21) : undefined;
    const e2e = protocol ? protocol.times.sort((a, b) => a - b) : [];

    const row = (measurement: string, m: { wall: number; cpu: number }) => ({
      measurement,
      "wall ms": m.wall.toFixed(2),
      "cpu ms": m.cpu.toFixed(2),
      "× JSON.parse (cpu)": (m.cpu / jsonParse.cpu).toFixed(1),
    });
    printTable([
      row("JSON.parse (baseline)", jsonParse),
      row("jsonc-parser parseTree", jsoncTree),
      row("full analysis, cold caches", cold),
      row("re-validation after an edit", revalidate),
      row(`inlay hints, whole file (${hintCount} hints)`, hintsWhole),
      row("inlay hints, one screen (60 lines)", hintsScreen),
      row("edit → re-analysis + inlay hints for a screen", hintsAfterEdit),
    ]);
    if (e2e.length > 0) {
      const median = e2e[Math.floor(e2e.length / 2)]!;
      console.log(
        `didChange → publishDiagnostics through \`wfv lsp --stdio\` (no debounce): median ${median.toFixed(1)} ms, ` +
          `min ${e2e[0]!.toFixed(1)}, max ${e2e[e2e.length - 1]!.toFixed(1)} over ${e2e.length} edits` +
          (protocol?.serverCpuMs !== undefined ? `; server CPU ${protocol.serverCpuMs.toFixed(1)} ms per edit` : ""),
      );
    }
    console.log(
      `1,000-module workflow (${(text.length / 1024).toFixed(0)} KiB, ${analysis.modules.length} modules, ${analysis.sites.length} template sites, ` +
        `${analysis.diagnostics.length} findings): re-validation after an edit ${revalidate.wall.toFixed(1)} ms wall, ` +
        `${revalidate.cpu.toFixed(1)} ms CPU (target ≤ 50 ms)`,
    );
    console.log(
      `inlay hints with live state: ${hintsWhole.wall.toFixed(1)} ms for the whole file (${hintCount} hints), ` +
        `${hintsScreen.wall.toFixed(2)} ms for one screen, ${hintsAfterEdit.wall.toFixed(1)} ms for an edit's re-analysis plus a screen's hints`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
