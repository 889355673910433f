/**
 * `wfv test`: workflow tests (tracker issue 13). `wfv test record` saves the run in a DB file, up to a
 * module, as a `*.wfvtest.json`; `wfv test` replays tests (fresh virtual DB or their seed, their
 * answers, their recordings: no provider call) and compares every expected module's outputs and state
 * keys. Exit 0 when every test passes, 1 when one fails, 2 for a usage error.
 */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, relative, resolve, sep } from "node:path";
import { WfvError } from "../../core/errors";
import { recordTest } from "../../core/testing";
import { EXIT_FAILURE, EXIT_OK, UsageError, parseCommandArgs, printJson, resolvePath, type CliCommand, type CliIo } from "../io";
import { requireDbText } from "../db-file";
import { REPORTERS, report, type ReporterName } from "../test-reporters";
import { displayPath, findTestFiles, runInWorkers, runTestFile, takeShard, writeTextFile, type TestFileResult } from "../test-runner";
import { resolveWorkflowFile } from "../workspace-files";

const usage = `Usage: wfv test [files or folders…] [options]
       wfv test record <workflow.json> --step <id> --module <name> --db <file> --out <T.wfvtest.json> [options]

wfv test: replays every *.wfvtest.json found in the files and folders given (default: the current
folder) in a fresh virtual DB, or the test's seed, with the test's answers and recordings (no
provider is called), and compares every expected module's outputs and state keys. A failing module is
reported with its differences: path, expected, actual. Exit 0 when all pass, 1 when one fails.

Options:
  --reporter <r>         spec (default), tap, junit (JUnit XML on stdout, for CI) or json (a line per test).
  --update               Rewrite the expectations of failing tests from their actual run (and say which).
  --grep <pattern>       Only tests whose path, name or target matches the regular expression.
  --shard <i/n>          Only the i-th of n stable shares of the tests (sorted paths, dealt in turn).
  --workers <n>          Replay in n worker processes (default: one per core).

wfv test record: writes a test from the run in the DB file, up to the module (its answers, what the
modules that call out got back, the outputs), so \`wfv run … --db F\` then \`wfv test record … --db F\`
captures what was just done. The test is replayed once while recording; the recording is refused when
the replay does not reproduce the run.

Options:
  --step <id>, --module <name>  The target (required).
  --db <file>            The DB file holding the run (required).
  --out <file>           The test file to write (required; by convention tests/<name>.wfvtest.json).
  --seed <file>          The seed DB the run started from (*.seed.json or .db): the test starts from it
                         and records only what happened since.
  --mode <up_to|module>  up_to (default): the run from the start (or the seed) through the target.
  --name <text>          A name for the test.
  --no-mock              The run was made with mock mode off.`;

function parseShard(text: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || count < 1 || index < 1 || index > count) throw new UsageError(`--shard must be i/n with 1 ≤ i ≤ n, got '${text}'`);
  return { index, count };
}

/** A path from the test file's folder, `/`-separated (tests are shared between systems). */
function fromTestFolder(testFile: string, target: string): string {
  return relative(dirname(testFile), target).split(sep).join("/");
}

async function record(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    step: { type: "string" },
    module: { type: "string" },
    db: { type: "string" },
    out: { type: "string" },
    seed: { type: "string" },
    mode: { type: "string" },
    name: { type: "string" },
    "no-mock": { type: "boolean" },
  });
  if (positionals.length !== 1) throw new UsageError("test record takes exactly one workflow file");
  for (const required of ["step", "module", "db", "out"] as const) if (!values[required]) throw new UsageError(`--${required} is required`);
  const mode = values.mode ?? "up_to";
  if (mode !== "module" && mode !== "up_to") throw new UsageError(`--mode must be module or up_to, got '${mode}'`);

  const workflowPath = resolve(resolvePath(io, positionals[0]!));
  const out = resolve(resolvePath(io, values.out!));
  const workflow = resolveWorkflowFile(workflowPath).workflow;
  const db = requireDbText(io, values.db!);
  let seed: { ref: string; db: string } | undefined;
  if (values.seed) {
    const seedPath = resolve(resolvePath(io, values.seed));
    let text: string;
    try {
      text = readFileSync(seedPath, "utf8");
    } catch (error) {
      throw new WfvError("bad_request", `cannot read the seed ${values.seed}: ${(error as Error).message}`, { path: values.seed });
    }
    seed = { ref: fromTestFolder(out, seedPath), db: text };
  }
  const recorded = await recordTest({
    workflow,
    workflowRef: fromTestFolder(out, workflowPath),
    db,
    target: { step_id: values.step!, module_name: values.module! },
    mode,
    mock: !values["no-mock"],
    seed,
    name: values.name,
  });
  writeTextFile(out, recorded.text);
  const { test } = recorded;
  printJson(
    io,
    {
      written: values.out,
      target: `${test.target.step_id}/${test.target.module_name}`,
      mode: test.mode,
      modules: Object.keys(test.expect),
      answers: Object.keys(test.answers).length,
      recordings: Object.values(test.recordings).reduce((sum, list) => sum + list.length, 0),
      pins: Object.keys(test.pins ?? {}),
      // Values the replay generates its own way (ids, timestamps): expected as the replay makes them.
      regenerated: recorded.regenerated.map((item) => `${item.key} ${item.path}`),
    },
    true,
  );
  return EXIT_OK;
}

async function runTests(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    reporter: { type: "string" },
    update: { type: "boolean" },
    grep: { type: "string" },
    shard: { type: "string" },
    workers: { type: "string" },
  });
  const reporter = (values.reporter ?? "spec") as ReporterName;
  if (!REPORTERS.includes(reporter)) throw new UsageError(`--reporter must be one of ${REPORTERS.join(", ")}, got '${values.reporter}'`);
  const shard = values.shard !== undefined ? parseShard(values.shard) : null;
  let workers = availableParallelism();
  if (values.workers !== undefined) {
    workers = Number(values.workers);
    if (!Number.isInteger(workers) || workers < 1) throw new UsageError(`--workers must be a whole number ≥ 1, got '${values.workers}'`);
  }
  let grep: RegExp | null = null;
  if (values.grep !== undefined) {
    try {
      grep = new RegExp(values.grep);
    } catch (error) {
      throw new UsageError(`--grep: ${(error as Error).message}`);
    }
  }

  const cwd = resolve(io.cwd);
  const roots = (positionals.length > 0 ? positionals : ["."]).map((path) => resolve(resolvePath(io, path)));
  const all = findTestFiles(roots);
  if (all.length === 0) {
    io.stderr(`wfv test: no *.wfvtest.json files in ${positionals.length > 0 ? positionals.join(", ") : "the current folder"}\n`);
    return EXIT_FAILURE;
  }
  let files = all;
  if (grep !== null) {
    const pattern = grep;
    files = files.filter((file) => {
      if (pattern.test(displayPath(cwd, file))) return true;
      try {
        const raw = JSON.parse(readFileSync(file, "utf8")) as { name?: unknown; target?: { step_id?: unknown; module_name?: unknown } };
        return (typeof raw.name === "string" && pattern.test(raw.name)) || pattern.test(`${String(raw.target?.step_id)}/${String(raw.target?.module_name)}`);
      } catch {
        return false;
      }
    });
  }
  if (shard !== null) files = takeShard(files, shard);

  let results: TestFileResult[];
  if (workers > 1 && files.length > 1) {
    results = await runInWorkers(files, { cwd, update: values.update, workers });
  } else {
    results = [];
    for (const file of files) {
      const result = await runTestFile(file, { cwd, update: values.update });
      results.push(result);
    }
  }
  io.stdout(report(reporter, results));
  const updated = results.filter((result) => result.updated).map((result) => result.file);
  if (updated.length > 0 && reporter !== "spec" && reporter !== "json") io.stderr(`wfv test: updated the expectations of ${updated.join(", ")}\n`);
  return results.every((result) => result.passed) ? EXIT_OK : EXIT_FAILURE;
}

export const testCommand: CliCommand = {
  summary: "Replay workflow tests (*.wfvtest.json) and compare; `test record` saves a run as a test",
  usage,
  run(args, io) {
    if (args[0] === "record") return record(args.slice(1), io);
    return runTests(args, io);
  },
};
