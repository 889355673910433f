/**
 * One debug session as the rest of the extension sees it: an interaction it stops on is shown in the
 * workflow's panel (Submit answers it with `wfvAnswer`, and the session goes on), the modules it ran get
 * run records (the status lenses), and when it ends the live DB it worked on is stored and its state is
 * what Show State and the hovers show.
 */
import type { DebugProtocol } from "@vscode/debugprotocol";
import * as vscode from "vscode";
import type { RunView } from "../../shared/protocol";
import { logAt } from "../log";
import type { PanelManager } from "../panel";
import type { RunRecord } from "../staleness";
import type { WorkflowDbs } from "../workflow-dbs";
import type { WorkflowIndex } from "../workflow-index";
import { relativePath } from "../workspace-paths";

/** The custom event the worker's adapter sends after each module it ran. */
export const MODULE_FINISHED_EVENT = "wfvModuleFinished";

export interface DebugRunDeps {
  index: WorkflowIndex;
  dbs: WorkflowDbs;
  panels: PanelManager;
  /** The lenses refresh. */
  changed: () => void;
}

interface Answerable {
  customRequest(command: string, args?: unknown): Thenable<unknown>;
}

/** Distinct from the run ids runs.ts issues (Date.now() onwards): negative, counting down. */
let nextViewId = -1;

export class DebugRun {
  private readonly generation: number;
  private shown: vscode.Disposable | undefined;
  private ranModules = false;
  private finished: Promise<void> | undefined;

  constructor(
    private readonly session: Answerable,
    private readonly workflowFile: string,
    private readonly deps: DebugRunDeps,
    /** The session runs on a fresh DB of its own: the workflow's DB and lenses stay as they are. */
    private readonly fresh = false,
  ) {
    this.generation = deps.dbs.generation(workflowFile);
  }

  /** Every message the worker's adapter sent to VS Code. */
  observe(message: DebugProtocol.ProtocolMessage): void {
    if (message.type !== "event") return;
    const event = message as DebugProtocol.Event;
    if (event.event === "stopped") {
      this.ranModules = true;
      if ((event as DebugProtocol.StoppedEvent).body?.reason === "interaction") void this.showInteraction();
    } else if (event.event === MODULE_FINISHED_EVENT) {
      this.ranModules = true;
      void this.record(event.body as Record<string, unknown> | undefined);
    } else if (event.event === "continued") {
      this.dropShown();
    } else if (event.event === "terminated" || event.event === "exited") {
      void this.finish();
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
    this.shown = this.deps.panels.showDebugInteraction(this.workflowFile, view, async (response) => {
      const answer = { ...response };
      if (typeof found.request.interaction_id === "string" && answer.interaction_id === undefined) answer.interaction_id = found.request.interaction_id;
      this.deps.panels.started(this.workflowFile, view.runId, view.stepId, view.moduleName, "up_to");
      await this.session.customRequest("wfvAnswer", { response: answer });
    });
  }

  private dropShown(): void {
    this.shown?.dispose();
    this.shown = undefined;
  }

  /** A module the session ran: its record, for the status lens (as a run's). */
  private async record(body: Record<string, unknown> | undefined): Promise<void> {
    if (this.fresh) return;
    const stepId = body?.step_id;
    const moduleName = body?.module_name;
    const status = body?.status;
    if (typeof stepId !== "string" || typeof moduleName !== "string") return;
    if (status !== "completed" && status !== "awaiting_input" && status !== "error") return;
    const record: RunRecord = {
      status,
      ...(typeof body?.error_type === "string" ? { errorType: body.error_type } : {}),
      fingerprint: this.deps.index.fingerprint(this.workflowFile, stepId, moduleName) ?? "",
      at: new Date().toISOString(),
    };
    await this.deps.dbs.recordRun(this.workflowFile, this.generation, stepId, moduleName, record, false);
    this.deps.changed();
  }

  /** The session ended: the live DB it changed is stored, and its state is the workflow's state. */
  finish(): Promise<void> {
    this.finished ??= this.store();
    return this.finished;
  }

  private async store(): Promise<void> {
    this.dropShown();
    if (!this.ranModules || this.fresh) return;
    try {
      await this.deps.dbs.recordSubAction(this.workflowFile, this.generation);
      const state = await this.deps.dbs.stateOf(this.workflowFile);
      if (state && this.generation === this.deps.dbs.generation(this.workflowFile)) this.deps.dbs.noteState(this.workflowFile, state, "after debugging");
    } catch (error) {
      logAt("error", `debug: cannot store the virtual DB of ${relativePath(this.workflowFile)}: ${(error as Error)?.stack ?? error}`);
    }
    this.deps.changed();
  }
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

