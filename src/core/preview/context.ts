/**
 * The context a module would get from the current virtual state, built the way the engine builds it
 * (module mode: the state the DB's lineage holds, `step`, `config`, inputs through
 * `resolveModuleInputs`), without preparing a run or storing anything.
 */
import { cloneValue } from "../db";
import { createEngineEnv, type EngineEnv } from "../engine";
import { resolveModuleInputs } from "../engine/resolve";
import { isWfvError, WfvError } from "../errors";
import { EventType, LineageReplay } from "../repositories";
import type { TemplateContext } from "../template";
import type { VirtualSession } from "../virtual";
import { resolvesAt, type InputPath } from "./resolver-probe";
import { moduleName, requireModule, requireStep, validateWorkflow, type Workflow, type WorkflowModule, type WorkflowStep } from "../workflow/model";

export interface ModuleTarget {
  step_id: string;
  module_name: string;
}

export interface PreviewOptions {
  /** Freezes `now()` (the engine's `templateNow`); the wall clock when absent. */
  now?: TemplateContext["now"];
  /**
   * Build the state as it was right after this event of the run's lineage (a module boundary, see
   * {@link moduleBoundaries}) instead of from the whole DB.
   */
  atEventId?: string;
}

/** A failure, structured like the engine's (`error_type`, `details`), with a template position when there is one. */
export interface PreviewError {
  message: string;
  error_type: string;
  /** 1-based, in the template text (for an input: in the input's string). */
  line?: number;
  column?: number;
  details: Record<string, unknown>;
}

export interface PreviewContext {
  /** The flat state the module would see (a copy: previews may not change it). */
  state: Record<string, unknown>;
  step: Record<string, unknown>;
  config: Record<string, unknown>;
  now?: TemplateContext["now"];
  /** The module's inputs resolved as the engine resolves them, or null when that failed (see inputsError). */
  inputs: Record<string, unknown> | null;
  inputsError?: PreviewError;
  module_id: string;
  module_index: number;
  step_id: string;
  module_name: string;
  /** The run the state comes from; null on a DB with no run yet (the state is then empty). */
  workflow_run_id: string | null;
}

/** One module boundary of the run's lineage (a `module_completed` event), for a context picker. */
export interface ModuleBoundary {
  event_id: string;
  step_id: string | null;
  module_name: string | null;
  timestamp: unknown;
}

/** Any thrown value as a PreviewError (a template failure keeps its position). */
export function previewError(error: unknown): PreviewError {
  if (isWfvError(error)) {
    const { line, column } = error.details as { line?: unknown; column?: unknown };
    return {
      message: error.message,
      error_type: error.errorType,
      ...(typeof line === "number" ? { line } : {}),
      ...(typeof column === "number" ? { column } : {}),
      details: error.details,
    };
  }
  return { message: error instanceof Error ? error.message : String(error), error_type: "execution_failed", details: {} };
}

interface Located {
  workflow: Workflow;
  step: WorkflowStep;
  module: WorkflowModule;
  index: number;
}

/** Workflows already validated, by object (the schema check costs ~7 ms on cc: too much per keystroke). */
const validated = new WeakSet<object>();

export function locateModule(workflowInput: unknown, target: ModuleTarget): Located {
  const known = workflowInput !== null && typeof workflowInput === "object" && validated.has(workflowInput);
  const workflow = known ? (workflowInput as Workflow) : validateWorkflow(workflowInput);
  validated.add(workflow);
  const step = requireStep(workflow, target.step_id);
  const module = requireModule(step, target.module_name);
  return { workflow, step, module, index: (step.modules ?? []).indexOf(module) };
}

const envs = new WeakMap<VirtualSession, EngineEnv>();

/**
 * An engine environment over the session's repositories, one per session: its event view follows
 * the DB as it grows (it re-syncs on every read), so a preview after a run does not rescan 10k events.
 */
export function previewEnv(session: VirtualSession): EngineEnv {
  let env = envs.get(session);
  if (env === undefined) envs.set(session, (env = createEngineEnv(session.repos)));
  return env;
}

/** The module-mode state: what `runModuleOnly` hands the executor (a fresh copy), or the state at a boundary. */
function stateOf(session: VirtualSession, runId: string | null, atEventId: string | undefined): Record<string, unknown> {
  if (runId === null) return {};
  const view = previewEnv(session).view;
  if (atEventId === undefined) return view.moduleOutputs(runId);
  const lineage = view.lineage(runId);
  const at = lineage.findIndex((event) => event.event_id === atEventId);
  if (at < 0) throw new WfvError("bad_request", `Event '${atEventId}' is not on the run's lineage`, { event_id: atEventId });
  const replay = new LineageReplay();
  for (const event of lineage.slice(0, at + 1)) replay.apply(event);
  return cloneValue(replay.outputs) as Record<string, unknown>;
}

/** Reads the session after every earlier call on it, so a run in progress is never seen half-done. */
function read<T>(session: VirtualSession, work: () => T): Promise<T> {
  return session.inTurn(work);
}

export function buildPreviewContext(session: VirtualSession, located: Located, options: PreviewOptions): PreviewContext {
  const { workflow, step, module, index } = located;
  const runId = session.findRunId();
  const state = stateOf(session, runId, options.atEventId);
  const where = { step_id: step.step_id, module_name: moduleName(module) };
  let inputs: Record<string, unknown> | null = null;
  let inputsError: PreviewError | undefined;
  try {
    inputs = resolveModuleInputs({ ...(module.inputs ?? {}) }, state, step, workflow, where, options.now);
  } catch (error) {
    inputsError = previewError(error);
  }
  return {
    state,
    step: step as Record<string, unknown>,
    config: (workflow.config as Record<string, unknown> | undefined) ?? {},
    ...(options.now ? { now: options.now } : {}),
    inputs,
    ...(inputsError ? { inputsError } : {}),
    module_id: module.module_id,
    module_index: index,
    ...where,
    workflow_run_id: runId,
  };
}

/** The context `target` would get now (see the index's doc). Read-only. */
export function moduleContext(session: VirtualSession, workflow: unknown, target: ModuleTarget, options: PreviewOptions = {}): Promise<PreviewContext> {
  return read(session, () => buildPreviewContext(session, locateModule(workflow, target), options));
}

/** The `module_completed` events of the run's current lineage, oldest first. */
export function moduleBoundaries(session: VirtualSession): Promise<ModuleBoundary[]> {
  return read(session, () => {
    const runId = session.findRunId();
    if (runId === null) return [];
    return previewEnv(session)
      .view.lineage(runId)
      .filter((event) => event.event_type === EventType.MODULE_COMPLETED)
      .map((event) => ({ event_id: event.event_id, step_id: event.step_id ?? null, module_name: event.module_name ?? null, timestamp: event.timestamp ?? null }));
  });
}

export type RenderInputResult =
  | { ok: true; value: unknown; resolved: boolean }
  | { ok: false; error: PreviewError };

/**
 * One input resolved with the module's context under the engine's rules: the inputs' `resolver_schema`
 * decides whether it is rendered at all (`resolved: false` when it stays raw). Only this input is
 * resolved, so another input's failure does not hide it.
 */
export function resolveOneInput(context: PreviewContext, located: Located, inputName: string): RenderInputResult {
  const raw = located.module.inputs ?? {};
  if (!Object.hasOwn(raw, inputName) || inputName === "resolver_schema") {
    return {
      ok: false,
      error: {
        message: `Module '${context.module_name}' has no input '${inputName}'`,
        error_type: "bad_request",
        details: { input_name: inputName, available_inputs: Object.keys(raw).filter((key) => key !== "resolver_schema") },
      },
    };
  }
  const only: Record<string, unknown> = { [inputName]: raw[inputName] };
  if (Object.hasOwn(raw, "resolver_schema")) only.resolver_schema = raw.resolver_schema;
  const where = { step_id: context.step_id, module_name: context.module_name };
  try {
    const value = resolveModuleInputs(only, context.state, located.step, located.workflow, where, context.now)[inputName];
    return { ok: true, value, resolved: resolvesAt(only, [inputName], located.step, located.workflow, where) };
  } catch (error) {
    return { ok: false, error: previewError(error) };
  }
}

/** `renderModuleInput` (see the index's doc). Read-only. */
export function renderModuleInput(session: VirtualSession, workflow: unknown, target: ModuleTarget, inputName: string, options: PreviewOptions = {}): Promise<RenderInputResult> {
  return read(session, () => {
    const located = locateModule(workflow, target);
    return resolveOneInput(buildPreviewContext(session, located, options), located, inputName);
  });
}

/**
 * Whether a run renders the string at `path` below the module's `inputs` (e.g. `["prompt_config",
 * "system", 0]`), under the inputs' `resolver_schema` rules (nested schemas included). Synchronous;
 * needs no DB. False for a path that is not there.
 */
export function isResolvedAt(workflow: unknown, target: ModuleTarget, path: InputPath): boolean {
  const located = locateModule(workflow, target);
  return resolvesAt({ ...(located.module.inputs ?? {}) }, path, located.step, located.workflow, target);
}
