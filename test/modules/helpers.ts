/**
 * Real module contexts for module tests: a fresh virtual DB with a fixed clock, the real repositories
 * behind `context.db`, a StateProxy over a working state, and a logger that keeps what it was told.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { createVirtualDb } from "../../src/core/db";
import type { VirtualDb } from "../../src/core/db/types";
import {
  createModuleDb,
  createStateProxy,
  makeInteractionResponse,
  type InteractionResponse,
  type ModuleContext,
  type ModuleLogger,
} from "../../src/core/modules";
import { moduleDbRepositoryCalls } from "../../src/core/engine/module-db-calls";
import { createRepositories } from "../../src/core/repositories";
import { fixturesDir } from "../helpers/paths";

export const FIXED_NOW = Date.UTC(2026, 1, 15, 10, 3, 11, 123);
export const TEMPLATE_ID = "tpl_0123456789ab";

export interface LogEntry {
  level: keyof ModuleLogger;
  message: string;
}

export interface TestContext {
  context: ModuleContext;
  db: VirtualDb;
  state: Record<string, unknown>;
  logs: LogEntry[];
}

export interface TestContextOptions {
  db?: VirtualDb;
  state?: Record<string, unknown>;
  stepConfig?: Record<string, unknown>;
  mockMode?: boolean;
  workflowTemplateId?: string;
  retryable?: Record<string, unknown> | null;
  subActions?: Record<string, unknown>[] | null;
  services?: Record<string, unknown>;
}

export function createTestContext(options: TestContextOptions = {}): TestContext {
  let tick = 0;
  const db = options.db ?? createVirtualDb({ clock: () => FIXED_NOW + tick++, random: seeded(7) });
  const state = options.state ?? {};
  const logs: LogEntry[] = [];
  const log = (level: keyof ModuleLogger) => (message: string) => void logs.push({ level, message });
  const context: ModuleContext = {
    workflowRunId: "virtual_run_test",
    db: createModuleDb(db, moduleDbRepositoryCalls(createRepositories(db))),
    services: options.services ?? {},
    config: {},
    workflowTemplateName: "cuddle_crew",
    workflowTemplateId: options.workflowTemplateId ?? TEMPLATE_ID,
    userId: "virtual_user_001",
    branchId: "br_test",
    logger: { debug: log("debug"), info: log("info"), warning: log("warning"), error: log("error") },
    currentModuleName: "module_under_test",
    currentModuleIndex: 0,
    stepId: "step_under_test",
    retryable: options.retryable ?? null,
    subActions: options.subActions ?? null,
    mockMode: options.mockMode ?? true,
    state: createStateProxy(state, options.stepConfig ?? {}),
    providers: {},
    newId: () => db.newUuid7Hex(),
    now: () => db.now(),
  };
  return { context, db, state, logs };
}

export function response(fields: Partial<InteractionResponse> = {}): InteractionResponse {
  return makeInteractionResponse({ interaction_id: "test_interaction", ...fields });
}

/** A small deterministic random source for the DB's ids. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

interface CcModule {
  module_id: string;
  name: string;
  inputs: Record<string, unknown>;
  [key: string]: unknown;
}

let ccCache: { steps: Array<{ step_id: string; modules: CcModule[] }> } | null = null;

/** A module of the resolved cc workflow, by name (a fresh copy). */
export function ccModule(name: string): CcModule {
  ccCache ??= JSON.parse(readFileSync(resolve(fixturesDir, "cc_resolved_workflow.json"), "utf8"));
  for (const step of ccCache!.steps) {
    for (const module of step.modules) if (module.name === name) return structuredClone(module);
  }
  throw new Error(`cc has no module ${name}`);
}

/** The resolved inputs the engine would pass: the module's inputs without `resolver_schema`. */
export function resolvedInputs(module: CcModule, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const { resolver_schema: _ignored, ...rest } = module.inputs;
  return { ...rest, ...overrides };
}
