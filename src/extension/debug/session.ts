/**
 * One debug session as the rest of the extension sees it: an interaction it stops on is shown in the
 * workflow's panel (Submit answers it with `wfvAnswer`, and the session goes on); when it ends, the
 * live DB it left is stored, the modules it ran (the adapter's `wfvRan` account; else ./ran-modules.ts)
 * get run records (the status lenses: completed, awaiting input, error),
 * and its state is what Show State and the hovers show.
 */
import type { DebugProtocol } from "@vscode/debugprotocol";
import * as vscode from "vscode";
import type { RunView } from "../../shared/protocol";
import { logAt } from "../log";
import type { PanelManager } from "../panel";
import type { SubActionResult } from "../runs";
import { moduleKey, type RunRecord, type RunStatus } from "../staleness";
import type { WorkflowDbs } from "../workflow-dbs";
import type { WorkflowIndex } from "../workflow-index";
import { relativePath } from "../workspace-paths";
import { modulesRan, type RanModule } from "./ran-modules";

export interface DebugRunDeps {
  index: WorkflowIndex;
  dbs: WorkflowDbs;
  panels: PanelManager;
  /** The lenses refresh. */
  changed: () => void;
  /** The workflow's flat state as its live DB holds it now (undefined: cannot tell). */
  stateNow: () => Promise<Record<string, unknown> | undefined>;
}

interface Answerable {
  customRequest(command: string, args?: unknown): Thenable<unknown>;
}

/** Distinct from the run ids runs.ts issues (Date.now() onwards): negative, counting down. */
let nextViewId = -1;

export class DebugRun {
  private readonly generation: number;
  private shown: vscode.Disposable | undefined;
  /** The last interaction this session showed in the panel: the panel says when the session is over. */
  private lastView: RunView | undefined;
  /** The state when the session started: what it ran is what changed. */
  private readonly before: Promise<Record<string, unknown> | undefined>;
  private finished: Promise<void> | undefined;
  /** What the adapter last said the session ran (its `wfvRan` event): the status lenses come from it. */
  private reported: ReportedModule[] | undefined;

  constructor(
    private readonly session: Answerable,
    private readonly workflowFile: string,
    private readonly deps: DebugRunDeps,
    /** The session runs on a fresh DB of its own: the workflow's DB and lenses stay as they are. */
    private readonly fresh = false,
    /** The modules whose pinned outputs the session used (`step_id/module_name`): their records say so. */
    private readonly pinned: ReadonlySet<string> = new Set(),
  ) {
    this.generation = deps.dbs.generation(workflowFile);
    this.before = fresh ? Promise.resolve(undefined) : deps.stateNow().catch(() => undefined);
  }

  /** Every message the worker's adapter sent to VS Code. */
  observe(message: DebugProtocol.ProtocolMessage): void {
    if (message.type !== "event") return;
    const event = message as DebugProtocol.Event;
    if (event.event === "wfvRan") {
      const modules = ranModulesOf(event.body);
      if (modules) this.reported = modules;
    } else if (event.event === "stopped") {
      if ((event as DebugProtocol.StoppedEvent).body?.reason === "interaction") void this.showInteraction();
    } else if (event.event === "continued" || event.event === "terminated") {
      this.dropShown();
    }
  }

  /** The pending interaction, in the panel; its Submit answers through the session. */
  private async showInteraction(): Promise<void> {
    let body: Record<string, unknown> | undefined;
    try {
      body = (await this.session.customRequest("wfvInteraction")) as Record<string, unknown> | undefined;
    } catch (error) {
      logAt("warn", `debug: cannot read the interaction: ${(error as Error)?.message ?? error}`);
      return;
    }
    const found = interactionOf(body);
    if (!found) return;
    const view = interactionView(nextViewId--, found.stepId, found.moduleName, found.request);
    this.dropShown();
    this.lastView = view;
    this.shown = this.deps.panels.showDebugInteraction(this.workflowFile, view, {
      answer: async (response) => {
        const answer = { ...response };
        if (typeof found.request.interaction_id === "string" && answer.interaction_id === undefined) answer.interaction_id = found.request.interaction_id;
        this.deps.panels.started(this.workflowFile, view.runId, view.stepId, view.moduleName, "up_to");
        await this.session.customRequest("wfvAnswer", { response: answer });
      },
      // A media Generate and the like: run by the adapter on the DB the session holds (src/debug, wfvSubAction).
      subAction: async (actionId, params) => {
        try {
          const outcome = (await this.session.customRequest("wfvSubAction", { action_id: actionId, params })) as Omit<SubActionResult, "ok">;
          return { ok: outcome.error === null, progress: outcome.progress ?? [], result: outcome.result ?? null, error: outcome.error ?? null };
        } catch (error) {
          return { ok: false, progress: [], result: null, error: String((error as Error)?.message ?? error) };
        }
      },
    });
  }

  private dropShown(): void {
    this.shown?.dispose();
    this.shown = undefined;
  }

  /** The session ended: the live DB it left is stored, the modules it ran get status lenses, and its state is the workflow's. */
  finish(): Promise<void> {
    this.finished ??= this.store();
    return this.finished;
  }

  private async store(): Promise<void> {
    this.dropShown();
    if (this.fresh) return this.ended(undefined);
    const { dbs, index } = this.deps;
    try {
      const before = await this.before;
      const after = await this.deps.stateNow().catch(() => undefined);
      const unchanged = before !== undefined && after !== undefined && JSON.stringify(before) === JSON.stringify(after);
      const at = new Date().toISOString();
      const record = (m: RanModule, status: RunStatus, errorType?: string): [RanModule, RunRecord] => [
        m,
        {
          status,
          ...(errorType ? { errorType } : {}),
          ...(this.pinned.has(moduleKey(m.stepId, m.moduleName)) ? { pinned: true } : {}),
          fingerprint: index.fingerprint(this.workflowFile, m.stepId, m.moduleName) ?? "",
          at,
        },
      ];
      let records: Array<[RanModule, RunRecord]>;
      if (this.reported) {
        // The adapter's own account; a module that ran more than once keeps its last status, at its last place.
        const latest = new Map<string, [RanModule, RunRecord]>();
        for (const m of this.reported) {
          const key = moduleKey(m.step_id, m.module_name);
          latest.delete(key);
          latest.set(key, record({ stepId: m.step_id, moduleName: m.module_name }, m.status, m.error_type));
        }
        records = [...latest.values()];
      } else {
        // No account (the worker went away first): what the flat state says changed.
        const resolved = index.resolve(this.workflowFile);
        records = before && after && resolved.ok && !unchanged ? modulesRan(resolved.source.workflow, before, after).map((m) => record(m, "completed")) : [];
      }
      if (records.length === 0 && unchanged) return this.ended(after);
      const last = records.pop();
      if (last) {
        const others = Object.fromEntries(records.map(([m, record]) => [moduleKey(m.stepId, m.moduleName), record]));
        await dbs.recordRun(this.workflowFile, this.generation, last[0].stepId, last[0].moduleName, last[1], true, others);
      } else {
        await dbs.recordSubAction(this.workflowFile, this.generation);
      }
      if (after && this.generation === dbs.generation(this.workflowFile)) dbs.noteState(this.workflowFile, after, "after debugging");
      this.ended(after);
    } catch (error) {
      logAt("error", `debug: cannot store the virtual DB of ${relativePath(this.workflowFile)}: ${(error as Error)?.stack ?? error}`);
    }
    this.deps.changed();
  }

  /** A panel that showed this session's interaction says that the session is over (with the state it left). */
  private ended(state: Record<string, unknown> | undefined): void {
    const view = this.lastView;
    if (!view) return;
    this.lastView = undefined;
    this.deps.panels.post(this.workflowFile, { ...view, runId: nextViewId--, status: "completed", message: "The debug session ended.", interaction: null, state: state ?? null });
  }
}

interface ReportedModule {
  step_id: string;
  module_name: string;
  status: "completed" | "awaiting_input" | "error";
  error_type?: string;
}

/** The `wfvRan` event's modules (src/debug/run-controller.ts `RanModule`), or undefined when the body is not that. */
function ranModulesOf(body: unknown): ReportedModule[] | undefined {
  const modules = isRecord(body) ? body.modules : undefined;
  if (!Array.isArray(modules)) return undefined;
  const statuses = new Set(["completed", "awaiting_input", "error"]);
  const ok = modules.every(
    (m) => isRecord(m) && typeof m.step_id === "string" && typeof m.module_name === "string" && statuses.has(String(m.status)) && (m.error_type === undefined || typeof m.error_type === "string"),
  );
  return ok ? (modules as ReportedModule[]) : undefined;
}

/** `wfvInteraction`'s answer: the request, and the module that asks. */
function interactionOf(body: Record<string, unknown> | undefined): { request: Record<string, unknown>; stepId: string; moduleName: string } | undefined {
  if (!body) return undefined;
  const nested = body.interaction_request ?? body.interaction ?? body.request;
  const request = (isRecord(nested) ? nested : body) as Record<string, unknown>;
  if (typeof request.interaction_type !== "string" && typeof request.type !== "string") return undefined;
  const stepId = body.step_id ?? request.step_id;
  const moduleName = body.module_name ?? request.module_name;
  return { request, stepId: typeof stepId === "string" ? stepId : "", moduleName: typeof moduleName === "string" ? moduleName : "" };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The panel's view of a debug session waiting for input (as a run waiting for input shows). */
function interactionView(runId: number, stepId: string, moduleName: string, request: Record<string, unknown>): RunView {
  return {
    runId,
    stepId,
    moduleName,
    mode: "up_to",
    status: "awaiting_input",
    message: "The debug session waits for this answer",
    interaction: JSON.parse(JSON.stringify(request)) as Record<string, unknown>,
    stoppedAt: null,
    outputs: null,
    state: null,
    changes: null,
    error: null,
    validationErrors: [],
  };
}

