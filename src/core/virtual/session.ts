/**
 * A virtual session: one live virtual DB and the engine calls made on it (virtual-execution.md, the
 * original virtual server's routes as methods). Keeping the DB live between calls avoids the
 * decompress + parse + import + export + compress cycle the original paid on every request; the
 * caller exports only when it wants the blob.
 *
 * Every call is all-or-nothing: a call that fails (status `error`, or a thrown error) restores the DB
 * to the checkpoint taken when the call began (see rollback.ts), so the caller's state is never lost.
 * Calls on one session run one at a time, in the order they were made.
 */
import { exportCompressed, exportDb, importDb, createFreshVirtualDb, type CollectionChanges, type DbSnapshot, type GzipCodec, type VirtualDb } from "../db";
import { isWfvError, WfvError, type ErrorType } from "../errors";
import { errorText } from "../modules/base";
import { createRepositories, EventType, newVirtualRunId, VIRTUAL_USER_ID, type Repositories } from "../repositories";
import { computeContentHash } from "../workflow/content-hash";
import { validateWorkflow, type Workflow } from "../workflow/model";
import { reportGroupRun, resolveTarget, type GroupTarget } from "../engine/group-target";
import { definitionWarnings, type RanModule } from "../engine/definition-warnings";
import { buildServices, createEngineEnv, type EngineEnv, type ModuleObserver } from "../engine/context";
import type { RunScope } from "../engine/executor";
import {
  executeSubAction,
  refreshInteraction,
  respond,
  resume,
  runGroupOnly,
  runModuleOnly,
  runUpTo,
  startFromPosition,
} from "../engine/processor";
import type { EngineOptions, ExecutionTarget, InteractionResponseData, SseEvent, ValidationMessage, WorkflowResponse } from "../engine/types";
import { checkpoint, type Checkpoint } from "./rollback";

/** The virtual server's fixed settings (engine.md §4.7). */
export const VIRTUAL_PROJECT_NAME = "virtual_project";
export const VIRTUAL_AI_CONFIG: Readonly<Record<string, unknown>> = Object.freeze({ provider: "openai", model: "gpt-4o-mini" });

/** What a caller may hand over as a DB: a snapshot object, the compressed blob, or nothing (fresh). */
export type VirtualDbInput = DbSnapshot | string | null | undefined;

/** An empty string, null, undefined or `{}` mean "no DB yet". */
export function isEmptyDbInput(input: VirtualDbInput): boolean {
  if (input === null || input === undefined) return true;
  if (typeof input === "string") return input.trim() === "";
  return typeof input === "object" && Object.keys(input).length === 0;
}

/** Opens a DB from a caller's input; unreadable input throws `db_invalid`. */
export function openVirtualDb(input: VirtualDbInput, options: { clock?: () => number; codec?: GzipCodec } = {}): VirtualDb {
  if (isEmptyDbInput(input)) return createFreshVirtualDb(options);
  return importDb(input as DbSnapshot | string, { ensureVirtualUser: true, ...options });
}

/** The common part of the calls that run the engine. */
export interface RunCallOptions {
  /** Default true: no real LLM/HTTP/media call (ruling 5). */
  mock?: boolean;
  /** Merged over the virtual AI config for this call. */
  ai_config?: Record<string, unknown> | null;
  /** Real-mode provider settings for this call, instead of the session's. */
  providers?: EngineOptions["providers"];
  /** Aborts this call's long real-mode work, instead of the session's signal. */
  signal?: AbortSignal;
  /** Report what the call changed in the DB (`changes`), from the checkpoint the call takes anyway. */
  changes?: boolean;
  /** Told about each module this call runs (engine/context.ts ModuleObserver). */
  observer?: ModuleObserver;
}

/** A `WorkflowResponse` plus the run id and the flat state after the call (engine.md §3.2). */
export interface SessionResponse extends WorkflowResponse {
  /** `get_module_outputs` of the run after the call (null when no run exists). */
  state: Record<string, unknown> | null;
  /** With `changes: true`: what the call changed, per collection (null when it failed: nothing changed). */
  changes?: CollectionChanges[] | null;
}

interface StoredDefinition {
  sourceVersionId: string;
  /** The version that runs (the source, or its best resolved variant). */
  versionId: string;
  templateId: string;
  templateName: string;
  workflow: Workflow;
}

interface PreparedRun {
  workflowRunId: string;
  workflow: Workflow;
  versionChanged: boolean;
  isNew: boolean;
}

/** Any thrown value as a WfvError (`execution_failed` unless it already is one). */
export function toWfvError(error: unknown): WfvError {
  if (isWfvError(error)) return error;
  return new WfvError("execution_failed", errorText(error), { exception: errorText(error) });
}

export class VirtualSession {
  readonly db: VirtualDb;
  readonly repos: Repositories;
  private readonly env: EngineEnv;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly definitions = new WeakMap<object, { workflow: Workflow; hash: string }>();
  private readonly hashesByText = new Map<string, string>();
  private readonly storedByHash = new Map<string, StoredDefinition>();

  constructor(db: VirtualDb, options: EngineOptions = {}) {
    this.db = db;
    this.repos = createRepositories(db);
    this.env = createEngineEnv(this.repos, options);
  }

  /** Opens a session over a caller's DB input (object, blob, or nothing for a fresh DB). */
  static open(input: VirtualDbInput, options: EngineOptions & { clock?: () => number } = {}): VirtualSession {
    return new VirtualSession(openVirtualDb(input, { clock: options.clock, codec: options.codec }), options);
  }

  /** The DB as a snapshot object (fresh copies, dates as Dates). */
  exportSnapshot(): DbSnapshot {
    return exportDb(this.db);
  }

  /** The DB as the compressed blob (base64 of gzip of extended JSON), gzipped by the session's codec. */
  exportBlob(): string {
    return exportCompressed(this.db, { codec: this.env.codec });
  }

  /**
   * The virtual run: the first `virtual_…` run, else the first main run of an imported DB (the
   * original's `/resume/confirm` takes the first run document), or null on a fresh DB.
   */
  findRunId(): string | null {
    const runs = this.db.collection("workflow_runs");
    const options = { sort: { created_at: 1 as const }, projection: { workflow_run_id: 1 } };
    const run =
      runs.findOne({ parent_workflow_id: { $exists: false }, workflow_run_id: { $regex: "^virtual_" } }, options) ??
      runs.findOne({ parent_workflow_id: { $exists: false } }, options);
    return (run?.workflow_run_id as string | undefined) ?? null;
  }

  /**
   * Runs `work` after every earlier call on this session (at once with `now`), restoring the DB when it
   * fails. `work` gets the call's checkpoint, so it can say what the call changed.
   */
  transact<T>(work: (saved: Checkpoint) => Promise<T>, failed: (result: T) => boolean, now = false): Promise<T> {
    const run = async () => {
      const saved = checkpoint(this.db);
      try {
        const result = await work(saved);
        if (failed(result)) saved.restore();
        return result;
      } catch (error) {
        saved.restore();
        throw error;
      }
    };
    if (now) return run();
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Runs `work` (a read: the state, an export) after every earlier call on this session, in turn with them. */
  inTurn<T>(work: () => T | Promise<T>): Promise<T> {
    const run = async () => work();
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * The definition given, checked and hashed, remembered per workflow object and per JSON text:
   * callers usually send the same definition again (often as a new object), and JSON.stringify costs a
   * fraction of the schema check plus the Python-exact content hash.
   */
  private definition(input: unknown): { workflow: Workflow; hash: string } {
    if (input !== null && typeof input === "object") {
      const known = this.definitions.get(input);
      if (known) return known;
    }
    let text: string | undefined;
    try {
      text = JSON.stringify(input);
    } catch {
      text = undefined; // not JSON (a cycle): validation reports it
    }
    let hash = text === undefined ? undefined : this.hashesByText.get(text);
    const workflow = hash === undefined ? validateWorkflow(input) : (input as Workflow);
    if (hash === undefined) {
      hash = computeContentHash(workflow);
      if (text !== undefined) {
        if (this.hashesByText.size >= 8) this.hashesByText.clear();
        this.hashesByText.set(text, hash);
      }
    }
    const definition = { workflow, hash };
    if (input !== null && typeof input === "object") this.definitions.set(input, definition);
    return definition;
  }

  /** The stored version for a definition: remembered per hash while its documents are still in the DB. */
  private storedVersion(given: Workflow, hash: string): StoredDefinition {
    const { repos } = this;
    const known = this.storedByHash.get(hash);
    if (known && this.db.collection("workflow_versions").countDocuments({ workflow_version_id: { $in: [known.sourceVersionId, known.versionId] } }) === (known.sourceVersionId === known.versionId ? 1 : 2)) {
      return known;
    }
    const templateName = given.workflow_id || "virtual";
    const stored = repos.versions.processAndStoreWorkflowVersions(given, hash, "json", templateName, VIRTUAL_USER_ID);
    const version = repos.versions.getVersionForCapabilities(stored.workflowVersionId, []);
    const versionId = version?.workflow_version_id ?? stored.workflowVersionId;
    const workflow = version && version.workflow_version_id !== stored.workflowVersionId ? validateWorkflow(version.resolved_workflow) : given;
    const definition: StoredDefinition = { sourceVersionId: stored.workflowVersionId, versionId, templateId: stored.workflowTemplateId, templateName, workflow };
    if (this.storedByHash.size >= 8) this.storedByHash.clear();
    this.storedByHash.set(hash, definition);
    return definition;
  }

  /**
   * Stores the definition given (content-hash de-duplication), finds or creates the virtual run and
   * makes the stored version its current one (ruling 8). Execution groups run as their best
   * resolved variant, as the original's capability selection does.
   */
  private prepareRun(workflowInput: unknown): PreparedRun {
    const { workflow: given, hash } = this.definition(workflowInput);
    const { repos } = this;
    repos.users.ensureVirtualUser();
    const { versionId, templateId, templateName, workflow } = this.storedVersion(given, hash);

    const existing = this.findRunId();
    if (existing !== null) {
      const run = repos.runs.getWorkflowRun(existing);
      const versionChanged = run?.current_workflow_version_id !== versionId;
      if (versionChanged) {
        repos.runs.updateWorkflowVersion(existing, versionId);
        repos.runs.addVersionHistoryEntry(existing, versionId);
      }
      return { workflowRunId: existing, workflow, versionChanged, isNew: false };
    }
    const created = repos.runs.getOrCreateWorkflowRun({
      userId: VIRTUAL_USER_ID,
      projectName: VIRTUAL_PROJECT_NAME,
      workflowTemplateName: templateName,
      workflowTemplateId: templateId,
      workflowVersionId: versionId,
      workflowRunId: newVirtualRunId(this.db),
    });
    repos.events.storeEvent({
      workflowRunId: created.workflowRunId,
      eventType: EventType.WORKFLOW_CREATED,
      data: { project_name: VIRTUAL_PROJECT_NAME, workflow_template_name: templateName, workflow_template_id: templateId, version_id: versionId },
    });
    repos.runs.addVersionHistoryEntry(created.workflowRunId, versionId, { validate: true });
    repos.runs.updateAiConfig(created.workflowRunId, { ...VIRTUAL_AI_CONFIG });
    return { workflowRunId: created.workflowRunId, workflow, versionChanged: false, isNew: true };
  }

  private scope(prepared: PreparedRun, target: ExecutionTarget | null, options: RunCallOptions): RunScope {
    const env =
      options.providers || options.signal || options.observer
        ? { ...this.env, providers: options.providers ?? this.env.providers, signal: options.signal ?? this.env.signal, observer: options.observer }
        : this.env;
    return {
      env,
      workflow: prepared.workflow,
      workflowRunId: prepared.workflowRunId,
      services: buildServices(this.env, prepared.workflowRunId, options.mock ?? true, options.ai_config ?? null),
      target,
    };
  }

  private finish(response: WorkflowResponse): SessionResponse {
    const runId = response.workflow_run_id || this.findRunId();
    const state = runId ? this.env.view.moduleOutputs(runId) : null;
    return { ...response, workflow_run_id: runId ?? "", state };
  }

  private failure(error: unknown): SessionResponse {
    const failure = toWfvError(error);
    return {
      workflow_run_id: this.findRunId() ?? "",
      status: "error",
      message: failure.message,
      error: failure.message,
      error_type: failure.errorType,
      error_details: failure.details,
      validation_errors: [],
      validation_warnings: [],
      state: null,
    };
  }

  /**
   * One engine call: prepare the run, do the work, report; all-or-nothing. A target naming an
   * execution group stands for the group's expanded modules (group-target.ts): the engine targets the
   * last of them, `work` gets the group, and the response says which of its modules ran.
   */
  private call(
    workflow: unknown,
    target: ExecutionTarget | null,
    options: RunCallOptions,
    work: (scope: RunScope, prepared: PreparedRun, group: GroupTarget | null) => Promise<WorkflowResponse>,
  ): Promise<SessionResponse> {
    return this.transact(
      async (saved) => {
        // The run as it was before the call: what an error reports, since the call is undone.
        const runBefore = this.findRunId() ?? "";
        let result: SessionResponse;
        try {
          const prepared = this.prepareRun(workflow);
          const resolved = target ? resolveTarget(prepared.workflow, target) : { target: null, group: null };
          const scope = this.scope(prepared, resolved.target, options);
          const { group } = resolved;
          const eventsBefore = this.env.view.runEvents(prepared.workflowRunId).length;
          const response = group ? await reportGroupRun(scope, group, () => work(scope, prepared, group)) : await work(scope, prepared, null);
          response.validation_warnings = [...response.validation_warnings, ...this.definitionWarningsSince(prepared, eventsBefore)];
          result = this.finish(response);
        } catch (error) {
          result = this.failure(error);
        }
        if (result.status === "error") {
          result.workflow_run_id = runBefore;
          result.state = null;
        }
        if (options.changes) result.changes = result.status === "error" ? null : saved.changes();
        return result;
      },
      (result) => result.status === "error",
    );
  }

  /**
   * The definition warnings (engine/definition-warnings.ts) of the modules that stored an event since
   * the run had `eventsBefore` events: what the language server would say about them, as the run went.
   */
  private definitionWarningsSince(prepared: PreparedRun, eventsBefore: number): ValidationMessage[] {
    const events = this.env.view.runEvents(prepared.workflowRunId);
    const ran: RanModule[] = [];
    for (let i = eventsBefore; i < events.length; i++) {
      const { step_id: stepId, module_name: name } = events[i];
      if (stepId && name) ran.push({ step_id: stepId, module_name: name });
    }
    return definitionWarnings(prepared.workflow, ran, this.env.registry);
  }

  /** virtual-execution.md `execute`, mode `module`: only the target, with the state the DB holds. */
  runModule(workflow: unknown, target: ExecutionTarget, response: InteractionResponseData | null, options: RunCallOptions = {}): Promise<SessionResponse> {
    return this.call(workflow, target, options, (scope, _prepared, group) => (group ? runGroupOnly(scope, group, response) : runModuleOnly(scope, response)));
  }

  /** virtual-execution.md `execute`, mode `up_to`: from the run's position through the target. */
  runUpTo(
    workflow: unknown,
    target: ExecutionTarget,
    response: InteractionResponseData | null,
    options: RunCallOptions & { default_answers?: boolean; answers?: Record<string, InteractionResponseData>; auto_answer?: boolean } = {},
  ): Promise<SessionResponse> {
    return this.call(workflow, target, options, (scope) =>
      runUpTo(scope, response, { defaultAnswers: options.default_answers ?? true, answers: options.answers, autoAnswer: options.auto_answer }),
    );
  }

  /**
   * The virtual `/workflow/start`: `force_new` (ruling 10) drops the run's events and branches and
   * starts a new root branch; otherwise a pending interaction is returned as it is, unless the
   * definition changed, and the run goes on from its position.
   */
  start(workflow: unknown, target: ExecutionTarget | null, options: RunCallOptions & { force_new?: boolean } = {}): Promise<SessionResponse> {
    return this.call(workflow, target, options, async (scope, prepared) => {
      if (options.force_new && !prepared.isNew) {
        const { repos } = this;
        const versionId = repos.runs.getWorkflowRun(prepared.workflowRunId)?.current_workflow_version_id ?? null;
        repos.runs.resetRun(prepared.workflowRunId, versionId);
        const run = repos.runs.getWorkflowRun(prepared.workflowRunId);
        repos.events.storeEvent({
          workflowRunId: prepared.workflowRunId,
          eventType: EventType.WORKFLOW_CREATED,
          data: {
            project_name: run?.project_name,
            workflow_template_name: run?.workflow_template_name,
            workflow_template_id: run?.workflow_template_id,
            version_id: versionId,
            reset: true,
          },
        });
        if (versionId) repos.runs.addVersionHistoryEntry(prepared.workflowRunId, versionId);
        return startFromPosition(this.scope(prepared, scope.target, options), false);
      }
      return startFromPosition(scope, prepared.versionChanged);
    });
  }

  /** The virtual `/workflow/respond`: answers `interactionId` (null: the pending one) and goes on through the target. */
  respond(workflow: unknown, target: ExecutionTarget | null, interactionId: string | null, response: InteractionResponseData, options: RunCallOptions = {}): Promise<SessionResponse> {
    return this.call(workflow, target, options, (scope) => respond(scope, interactionId, response));
  }

  /** The virtual `/workflow/resume/confirm`: the run goes on from its position with this definition. */
  resumeConfirm(workflow: unknown, target: ExecutionTarget | null, options: RunCallOptions = {}): Promise<SessionResponse> {
    return this.call(workflow, target, options, (scope) => resume(scope));
  }

  /**
   * Display-data refresh (ruling 9): the pending interaction asked again against the current state,
   * without answering it. Read-only: the DB is always left as it was.
   */
  interactionData(workflow: unknown, interactionId: string | null, options: RunCallOptions = {}): Promise<SessionResponse> {
    return this.transact(
      async () => {
        try {
          const prepared = this.prepareRun(workflow);
          return this.finish(await refreshInteraction(this.scope(prepared, null, options), interactionId));
        } catch (error) {
          return this.failure(error);
        }
      },
      () => true,
    );
  }

  /** The virtual `/workflow/state`: hierarchical state, files and the flat state. */
  state(workflowRunId?: string | null): { steps: Record<string, unknown>; state_mapped: Record<string, unknown>; files: unknown[] } {
    const runId = workflowRunId || this.findRunId();
    if (!runId) return { steps: {}, state_mapped: {}, files: [] };
    try {
      return this.repos.state.getFullWorkflowState(runId);
    } catch {
      return { steps: {}, state_mapped: {}, files: [] };
    }
  }

  /** The virtual `/workflow/interaction-history`: answered interactions and the pending one. */
  interactionHistory(workflowRunId?: string | null): { interactions: unknown[]; pending_interaction: Record<string, unknown> | null } {
    const runId = workflowRunId || this.findRunId();
    if (!runId) return { interactions: [], pending_interaction: null };
    return {
      interactions: this.repos.state.getInteractionHistory(runId),
      pending_interaction: this.env.view.position(runId).pending_interaction,
    };
  }

  /** The run's events on every branch, in `event_id` order. */
  events(workflowRunId?: string | null): unknown[] {
    const runId = workflowRunId || this.findRunId();
    return runId ? this.repos.events.getEvents(runId) : [];
  }

  /**
   * The virtual `/workflow/sub-action` as a stream of `{type, data}` events (started, progress,
   * complete or error). The final `complete` carries `updated_state`, `sub_action_result` and the
   * `state` after the call (and, with `changes: true`, what the call changed); on `error` the DB is
   * restored. The final event arrives after the DB is settled, so a consumer may export the DB as soon
   * as it sees it.
   */
  subAction(
    workflow: unknown,
    request: { interaction_id: string; sub_action_id: string; params?: Record<string, unknown> },
    /** `within_call`: at once, from inside a call held at this interaction (the debugger's); queued, it would wait on itself. */
    options: RunCallOptions & { within_call?: boolean } = {},
  ): AsyncIterable<SseEvent> {
    const channel = new EventChannel<SseEvent>();
    void this.transact(
      async (saved): Promise<SseEvent> => {
        let last: SseEvent | null = null;
        try {
          const prepared = this.prepareRun(workflow);
          const scope = this.scope(prepared, null, options);
          channel.push({ type: "started", data: { workflow_run_id: prepared.workflowRunId, interaction_id: request.interaction_id, sub_action_id: request.sub_action_id } });
          for await (const event of executeSubAction(scope, { interactionId: request.interaction_id, subActionId: request.sub_action_id, params: request.params })) {
            if (event.type === "complete" || event.type === "error") {
              last = event;
              if (event.type === "complete") {
                event.data.state = this.env.view.moduleOutputs(prepared.workflowRunId);
                if (options.changes) event.data.changes = saved.changes();
              }
              break;
            }
            channel.push(event);
          }
        } catch (error) {
          const failure = toWfvError(error);
          last = { type: "error", data: { message: failure.message, error_type: failure.errorType, details: failure.details } };
        }
        return last ?? { type: "error", data: { message: "Sub-action ended without a result", error_type: "execution_failed" } };
      },
      (last) => last.type === "error",
      options.within_call === true,
    ).then((last) => {
      // Pushed once the DB is settled (restored on error), so a consumer may export it right away.
      channel.push(last);
      channel.close();
    });
    return channel;
  }
}

/** A push-to-pull queue: the producer pushes events, the consumer iterates them as they come. */
class EventChannel<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | null = null;
  private closed = false;

  push(item: T): void {
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: item, done: false });
    } else {
      this.items.push(item);
    }
  }

  close(): void {
    this.closed = true;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: undefined, done: true });
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        if (this.items.length > 0) return Promise.resolve({ value: this.items.shift() as T, done: false });
        if (this.closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          this.waiting = resolve;
        });
      },
    };
  }
}

export type { ErrorType };
