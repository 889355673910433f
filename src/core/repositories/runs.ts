/**
 * Workflow runs, their version history, sub-action child runs and the fresh start (engine.md 2.2,
 * 4.2; ruling 10). The run's `status` is a cache: the events are the truth.
 */
import type { VirtualDb } from "../db/types";
import { WfvError } from "../errors";
import type { BranchRepository } from "./branches";
import type { EventRepository } from "./events";
import { newPrefixedId, newWorkflowRunId } from "./ids";
import type { VersionRepository } from "./versions";
import {
  Collections,
  type ChildRunDocument,
  type RunVersionHistoryDocument,
  type WorkflowRunDocument,
  type WorkflowStatus,
} from "./types";

export interface RunKey {
  userId: string;
  projectName: string;
  workflowTemplateName: string;
}

export interface GetOrCreateRunInput extends RunKey {
  workflowTemplateId: string;
  workflowVersionId: string;
  /** The id for a new run; default `wf_<12hex>`. The virtual flow passes its `virtual_…` id. */
  workflowRunId?: string;
}

export interface GetOrCreateRunResult {
  workflowRunId: string;
  isNew: boolean;
  branchId: string | null;
}

export interface StatusUpdate {
  currentStep?: string | null;
  currentStepName?: string | null;
  currentModule?: string | null;
}

export interface VersionHistoryOptions {
  clientCapabilities?: string[];
  /**
   * Check the version as the original does when handed the version repository: a missing version is
   * skipped silently, an `unresolved` one raises, a `resolved` one records its `requires`.
   */
  validate?: boolean;
}

export interface RunRepository {
  getWorkflowRun(workflowRunId: string): WorkflowRunDocument | null;
  /** The first run document (the virtual `/resume/confirm` takes it), or null. */
  getFirstWorkflowRun(): WorkflowRunDocument | null;
  /** An active run (status neither completed nor error) of this user, project and template. */
  findActiveWorkflowRun(key: RunKey): WorkflowRunDocument | null;
  /** The active run for the key, else a new run (`status: "created"`) with a new root branch. */
  getOrCreateWorkflowRun(input: GetOrCreateRunInput): GetOrCreateRunResult;
  /** Sets `updated_at`, the truthy optional fields, and `completed_at` on `completed`. */
  updateWorkflowStatus(workflowRunId: string, status: WorkflowStatus, update?: StatusUpdate): void;
  updateWorkflowBranch(workflowRunId: string, branchId: string): void;
  updateWorkflowVersion(workflowRunId: string, workflowVersionId: string): void;
  updateAiConfig(workflowRunId: string, aiConfig: Record<string, unknown>): void;
  addVersionHistoryEntry(workflowRunId: string, workflowVersionId: string, options?: VersionHistoryOptions): void;
  getVersionHistory(workflowRunId: string): RunVersionHistoryDocument[];
  /**
   * Fresh start of an existing run (ruling 10): drops the run's events and branches, gives it a new
   * root branch, resets status to `created` with no current step/module, and switches to the version
   * when one is given. Returns the new root branch id. The caller stores `workflow_created{reset:true}`.
   */
  resetRun(workflowRunId: string, workflowVersionId?: string | null): string;
  /** A sub-action's child run `wf_sub_<uuid7>` with its own root branch (engine.md 2.2, 4.6). */
  createChildRun(parentWorkflowRunId: string, executionId: string): { workflowRunId: string; branchId: string };
  getChildRun(workflowRunId: string): ChildRunDocument | null;
}

const ACTIVE = { $nin: ["completed", "error"] };

export function createRunRepository(
  db: VirtualDb,
  branches: BranchRepository,
  events: EventRepository,
  versions: VersionRepository,
): RunRepository {
  const runs = () => db.collection(Collections.workflowRuns);
  const history = () => db.collection(Collections.workflowRunVersionHistory);

  const setFields = (workflowRunId: string, fields: Record<string, unknown>) => {
    runs().updateOne({ workflow_run_id: workflowRunId }, { $set: { ...fields, updated_at: db.now() } });
  };

  const findActiveWorkflowRun = (key: RunKey) =>
    runs().findOne({
      user_id: key.userId,
      workflow_template_name: key.workflowTemplateName,
      project_name: key.projectName,
      status: ACTIVE,
    }) as WorkflowRunDocument | null;

  return {
    getWorkflowRun(workflowRunId) {
      return runs().findOne({ workflow_run_id: workflowRunId }) as WorkflowRunDocument | null;
    },

    getFirstWorkflowRun() {
      return runs().findOne({}) as WorkflowRunDocument | null;
    },

    findActiveWorkflowRun,

    getOrCreateWorkflowRun(input) {
      const existing = findActiveWorkflowRun(input);
      if (existing) {
        return { workflowRunId: existing.workflow_run_id, isNew: false, branchId: existing.current_branch_id ?? null };
      }
      const workflowRunId = input.workflowRunId ?? newWorkflowRunId(db);
      if (runs().findOne({ workflow_run_id: workflowRunId })) {
        throw new WfvError("db_invalid", `Workflow run ${workflowRunId} already exists and is not active`, {
          workflow_run_id: workflowRunId,
        });
      }
      const branchId = branches.createRootBranch(workflowRunId);
      const now = db.now();
      const run: WorkflowRunDocument = {
        workflow_run_id: workflowRunId,
        user_id: input.userId,
        project_name: input.projectName,
        workflow_template_name: input.workflowTemplateName,
        workflow_template_id: input.workflowTemplateId,
        current_workflow_version_id: input.workflowVersionId,
        current_branch_id: branchId,
        status: "created",
        created_at: now,
        updated_at: now,
      };
      runs().insertOne(run as unknown as Record<string, unknown>);
      return { workflowRunId, isNew: true, branchId };
    },

    updateWorkflowStatus(workflowRunId, status, update = {}) {
      const now = db.now();
      const fields: Record<string, unknown> = { status, updated_at: now };
      if (update.currentStep) fields.current_step = update.currentStep;
      if (update.currentStepName) fields.current_step_name = update.currentStepName;
      if (update.currentModule) fields.current_module = update.currentModule;
      if (status === "completed") fields.completed_at = now;
      runs().updateOne({ workflow_run_id: workflowRunId }, { $set: fields });
    },

    updateWorkflowBranch(workflowRunId, branchId) {
      setFields(workflowRunId, { current_branch_id: branchId });
    },

    updateWorkflowVersion(workflowRunId, workflowVersionId) {
      setFields(workflowRunId, { current_workflow_version_id: workflowVersionId });
    },

    updateAiConfig(workflowRunId, aiConfig) {
      setFields(workflowRunId, { ai_config: aiConfig });
    },

    addVersionHistoryEntry(workflowRunId, workflowVersionId, options = {}) {
      let requirements: unknown[] = [];
      if (options.validate) {
        const version = versions.getWorkflowVersionById(workflowVersionId);
        if (!version) return;
        if (version.version_type === "unresolved") {
          throw new WfvError(
            "workflow_invalid",
            `Cannot use unresolved version ${workflowVersionId} for workflow run. ` +
              "Unresolved versions have execution groups that must be resolved first.",
            { workflow_version_id: workflowVersionId },
          );
        }
        requirements = version.version_type === "resolved" ? (version.requires ?? []) : [];
      }
      history().insertOne({
        workflow_run_id: workflowRunId,
        workflow_version_id: workflowVersionId,
        client_capabilities: [...(options.clientCapabilities ?? [])],
        workflow_version_requirements: requirements,
        created_at: db.now(),
      });
    },

    getVersionHistory(workflowRunId) {
      return history().find({ workflow_run_id: workflowRunId }) as unknown as RunVersionHistoryDocument[];
    },

    resetRun(workflowRunId, workflowVersionId) {
      if (!runs().findOne({ workflow_run_id: workflowRunId })) {
        throw new WfvError("db_invalid", `Workflow run ${workflowRunId} not found`, { workflow_run_id: workflowRunId });
      }
      events.deleteRunEvents(workflowRunId);
      branches.deleteRunBranches(workflowRunId);
      const branchId = branches.createRootBranch(workflowRunId);
      const fields: Record<string, unknown> = {
        status: "created",
        current_step: null,
        current_module: null,
        current_branch_id: branchId,
      };
      if (workflowVersionId) fields.current_workflow_version_id = workflowVersionId;
      setFields(workflowRunId, fields);
      return branchId;
    },

    createChildRun(parentWorkflowRunId, executionId) {
      const workflowRunId = newPrefixedId(db, "wf_sub");
      const branchId = branches.createRootBranch(workflowRunId);
      const child: ChildRunDocument = {
        workflow_run_id: workflowRunId,
        parent_workflow_id: parentWorkflowRunId,
        execution_id: executionId,
        visible_in_ui: false,
        status: "processing",
        created_at: db.now(),
        current_branch_id: branchId,
      };
      runs().insertOne(child as unknown as Record<string, unknown>);
      return { workflowRunId, branchId };
    },

    getChildRun(workflowRunId) {
      return runs().findOne({ workflow_run_id: workflowRunId, parent_workflow_id: { $exists: true } }) as
        | ChildRunDocument
        | null;
    },
  };
}
