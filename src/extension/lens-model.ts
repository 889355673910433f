/**
 * What CodeLens shows, as data (pure, no `vscode`): the cheap first phase places lenses from the outline;
 * the second phase (resolve) picks titles from run records, staleness and trust.
 */
import type { ModuleAnchor, Outline } from "./outline";
import { isStale, moduleKey, statusTitle, type RunRecord } from "./staleness";

export type LensKind = "run" | "upTo" | "debug" | "status" | "pinned" | "blocked" | "problem" | "orphan";

export interface LensPlan {
  kind: LensKind;
  offset: number;
  anchor?: ModuleAnchor;
  /** problem/blocked/orphan: the text to show. */
  message?: string;
}

export interface LensContext {
  trusted: boolean;
  /** Why the workflow cannot run (JSON/schema/ref error), if it cannot. */
  workflowProblem?: string;
  /** The step file is included by no workflow. */
  orphan?: boolean;
  runs: Readonly<Record<string, RunRecord>>;
  /** Modules (`step_id/module_name`) with pinned outputs (`.wfv/pins.json`): they do not run. */
  pinned?: ReadonlySet<string>;
  /** Add "Debug up to here" after "Run up to here" (the editor has the debugger). */
  debug?: boolean;
}

export const UNTRUSTED_MESSAGE = "$(shield) Running is disabled: this workspace is not trusted (workflows run templates and modules)";

/** Phase 1: positions and kinds; cheap enough for 1,000 modules on every keystroke. */
export function planLenses(outline: Outline, context: LensContext): LensPlan[] {
  if (outline.kind === "other") return [];
  if (outline.problems.length > 0) {
    const first = outline.problems[0];
    return [{ kind: "problem", offset: first.offset, message: `$(error) Not runnable: ${first.message}` }];
  }
  if (context.orphan) return [{ kind: "orphan", offset: 0, message: "$(info) No workflow in this workspace includes this step file" }];
  if (context.workflowProblem !== undefined) {
    return [{ kind: "problem", offset: 0, message: `$(error) Not runnable: ${context.workflowProblem}` }];
  }
  const plans: LensPlan[] = [];
  for (const anchor of outline.modules) {
    if (!context.trusted) {
      plans.push({ kind: "blocked", offset: anchor.offset, anchor, message: UNTRUSTED_MESSAGE });
      continue;
    }
    plans.push({ kind: "run", offset: anchor.offset, anchor });
    plans.push({ kind: "upTo", offset: anchor.offset, anchor });
    if (context.debug) plans.push({ kind: "debug", offset: anchor.offset, anchor });
    if (context.runs[moduleKey(anchor.stepId, anchor.moduleName)]) plans.push({ kind: "status", offset: anchor.offset, anchor });
    if (context.pinned?.has(moduleKey(anchor.stepId, anchor.moduleName))) plans.push({ kind: "pinned", offset: anchor.offset, anchor });
  }
  return plans;
}

/** Phase 2: the title of a lens. `fingerprints` is computed lazily, only for status lenses. */
export function lensTitle(plan: LensPlan, runs: Readonly<Record<string, RunRecord>>, fingerprint: () => string | undefined): string {
  switch (plan.kind) {
    case "run":
      return "$(play) Run module virtually";
    case "upTo":
      return "$(run-all) Run up to here";
    case "debug":
      return "$(debug-alt) Debug up to here";
    case "pinned":
      return "$(pinned) pinned";
    case "status": {
      const anchor = plan.anchor as ModuleAnchor;
      const record = runs[moduleKey(anchor.stepId, anchor.moduleName)];
      if (!record) return "";
      return statusTitle(record, isStale(record, fingerprint()));
    }
    default:
      return plan.message ?? "";
  }
}
