/**
 * `--max-memory-mb` and `--timeout` (tracker issue 11.1): the budgets of `wfv run`, `render` and
 * `resolve`. The commands accept and check them; the `wfv` process enforces them by running the
 * command in a budgeted worker (./isolated.ts). In-process callers of `runWfv` run without one.
 */
import { DEFAULT_BUDGETS, type Budgets } from "../node/isolate";
import { UsageError } from "./io";

/** The two options, for a command's `parseCommandArgs`. */
export const BUDGET_OPTIONS = {
  "max-memory-mb": { type: "string" },
  timeout: { type: "string" },
} as const;

/** The usage paragraph of the commands that take them. */
export function budgetUsage(): string {
  return [
    "Budgets (the wfv process runs the command in a worker held to them):",
    `  --max-memory-mb <n>  The heap budget in MB (default ${DEFAULT_BUDGETS.memoryMb}).`,
    `  --timeout <s>        The wall-clock budget in seconds (default ${DEFAULT_BUDGETS.runSeconds}).`,
    'Past one the command stops with error_type "limit_exceeded", details {limit: "memory" | "time",',
    "value, module_name, step_id} (the module running then, or null), and exits 1.",
  ].join("\n");
}

/** The smallest heap V8 starts a Node process with. */
const MIN_MEMORY_MB = 16;

/** The budgets the parsed options ask for, the defaults for the rest; a bad value is a usage error. */
export function budgetsFrom(values: { "max-memory-mb"?: string; timeout?: string }): Budgets {
  const budgets = { ...DEFAULT_BUDGETS };
  const memory = values["max-memory-mb"];
  if (memory !== undefined) {
    const mb = Number(memory);
    if (!/^\d+$/.test(memory.trim()) || mb < MIN_MEMORY_MB) {
      throw new UsageError(`--max-memory-mb must be a whole number of MB, at least ${MIN_MEMORY_MB}; got '${memory}'`);
    }
    budgets.memoryMb = mb;
  }
  const timeout = values.timeout;
  if (timeout !== undefined) {
    const seconds = Number(timeout);
    if (timeout.trim() === "" || !Number.isFinite(seconds) || seconds <= 0 || seconds > 2_147_483) {
      throw new UsageError(`--timeout must be a number of seconds above 0; got '${timeout}'`);
    }
    budgets.runSeconds = seconds;
  }
  return budgets;
}
