/**
 * Id formats (engine.md 2.1). Time-ordered ids come from the DB's strictly monotonic uuid7 source, so
 * event ids sort in creation order for the life of a virtual DB (ruling 4).
 */
import type { VirtualDb } from "../db/types";

export type IdPrefix = "evt" | "br" | "ver" | "tpl" | "wff" | "cgm" | "gc" | "wf_sub";

export function newPrefixedId(db: VirtualDb, prefix: IdPrefix): string {
  return `${prefix}_${db.newUuid7Hex()}`;
}

/**
 * `wf_` + 12 hex. The original takes the first 12 hex of a uuid4, i.e. random digits; the tail of a
 * uuid7 is its random part, so it plays the same role while staying reproducible under the DB's
 * injected random source.
 */
export function newWorkflowRunId(db: VirtualDb): string {
  return `wf_${db.newUuid7Hex().slice(-12)}`;
}

/** The virtual flow names its run `virtual_…` (virtual-execution.md). */
export function newVirtualRunId(db: VirtualDb): string {
  return `virtual_${db.newUuid7Hex()}`;
}

/** The history mixin's template id variant: `tpl_` + 12 random hex (engine.md 2.1). */
export function newShortTemplateId(db: VirtualDb): string {
  return `tpl_${db.newUuid7Hex().slice(-12)}`;
}
