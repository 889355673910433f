/**
 * What every `wfv` command shares: JSON in (inline or `@file`), JSON out, and one failure shape.
 * A failure prints `{"error", "error_type", "details"}` and exits 1; a usage error exits 2.
 *
 * Commands reach the outside world only through their {@link CliIo}: output, standard input and the
 * folder relative paths start from. The process entry (main.ts) gives them the process's; tests can
 * run them in-process with their own ({@link bufferedIo}).
 */
import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { WfvError, isWfvError } from "../core/errors";
import { parseExtended, stringifyExtended } from "../core/json/extended-json";

/** What a command may use of its surroundings. */
export interface CliIo {
  /** Writes to standard output. */
  stdout(text: string): void;
  /** Writes to standard error. */
  stderr(text: string): void;
  /** Standard input, read whole (only when a command is told to read `-`). */
  readStdin(): string;
  /** The folder relative paths are resolved against. */
  cwd: string;
  /** Where a command says how far it got (`run`: each module it starts); a budgeted worker's host names it in limit_exceeded. */
  progress?(progress: CliProgress): void;
}

/** The module a command is running (null: none). */
export interface CliProgress {
  step_id: string | null;
  module_name: string | null;
}

/** The process's own stdout, stderr, stdin and working folder. */
export function processIo(): CliIo {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    readStdin: () => readFileSync(0, "utf8"),
    cwd: process.cwd(),
  };
}

/** An io that collects the output in memory and reads `input` as standard input. */
export function bufferedIo(options: { input?: string; cwd: string }): CliIo & { output(): { stdout: string; stderr: string } } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    readStdin: () => options.input ?? "",
    cwd: options.cwd,
    output: () => ({ stdout: out.join(""), stderr: err.join("") }),
  };
}

/**
 * A path given on the command line, as the file system needs it: relative to the io's folder. When
 * that folder is the process's own, the path stays as written (the OS's messages then name it so).
 */
export function resolvePath(io: CliIo, path: string): string {
  if (isAbsolute(path) || resolve(io.cwd) === resolve()) return path;
  return resolve(io.cwd, path);
}

export interface CliCommand {
  /** One line for `wfv --help`. */
  summary: string;
  /** The full usage text for `wfv <command> --help`. */
  usage: string;
  /** Returns the process exit code. */
  run(args: string[], io: CliIo): Promise<number> | number;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** `util.parseArgs` with strict options; its complaints become usage errors. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig["options"]>>(
  args: string[],
  options: T,
  allowPositionals = true,
) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Text given inline, or read from a file when it starts with `@`. */
export function readTextArg(io: CliIo, value: string): string {
  if (!value.startsWith("@")) return value;
  const path = value.slice(1);
  try {
    return readFileSync(resolvePath(io, path), "utf8");
  } catch (error) {
    throw new WfvError("bad_request", `cannot read ${path}: ${(error as Error).message}`, { path });
  }
}

/** JSON (with `{"$date"}` dates) given inline or as `@file`. */
export function readJsonArg(io: CliIo, value: string, what: string): unknown {
  const text = readTextArg(io, value);
  try {
    return parseExtended(text);
  } catch (error) {
    throw new WfvError("bad_request", `${what} is not valid JSON: ${(error as Error).message}`, { argument: what });
  }
}

export function printJson(io: CliIo, value: unknown, pretty = false): void {
  io.stdout(stringifyExtended(value, pretty ? 2 : undefined) + "\n");
}

/** Prints a failure in the one shape callers parse and returns the exit code. */
export function reportFailure(io: CliIo, error: unknown): number {
  if (error instanceof UsageError) {
    io.stderr(`wfv: ${error.message}\n`);
    return EXIT_USAGE;
  }
  if (isWfvError(error)) {
    printJson(io, error.toJSON());
    return EXIT_FAILURE;
  }
  const message = error instanceof Error ? error.message : String(error);
  printJson(io, { error: message, error_type: "execution_failed", details: {} });
  return EXIT_FAILURE;
}
