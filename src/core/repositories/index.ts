/**
 * The repositories (engine.md 2): every read and write the engine makes goes through them, over one
 * virtual DB. They keep no state of their own, so any number of them can share a DB.
 */
import type { VirtualDb } from "../db/types";
import { createBranchRepository, type BranchRepository } from "./branches";
import { createContentRepository, type ContentRepository } from "./content";
import { createEventRepository, type EventRepository } from "./events";
import { createFileRepository, type FileRepository } from "./files";
import { createRunRepository, type RunRepository } from "./runs";
import { createStateRepository, type StateRepository } from "./state";
import { createTokenRepository, type TokenRepository } from "./tokens";
import { createUserRepository, type UserRepository } from "./users";
import { createVersionRepository, type VersionRepository } from "./versions";

export interface Repositories {
  readonly db: VirtualDb;
  readonly users: UserRepository;
  readonly versions: VersionRepository;
  readonly runs: RunRepository;
  readonly branches: BranchRepository;
  readonly events: EventRepository;
  readonly state: StateRepository;
  readonly files: FileRepository;
  readonly content: ContentRepository;
  readonly tokens: TokenRepository;
}

export function createRepositories(db: VirtualDb): Repositories {
  const branches = createBranchRepository(db);
  const events = createEventRepository(db, branches);
  const versions = createVersionRepository(db);
  return {
    db,
    users: createUserRepository(db),
    versions,
    runs: createRunRepository(db, branches, events, versions),
    branches,
    events,
    state: createStateRepository(db, branches, events),
    files: createFileRepository(db),
    content: createContentRepository(db),
    tokens: createTokenRepository(db),
  };
}

export type { BranchRepository } from "./branches";
export type { ContentRepository, GenerationWithContent, StoreContentInput, StoreGenerationInput } from "./content";
export type { EventQuery, EventRepository, LineageQuery, StoreEventInput } from "./events";
export { buildLineageFilter, isOnLineage } from "./events";
export { EXECUTION_GROUPS_MODULE_ID, expandExecutionGroups, type FlattenedVariant } from "./execution-groups";
export { formatTreeDate, type TreeNode, type TreeNodeMeta } from "./file-tree";
export type { FileFilters, FileRepository, StoreWorkflowFileInput } from "./files";
export { newPrefixedId, newShortTemplateId, newVirtualRunId, newWorkflowRunId } from "./ids";
export { pythonStr } from "./python-json";
export type {
  GetOrCreateRunInput,
  GetOrCreateRunResult,
  RunKey,
  RunRepository,
  StatusUpdate,
  VersionHistoryOptions,
} from "./runs";
export {
  getNestedValue,
  LineageReplay,
  mapOutputsToState,
  openStepProgress,
  type CompletedInteraction,
  type ConversationMessage,
  type FullWorkflowState,
  type HierarchicalState,
  type ModuleOutputs,
  type OpenStepProgress,
  type RetryContext,
  type StateRepository,
  type StoreModuleOutputsInput,
  type WorkflowPosition,
} from "./state";
export type { StoreUsageInput, TokenRepository } from "./tokens";
export * from "./types";
export { VIRTUAL_USER_ID, type UserRepository } from "./users";
export { serverContentHash, type StoredVersions, type VersionRepository } from "./versions";
