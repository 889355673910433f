/**
 * The module framework and the explicit list of registered modules (modules.md §1.4). Adding a module
 * means one file under its category folder and one line in that folder's `index.ts`.
 */
import { API_MODULES } from "./api";
import { DB_MODULES } from "./db";
import { IO_MODULES } from "./io";
import { MEDIA_MODULES } from "./media";
import { PROMPT_MODULES } from "./prompt";
import { createModuleRegistry, type ModuleRegistry } from "./registry";
import { TRANSFORM_MODULES } from "./transform";
import type { ModuleFactory } from "./types";
import { USER_MODULES } from "./user";

/** Every module wfv implements, one list per category folder (each folder's index.ts). */
export const MODULE_FACTORIES: readonly ModuleFactory[] = [...USER_MODULES, ...API_MODULES, ...IO_MODULES, ...TRANSFORM_MODULES, ...DB_MODULES, ...MEDIA_MODULES, ...PROMPT_MODULES];

/** A registry holding every module wfv implements. */
export function createDefaultModuleRegistry(): ModuleRegistry {
  return createModuleRegistry(MODULE_FACTORIES);
}

let shared: ModuleRegistry | null = null;

function defaultRegistry(): ModuleRegistry {
  shared ??= createDefaultModuleRegistry();
  return shared;
}

/** A fresh instance of a registered module; unknown ids throw `module_not_registered`. */
export function getModule(moduleId: string) {
  return defaultRegistry().getModule(moduleId);
}

export function listModules() {
  return defaultRegistry().listModules();
}

export * from "./types";
export { closeMatches, createModuleRegistry, type ModuleRegistry, type ModuleSummary } from "./registry";
export {
  errorText,
  getInputValue,
  isModuleExecutionError,
  ModuleExecutionError,
  newInteractionId,
  sanitizeErrorMessage,
  validateInputs,
  type InputValidation,
} from "./base";
export { createStateProxy } from "./state-proxy";
export { createModuleDb, type ModuleDbRepositoryCalls } from "./module-db";
export { extractSelectedData, flattenSelectionIndices, selectItemReferences } from "./user/select";
export { isTruthy, pythonDatetimeString, pythonTypeName } from "../python/builtins";
export { WEIGHTED_KEYWORDS_COLLECTION } from "./io/weighted-keywords";
export { MOCK_MODEL } from "./api/llm";
export { buildLlmMessages, buildSingleMessage, type LlmMessage, type MessagePart } from "./api/llm-messages";
