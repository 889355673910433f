/** `tokens`: what each provider call cost (modules.md 1.7 `token_repo.store_usage`). */
import type { VirtualDb } from "../db/types";
import { WfvError } from "../errors";
import { Collections, type TokenUsageDocument, type UsageEntry } from "./types";

export interface StoreUsageInput {
  workflowRunId: string;
  stepId: string;
  stepName: string;
  moduleName: string;
  moduleIndex: number;
  /** Checked here: every entry needs `display_name` and `total_cost`. */
  usage: readonly Record<string, unknown>[];
}

export interface TokenRepository {
  /** Rejects an empty `usage` and entries without `display_name` or `total_cost`. */
  storeUsage(input: StoreUsageInput): void;
  /** The run's usage records in the order they were stored. */
  getUsage(workflowRunId: string): TokenUsageDocument[];
  /** Sum of every entry's `total_cost`. */
  getTotalCost(workflowRunId: string): number;
}

export function createTokenRepository(db: VirtualDb): TokenRepository {
  const tokens = () => db.collection(Collections.tokens);

  return {
    storeUsage(input) {
      if (!Array.isArray(input.usage) || input.usage.length === 0) {
        throw new WfvError("execution_failed", "usage must contain at least one entry", {
          workflow_run_id: input.workflowRunId,
          module_name: input.moduleName,
        });
      }
      input.usage.forEach((entry, index) => {
        const missing = ["display_name", "total_cost"].filter(
          (key) => entry === null || typeof entry !== "object" || !(key in entry),
        );
        if (missing.length > 0) {
          throw new WfvError("execution_failed", `usage[${index}] is missing ${missing.join(", ")}`, {
            workflow_run_id: input.workflowRunId,
            module_name: input.moduleName,
            missing,
          });
        }
      });
      tokens().insertOne({
        workflow_run_id: input.workflowRunId,
        timestamp: db.now(),
        step_id: input.stepId,
        step_name: input.stepName,
        module_name: input.moduleName,
        module_index: input.moduleIndex,
        usage: [...input.usage],
      });
    },

    getUsage(workflowRunId) {
      // Natural (insertion) order: timestamps can tie within a millisecond.
      return tokens().find({ workflow_run_id: workflowRunId }, { projection: { _id: 0 } }) as unknown as TokenUsageDocument[];
    },

    getTotalCost(workflowRunId) {
      let total = 0;
      for (const record of tokens().find({ workflow_run_id: workflowRunId })) {
        for (const entry of (record.usage as UsageEntry[] | undefined) ?? []) {
          if (typeof entry?.total_cost === "number") total += entry.total_cost;
        }
      }
      return total;
    },
  };
}
