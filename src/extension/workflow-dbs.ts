/**
 * The life of each workflow's virtual DB, between the store (the file under `storageUri`, run records
 * for the lenses) and the engine (the live DB): loading it on first use and setting aside one that
 * cannot be read, persisting it after a run, reset, import and export, and the state it holds. No
 * `vscode` here: the editor side listens (`DbListener`).
 */
import { WfvError } from "../core/errors";
import type { LiveDbRef, VirtualEngine } from "./engine";
import { toJson } from "./run-view";
import { moduleKey, type RunRecord } from "./staleness";
import type { PendingDb, WorkflowDbStore } from "./storage";

/** What the editor does when a workflow's DB changes. */
export interface DbListener {
  /** The DB was replaced (`reset`: emptied; else imported): the panel drops its view, a reset drops pending runs. */
  replaced(workflowFile: string, reset: boolean): void;
  /** The state the language server's hover shows (null: forget it). */
  state(workflowFile: string, state: Record<string, unknown> | null, label?: string): void;
  /** Run records changed: the lenses refresh. */
  changed(): void;
  /** A background write failed. */
  writeFailed(workflowFile: string, error: unknown): void;
  warn(message: string): void;
}

/** Workflow files are absolute in the editor, workspace-relative in the store. */
export interface WorkflowPaths {
  relative(absolute: string): string;
  absolute(relative: string): string;
}

export class WorkflowDbs {
  /** The state after each workflow's last run (Show State falls back to it). */
  private readonly lastState = new Map<string, Record<string, unknown>>();
  /** Told the workflow whose state changed (a run, a reset, an import): Show State's documents refresh. */
  private readonly stateWatchers = new Set<(workflowFile: string) => void>();
  /** Per workflow key: how many times its DB was replaced (reset, import). */
  private readonly generations = new Map<string, number>();

  constructor(
    readonly store: WorkflowDbStore,
    private readonly engine: VirtualEngine,
    private readonly paths: WorkflowPaths,
    private readonly listener: DbListener,
  ) {}

  /** The engine's live DB of a workflow; its stored blob is read only if the engine has no live one. */
  liveDb(workflowFile: string): LiveDbRef {
    const key = this.paths.relative(workflowFile);
    return {
      db_key: key,
      load_db: async () => {
        const stored = await this.store.get(key);
        return stored.virtualDb === "" ? null : stored.virtualDb;
      },
      unreadable: async (reason) => {
        await this.store.setAside(key, `the virtual DB cannot be read: ${reason}`);
        return null;
      },
    };
  }

  /** Bumped when a workflow's DB is replaced (reset, import), so runs started before record nothing. */
  generation(workflowFile: string): number {
    return this.generations.get(this.paths.relative(workflowFile)) ?? 0;
  }

  /**
   * After a run: its record (for the status lens) and, when it changed the DB, the live DB. A failed
   * run keeps the last good DB (the engine undid the call); a run that ended after a reset or an import
   * (`generation` is old) worked on a DB that is gone, and records nothing. Answers once the record is
   * in the store; `written` settles when it is on disk (a failed write is reported, not thrown).
   * `others`: records of the other modules the run ran (an up_to run's trace), keyed `step_id/module_name`.
   */
  async recordRun(
    workflowFile: string,
    generation: number,
    stepId: string,
    moduleName: string,
    record: RunRecord,
    changedDb: boolean,
    others: Readonly<Record<string, RunRecord>> = {},
  ): Promise<{ written: Promise<void> }> {
    if (generation !== this.generation(workflowFile)) return { written: Promise.resolve() };
    const key = this.paths.relative(workflowFile);
    const entry = await this.store.entry(key);
    const put = this.store.put({ ...entry, virtualDb: changedDb ? this.pendingDb(key) : entry.virtualDb, runs: { ...entry.runs, ...others, [moduleKey(stepId, moduleName)]: record } });
    return { written: put.catch((error: unknown) => this.listener.writeFailed(workflowFile, error)) };
  }

  /** After a sub-action that changed the DB: the live DB, written in the background. */
  async recordSubAction(workflowFile: string, generation: number): Promise<void> {
    if (generation !== this.generation(workflowFile)) return;
    const key = this.paths.relative(workflowFile);
    const entry = await this.store.entry(key);
    void this.store.put({ ...entry, virtualDb: this.pendingDb(key) }).catch((error: unknown) => this.listener.writeFailed(workflowFile, error));
    this.stateChanged(workflowFile);
  }

  /** The state after a run: kept for Show State, and told to the language server. */
  noteState(workflowFile: string, state: Record<string, unknown>, label: string): void {
    this.lastState.set(workflowFile, state);
    this.listener.state(workflowFile, state, label);
    this.stateChanged(workflowFile);
  }

  /** Calls `watcher` with the workflow whose state may have changed (after a run, a reset, an import). */
  onStateChanged(watcher: (workflowFile: string) => void): { dispose(): void } {
    this.stateWatchers.add(watcher);
    return { dispose: () => this.stateWatchers.delete(watcher) };
  }

  private stateChanged(workflowFile: string): void {
    for (const watcher of this.stateWatchers) watcher(workflowFile);
  }

  /** The run records held in memory (the lenses never wait for disk). */
  runRecords(workflowFile: string): Record<string, RunRecord> {
    return this.store.peek(this.paths.relative(workflowFile))?.runs ?? {};
  }

  /** Loads the stored entries of the given workflows (run records only), so lenses can show statuses. */
  async preload(workflowFiles: string[], notify = true): Promise<void> {
    let loaded = false;
    for (const file of workflowFiles) {
      const key = this.paths.relative(file);
      if (this.store.peek(key)) continue;
      await this.store.entry(key);
      loaded = true;
    }
    if (loaded && notify) this.listener.changed();
  }

  /**
   * The workflow's flat state (what `wfv state` prints under `state`: module outputs under module
   * names plus `outputs_to_state` keys), as the engine rebuilds it from the stored DB; falls back to
   * the last run's.
   */
  async stateOf(workflowFile: string): Promise<Record<string, unknown> | undefined> {
    const entry = await this.store.entry(this.paths.relative(workflowFile));
    if (entry.virtualDb !== "") {
      try {
        // The full state's `state_mapped` is the flat state (getModuleOutputs), not its step tree.
        return toJson((await this.engine.state(this.liveDb(workflowFile))).state_mapped) as Record<string, unknown>;
      } catch (error) {
        this.listener.warn(`cannot rebuild the state: ${(error as Error).message}`);
      }
    }
    return this.lastState.get(workflowFile);
  }

  async resetDb(workflowFile: string): Promise<void> {
    const key = this.paths.relative(workflowFile);
    await this.replaceDb(key, () => this.store.reset(key));
    this.lastState.delete(workflowFile);
    this.listener.state(workflowFile, null);
    this.listener.replaced(workflowFile, true);
    this.listener.changed();
    this.stateChanged(workflowFile);
  }

  /** Resets every stored DB; answers how many. */
  async resetAll(): Promise<number> {
    const all = await this.store.storedWorkflows();
    for (const key of all) await this.replaceDb(key, () => this.store.reset(key));
    for (const file of this.lastState.keys()) this.listener.state(file, null);
    this.lastState.clear();
    for (const key of all) this.listener.replaced(this.paths.absolute(key), true);
    this.listener.changed();
    for (const key of all) this.stateChanged(this.paths.absolute(key));
    return all.length;
  }

  /** The workflow's DB as the compressed blob (the live one when it is live; a stored one is opened first, so one that cannot be read is set aside, not exported). */
  async exportDb(workflowFile: string): Promise<string> {
    const key = this.paths.relative(workflowFile);
    if ((await this.store.entry(key)).virtualDb !== "") await this.engine.open(this.liveDb(workflowFile));
    return (await this.store.get(key)).virtualDb;
  }

  /** Imports a compressed (or JSON) DB blob; throws db_invalid without touching the stored one. */
  async importDb(workflowFile: string, blob: string): Promise<void> {
    const problem = await this.engine.dbProblem(blob);
    if (problem) throw new WfvError(problem.error_type, problem.error, problem.details);
    const key = this.paths.relative(workflowFile);
    const entry = await this.store.entry(key);
    await this.replaceDb(key, () => this.store.put({ ...entry, virtualDb: blob.trim(), runs: {} }));
    this.listener.replaced(workflowFile, false);
    this.listener.changed();
    this.stateChanged(workflowFile);
  }

  /** The store's view of a DB that is live in the engine: exported when it is written or read. */
  private pendingDb(key: string): PendingDb {
    return async () => {
      const blob = await this.engine.exportDb(key);
      if (blob === null) throw new Error(`the live virtual DB of ${key} is gone`);
      return blob;
    };
  }

  /**
   * Replaces a workflow's DB: runs started before record nothing, the new entry is in the store before
   * the live DB is dropped (so a run started after the drop loads the new one), then it is written.
   */
  private async replaceDb(key: string, write: () => Promise<void>): Promise<void> {
    this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
    const written = write(); // the store holds the new entry from here on
    await this.engine.forget(key);
    await written;
  }
}
