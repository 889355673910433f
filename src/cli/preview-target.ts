/**
 * What `wfv render --workflow` and `wfv query-stages` share: the workflow file resolved (`$ref`s
 * replaced), a read-only session over the `--db` file (a fresh DB without one), the target module.
 */
import { NaiveDateTime, type TemplateContext } from "../core/template";
import { WfvError } from "../core/errors";
import type { ModuleTarget } from "../core/preview";
import { VirtualSession } from "../core/virtual";
import type { ResolvedWorkflowSource } from "../core/workflow/ref-resolver";
import { nodeGzipCodec } from "../node/gzip";
import { requireDbText } from "./db-file";
import { resolvePath, UsageError, type CliIo } from "./io";
import { resolveWorkflowFile } from "./workspace-files";

export const PREVIEW_TARGET_OPTIONS = {
  workflow: { type: "string" },
  step: { type: "string" },
  module: { type: "string" },
  db: { type: "string" },
} as const;

export const PREVIEW_TARGET_USAGE = `--workflow <file>   the workflow file ($refs resolved from its folder)
--step <step_id>    the module's step
--module <name>     the module's name
--db <file>         a virtual DB file (compressed blob), only read; without it, a fresh DB (empty state)
--now <ISO>         freezes now() at a naive local date-time, e.g. 2026-02-14T09:05:07`;

export interface PreviewTarget {
  source: ResolvedWorkflowSource;
  session: VirtualSession;
  target: ModuleTarget;
  now?: TemplateContext["now"];
}

export function frozenNow(iso: string | undefined): TemplateContext["now"] {
  if (iso === undefined) return undefined;
  let when: NaiveDateTime;
  try {
    when = NaiveDateTime.parseIso(iso);
  } catch {
    throw new WfvError("bad_request", `--now must be a naive ISO date-time such as 2026-02-14T09:05:07, got ${JSON.stringify(iso)}`, { now: iso });
  }
  return () => when;
}

export function previewTarget(io: CliIo, values: { workflow?: string; step?: string; module?: string; db?: string; now?: string }): PreviewTarget {
  if (!values.workflow) throw new UsageError("--workflow is required");
  if (!values.step) throw new UsageError("--step is required");
  if (!values.module) throw new UsageError("--module is required");
  const source = resolveWorkflowFile(resolvePath(io, values.workflow));
  const session = VirtualSession.open(values.db === undefined ? null : requireDbText(io, values.db), { codec: nodeGzipCodec });
  const now = frozenNow(values.now);
  return { source, session, target: { step_id: values.step, module_name: values.module }, ...(now ? { now } : {}) };
}
