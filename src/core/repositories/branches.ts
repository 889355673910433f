/**
 * Branches and lineage (engine.md 2.4). A branch stores its lineage from the root to itself; every
 * entry but the last carries the cutoff event up to which that ancestor's events belong to the branch.
 */
import type { VirtualDb } from "../db/types";
import { newPrefixedId } from "./ids";
import { Collections, type BranchDocument, type LineageEntry } from "./types";

export interface BranchRepository {
  getBranch(branchId: string): BranchDocument | null;
  /** Root first, self last (cutoff null). Empty when the branch does not exist. */
  getBranchLineage(branchId: string): LineageEntry[];
  getCurrentBranchId(workflowRunId: string): string | null;
  /** A new root branch `[{self, null}]`; does not touch the run document. */
  createRootBranch(workflowRunId: string): string;
  /**
   * Forks `parentBranchId` after `parentEventId` (inclusive) and makes the fork the run's current
   * branch. `parentBranchId` must be the branch that holds `parentEventId`.
   */
  createBranch(workflowRunId: string, parentBranchId: string, parentEventId: string | null): string;
  getRunBranches(workflowRunId: string): BranchDocument[];
  deleteRunBranches(workflowRunId: string): number;
}

export function createBranchRepository(db: VirtualDb): BranchRepository {
  const branches = () => db.collection(Collections.branches);
  const runs = () => db.collection(Collections.workflowRuns);

  const getBranch = (branchId: string) => branches().findOne({ branch_id: branchId }) as BranchDocument | null;

  return {
    getBranch,

    getBranchLineage(branchId) {
      const branch = getBranch(branchId);
      if (!branch) return [];
      if (branch.lineage !== undefined) {
        return branch.lineage.map((entry) => ({
          branch_id: entry.branch_id,
          cutoff_event_id: entry.cutoff_event_id ?? null,
        }));
      }
      // Legacy branches know only their parent: walk up, then give each ancestor the cutoff its
      // child forked at.
      const chain: BranchDocument[] = [];
      const seen = new Set<string>();
      for (let current: BranchDocument | null = branch; current && !seen.has(current.branch_id); ) {
        seen.add(current.branch_id);
        chain.push(current);
        current = current.parent_branch_id ? getBranch(current.parent_branch_id) : null;
      }
      chain.reverse();
      return chain.map((entry, i) => ({
        branch_id: entry.branch_id,
        cutoff_event_id: i < chain.length - 1 ? (chain[i + 1].parent_event_id ?? null) : null,
      }));
    },

    getCurrentBranchId(workflowRunId) {
      const run = runs().findOne({ workflow_run_id: workflowRunId }, { projection: { current_branch_id: 1 } });
      return (run?.current_branch_id as string | undefined) ?? null;
    },

    createRootBranch(workflowRunId) {
      const branchId = newPrefixedId(db, "br");
      branches().insertOne({
        branch_id: branchId,
        workflow_run_id: workflowRunId,
        lineage: [{ branch_id: branchId, cutoff_event_id: null }],
        created_at: db.now(),
      });
      return branchId;
    },

    createBranch(workflowRunId, parentBranchId, parentEventId) {
      const branchId = newPrefixedId(db, "br");
      const parent = getBranch(parentBranchId);
      const lineage: LineageEntry[] =
        parent?.lineage !== undefined
          ? parent.lineage.map((entry) =>
              entry.branch_id === parentBranchId
                ? { branch_id: entry.branch_id, cutoff_event_id: parentEventId }
                : { branch_id: entry.branch_id, cutoff_event_id: entry.cutoff_event_id ?? null },
            )
          : [{ branch_id: parentBranchId, cutoff_event_id: parentEventId }];
      lineage.push({ branch_id: branchId, cutoff_event_id: null });
      const now = db.now();
      branches().insertOne({ branch_id: branchId, workflow_run_id: workflowRunId, lineage, created_at: now });
      runs().updateOne(
        { workflow_run_id: workflowRunId },
        { $set: { current_branch_id: branchId, updated_at: now } },
      );
      return branchId;
    },

    getRunBranches(workflowRunId) {
      return branches().find({ workflow_run_id: workflowRunId }, { sort: { branch_id: 1 } }) as unknown as BranchDocument[];
    },

    deleteRunBranches(workflowRunId) {
      return branches().deleteMany({ workflow_run_id: workflowRunId }).deletedCount;
    },
  };
}
