/**
 * Temporary files of atomic writes (write beside the target, fsync, rename over it). Their names carry
 * the writer's process id, so a temp file whose process is gone was left by a kill mid-write: nobody
 * will rename it, and the next write in its folder removes it.
 */
import { readdirSync, rmSync } from "node:fs";
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";

/** Whether process `pid` is running (a process of another user counts as running). */
export function processIsAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Names in `names` that are temp files a dead process left: `pidOf` reads the writer's pid from a
 * name (undefined for names that are not such temp files).
 */
export function orphanedTempNames(names: readonly string[], pidOf: (name: string) => number | undefined): string[] {
  return names.filter((name) => {
    const pid = pidOf(name);
    return pid !== undefined && !processIsAlive(pid);
  });
}

/** Removes the orphaned temp files of `dir` (best effort: a failure leaves them for the next write). */
export function removeOrphanedTempFilesSync(dir: string, pidOf: (name: string) => number | undefined): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of orphanedTempNames(names, pidOf)) {
    try {
      rmSync(join(dir, name), { force: true });
    } catch {
      // left for the next write
    }
  }
}

export async function removeOrphanedTempFiles(dir: string, pidOf: (name: string) => number | undefined): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  await Promise.all(orphanedTempNames(names, pidOf).map((name) => rm(join(dir, name), { force: true }).catch(() => undefined)));
}
