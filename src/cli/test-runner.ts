/**
 * `wfv test`'s file side: finding `*.wfvtest.json` files, reading a test with its workflow and seed,
 * replaying it (src/core/testing), rewriting it on `--update`, and spreading many tests over worker
 * processes. Each worker is this same CLI (`wfv test <files> --reporter json --workers 1`): a process of
 * its own per worker, so tests cannot disturb one another, and nothing to keep in step but the JSON lines.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { WfvError } from "../core/errors";
import {
  formatTestFile,
  moduleKeyOf,
  parseTestFile,
  replayTest,
  TEST_FILE_SUFFIX,
  updateExpectations,
  type ModuleResult,
  type TestFailure,
  type WfvTest,
} from "../core/testing";
import type { VirtualDbInput } from "../core/virtual";
import { resolveWorkflowFile } from "./workspace-files";

/** One test file's outcome, as reporters and workers exchange it. */
export interface TestFileResult {
  /** The file as the user sees it: relative to the folder `wfv test` ran in, `/`-separated. */
  file: string;
  name: string;
  /** `step_id/module_name`. */
  target: string;
  passed: boolean;
  duration_ms: number;
  failures: TestFailure[];
  modules: ModuleResult[];
  /** `--update` rewrote its expectations (and the rewritten test passed). */
  updated?: boolean;
  /** `--update` could not rewrite it, and why. */
  update_refused?: string;
}

const SKIPPED_FOLDERS = new Set(["node_modules", ".git"]);

/** Every `*.wfvtest.json` under the given files and folders, absolute, sorted, without repeats. */
export function findTestFiles(paths: readonly string[]): string[] {
  const found = new Set<string>();
  const walk = (folder: string) => {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(folder, name);
      let isDirectory = false;
      try {
        isDirectory = statSync(path).isDirectory();
      } catch {
        continue;
      }
      if (isDirectory) {
        if (!SKIPPED_FOLDERS.has(name)) walk(path);
      } else if (name.endsWith(TEST_FILE_SUFFIX)) found.add(path);
    }
  };
  for (const path of paths) {
    if (!existsSync(path)) throw new WfvError("bad_request", `no such file or folder: ${path}`, { path });
    if (statSync(path).isDirectory()) walk(resolve(path));
    else found.add(resolve(path));
  }
  return [...found].sort();
}

/** A path for people: relative to `cwd` when inside it, `/`-separated. */
export function displayPath(cwd: string, file: string): string {
  const inside = relative(cwd, file);
  const shown = inside === "" || inside.startsWith("..") || isAbsolute(inside) ? file : inside;
  return shown.split(sep).join("/");
}

/** `--shard i/n`: the tests whose position in the sorted list is i-1 modulo n. */
export function takeShard<T>(items: readonly T[], shard: { index: number; count: number }): T[] {
  return items.filter((_, position) => position % shard.count === shard.index - 1);
}

/** A seed as a test names it: a file relative to the test (`*.seed.json` or `.db`, read as text), or an inline snapshot. */
export function readSeed(testFile: string, seed: WfvTest["seed"]): VirtualDbInput {
  if (seed === undefined) return null;
  if (typeof seed !== "string") return seed as VirtualDbInput;
  const path = resolve(dirname(testFile), seed);
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new WfvError("bad_request", `the test's seed ${seed} cannot be read: ${(error as Error).message}`, { seed, path });
  }
}

/** Writes a file whole: beside it first, then renamed over it. */
export function writeTextFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(temp, text, "utf8");
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // never written
    }
    throw new WfvError("bad_request", `cannot write ${path}: ${(error as Error).message}`, { path });
  }
}

/** Reads, replays and compares one test file; with `update`, rewrites a failing one from its replay. Never throws. */
export async function runTestFile(file: string, options: { cwd: string; update?: boolean }): Promise<TestFileResult> {
  const started = process.hrtime.bigint();
  const shown = displayPath(options.cwd, file);
  const elapsed = () => Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
  const broken = (message: string, test?: WfvTest): TestFileResult => ({
    file: shown,
    name: test?.name ?? shown,
    target: test ? moduleKeyOf(test.target.step_id, test.target.module_name) : "",
    passed: false,
    duration_ms: elapsed(),
    failures: [{ kind: "crash", message }],
    modules: test ? Object.keys(test.expect).map((key) => ({ key, passed: false, pinned: false, failures: [] })) : [],
  });
  let test: WfvTest;
  try {
    test = parseTestFile(readFileSync(file, "utf8"), shown);
  } catch (error) {
    return broken((error as Error).message);
  }
  let workflow: unknown;
  let seed: VirtualDbInput;
  try {
    const workflowPath = resolve(dirname(file), test.workflow);
    if (!existsSync(workflowPath)) throw new WfvError("bad_request", `the test's workflow ${test.workflow} does not exist (${workflowPath})`, {});
    workflow = resolveWorkflowFile(workflowPath).workflow;
    seed = readSeed(file, test.seed);
  } catch (error) {
    return broken((error as Error).message, test);
  }
  const result = await replayTest({ test, workflow, seed });
  const outcome: TestFileResult = {
    file: shown,
    name: test.name ?? shown,
    target: moduleKeyOf(test.target.step_id, test.target.module_name),
    passed: result.passed,
    duration_ms: 0,
    failures: result.failures,
    modules: result.modules,
  };
  if (!result.passed && options.update) {
    const updated = updateExpectations(test, result);
    if (updated === null) {
      outcome.update_refused = "its replay did not get through as the test describes (see the failures), so there is no actual run to take the expectations from: record the test again";
    } else {
      writeTextFile(file, formatTestFile(updated));
      const again = await replayTest({ test: parseTestFile(readFileSync(file, "utf8"), shown), workflow, seed });
      outcome.updated = true;
      outcome.passed = again.passed;
      outcome.failures = again.failures;
      outcome.modules = again.modules;
    }
  }
  outcome.duration_ms = elapsed();
  return outcome;
}

/** The command line that starts this CLI again (the bundle, or the TypeScript entry under tsx). */
function cliCommand(): { execPath: string; args: string[] } {
  if (__filename.endsWith(".ts")) {
    // Running from source (tests under tsx): the entry beside this file, with tsx's require hook
    // found from here, since the workers start in the tests' folder.
    return { execPath: process.execPath, args: ["--require", createRequire(__filename).resolve("tsx/cjs"), join(__dirname, "main.ts")] };
  }
  return { execPath: process.execPath, args: [__filename] };
}

/**
 * Runs the files on `workers` worker processes (files dealt out in turn); results come back in the
 * order of `files`. A worker that dies fails its files with what it said.
 */
export async function runInWorkers(files: readonly string[], options: { cwd: string; update?: boolean; workers: number }): Promise<TestFileResult[]> {
  const batches: string[][] = Array.from({ length: Math.min(options.workers, files.length) }, () => []);
  files.forEach((file, index) => batches[index % batches.length].push(file));
  const command = cliCommand();
  const results = await Promise.all(
    batches.map(
      (batch) =>
        new Promise<TestFileResult[]>((resolveBatch) => {
          const child = spawn(command.execPath, [...command.args, "test", ...batch, "--reporter", "json", "--workers", "1", ...(options.update ? ["--update"] : [])], {
            cwd: options.cwd,
            stdio: ["ignore", "pipe", "pipe"],
          });
          let stdout = "";
          let stderr = "";
          child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
          child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
          const finish = (reason: string) => {
            const byFile = new Map<string, TestFileResult>();
            for (const line of stdout.split("\n")) {
              if (!line.trim()) continue;
              try {
                const parsed = JSON.parse(line) as TestFileResult;
                if (typeof parsed.file === "string") byFile.set(parsed.file, parsed);
              } catch {
                // not a result line
              }
            }
            resolveBatch(
              batch.map(
                (file) =>
                  byFile.get(displayPath(options.cwd, file)) ?? {
                    file: displayPath(options.cwd, file),
                    name: displayPath(options.cwd, file),
                    target: "",
                    passed: false,
                    duration_ms: 0,
                    failures: [{ kind: "crash", message: `the worker running this test stopped (${reason}) without a result${stderr.trim() ? `: ${stderr.trim().slice(0, 2000)}` : ""}` }],
                    modules: [],
                  },
              ),
            );
          };
          child.on("error", (error) => finish(error.message));
          child.on("close", (code, signal) => finish(signal ? `signal ${signal}` : `exit ${code}`));
        }),
    ),
  );
  const byFile = new Map<string, TestFileResult>();
  for (const list of results) for (const result of list) byFile.set(result.file, result);
  return files.map((file) => byFile.get(displayPath(options.cwd, file))!);
}
