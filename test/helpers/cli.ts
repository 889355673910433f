/** Runs the built `wfv` CLI (dist/cli.js, built by `npm test`'s pretest) as a black box. */
import { spawnSync } from "node:child_process";
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

export function runCli(args: readonly string[], options: { input?: string; cwd?: string } = {}): CliResult {
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: options.cwd ?? repoRoot,
    input: options.input,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const stdout = result.stdout ?? "";
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
  return { status: result.status ?? -1, stdout, stderr: result.stderr ?? "", json, lines };
}
