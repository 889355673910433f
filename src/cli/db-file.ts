/**
 * Virtual DB files for the CLI: the compressed blob as text, read whole and replaced atomically
 * (written beside the target, then renamed over it), so a reader never sees half a file and a failed
 * command never touches it.
 */
import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { WfvError } from "../core/errors";

/** The file's text, or null when there is no file yet. */
export function readDbText(path: string): string | null {
  if (!existsSync(path)) return null;
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new WfvError("bad_request", `cannot read ${path}: ${(error as Error).message}`, { path });
  }
}

/** The file's text; a missing file is an error (for the commands that only read). */
export function requireDbText(path: string, hint = ""): string {
  const text = readDbText(path);
  if (text === null) throw new WfvError("bad_request", `no DB file at ${path}${hint}`, { path });
  return text;
}

export function writeDbText(path: string, text: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(temp, text.endsWith("\n") ? text : text + "\n", "utf8");
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // the temp file may never have been created
    }
    throw new WfvError("bad_request", `cannot write ${path}: ${(error as Error).message}`, { path });
  }
}
