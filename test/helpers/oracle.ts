/**
 * Runs one of test/oracles (the original behaviour, in Python) over JSON lines and returns one
 * parsed answer per input line. The oracles need Debian's python3 with python3-jinja2 / python3-mongomock,
 * which `npm test` installs (scripts/setup-test-deps.mjs).
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { oraclesDir } from "./paths";

export const debianPython = "/usr/bin/python3";

export function oracleAvailable(pythonModule: "jinja2" | "mongomock"): boolean {
  return spawnSync(debianPython, ["-c", `import ${pythonModule}`], { stdio: "ignore" }).status === 0;
}

export function runOracle(name: "jinja_oracle.py" | "mongo_oracle.py", lines: readonly unknown[]): unknown[] {
  const input = lines.map((line) => JSON.stringify(line)).join("\n") + "\n";
  const result = spawnSync(debianPython, [resolve(oraclesDir, name)], {
    input,
    encoding: "utf8",
    maxBuffer: 512 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(`${name} exited ${result.status}: ${result.stderr}`);
  }
  const out = result.stdout.split("\n").filter((line) => line.trim() !== "");
  if (out.length !== lines.length) {
    throw new Error(`${name} answered ${out.length} lines for ${lines.length} inputs: ${result.stderr}`);
  }
  return out.map((line) => JSON.parse(line));
}

export type SimpleevalOutcome = { value: string } | { error: string };

/**
 * Python simpleeval (Debian python3-simpleeval) as transform.parse_pattern uses it:
 * `EvalWithCompoundTypes(names=names, functions=<its math functions>).eval(e)` for each expression,
 * answering `{value: repr(result)}` or `{error: str(exception)}`.
 */
export function simpleevalOracle(names: Record<string, unknown>, expressions: readonly string[]): SimpleevalOutcome[] {
  const script = [
    "import json, math, sys",
    "from simpleeval import EvalWithCompoundTypes",
    "f = {'ceil': math.ceil, 'floor': math.floor, 'sqrt': math.sqrt, 'pow': math.pow, 'min': min, 'max': max, 'abs': abs, 'round': round, 'len': len}",
    "names, expressions = json.load(sys.stdin)",
    "out = []",
    "for e in expressions:",
    "    try: out.append({'value': repr(EvalWithCompoundTypes(names=names, functions=f).eval(e))})",
    "    except Exception as ex: out.append({'error': str(ex)})",
    "print(json.dumps(out))",
  ].join("\n");
  const run = spawnSync(debianPython, ["-c", script], { input: JSON.stringify([names, expressions]), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`simpleeval exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as SimpleevalOutcome[];
}
