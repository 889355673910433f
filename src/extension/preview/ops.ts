/**
 * The engine worker's read-only preview calls (issue 15), as data: the host (../worker-engine.ts) sends
 * them, the worker (./worker-ops.ts over src/core/preview) answers. Types only.
 */
import type { JsonPathSegment } from "../../core/workflow/json-path";

/** Render a template with the context a module would get from the workflow's live DB. */
export interface PreviewRequest {
  step_id: string;
  module_name: string;
  /** The module input the template is (in). */
  input: string;
  /** Where the template sits in the input's value. */
  sub_path: JsonPathSegment[];
  /** The template's live text (the unsaved editor's). */
  template: string;
  /** The state right after this event of the last run's lineage (a module boundary) instead of the whole DB's. */
  at_event_id?: string;
  /** Answer the module boundaries of the last run too (for the context picker). */
  with_boundaries?: boolean;
}

export interface ModuleBoundaryChoice {
  event_id: string;
  step_id: string | null;
  module_name: string | null;
}

export interface PreviewAnswer {
  text: string;
  undefinedSpans: { start: number; end: number; name?: string }[];
  error: { message: string; line: number | null; column: number | null } | null;
  /** The module's `resolver_schema` leaves this input as written: a run does not render it (`text` is the template). */
  raw?: boolean;
  /** With `with_boundaries`: the last run's module boundaries, oldest first. */
  boundaries?: ModuleBoundaryChoice[];
}

/** Run a module's pipeline prefix by prefix on the live DB (or its resolved input data). */
export interface StagesRequest {
  step_id: string;
  module_name: string;
  /** How many documents of each stage's result to send back. */
  sample_size: number;
}

export interface StageAnswer {
  stage: number;
  operator: string;
  /** Documents after the stage; null when it did not run (`skipped` or `error` says why). */
  count: number | null;
  sample: unknown[];
  error?: string;
  skipped?: string;
}

export interface StagesAnswer {
  stages: StageAnswer[];
  /** What the pipeline ran on, in words ("the input data: 12 documents", "collection events: 40 documents"). */
  source?: string;
  /** Something to know about the result (the core's note). */
  note?: string;
  /** The pipeline could not be inspected at all (no such module, its input did not resolve). */
  problem: string | null;
}
