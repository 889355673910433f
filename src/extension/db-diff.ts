/**
 * What a run changed in the virtual DB, for the panel: the events it stored and, per collection, the
 * documents added, changed and removed (by `_id`). The session reports the changes (from the
 * checkpoint it takes for the call); this shapes them for the protocol: documents as extended JSON
 * (`{"$date": …}`), removed ids as strings, and for each changed document the fields that changed
 * (before → after, from the engine's before-images). Pure.
 */
import type { CollectionChanges } from "../core/db/changes";
import { toExtendedJson } from "../core/json/extended-json";
import type { DbChanges } from "../shared/protocol";
import type { DocumentUpdate, FieldChange } from "../shared/run-story";
import { canonicalJson } from "./staleness";

type Doc = Record<string, unknown>;

/** How deep a field-level diff looks into nested objects before it reports the whole subtree as changed. */
const FIELD_DEPTH = 6;

function isPlainRecord(value: unknown): value is Doc {
  // Extended JSON's wrappers ({"$date": …}, {"$oid": …}) are values, not objects to walk into.
  return value !== null && typeof value === "object" && !Array.isArray(value) && !Object.keys(value).some((key) => key.startsWith("$"));
}

/** The fields that differ between two versions of a document, as dotted paths in `after`'s key order, then removed ones. */
export function fieldChanges(before: Doc, after: Doc, prefix = "", depth = 0): FieldChange[] {
  const out: FieldChange[] = [];
  const at = (key: string) => (prefix === "" ? key : `${prefix}.${key}`);
  for (const key of Object.keys(after)) {
    const next = after[key];
    if (!(key in before)) {
      out.push({ path: at(key), after: next });
      continue;
    }
    const previous = before[key];
    if (canonicalJson(previous) === canonicalJson(next)) continue;
    if (isPlainRecord(previous) && isPlainRecord(next) && depth < FIELD_DEPTH) out.push(...fieldChanges(previous, next, at(key), depth + 1));
    else out.push({ path: at(key), before: previous, after: next });
  }
  for (const key of Object.keys(before)) if (!(key in after)) out.push({ path: at(key), before: before[key] });
  return out;
}

function idText(id: unknown): string {
  const value = toExtendedJson(id);
  return typeof value === "string" ? value : canonicalJson(value);
}

export function panelChanges(changes: readonly CollectionChanges[]): DbChanges {
  const json = (document: unknown) => toExtendedJson(document) as Doc;
  const collections = changes.map((c) => {
    const changed = c.changed.map(json);
    const previous = c.previous?.length === c.changed.length ? c.previous.map(json) : null;
    const updates: DocumentUpdate[] | null = previous && changed.map((after, i) => ({ id: idText(c.changed[i]._id), fields: fieldChanges(previous[i], after) }));
    return {
      name: c.name,
      added: c.added.map(json),
      changed,
      removed: c.removed.map(idText),
      ...(updates && updates.length > 0 ? { updates } : {}),
    };
  });
  return { events: collections.find((c) => c.name === "events")?.added ?? [], collections };
}
