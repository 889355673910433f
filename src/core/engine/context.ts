/**
 * The engine's per-call environment (repositories, registry, providers) and the module context it
 * hands to each module (engine.md §4.1, modules.md §1.6). Services are rebuilt from the run document,
 * but mock mode is always passed in explicitly, so no path loses it (ruling 5).
 */
import type { GzipCodec } from "../db/codec";
import { createDefaultModuleRegistry } from "../modules";
import { createModuleDb } from "../modules/module-db";
import type { ModuleRegistry } from "../modules/registry";
import { createStateProxy } from "../modules/state-proxy";
import type { ModuleContext, ModuleDb, ModuleLogger, ProviderSettings } from "../modules/types";
import type { Repositories } from "../repositories";
import { moduleDbRepositoryCalls } from "./module-db-calls";
import type { Workflow, WorkflowModule, WorkflowStep } from "../workflow/model";
import { moduleName } from "../workflow/model";
import { createEventView, type EventView } from "./event-view";
import type { EngineOptions, EngineServices } from "./types";

export interface EngineEnv {
  repos: Repositories;
  registry: ModuleRegistry;
  providers: ProviderSettings;
  logger: ModuleLogger;
  moduleDb: ModuleDb;
  signal?: AbortSignal;
  /** gzip for the compressed DB form (EngineOptions.codec). */
  codec?: GzipCodec;
  /** `now()` in resolved templates (EngineOptions.templateNow); the wall clock when absent. */
  templateNow?: EngineOptions["templateNow"];
  /** Fast lineage/state/position reads (see event-view.ts). */
  view: EventView;
  /** Told about each module of the call as it runs (a run trace, a debugger); see ModuleObserver. */
  observer?: ModuleObserver;
}

/** Where a module sits in the run, as ModuleObserver's calls name it. */
export interface ObservedModule {
  stepId: string;
  moduleName: string;
  moduleId: string;
  /** The module's index in its step. */
  index: number;
}

/**
 * Hooks around each module the executor runs. They may be async: the executor awaits them, so a
 * debugger can hold a run between modules. A hook that throws fails the run like a module would.
 */
export interface ModuleObserver {
  /** Before the module's `module_started` event is stored. */
  moduleStarting?(module: ObservedModule): void | Promise<void>;
  /** After its inputs were resolved (and validated), before it executes or asks. */
  inputsResolved?(module: ObservedModule, inputs: Record<string, unknown>): void | Promise<void>;
  /** After it completed, asked for input, or failed (`outputs` only when completed). A module answered later
   * (an interaction's response, handled in interaction.ts) is not reported here again. */
  moduleFinished?(module: ObservedModule, outcome: { status: "completed" | "awaiting_input" | "error" | "target_reached"; outputs?: Record<string, unknown>; error?: unknown }): void | Promise<void>;
}

const silentLogger: ModuleLogger = { debug() {}, info() {}, warning() {}, error() {} };

let builtinRegistry: ModuleRegistry | null = null;

export function createEngineEnv(repos: Repositories, options: EngineOptions = {}): EngineEnv {
  builtinRegistry ??= createDefaultModuleRegistry();
  return {
    repos,
    registry: options.registry ?? builtinRegistry,
    providers: options.providers ?? {},
    logger: options.logger ?? silentLogger,
    signal: options.signal,
    codec: options.codec,
    templateNow: options.templateNow,
    moduleDb: createModuleDb(repos.db, moduleDbRepositoryCalls(repos)),
    view: createEventView(repos),
  };
}

/** `YYYYmmdd_HHMMSS` of the DB clock (UTC). */
function sessionTimestamp(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}_` +
    `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`
  );
}

/** `rebuild_services` from the run document, plus the mock flag the caller chose. */
export function buildServices(env: EngineEnv, workflowRunId: string, mockMode: boolean, aiConfigOverride?: Record<string, unknown> | null): EngineServices {
  const run = env.repos.runs.getWorkflowRun(workflowRunId);
  const stored = (run?.ai_config as Record<string, unknown> | undefined) ?? {};
  return {
    ai_config: aiConfigOverride ? { ...stored, ...aiConfigOverride } : { ...stored },
    workflow_run_id: workflowRunId,
    project_name: run?.project_name ?? "",
    workflow_template_name: run?.workflow_template_name ?? "",
    workflow_template_id: run?.workflow_template_id ?? "",
    user_id: run?.user_id ?? "",
    branch_id: run?.current_branch_id ?? "",
    session_timestamp: sessionTimestamp(env.repos.db.now()),
    mock_mode: mockMode,
  };
}

export interface ModuleContextInput {
  env: EngineEnv;
  services: EngineServices;
  workflow: Workflow;
  step: WorkflowStep;
  module: WorkflowModule;
  moduleIndex: number;
  /** The working state dict; the context's StateProxy writes straight into it. */
  state: Record<string, unknown>;
  /** The run whose id modules see (a sub-action child run has its own). */
  workflowRunId?: string;
}

export function buildModuleContext(input: ModuleContextInput): ModuleContext {
  const { env, services, workflow, step, module } = input;
  const db = env.repos.db;
  return {
    workflowRunId: input.workflowRunId ?? services.workflow_run_id,
    db: env.moduleDb,
    services,
    config: (workflow.config as Record<string, unknown> | undefined) ?? {},
    workflowTemplateName: services.workflow_template_name,
    workflowTemplateId: services.workflow_template_id,
    userId: services.user_id,
    branchId: services.branch_id,
    logger: env.logger,
    currentModuleName: moduleName(module),
    currentModuleIndex: input.moduleIndex,
    stepId: step.step_id,
    retryable: (module.retryable as Record<string, unknown> | undefined) ?? null,
    subActions: (module.sub_actions as Record<string, unknown>[] | undefined) ?? null,
    mockMode: services.mock_mode,
    state: createStateProxy(input.state, step as Record<string, unknown>),
    providers: env.providers,
    ...(env.signal ? { signal: env.signal } : {}),
    newId: () => db.newUuid7Hex(),
    now: () => db.now(),
  };
}
