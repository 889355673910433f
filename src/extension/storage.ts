/**
 * The virtual DB of each workflow, kept in the extension's workspace storage (`context.storageUri`):
 * one file per workflow, written atomically (temp file + rename), held in memory while the workspace is
 * open. A file that cannot be read is moved aside and reported, never dropped.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { asideFileName, decodeStored, emptyStored, encodeStored, storageFileName, type StoredWorkflowDb } from "./storage-codec";

export interface StorageReport {
  /** Called when a stored file was unreadable and moved aside. */
  unreadable(workflowFile: string, movedTo: string, reason: string): void;
}

export class WorkflowDbStore {
  private readonly cache = new Map<string, StoredWorkflowDb>();
  private readonly writes = new Map<string, Promise<void>>();

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

  /** The workflow's stored DB (from memory, else from disk, else fresh). */
  async get(workflowFile: string): Promise<StoredWorkflowDb> {
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
        const reason = decoded.ok ? `it belongs to ${decoded.value.workflowFile}` : decoded.reason;
        const aside = join(this.dir, asideFileName(storageFileName(workflowFile)));
        await rename(file, aside);
        this.report.unreadable(workflowFile, aside, reason);
      }
    }
    this.cache.set(workflowFile, stored);
    return stored;
  }

  /** Only what is already in memory (for lenses, which must not wait for disk). */
  peek(workflowFile: string): StoredWorkflowDb | undefined {
    return this.cache.get(workflowFile);
  }

  /** Replaces the workflow's DB in memory and on disk (atomically; writes are serialised per file). */
  async put(stored: StoredWorkflowDb): Promise<void> {
    const value = { ...stored, savedAt: new Date().toISOString() };
    this.cache.set(stored.workflowFile, value);
    const previous = this.writes.get(stored.workflowFile) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.writeAtomically(this.fileFor(stored.workflowFile), encodeStored(value)));
    this.writes.set(stored.workflowFile, next);
    await next;
  }

  private async writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    try {
      await writeFile(temp, bytes);
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

  async resetAll(): Promise<string[]> {
    const all = await this.storedWorkflows();
    for (const workflowFile of all) await this.reset(workflowFile);
    return all;
  }
}
