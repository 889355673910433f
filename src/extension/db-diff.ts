/**
 * What a run changed in the virtual DB, for the panel: the events it stored and, per collection, the
 * documents added, changed and removed (by `_id`). The session reports the changes (from the
 * checkpoint it takes for the call); this shapes them for the protocol: documents as extended JSON
 * (`{"$date": …}`), removed ids as strings. Pure.
 */
import type { CollectionChanges } from "../core/db/changes";
import { toExtendedJson } from "../core/json/extended-json";
import type { DbChanges } from "../shared/protocol";
import { canonicalJson } from "./staleness";

type Doc = Record<string, unknown>;

export function panelChanges(changes: readonly CollectionChanges[]): DbChanges {
  const json = (document: unknown) => toExtendedJson(document) as Doc;
  const collections = changes.map((c) => ({
    name: c.name,
    added: c.added.map(json),
    changed: c.changed.map(json),
    removed: c.removed.map((id) => {
      const value = toExtendedJson(id);
      return typeof value === "string" ? value : canonicalJson(value);
    }),
  }));
  return { events: collections.find((c) => c.name === "events")?.added ?? [], collections };
}
