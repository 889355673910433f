/**
 * The one context object (rust-analyzer's `Ctx`): the workflow catalog, the DB store, the engine and the
 * panels. It translates editor actions into engine calls and engine answers into panel views; the
 * engine itself is `src/core`.
 */
import { basename, dirname, isAbsolute, join } from "node:path";
import * as vscode from "vscode";
import { decodeDbBlob } from "../core/db/snapshot";
import { isWfvError } from "../core/errors";
import { resolveWorkflow, sourceLocation, type ResolvedWorkflowSource } from "../core/workflow/ref-resolver";
import { workflowIssues } from "../core/workflow/model";
import type { RunMode, RunView, SourceLink } from "../shared/protocol";
import { panelChanges } from "./db-diff";
import { layeredReader, readText } from "./documents";
import type { LiveDbRef, VirtualEngine, VirtualResponse } from "./engine";
import { logAt } from "./log";
import { moduleFingerprints, moduleKey, type RunRecord, type RunStatus } from "./staleness";
import type { WorkflowDbStore } from "./storage";
import { isWorkflowText, WorkflowCatalog } from "./workflow-catalog";

export interface ResolvedForRun {
  ok: true;
  source: ResolvedWorkflowSource;
  fingerprints: Map<string, string>;
}
export interface ResolveFailure {
  ok: false;
  message: string;
  errorType: string;
  details: Record<string, unknown>;
  source: SourceLink | null;
}

/** What a pending interaction needs to be answered. */
interface PendingRun {
  workflowFile: string;
  stepId: string;
  moduleName: string;
  mode: RunMode;
  interactionId: string | undefined;
  interaction: Record<string, unknown> | null;
}

export interface PanelSink {
  show(workflowFile: string, workflowName: string): void;
  post(workflowFile: string, view: RunView): void;
  started(workflowFile: string, runId: number, stepId: string, moduleName: string, mode: RunMode): void;
  reset(workflowFile: string): void;
}

const RUN_STATUSES: readonly string[] = ["completed", "awaiting_input", "error", "validation_failed"];

export class Controller implements vscode.Disposable {
  readonly catalog = new WorkflowCatalog();
  private readonly resolveCache = new Map<string, ResolvedForRun | ResolveFailure>();
  private readonly pending = new Map<number, PendingRun>();
  private readonly lastState = new Map<string, Record<string, unknown>>();
  /** Per workflow key: how many times its DB was replaced (reset, import). */
  private readonly generations = new Map<string, number>();
  /** Unique across window reloads, so a restored panel's run id never names a new run. */
  private nextRunId = Date.now();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Lenses refresh on this: a run finished, a DB was reset, files changed. */
  readonly onDidChange = this.changed.event;
  panels: PanelSink | undefined;
  /** Told the state after each run (null after a reset): the language server's hover uses it. */
  stateSink: ((workflowFile: string, state: Record<string, unknown> | null, label?: string) => void) | undefined;

  constructor(
    readonly store: WorkflowDbStore,
    private readonly engine: VirtualEngine,
    private readonly secrets: vscode.SecretStorage,
  ) {}

  dispose(): void {
    this.changed.dispose();
  }

  // ------------------------------------------------------------------ files and workflows

  /** Workspace-relative key of an absolute path (what the store and the panel use). */
  relative(absolute: string): string {
    return vscode.workspace.asRelativePath(vscode.Uri.file(absolute), false);
  }

  absolute(file: string): string {
    if (isAbsolute(file)) return file;
    const folder = vscode.workspace.workspaceFolders?.[0];
    return folder ? join(folder.uri.fsPath, file) : file;
  }

  /** Finds the workflow files in the workspace (texts with `workflow_id` + `steps`) and indexes them. */
  async indexWorkspace(): Promise<void> {
    const uris = await vscode.workspace.findFiles("**/*.json", "{**/node_modules/**,**/.git/**}", 5000);
    for (const uri of uris) this.indexFile(uri.fsPath, false);
    this.resolveCache.clear();
    logAt("info", `indexed ${this.catalog.workflows().length} workflow(s) in ${uris.length} JSON file(s)`);
  }

  /**
   * (Re)indexes one file after it was opened, edited, created or deleted. Lenses and cached resolutions
   * are refreshed only when the file is (or was) a workflow or part of one: edits to unrelated JSON
   * (settings, package.json, build output) cost a text check and nothing more.
   */
  indexFile(absolute: string, notify = true): void {
    const known = this.catalog.has(absolute) || this.catalog.isIncluded(absolute);
    const text = readText(absolute);
    if (text !== undefined && isWorkflowText(text)) this.catalog.update(absolute, readText);
    else this.catalog.remove(absolute);
    // a step file's edit may add or drop refs of the workflows that include it
    for (const workflow of this.catalog.workflowsFor(absolute)) if (workflow !== absolute) this.catalog.update(workflow, readText);
    if (notify && (known || this.catalog.has(absolute))) this.invalidate();
  }

  invalidate(): void {
    this.resolveCache.clear();
    this.changed.fire();
  }

  /** The workflow a file runs against: itself, or the first workflow that includes it. */
  workflowFor(absolute: string): string | undefined {
    return this.catalog.workflowsFor(absolute)[0];
  }

  /** Resolves the workflow with the open editors' text; cached until the next edit. */
  resolve(workflowFile: string): ResolvedForRun | ResolveFailure {
    const cached = this.resolveCache.get(workflowFile);
    if (cached) return cached;
    const result = this.resolveNow(workflowFile);
    this.resolveCache.set(workflowFile, result);
    return result;
  }

  private resolveNow(workflowFile: string): ResolvedForRun | ResolveFailure {
    const root = dirname(workflowFile);
    try {
      const source = resolveWorkflow(basename(workflowFile), layeredReader(root));
      this.entryByResolved.set(source, workflowFile);
      const issues = workflowIssues(source.workflow);
      if (issues.length > 0) {
        const first = issues[0];
        return {
          ok: false,
          errorType: "workflow_invalid",
          message: `${first.path}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ""}`,
          details: { issues },
          source: this.linkForPathString(source, first.path),
        };
      }
      return { ok: true, source, fingerprints: moduleFingerprints(source.workflow) };
    } catch (error) {
      if (!isWfvError(error)) throw error;
      const file = typeof error.details.file === "string" ? this.relative(join(root, error.details.file)) : this.relative(workflowFile);
      const path = Array.isArray(error.details.path) ? (error.details.path as (string | number)[]) : [];
      return { ok: false, errorType: error.errorType, message: error.message, details: error.details, source: { file, path } };
    }
  }

  private linkForPathString(source: ResolvedWorkflowSource, jsonPath: string): SourceLink | null {
    const path: (string | number)[] = [];
    for (const m of jsonPath.matchAll(/\.([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g)) {
      if (m[1] !== undefined) path.push(m[1]);
      else if (m[2] !== undefined) path.push(Number(m[2]));
      else if (m[3] !== undefined) path.push(JSON.parse(`"${m[3]}"`) as string);
    }
    return this.linkFor(source, path);
  }

  /** A resolved-workflow path → the file and in-file path where it was written. */
  linkFor(source: ResolvedWorkflowSource, path: (string | number)[], label?: string): SourceLink {
    const location = sourceLocation(source, path);
    const root = dirname(this.absoluteEntry(source));
    return { file: this.relative(join(root, ...location.file.split("/"))), path: location.path, ...(label ? { label } : {}) };
  }

  private entryByResolved = new WeakMap<ResolvedWorkflowSource, string>();
  private absoluteEntry(source: ResolvedWorkflowSource): string {
    return this.entryByResolved.get(source) ?? "";
  }

  /** The module's path in the resolved workflow (`steps[i].modules[j]`). */
  private modulePath(source: ResolvedWorkflowSource, stepId: string, moduleName: string): (string | number)[] | undefined {
    const steps = (source.workflow as { steps?: unknown[] }).steps ?? [];
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i] as { step_id?: string; modules?: unknown[] };
      if (step?.step_id !== stepId) continue;
      const modules = step.modules ?? [];
      for (let j = 0; j < modules.length; j++) {
        const m = modules[j] as { name?: string; module_id?: string };
        if ((m?.name ?? m?.module_id) === moduleName) return ["steps", i, "modules", j];
      }
    }
    return undefined;
  }

  workflowName(workflowFile: string): string {
    const resolved = this.resolve(workflowFile);
    if (resolved.ok) {
      const wf = resolved.source.workflow as { name?: unknown; workflow_id?: unknown };
      return String(wf.name ?? wf.workflow_id ?? basename(workflowFile));
    }
    return basename(workflowFile);
  }

  runRecords(workflowFile: string): Record<string, RunRecord> {
    return this.store.peek(this.relative(workflowFile))?.runs ?? {};
  }

  /** Loads stored DBs of the given workflows into memory (so lenses can show statuses). */
  async preload(workflowFiles: string[], notify = true): Promise<void> {
    let loaded = false;
    for (const file of workflowFiles) {
      if (this.store.peek(this.relative(file))) continue;
      await this.store.entry(this.relative(file)); // run records only: the DB is checked when first used
      loaded = true;
    }
    if (loaded && notify) this.changed.fire();
  }

  fingerprint(workflowFile: string, stepId: string, moduleName: string): string | undefined {
    const resolved = this.resolve(workflowFile);
    return resolved.ok ? resolved.fingerprints.get(moduleKey(stepId, moduleName)) : undefined;
  }

  mockMode(): boolean {
    return vscode.workspace.getConfiguration("wfv").get<boolean>("mockMode", true);
  }

  lastStateOf(workflowFile: string): Record<string, unknown> | undefined {
    return this.lastState.get(workflowFile);
  }

  /** The workflow's state as the engine rebuilds it from the stored DB (falls back to the last run's). */
  async stateOf(workflowFile: string): Promise<Record<string, unknown> | undefined> {
    const key = this.relative(workflowFile);
    const entry = await this.store.entry(key);
    if (entry.virtualDb !== "") {
      try {
        return toJson(await this.engine.state(this.liveDb(key))) as Record<string, unknown>;
      } catch (error) {
        logAt("warn", `cannot rebuild the state: ${(error as Error).message}`);
      }
    }
    return this.lastState.get(workflowFile);
  }

  // ------------------------------------------------------------------ running

  /** Runs a module (first call: no response) and shows the result in the workflow's panel. */
  async run(workflowFile: string, stepId: string, moduleName: string, mode: RunMode): Promise<RunView> {
    return this.execute({ workflowFile, stepId, moduleName, mode, interactionId: undefined, interaction: null }, null);
  }

  /** Answers the interaction shown for `runId`. */
  async submit(
    runId: number,
    response: Record<string, unknown>,
    fallback?: { workflowFile: string; stepId: string; moduleName: string; mode: RunMode },
  ): Promise<RunView | undefined> {
    // After a window reload the panel shows a restored interaction whose run id this host never
    // issued; the DB still holds the pending interaction, so the answer goes to the module it names.
    const pending = this.pending.get(runId) ?? (fallback ? { ...fallback, interactionId: undefined, interaction: null } : undefined);
    if (!pending) {
      logAt("warn", `answer for run ${runId}, which is not awaiting input any more`);
      return undefined;
    }
    this.pending.delete(runId);
    const answer = { ...response };
    if (pending.interactionId !== undefined && answer.interaction_id === undefined) answer.interaction_id = pending.interactionId;
    return this.execute(pending, answer);
  }

  pendingRun(runId: number): PendingRun | undefined {
    return this.pending.get(runId);
  }

  private async execute(target: PendingRun, response: Record<string, unknown> | null): Promise<RunView> {
    const { workflowFile, stepId, moduleName, mode } = target;
    const runId = this.nextRunId++;
    const key = this.relative(workflowFile);
    this.resolveCache.delete(workflowFile); // unsaved text is what runs: resolve fresh
    const resolved = this.resolve(workflowFile);
    this.panels?.show(workflowFile, this.workflowName(workflowFile));
    this.panels?.started(workflowFile, runId, stepId, moduleName, mode);
    const generation = this.generation(key);

    let view: RunView;
    let persisted: Promise<void> | undefined;
    if (!resolved.ok) {
      view = this.errorView(runId, target, resolved.errorType, resolved.message, resolved.details, resolved.source);
    } else {
      let response_: VirtualResponse;
      try {
        const abort = new AbortController();
        const work = this.engine.execute(
          {
            ...this.liveDb(key),
            workflow: resolved.source.workflow,
            target_step_id: stepId,
            target_module_name: moduleName,
            response,
            mode,
            mock: this.mockMode(),
          },
          { signal: abort.signal, providers: await this.providers() },
        );
        this.progressIfSlow(`wfv: running ${moduleName}`, work, abort);
        response_ = await work;
      } catch (error) {
        response_ = {
          status: "error",
          message: String((error as Error)?.message ?? error),
          error: String((error as Error)?.message ?? error),
          result: { error_type: "execution_failed", details: { stack: (error as Error)?.stack ?? "" } },
        };
      }
      view = this.viewOf(runId, target, resolved, response_);
      const status = RUN_STATUSES.includes(response_.status) ? (response_.status as RunStatus) : "error";
      const record: RunRecord = {
        status,
        ...(view.error ? { errorType: view.error.error_type } : {}),
        fingerprint: resolved.fingerprints.get(moduleKey(stepId, moduleName)) ?? "",
        at: new Date().toISOString(),
      };
      // A failed run keeps the last good DB (the engine undid the call); a run that ended after a reset
      // or an import worked on a DB that is gone, and records nothing.
      if (generation === this.generation(key)) {
        const entry = await this.store.entry(key);
        const changed = status !== "error" && (response_.changes?.collections.length ?? 0) > 0;
        persisted = this.store.put({ ...entry, virtualDb: changed ? this.pendingDb(key) : entry.virtualDb, runs: { ...entry.runs, [moduleKey(stepId, moduleName)]: record } });
      }
      if (view.state) {
        this.lastState.set(workflowFile, view.state);
        this.stateSink?.(workflowFile, view.state, `after ${stepId}/${moduleName}`);
      }
      if (status === "awaiting_input") {
        const interaction = view.interaction;
        const asking = view.stoppedAt ?? { stepId, moduleName };
        this.pending.set(runId, {
          workflowFile,
          stepId: mode === "up_to" ? stepId : asking.stepId,
          moduleName: mode === "up_to" ? moduleName : asking.moduleName,
          mode,
          interactionId: typeof interaction?.interaction_id === "string" ? interaction.interaction_id : undefined,
          interaction,
        });
      }
      logAt("info", `run ${runId} ${mode} ${stepId}/${moduleName}: ${response_.status}${view.error ? ` (${view.error.error_type})` : ""}`);
    }
    this.panels?.post(workflowFile, view);
    this.changed.fire();
    // The view is out; the DB is written in the background, and a failed write is reported.
    await persisted?.catch((error: unknown) => this.reportWriteFailure(workflowFile, error));
    return view;
  }

  /** The engine's live DB of a workflow; its stored blob is read only if the engine has no live one. */
  private liveDb(key: string): LiveDbRef {
    return {
      db_key: key,
      load_db: async () => {
        const stored = await this.store.get(key);
        return stored.virtualDb === "" ? null : stored.virtualDb;
      },
    };
  }

  /** The store's view of a DB that is live in the engine: exported when it is written or read. */
  private pendingDb(key: string): () => Promise<string> {
    return async () => {
      const blob = await this.engine.exportDb(key);
      if (blob === null) throw new Error(`the live virtual DB of ${key} is gone`);
      return blob;
    };
  }

  /** Bumped when a workflow's DB is replaced (reset, import), so runs started before record nothing. */
  private generation(key: string): number {
    return this.generations.get(key) ?? 0;
  }

  /**
   * Replaces a workflow's DB: runs started before record nothing, the new entry is in the store before
   * the live DB is dropped (so a run queued behind the drop loads the new one), then it is written.
   */
  private async replaceDb(key: string, write: () => Promise<void>): Promise<void> {
    this.generations.set(key, this.generation(key) + 1);
    const written = write(); // the store holds the new entry from here on
    await this.engine.forget(key);
    await written;
  }

  private reportWriteFailure(workflowFile: string, error: unknown): void {
    logAt("error", `cannot write the virtual DB of ${this.relative(workflowFile)}: ${(error as Error)?.stack ?? error}`);
    void vscode.window.showErrorMessage(`wfv: the virtual DB of ${this.relative(workflowFile)} could not be saved: ${(error as Error)?.message ?? error}`);
  }

  /** A cancellable progress notification, only for runs that take longer than half a second. */
  private progressIfSlow(title: string, work: Promise<unknown>, abort: AbortController): void {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    const timer = setTimeout(() => {
      void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => {
        const sub = token.onCancellationRequested(() => abort.abort());
        return settled.finally(() => sub.dispose());
      });
    }, 500);
    void settled.finally(() => clearTimeout(timer));
  }

  private async providers(): Promise<Record<string, { apiKey?: string }>> {
    if (this.mockMode()) return {};
    const out: Record<string, { apiKey?: string }> = {};
    for (const provider of PROVIDERS) {
      const key = await this.secrets.get(secretKey(provider));
      if (key) out[provider] = { apiKey: key };
    }
    return out;
  }

  private errorView(
    runId: number,
    target: PendingRun,
    errorType: string,
    message: string,
    details: Record<string, unknown>,
    source: SourceLink | null,
  ): RunView {
    return {
      runId,
      stepId: target.stepId,
      moduleName: target.moduleName,
      mode: target.mode,
      status: "error",
      message,
      interaction: null,
      stoppedAt: null,
      outputs: null,
      state: null,
      changes: null,
      error: { error_type: errorType, message, details: toJson(details) as Record<string, unknown>, source },
      validationErrors: [],
    };
  }

  private viewOf(runId: number, target: PendingRun, resolved: ResolvedForRun, response: VirtualResponse): RunView {
    const result = (response.result ?? {}) as Record<string, unknown>;
    const status = (RUN_STATUSES.includes(response.status) ? response.status : "error") as RunView["status"];
    const progress = (response.progress ?? {}) as Record<string, unknown>;
    const stoppedStep = typeof progress.current_step === "string" ? progress.current_step : undefined;
    const stoppedModule = typeof progress.current_module === "string" ? progress.current_module : undefined;
    const stoppedAt =
      status === "awaiting_input" && stoppedModule && (stoppedModule !== target.moduleName || stoppedStep !== target.stepId)
        ? { stepId: stoppedStep ?? target.stepId, moduleName: stoppedModule }
        : null;
    const changes = response.changes && status !== "error" ? panelChanges(response.changes) : null;
    let error: RunView["error"] = null;
    if (status === "error") {
      const errorType = String(result.error_type ?? response.error_type ?? "execution_failed");
      const details = (result.details ?? response.error_details ?? {}) as Record<string, unknown>;
      error = {
        error_type: errorType,
        message: String(response.error ?? response.message ?? errorType),
        details: toJson(details) as Record<string, unknown>,
        source: this.errorSource(resolved, target, details, stoppedAt),
      };
    }
    const state = result.state && typeof result.state === "object" ? (toJson(result.state) as Record<string, unknown>) : null;
    const outputs = result.module_outputs && typeof result.module_outputs === "object" ? (toJson(result.module_outputs) as Record<string, unknown>) : null;
    return {
      runId,
      stepId: target.stepId,
      moduleName: target.moduleName,
      mode: target.mode,
      status,
      message: String(response.message ?? ""),
      interaction: response.interaction_request ? (toJson(response.interaction_request) as Record<string, unknown>) : null,
      stoppedAt,
      outputs,
      state,
      changes,
      error,
      validationErrors: (response.validation_errors ?? []) as unknown[],
    };
  }

  /** Where an error points: a `$ref`'s file, an input of the module, or the module itself. */
  private errorSource(
    resolved: ResolvedForRun,
    target: PendingRun,
    details: Record<string, unknown>,
    stoppedAt: { stepId: string; moduleName: string } | null,
  ): SourceLink | null {
    const source = resolved.source;
    if (typeof details.file === "string" && Array.isArray(details.path)) {
      const root = dirname(this.absoluteEntry(source));
      return { file: this.relative(join(root, details.file)), path: details.path as (string | number)[] };
    }
    const stepId = typeof details.step_id === "string" ? details.step_id : (stoppedAt?.stepId ?? target.stepId);
    const moduleName = typeof details.module_name === "string" ? details.module_name : (stoppedAt?.moduleName ?? target.moduleName);
    const modulePath = this.modulePath(source, stepId, moduleName) ?? this.modulePath(source, target.stepId, target.moduleName);
    if (!modulePath) return null;
    const inputPath = inputPathOf(details);
    return this.linkFor(source, inputPath ? [...modulePath, "inputs", ...inputPath] : modulePath, `${stepId}/${moduleName}`);
  }

  /** Runs a sub-action of the module awaiting input in `runId` (retry, generate, ...). */
  async subAction(
    runId: number,
    actionId: string,
    params: Record<string, unknown>,
  ): Promise<{ ok: boolean; progress: Record<string, unknown>[]; result: Record<string, unknown> | null; error: string | null }> {
    const pending = this.pending.get(runId);
    if (!pending) return { ok: false, progress: [], result: null, error: "this interaction is no longer pending" };
    const resolved = this.resolve(pending.workflowFile);
    if (!resolved.ok) return { ok: false, progress: [], result: null, error: resolved.message };
    const key = this.relative(pending.workflowFile);
    const generation = this.generation(key);
    try {
      const outcome = await this.engine.subAction(
        {
          ...this.liveDb(key),
          workflow: resolved.source.workflow,
          target_step_id: pending.stepId,
          target_module_name: pending.moduleName,
          interaction_id: pending.interactionId ?? "",
          action_id: actionId,
          params,
          mock: this.mockMode(),
        },
        { providers: await this.providers() },
      );
      if (outcome.changed && generation === this.generation(key)) {
        const entry = await this.store.entry(key);
        void this.store.put({ ...entry, virtualDb: this.pendingDb(key) }).catch((error: unknown) => this.reportWriteFailure(pending.workflowFile, error));
      }
      return {
        ok: outcome.error === null,
        progress: outcome.progress.map((p) => toJson(p) as Record<string, unknown>),
        result: outcome.result ? (toJson(outcome.result) as Record<string, unknown>) : null,
        error: outcome.error,
      };
    } catch (error) {
      return { ok: false, progress: [], result: null, error: String((error as Error)?.message ?? error) };
    }
  }

  // ------------------------------------------------------------------ DB commands

  async resetDb(workflowFile: string): Promise<void> {
    const key = this.relative(workflowFile);
    await this.replaceDb(key, () => this.store.reset(key));
    this.lastState.delete(workflowFile);
    this.stateSink?.(workflowFile, null);
    for (const [id, p] of this.pending) if (p.workflowFile === workflowFile) this.pending.delete(id);
    this.panels?.reset(workflowFile);
    this.changed.fire();
  }

  async resetAll(): Promise<number> {
    const all = await this.store.storedWorkflows();
    for (const rel of all) await this.replaceDb(rel, () => this.store.reset(rel));
    for (const file of this.lastState.keys()) this.stateSink?.(file, null);
    this.lastState.clear();
    this.pending.clear();
    for (const rel of all) this.panels?.reset(this.absolute(rel));
    this.changed.fire();
    return all.length;
  }

  async exportDb(workflowFile: string): Promise<string> {
    return (await this.store.get(this.relative(workflowFile))).virtualDb;
  }

  /** Imports a compressed (or JSON) DB blob; throws db_invalid without touching the stored one. */
  async importDb(workflowFile: string, blob: string): Promise<void> {
    decodeDbBlob(blob);
    const key = this.relative(workflowFile);
    const entry = await this.store.entry(key);
    await this.replaceDb(key, () => this.store.put({ ...entry, virtualDb: blob.trim(), runs: {} }));
    this.panels?.reset(workflowFile);
    this.changed.fire();
  }
}

export const PROVIDERS = ["openai", "anthropic", "google", "leonardo", "elevenlabs", "suno"] as const;
export function secretKey(provider: string): string {
  return `wfv.provider.${provider}.apiKey`;
}

/** The input path an error names (`input_path: "a.b[0]"`, `input: "name"`, `path: [...]`). */
function inputPathOf(details: Record<string, unknown>): (string | number)[] | undefined {
  const raw = details.input_path ?? details.input ?? details.input_name;
  if (Array.isArray(raw)) return raw as (string | number)[];
  if (typeof raw !== "string" || raw === "") return undefined;
  const path: (string | number)[] = [];
  for (const m of raw.replace(/^inputs\.?/, "").matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (m[2] !== undefined) path.push(Number(m[2]));
    else if (m[1] !== undefined) path.push(m[1]);
  }
  return path.length > 0 ? path : undefined;
}

/** Dates and other non-JSON values → JSON for the webview. */
function toJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));
}
