/**
 * The module interface (modules.md §1): declared inputs and outputs, executable vs interactive,
 * mock output, optional sub-actions and addons, and the execution context modules see.
 * Interaction requests and responses keep the original's snake_case field names, because they are
 * stored in events and sent to clients exactly as the original engine does.
 */
import type { Collection, Document, VirtualDb } from "../db/types";
import type { InteractionRequest, InteractionResponse } from "../interaction/schema";
import type { ProviderSettings } from "../providers/types";
import type { StoreWorkflowFileInput } from "../repositories/files";

export type InputType = "string" | "number" | "integer" | "boolean" | "object" | "array" | "any" | null;

export interface ModuleInputDecl {
  name: string;
  type: InputType;
  /** Required by default, as in the original (`ModuleInput.required = True`). */
  required: boolean;
  default?: unknown;
  description?: string;
}

export interface ModuleOutputDecl {
  name: string;
  type: string;
  description?: string;
}

// The interaction protocol (request and response fields, their defaults, the types) has one source:
// src/core/interaction/schema.ts. Modules keep importing it from here.
export type {
  InteractionRequest,
  InteractionRequestInit,
  InteractionResponse,
  InteractionType,
  SelectOption,
} from "../interaction/schema";
export { makeInteractionRequest, makeInteractionResponse } from "../interaction/schema";
/** The live state as modules see it (the original's StateProxy over the working state dict). */
export interface StateProxy {
  get(key: string, fallback?: unknown): unknown;
  set(key: string, value: unknown): void;
  has(key: string): boolean;
  delete(key: string): void;
  /** A shallow copy of the whole working state. */
  getAllState(): Record<string, unknown>;
  /** The current step's definition. */
  getStepConfig(): Record<string, unknown>;
}

export interface ModuleLogger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
}

/**
 * The database facade modules use (modules.md §1.7): the repositories they call and raw collections.
 * The executor builds it over the virtual DB.
 */
export interface ModuleDb {
  /** The raw virtual DB (db.query and io.weighted_keywords use collections directly). */
  readonly virtual: VirtualDb;
  collection(name: string): Collection;
  storeWorkflowFile(args: StoreWorkflowFileInput): string;
  getWorkflowFileByName(args: {
    workflowRunId: string;
    filename: string;
    category?: string | null;
    groupId?: string | null;
    branchId?: string | null;
  }): Document | null;
  storeTokenUsage(args: {
    workflowRunId: string;
    stepId: string;
    stepName: string;
    moduleName: string;
    moduleIndex: number;
    usage: Record<string, unknown>[];
  }): void;
  getContentById(generatedContentId: string): Document | null;
  getQuerySchema(): unknown;
  getTableSchema(name: string): unknown;
  getAllTableSchemas(): Record<string, unknown>;
}

export type { ProviderSettings };

export interface ModuleContext {
  workflowRunId: string;
  db: ModuleDb;
  services: Record<string, unknown>;
  config: Record<string, unknown>;
  workflowTemplateName: string;
  workflowTemplateId: string;
  userId: string;
  branchId: string;
  logger: ModuleLogger;
  currentModuleName: string;
  currentModuleIndex: number;
  stepId: string;
  retryable: Record<string, unknown> | null;
  subActions: Record<string, unknown>[] | null;
  /** Default true in virtual runs (ruling 5): no real LLM/HTTP/media call unless turned off. */
  mockMode: boolean;
  state: StateProxy;
  providers: ProviderSettings;
  /** Aborts long real-mode calls. */
  signal?: AbortSignal;
  /** New uuid7-style 32-hex ids from the virtual DB (interaction ids, content ids). */
  newId(): string;
  now(): Date;
}

export interface SubActionContext {
  workflowRunId: string;
  executionId: string;
  interactionId: string;
  db: ModuleDb;
  params: Record<string, unknown>;
  mockMode: boolean;
  providers: ProviderSettings;
  newId(): string;
  now(): Date;
}

export type SubActionEvent = ["progress", Record<string, unknown>] | ["result", Record<string, unknown>];

interface ModuleCommon {
  readonly moduleId: string;
  readonly inputs: readonly ModuleInputDecl[];
  readonly outputs: readonly ModuleOutputDecl[];
  /** Only api.llm, api.fetch, db.query (and the media modules) have one. */
  getMockOutput?(inputs: Record<string, unknown>, context: ModuleContext): Promise<Record<string, unknown>> | Record<string, unknown>;
}

export interface ExecutableModule extends ModuleCommon {
  readonly kind: "executable";
  execute(inputs: Record<string, unknown>, context: ModuleContext): Promise<Record<string, unknown>>;
}

export interface InteractiveModule extends ModuleCommon {
  readonly kind: "interactive";
  getInteractionRequest(inputs: Record<string, unknown>, context: ModuleContext): Promise<InteractionRequest | null>;
  executeWithResponse(
    inputs: Record<string, unknown>,
    context: ModuleContext,
    response: InteractionResponse,
  ): Promise<Record<string, unknown>>;
  /** `self_sub_action` support (media.generate*): yields progress, then one result. */
  subAction?(context: SubActionContext): AsyncIterable<SubActionEvent>;
  /**
   * Addons (user.select only), as the original wires them (`set_addon_processor`): the engine builds
   * the processor from the resolved addon configs and hands it over before calling the module.
   */
  setAddonProcessor?(processor: AddonProcessor): void;
}

/** The original's AddonProcessor as user.select uses it (modules.md §3.1). */
export interface AddonProcessor {
  /** Embeds `_metadata` into the given item objects, in place. */
  processItems(items: Record<string, unknown>[]): void | Promise<void>;
  /** Tells every addon which (flattened) item indices the user picked. */
  callOnSelection(flatIndices: number[], items: Record<string, unknown>[]): void | Promise<void>;
}

export type WorkflowModule = ExecutableModule | InteractiveModule;

/** Builds a fresh instance per use, as the original registry does. */
export type ModuleFactory = () => WorkflowModule;
