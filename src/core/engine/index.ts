/**
 * The execution engine (engine.md §4): executor, interactions, navigation (retry/jump), sub-actions,
 * validation and the up-to loop, over the repositories of one DB. The public, DB-carrying API is
 * `src/core/virtual`; this is the layer underneath it.
 */
export * from "./types";
export { createEngineEnv, buildServices, buildModuleContext, type EngineEnv } from "./context";
export { executeFromPosition, executeStepModules, firstIncompleteModule, stepDisplayName, type RunScope } from "./executor";
export { convertInteractionRequest, serializeInteractionRequest } from "./interaction-request";
export { dumpResponseData, isRetryResponse } from "./interaction";
export { autoSelectResponse } from "./auto-select";
export { validateRetryableAction, type ValidationOutcome } from "./validation";
export { applyResultMapping } from "./sub-actions";
export { findGroupTarget, reportGroupRun, resolveTarget, type GroupRun, type GroupTarget } from "./group-target";
export {
  buildProgress,
  executeSubAction,
  jump,
  pendingRequestOf,
  refreshInteraction,
  rememberedAnswer,
  respond,
  resume,
  retry,
  runGroupOnly,
  runModuleOnly,
  runUpTo,
  startFromPosition,
  type SubActionRequest,
  type UpToOptions,
} from "./processor";
