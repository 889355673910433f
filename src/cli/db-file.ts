/**
 * Virtual DB files for the CLI: the compressed blob as text, read whole and replaced atomically
 * (written beside the target, fsynced, then renamed over it), so a reader never sees half a file, a
 * crash never leaves a renamed but unwritten one, and a failed command never touches it. Temp files a
 * killed process left beside a DB file are removed by the next write of that file. Paths are as given
 * on the command line (relative to the io's folder); messages name them that way.
 *
 * An empty or whitespace-only DB file is the same error for every command: db_invalid, and the file is
 * kept (a command that would write refuses instead of overwriting it as if it were fresh).
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { WfvError } from "../core/errors";
import { removeOrphanedTempFilesSync } from "../node/temp-files";
import { resolvePath, type CliIo } from "./io";

/** The file's text, or null when there is no file yet. An empty (or blank) file is db_invalid. */
export function readDbText(io: CliIo, path: string): string | null {
  const file = resolvePath(io, path);
  if (!existsSync(file)) return null;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new WfvError("bad_request", `cannot read ${path}: ${(error as Error).message}`, { path });
  }
  if (text.trim() === "") {
    throw new WfvError("db_invalid", `the DB file ${path} is empty; it was kept (remove it, or 'wfv db new ${path} --force', to start a fresh DB)`, {
      path,
      reason: "empty",
    });
  }
  return text;
}

/** The file's text; a missing file is an error (for the commands that only read). */
export function requireDbText(io: CliIo, path: string, hint = ""): string {
  const text = readDbText(io, path);
  if (text === null) throw new WfvError("bad_request", `no DB file at ${path}${hint}`, { path });
  return text;
}

/** Tells apart temporary files written in the same millisecond by one process (in-process callers). */
let tempCounter = 0;

/** The writer's pid in a temp file name of `file` (`.<name>.<pid>.<ms>.<n>.tmp`), else undefined. */
function tempPidOf(file: string): (name: string) => number | undefined {
  const prefix = `.${basename(file)}.`;
  return (name) => {
    if (!name.startsWith(prefix) || !name.endsWith(".tmp")) return undefined;
    const match = /^(\d+)\.\d+\.\d+\.tmp$/.exec(name.slice(prefix.length));
    return match ? Number(match[1]) : undefined;
  };
}

export function writeDbText(io: CliIo, path: string, text: string): void {
  const file = resolvePath(io, path);
  removeOrphanedTempFilesSync(dirname(file), tempPidOf(file));
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.${++tempCounter}.tmp`);
  try {
    const fd = openSync(temp, "w");
    try {
      writeFileSync(fd, text.endsWith("\n") ? text : text + "\n", "utf8");
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // the temp file may never have been created
    }
    throw new WfvError("bad_request", `cannot write ${path}: ${(error as Error).message}`, { path });
  }
}
