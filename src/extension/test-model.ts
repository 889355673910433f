/**
 * What the Test Explorer shows of a `*.wfvtest.json` without loading the tests' code (pure, no
 * `vscode`): a light read of the file (name, workflow, target, seed, expected modules), where a module
 * key sits in a text, and which modules' results went stale since they ran (staleness.ts
 * fingerprints, as the lenses use them).
 */
import { dirname, resolve } from "node:path";

export interface TestFileShape {
  name?: string;
  /** The workflow file, absolute. */
  workflowFile: string;
  target: { step_id: string; module_name: string };
  /** The seed: a file (absolute), an inline snapshot, or none. */
  seed: { file: string } | { inline: unknown } | null;
  /** `step_id/module_name` of every expected module, in the file's order. */
  modules: string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Reads what the tree needs; throws, saying what is wrong, when the text is not a test (the full check is the replay's). */
export function readTestShape(testFile: string, text: string): TestFileShape {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(raw)) throw new Error("not a wfv test: the file is not a JSON object");
  if (typeof raw.workflow !== "string" || raw.workflow === "") throw new Error("not a wfv test: `workflow` (the workflow file, relative to the test) is missing");
  const target = raw.target;
  if (!isObject(target) || typeof target.step_id !== "string" || typeof target.module_name !== "string") throw new Error("not a wfv test: `target` needs step_id and module_name");
  if (!isObject(raw.expect)) throw new Error("not a wfv test: `expect` is missing");
  const seed = typeof raw.seed === "string" ? { file: resolve(dirname(testFile), raw.seed) } : raw.seed !== undefined ? { inline: raw.seed } : null;
  return {
    ...(typeof raw.name === "string" ? { name: raw.name } : {}),
    workflowFile: resolve(dirname(testFile), raw.workflow),
    target: { step_id: target.step_id, module_name: target.module_name },
    seed,
    modules: Object.keys(raw.expect),
  };
}

/** Line and column (0-based) of an offset in a text. */
export function positionOf(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let start = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, character: offset - start };
}

/**
 * The expected modules whose result is stale: the module's fingerprint now differs from the one it had
 * when the test ran (the module, its templates, or anything before it changed), or it is gone.
 */
export function staleModules(modules: readonly string[], ranWith: ReadonlyMap<string, string>, now: ReadonlyMap<string, string> | undefined): string[] {
  return modules.filter((key) => ranWith.get(key) !== (now?.get(key) ?? undefined));
}
