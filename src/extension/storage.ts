/**
 * The virtual DB of each workflow, kept in the extension's workspace storage (`context.storageUri`):
 * one file per workflow, written atomically (temp file + rename), held in memory while the workspace is
 * open. A file that cannot be read is moved aside and reported, never dropped: its envelope when it is
 * read, its DB when the engine first opens it (`setAside`).
 *
 * After a run the DB is live in the engine, so an entry may hold a *pending* DB: a function that exports
 * the live DB when the entry is written. Writes run in the background, one at a time per file, and
 * collapse: a write that starts writes the newest entry, and writes queued behind it with nothing newer
 * to write do nothing. So a burst of runs exports the DB once or twice, not once per run.
 */
import { mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { removeOrphanedTempFiles } from "../node/temp-files";
import { asideFileName, decodeStored, emptyStored, encodeStored, storageFileName, type StoredWorkflowDb } from "./storage-codec";

export interface StorageReport {
  /** Called when a stored file was unreadable and moved aside. */
  unreadable(workflowFile: string, movedTo: string, reason: string): void;
}

/** The live DB, exported when needed (the compressed blob; "" for a fresh DB). */
export type PendingDb = () => Promise<string>;

/** A stored entry in memory: its DB is the blob, or pending in the engine. */
export type StoredEntry = Omit<StoredWorkflowDb, "virtualDb"> & { virtualDb: string | PendingDb };

export class WorkflowDbStore {
  private readonly cache = new Map<string, StoredEntry>();
  private readonly writes = new Map<string, Promise<void>>();
  /** Entries changed in memory and not yet written. */
  private readonly dirty = new Set<string>();

  constructor(
    private readonly dir: string,
    private readonly report: StorageReport,
  ) {}

  get directory(): string {
    return this.dir;
  }

  fileFor(workflowFile: string): string {
    return join(this.dir, storageFileName(workflowFile));
  }

  /** The workflow's stored DB (from memory, else from disk, else fresh), a pending DB exported now. */
  async get(workflowFile: string): Promise<StoredWorkflowDb> {
    return this.materialize(workflowFile, await this.entry(workflowFile));
  }

  /**
   * The workflow's stored DB cannot be opened (the engine said why): its file is moved aside (never
   * deleted) and reported, and a fresh DB is held instead.
   */
  async setAside(workflowFile: string, reason: string): Promise<void> {
    await this.moveAside(workflowFile, reason);
    this.cache.set(workflowFile, emptyStored(workflowFile));
  }

  /** The workflow's entry as held (its DB may be pending; nothing is decoded). */
  async entry(workflowFile: string): Promise<StoredEntry> {
    const cached = this.cache.get(workflowFile);
    if (cached) return cached;
    const file = this.fileFor(workflowFile);
    let stored = emptyStored(workflowFile);
    let bytes: Uint8Array | undefined;
    try {
      bytes = await readFile(file);
    } catch {
      bytes = undefined;
    }
    if (bytes !== undefined) {
      const decoded = decodeStored(bytes);
      if (decoded.ok && decoded.value.workflowFile === workflowFile) {
        stored = decoded.value;
      } else {
        await this.moveAside(workflowFile, decoded.ok ? `it belongs to ${decoded.value.workflowFile}` : decoded.reason);
      }
    }
    // Another read may have finished first: keep what it cached.
    const raced = this.cache.get(workflowFile);
    if (raced) return raced;
    this.cache.set(workflowFile, stored);
    return stored;
  }

  /** Moves the workflow's file aside (never deleted) and reports why. */
  private async moveAside(workflowFile: string, reason: string): Promise<void> {
    const aside = join(this.dir, asideFileName(storageFileName(workflowFile)));
    try {
      await rename(this.fileFor(workflowFile), aside);
    } catch (error) {
      this.report.unreadable(workflowFile, aside, `${reason}; moving it aside failed: ${(error as Error).message}`);
      return;
    }
    this.report.unreadable(workflowFile, aside, reason);
  }

  /** Only what is already in memory (for lenses, which must not wait for disk). */
  peek(workflowFile: string): StoredEntry | undefined {
    return this.cache.get(workflowFile);
  }

  /**
   * Replaces the workflow's entry in memory now and on disk in the background (atomically; writes are
   * serialised per file). The promise settles when the entry, or a newer one, is on disk.
   */
  put(stored: StoredEntry): Promise<void> {
    const workflowFile = stored.workflowFile;
    this.cache.set(workflowFile, { ...stored, savedAt: new Date().toISOString() });
    this.dirty.add(workflowFile);
    const previous = this.writes.get(workflowFile) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        if (!this.dirty.delete(workflowFile)) return; // an earlier write took this entry
        // Let what the caller did first (the panel's message) go out before a long export.
        await new Promise((resolve) => setImmediate(resolve));
        const entry = this.cache.get(workflowFile);
        if (!entry) return;
        const value = await this.materialize(workflowFile, entry);
        await this.writeAtomically(this.fileFor(workflowFile), encodeStored(value));
      });
    this.writes.set(workflowFile, next);
    return next;
  }

  /** Settles when every write asked for so far is done (deactivation, tests). */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.writes.values()]);
  }

  /** The entry with its DB as a blob; a pending DB is exported, and kept as the blob while the entry is current. */
  private async materialize(workflowFile: string, entry: StoredEntry): Promise<StoredWorkflowDb> {
    if (typeof entry.virtualDb === "string") return entry as StoredWorkflowDb;
    const value: StoredWorkflowDb = { ...entry, virtualDb: await entry.virtualDb() };
    if (this.cache.get(workflowFile) === entry) this.cache.set(workflowFile, value);
    return value;
  }

  /** Temp file, fsynced before the rename (a crash cannot leave the name on unwritten data); temp files a killed process left are removed first. */
  private async writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await removeOrphanedTempFiles(this.dir, storageTempPid);
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    try {
      const handle = await open(temp, "w");
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, file);
    } finally {
      await rm(temp, { force: true });
    }
  }

  /** A fresh DB for the workflow (run records cleared too). */
  async reset(workflowFile: string): Promise<void> {
    await this.put(emptyStored(workflowFile));
  }

  /** Workflow files that have a stored DB (in memory or on disk). */
  async storedWorkflows(): Promise<string[]> {
    const found = new Set(this.cache.keys());
    let names: string[] = [];
    try {
      names = await readdir(this.dir);
    } catch {
      names = [];
    }
    for (const name of names) {
      if (!name.endsWith(".wfvdb.json")) continue;
      try {
        const decoded = decodeStored(await readFile(join(this.dir, name)));
        if (decoded.ok) found.add(decoded.value.workflowFile);
      } catch {
        // unreadable files are reported when their workflow is opened
      }
    }
    return [...found].sort();
  }
}

/** The writer's pid in a temp file name (`<stored file>.<pid>.<ms>.tmp`), else undefined. */
export function storageTempPid(name: string): number | undefined {
  const match = /\.wfvdb\.json\.(\d+)\.\d+\.tmp$/.exec(name);
  return match ? Number(match[1]) : undefined;
}
