/**
 * Run orchestration: a click (lens, command, panel) becomes one engine call on the workflow's live DB,
 * its result one `RunView` in the workflow's panel. A run that stops for input is remembered by its run
 * id until the panel answers it (or runs one of its sub-actions).
 */
import { dirname } from "node:path";
import * as vscode from "vscode";
import { errorSource as errorPlace } from "../core/workflow/error-source";
import type { ResolvedWorkflowSource } from "../core/workflow/ref-resolver";
import type { RunMode, RunView } from "../shared/protocol";
import { layeredReader } from "./documents";
import type { ExecuteResponse, SubActionOutcome, VirtualEngine } from "./engine";
import { logAt } from "./log";
import { readText } from "./documents";
import { readPins, type PinnedOutputs } from "./pins";
import { errorView, runView, thrownResponse, toJson, type RunTarget } from "./run-view";
import { tracedStatuses } from "./run-story";
import { mockMode, providerSettings } from "./secrets";
import { errorSource } from "./source-links";
import { moduleKey, type RunRecord } from "./staleness";
import type { WorkflowDbs } from "./workflow-dbs";
import type { WorkflowIndex } from "./workflow-index";
import { relativePath } from "./workspace-paths";

/** A run waiting for input: what its answer needs. */
export interface PendingRun extends RunTarget {
  workflowFile: string;
  interactionId: string | undefined;
  interaction: Record<string, unknown> | null;
}

/** Where runs show up: the workflow's panel. */
export interface RunPanels {
  show(workflowFile: string, workflowName: string): void;
  started(workflowFile: string, runId: number, stepId: string, moduleName: string, mode: RunMode): void;
  post(workflowFile: string, view: RunView): void;
}

export interface SubActionResult {
  ok: boolean;
  progress: Record<string, unknown>[];
  result: Record<string, unknown> | null;
  error: string | null;
}

/**
 * `details.source` of a failed run (`{file, json_path, line, column}`, as the CLI reports it), read
 * from the editor's current text of the workflow's files.
 */
function addErrorPlace(response: ExecuteResponse, source: ResolvedWorkflowSource, workflowFile: string): void {
  const details = response.result?.details;
  if (response.status !== "error" || !details || details.source !== undefined) return;
  const reader = layeredReader(dirname(workflowFile));
  const place = errorPlace(source, details, (file) => reader.read(file));
  if (place) response.result.details = { ...details, source: place };
}

/** The run story (trace and resolved inputs) always; for up_to, `wfv.runUpTo.stopAtInteractions` leaves every interaction to the user. */
function storyOptions(mode: RunMode): { trace: true; stop_at_interactions?: true } {
  const stop = mode === "up_to" && vscode.workspace.getConfiguration("wfv").get<boolean>("runUpTo.stopAtInteractions", false);
  return stop ? { trace: true, stop_at_interactions: true } : { trace: true };
}

export class Runs {
  private readonly pending = new Map<number, PendingRun>();
  /** Unique across window reloads, so a restored panel's run id never names a new run. */
  private nextRunId = Date.now();
  panels: RunPanels | undefined;

  constructor(
    private readonly index: WorkflowIndex,
    private readonly dbs: WorkflowDbs,
    private readonly engine: VirtualEngine,
    private readonly secrets: vscode.SecretStorage,
    /** Refreshes the lenses (a run finished). */
    private readonly changed: () => void,
  ) {}

  /** Runs a module (first call: no response) and shows the result in the workflow's panel. */
  run(workflowFile: string, stepId: string, moduleName: string, mode: RunMode): Promise<RunView> {
    return this.execute({ workflowFile, stepId, moduleName, mode, interactionId: undefined, interaction: null }, null);
  }

  /** Answers the interaction shown for `runId`. */
  async submit(runId: number, response: Record<string, unknown>, fallback?: RunTarget & { workflowFile: string }): Promise<RunView | undefined> {
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

  /** The workflow's DB was reset: its interactions are gone. */
  dropPending(workflowFile: string): void {
    for (const [id, p] of this.pending) if (p.workflowFile === workflowFile) this.pending.delete(id);
  }

  private async execute(target: PendingRun, response: Record<string, unknown> | null): Promise<RunView> {
    const { workflowFile, stepId, moduleName, mode } = target;
    const runId = this.nextRunId++;
    const resolved = this.index.resolveForRun(workflowFile);
    this.panels?.show(workflowFile, this.index.workflowName(workflowFile));
    this.panels?.started(workflowFile, runId, stepId, moduleName, mode);
    if (!resolved.ok) {
      const view = errorView(runId, target, resolved.errorType, resolved.message, resolved.details, resolved.source);
      this.panels?.post(workflowFile, view);
      this.changed();
      return view;
    }
    // Pinned outputs (.wfv/pins.json beside the workflow): those modules do not run.
    const pins = pinsForRun(workflowFile);
    const pinned = Object.keys(pins.pins ?? {}).filter((key) => resolved.fingerprints.has(key));
    const generation = this.dbs.generation(workflowFile);
    let response_: ExecuteResponse;
    try {
      const abort = new AbortController();
      const work = this.engine.execute(
        { ...this.dbs.liveDb(workflowFile), workflow: resolved.source.workflow, target_step_id: stepId, target_module_name: moduleName, response, mode, mock: mockMode(), ...pins, ...storyOptions(mode) },
        { signal: abort.signal, providers: await providerSettings(this.secrets) },
      );
      this.progressIfSlow(`wfv: running ${moduleName}`, work, abort);
      response_ = await work;
    } catch (error) {
      response_ = thrownResponse(error);
    }
    addErrorPlace(response_, resolved.source, workflowFile);
    const view = runView(runId, target, response_, (details, stoppedAt) => errorSource(resolved, target, details, stoppedAt, relativePath));
    if (pinned.length > 0) view.pinned = pinned;
    const record: RunRecord = {
      status: view.status,
      ...(view.error ? { errorType: view.error.error_type } : {}),
      ...(pinned.includes(moduleKey(stepId, moduleName)) ? { pinned: true } : {}),
      fingerprint: resolved.fingerprints.get(moduleKey(stepId, moduleName)) ?? "",
      at: new Date().toISOString(),
    };
    const changedDb = view.status !== "error" && (response_.changes?.length ?? 0) > 0;
    // Every other module the run ran gets a status lens too (a failed run changed nothing: only the target's).
    const others: Record<string, RunRecord> = {};
    for (const ran of view.status === "error" ? [] : tracedStatuses(view.trace)) {
      const key = moduleKey(ran.stepId, ran.moduleName);
      if (key !== moduleKey(stepId, moduleName)) others[key] = { status: ran.status, fingerprint: resolved.fingerprints.get(key) ?? "", at: record.at };
    }
    const { written } = await this.dbs.recordRun(workflowFile, generation, stepId, moduleName, record, changedDb, others);
    if (view.state) this.dbs.noteState(workflowFile, view.state, `after ${stepId}/${moduleName}`);
    if (view.status === "awaiting_input") {
      const asking = view.stoppedAt ?? { stepId, moduleName };
      const interaction = view.interaction;
      this.pending.set(runId, {
        workflowFile,
        // up_to goes on from where it stopped through the same target; module mode answers the asking module
        stepId: mode === "up_to" ? stepId : asking.stepId,
        moduleName: mode === "up_to" ? moduleName : asking.moduleName,
        mode,
        interactionId: typeof interaction?.interaction_id === "string" ? interaction.interaction_id : undefined,
        interaction,
      });
    }
    logAt("info", `run ${runId} ${mode} ${stepId}/${moduleName}: ${response_.status}${view.error ? ` (${view.error.error_type})` : ""}`);
    this.panels?.post(workflowFile, view);
    this.changed();
    // The view is out; the DB is written in the background (a failed write is reported).
    await written;
    return view;
  }

  /** Runs a sub-action of the module awaiting input in `runId` (retry, generate, ...). */
  async subAction(runId: number, actionId: string, params: Record<string, unknown>): Promise<SubActionResult> {
    const pending = this.pending.get(runId);
    if (!pending) return { ok: false, progress: [], result: null, error: "this interaction is no longer pending" };
    const resolved = this.index.resolve(pending.workflowFile);
    if (!resolved.ok) return { ok: false, progress: [], result: null, error: resolved.message };
    const generation = this.dbs.generation(pending.workflowFile);
    let outcome: SubActionOutcome;
    try {
      outcome = await this.engine.subAction(
        {
          ...this.dbs.liveDb(pending.workflowFile),
          workflow: resolved.source.workflow,
          interaction_id: pending.interactionId ?? "",
          action_id: actionId,
          params,
          mock: mockMode(),
        },
        { providers: await providerSettings(this.secrets) },
      );
    } catch (error) {
      return { ok: false, progress: [], result: null, error: String((error as Error)?.message ?? error) };
    }
    if (outcome.changed) await this.dbs.recordSubAction(pending.workflowFile, generation);
    return {
      ok: outcome.error === null,
      progress: outcome.progress.map((p) => toJson(p) as Record<string, unknown>),
      result: outcome.result ? (toJson(outcome.result) as Record<string, unknown>) : null,
      error: outcome.error,
    };
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
}

/**
 * The pinned outputs a run (or a debug session) of `workflowFile` uses, as the request field: none when
 * there are none, or when the pins file cannot be read (then the log says why).
 */
export function pinsForRun(workflowFile: string): { pins?: PinnedOutputs } {
  const read = readPins(workflowFile, readText);
  if (read.problem) logAt("warn", `${relativePath(workflowFile)}: ${read.problem} (no pins apply)`);
  return Object.keys(read.pins).length > 0 ? { pins: read.pins } : {};
}
