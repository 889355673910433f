/**
 * The `wfv` CLI for tests, two ways with one result shape:
 * - {@link runCli} runs the built CLI (dist/cli.js, built by `npm test`'s pretest) as a black box, in
 *   its own process: for what the process boundary does (exit codes, stdin, `@file`, `--help`, EPIPE);
 * - {@link callCli} runs the same command line in this process (src/cli, no build needed), with its
 *   own stdin text and folder: for everything else, at a fraction of the cost.
 */
import { spawnSync } from "node:child_process";
import { bufferedIo, runWfv } from "../../src/cli/cli";
import { cliPath, repoRoot } from "./paths";

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as one JSON value, when it is one. */
  json: unknown;
  /** stdout parsed as JSON lines. */
  lines: unknown[];
}

export interface CliOptions {
  /** Standard input. */
  input?: string;
  /** The working folder (default: the repository root). */
  cwd?: string;
}

export function runCli(args: readonly string[], options: CliOptions = {}): CliResult {
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: options.cwd ?? repoRoot,
    input: options.input,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  return cliResult(result.status ?? -1, result.stdout ?? "", result.stderr ?? "");
}

/** {@link runCli} in-process: `runWfv` with the output collected (not for `serve` or `lsp`). */
export async function callCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const io = bufferedIo({ input: options.input, cwd: options.cwd ?? repoRoot });
  const status = await runWfv(args, io);
  const { stdout, stderr } = io.output();
  return cliResult(status, stdout, stderr);
}

function cliResult(status: number, stdout: string, stderr: string): CliResult {
  let json: unknown = undefined;
  try {
    json = JSON.parse(stdout);
  } catch {
    json = undefined;
  }
  const lines: unknown[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.trim()) continue;
    try {
      lines.push(JSON.parse(line));
    } catch {
      break;
    }
  }
  return { status, stdout, stderr, json, lines };
}
