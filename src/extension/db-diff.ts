/**
 * What a run changed in the virtual DB, for the panel: the events it stored and, per collection, the
 * documents added, changed and removed (by `_id`). The engine reports the changes (taken from its
 * checkpoint, engine-core.ts); this only shapes them for the protocol. Pure.
 */
import type { DbChanges } from "../shared/protocol";
import type { DbChangeList } from "./engine";
import { canonicalJson } from "./staleness";

type Doc = Record<string, unknown>;

export function panelChanges(list: DbChangeList): DbChanges {
  const collections = list.collections.map((c) => ({
    name: c.name,
    added: c.added as Doc[],
    changed: c.changed as Doc[],
    removed: c.removed.map((id) => (typeof id === "string" ? id : canonicalJson(id))),
  }));
  return { events: collections.find((c) => c.name === "events")?.added ?? [], collections };
}
