/**
 * What every `wfv` command shares: JSON in (inline or `@file`), JSON out, and one failure shape.
 * A failure prints `{"error", "error_type", "details"}` and exits 1; a usage error exits 2.
 */
import { readFileSync } from "node:fs";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { WfvError, isWfvError } from "../core/errors";
import { parseExtended, stringifyExtended } from "../core/json/extended-json";

export interface CliCommand {
  /** One line for `wfv --help`. */
  summary: string;
  /** The full usage text for `wfv <command> --help`. */
  usage: string;
  /** Returns the process exit code. */
  run(args: string[]): Promise<number> | number;
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
export function readTextArg(value: string): string {
  if (!value.startsWith("@")) return value;
  const path = value.slice(1);
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new WfvError("bad_request", `cannot read ${path}: ${(error as Error).message}`, { path });
  }
}

/** JSON (with `{"$date"}` dates) given inline or as `@file`. */
export function readJsonArg(value: string, what: string): unknown {
  const text = readTextArg(value);
  try {
    return parseExtended(text);
  } catch (error) {
    throw new WfvError("bad_request", `${what} is not valid JSON: ${(error as Error).message}`, { argument: what });
  }
}

export function printJson(value: unknown, pretty = false): void {
  process.stdout.write(stringifyExtended(value, pretty ? 2 : undefined) + "\n");
}

/** Prints a failure in the one shape callers parse and returns the exit code. */
export function reportFailure(error: unknown): number {
  if (error instanceof UsageError) {
    process.stderr.write(`wfv: ${error.message}\n`);
    return EXIT_USAGE;
  }
  if (isWfvError(error)) {
    printJson(error.toJSON());
    return EXIT_FAILURE;
  }
  const message = error instanceof Error ? error.message : String(error);
  printJson({ error: message, error_type: "execution_failed", details: {} });
  return EXIT_FAILURE;
}
