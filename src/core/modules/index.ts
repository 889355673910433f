/**
 * The module framework and the explicit list of registered modules (modules.md §1.4). Adding a module
 * means one file under its category folder and one line in `MODULE_FACTORIES`.
 */
import { LlmCallModule } from "./api/llm";
import { ClientWriteModule } from "./io/client-write";
import { RenderTemplateModule } from "./io/render-template";
import { WeightedKeywordsModule } from "./io/weighted-keywords";
import { createModuleRegistry, type ModuleRegistry } from "./registry";
import { ExtractModule } from "./transform/extract";
import { QueryModule } from "./transform/query";
import type { ModuleFactory } from "./types";
import { SelectModule } from "./user/select";
import { TextInputModule } from "./user/text-input";

export const MODULE_FACTORIES: readonly ModuleFactory[] = [
  () => new TextInputModule(),
  () => new SelectModule(),
  () => new LlmCallModule(),
  () => new RenderTemplateModule(),
  () => new WeightedKeywordsModule(),
  () => new ClientWriteModule(),
  () => new ExtractModule(),
  () => new QueryModule(),
];

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
export { isTruthy, pythonDatetimeString, pythonTypeName } from "./python";
export { WEIGHTED_KEYWORDS_COLLECTION } from "./io/weighted-keywords";
export { MOCK_MODEL } from "./api/llm";
export { buildLlmMessages, buildSingleMessage, type LlmMessage, type MessagePart } from "./api/llm-messages";
