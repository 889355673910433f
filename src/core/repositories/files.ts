/** `workflow_files`: files a run writes (io.save_json, io.write_text, API-call logs); modules.md 1.7. */
import type { Filter, VirtualDb } from "../db/types";
import { newPrefixedId } from "./ids";
import { Collections, type WorkflowFileDocument } from "./types";

export interface StoreWorkflowFileInput {
  workflowRunId: string;
  category: string;
  groupId: string | null;
  filename: string;
  /** Text for `text`, any JSON value for `json`. */
  content: unknown;
  contentType?: string;
  metadata?: Record<string, unknown> | null;
  branchId?: string | null;
}

export interface FileFilters {
  category?: string | null;
  groupId?: string | null;
  branchId?: string | null;
}

export interface FileRepository {
  /** Returns the new `wff_…` id. */
  storeWorkflowFile(input: StoreWorkflowFileInput): string;
  getWorkflowFile(fileId: string): WorkflowFileDocument | null;
  /** The newest file of that name; the optional filters apply only when truthy. */
  getWorkflowFileByName(workflowRunId: string, filename: string, filters?: FileFilters): WorkflowFileDocument | null;
  /** The run's files in creation order; the optional filters apply only when truthy. */
  getWorkflowFiles(workflowRunId: string, filters?: FileFilters & { stepId?: string | null }): WorkflowFileDocument[];
  deleteRunFiles(workflowRunId: string): number;
}

function truthyFilters(workflowRunId: string, filters: FileFilters & { stepId?: string | null }): Filter {
  const filter: Filter = { workflow_run_id: workflowRunId };
  if (filters.category) filter.category = filters.category;
  if (filters.groupId) filter.group_id = filters.groupId;
  if (filters.branchId) filter.branch_id = filters.branchId;
  if (filters.stepId) filter["metadata.step_id"] = filters.stepId;
  return filter;
}

export function createFileRepository(db: VirtualDb): FileRepository {
  const files = () => db.collection(Collections.workflowFiles);

  return {
    storeWorkflowFile(input) {
      const fileId = newPrefixedId(db, "wff");
      const doc: WorkflowFileDocument = {
        file_id: fileId,
        workflow_run_id: input.workflowRunId,
        branch_id: input.branchId ?? null,
        category: input.category,
        group_id: input.groupId,
        filename: input.filename,
        content_type: input.contentType ?? "text",
        content: input.content,
        metadata: input.metadata || {},
        created_at: db.now(),
      };
      files().insertOne(doc as unknown as Record<string, unknown>);
      return fileId;
    },

    getWorkflowFile(fileId) {
      return files().findOne({ file_id: fileId }) as WorkflowFileDocument | null;
    },

    getWorkflowFileByName(workflowRunId, filename, filters = {}) {
      // Ties on created_at (same millisecond) go to the later id, which is time-ordered.
      return files().findOne(
        { ...truthyFilters(workflowRunId, filters), filename },
        { sort: [["created_at", -1], ["file_id", -1]] },
      ) as WorkflowFileDocument | null;
    },

    getWorkflowFiles(workflowRunId, filters = {}) {
      return files().find(truthyFilters(workflowRunId, filters), {
        sort: [["created_at", 1], ["file_id", 1]],
      }) as unknown as WorkflowFileDocument[];
    },

    deleteRunFiles(workflowRunId) {
      return files().deleteMany({ workflow_run_id: workflowRunId }).deletedCount;
    },
  };
}
