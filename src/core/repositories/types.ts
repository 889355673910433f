/**
 * Document shapes the repositories write (engine.md 2.2/2.3), exactly as the original's repos write
 * them. Field names stay snake_case because they are the stored (and exported) form.
 *
 * Dates are `Date`s (ruling 13); a blob written by the original server keeps ISO strings, so readers
 * accept both.
 */

export type Timestamp = Date | string;

export const EventType = {
  WORKFLOW_CREATED: "workflow_created",
  STEP_STARTED: "step_started",
  MODULE_STARTED: "module_started",
  INTERACTION_REQUESTED: "interaction_requested",
  INTERACTION_RESPONSE: "interaction_response",
  MODULE_COMPLETED: "module_completed",
  MODULE_ERROR: "module_error",
  STEP_COMPLETED: "step_completed",
  WORKFLOW_COMPLETED: "workflow_completed",
  RETRY_REQUESTED: "retry_requested",
  JUMP_REQUESTED: "jump_requested",
  SUB_ACTION_STARTED: "sub_action_started",
  SUB_ACTION_COMPLETED: "sub_action_completed",
  WORKFLOW_RECOVERED: "workflow_recovered",
  WORKFLOW_RESUMED: "workflow_resumed",
  WORKFLOW_ERROR: "workflow_error",
  OUTPUT_STORED: "output_stored",
} as const;

export type EventTypeName = (typeof EventType)[keyof typeof EventType];

export type EventData = Record<string, unknown>;

export interface EventDocument {
  event_id: string;
  workflow_run_id: string;
  branch_id: string | null;
  workflow_version_id: string | null;
  event_type: EventTypeName;
  timestamp: Timestamp;
  data: EventData;
  /** Written only when truthy. */
  step_id?: string;
  /** Written only when truthy. */
  module_name?: string;
}

export interface LineageEntry {
  branch_id: string;
  cutoff_event_id: string | null;
}

export interface BranchDocument {
  branch_id: string;
  workflow_run_id: string;
  lineage?: LineageEntry[];
  created_at: Timestamp;
  /** Legacy format, still read (engine.md 2.2). */
  parent_branch_id?: string | null;
  parent_event_id?: string | null;
}

export type WorkflowStatus = "created" | "processing" | "awaiting_input" | "completed" | "error";

export interface WorkflowRunDocument {
  workflow_run_id: string;
  user_id: string;
  project_name: string;
  workflow_template_name: string;
  workflow_template_id: string;
  current_workflow_version_id: string | null;
  current_branch_id: string | null;
  status: WorkflowStatus | string;
  created_at: Timestamp;
  updated_at: Timestamp;
  ai_config?: Record<string, unknown>;
  current_step?: string | null;
  current_step_name?: string | null;
  current_module?: string | null;
  completed_at?: Timestamp;
}

/** A sub-action's child run (engine.md 2.2). */
export interface ChildRunDocument {
  workflow_run_id: string;
  parent_workflow_id: string;
  execution_id: string;
  visible_in_ui: false;
  status: string;
  created_at: Timestamp;
  current_branch_id: string;
}

export interface TemplateDocument {
  workflow_template_id: string;
  workflow_template_name: string;
  user_id: string;
  scope?: "user" | "global";
  visibility?: "visible" | "hidden" | "public";
  derived_from?: string;
  created_at: Timestamp;
  updated_at?: Timestamp;
}

export type VersionType = "raw" | "unresolved" | "resolved";

export interface CapabilityRequirement {
  capability: string;
  priority?: number;
  [key: string]: unknown;
}

export interface VersionDocument {
  workflow_version_id: string;
  workflow_template_id: string;
  content_hash: string;
  source_type: "zip" | "json" | string;
  version_type: VersionType;
  resolved_workflow: Record<string, unknown>;
  created_at: Timestamp;
  parent_workflow_version_id?: string | null;
  requires?: CapabilityRequirement[];
}

export interface RunVersionHistoryDocument {
  workflow_run_id: string;
  workflow_version_id: string;
  client_capabilities: string[];
  workflow_version_requirements: CapabilityRequirement[];
  created_at: Timestamp;
}

export interface UserDocument {
  _id: string;
  user_id: string;
  username: string;
  email: string;
  created_at: Timestamp;
  is_virtual?: boolean;
  [key: string]: unknown;
}

export interface WorkflowFileDocument {
  file_id: string;
  workflow_run_id: string;
  branch_id: string | null;
  category: string;
  group_id: string | null;
  filename: string;
  content_type: string;
  content: unknown;
  metadata: Record<string, unknown>;
  created_at: Timestamp;
}

export type GenerationStatus = "pending" | "completed" | "failed";

export interface GenerationMetadataDocument {
  content_generation_metadata_id: string;
  workflow_run_id: string;
  interaction_id: string;
  provider: string;
  provider_task_id: string | null;
  prompt_id: string;
  operation: string;
  created_at: Timestamp;
  completed_at: Timestamp | null;
  status: GenerationStatus | string;
  request_params: unknown;
  source_data: unknown;
  response_data: unknown;
  error_message: string | null;
}

export interface GeneratedContentDocument {
  generated_content_id: string;
  workflow_run_id: string;
  content_generation_metadata_id: string;
  index: number;
  provider_content_id: string | null;
  content_type: string;
  provider_url: string | null;
  extension: string | null;
  local_path: string | null;
  downloaded_at: Timestamp | null;
  seed?: unknown;
  preview_content_id?: string | null;
}

export interface UsageEntry {
  display_name: string;
  total_cost: number;
  [key: string]: unknown;
}

export interface TokenUsageDocument {
  workflow_run_id: string;
  timestamp: Timestamp;
  step_id: string;
  step_name: string;
  module_name: string;
  module_index: number;
  usage: UsageEntry[];
}

/** The collection names the repositories use. */
export const Collections = {
  users: "users",
  workflowTemplates: "workflow_templates",
  workflowVersions: "workflow_versions",
  workflowRuns: "workflow_runs",
  workflowRunVersionHistory: "workflow_run_version_history",
  branches: "branches",
  events: "events",
  workflowFiles: "workflow_files",
  contentGenerationMetadata: "content_generation_metadata",
  generatedContent: "generated_content",
  tokens: "tokens",
} as const;
