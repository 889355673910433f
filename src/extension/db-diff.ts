/**
 * What a run changed in the virtual DB, for the panel: the events it stored and, per collection, the
 * documents added, changed and removed (by `_id`). Pure; works on exported snapshots.
 */
import type { DbChanges } from "../shared/protocol";
import { toExtendedJson } from "../core/json/extended-json";
import { canonicalJson } from "./staleness";

type Doc = Record<string, unknown>;
type Snapshot = Record<string, Doc[]>;

function idOf(doc: Doc, index: number): string {
  const id = doc._id;
  if (id === undefined) return `#${index}`;
  return typeof id === "string" ? id : canonicalJson(toExtendedJson(id));
}

function asJson(doc: Doc): Record<string, unknown> {
  return toExtendedJson(doc) as Record<string, unknown>;
}

export function diffSnapshots(before: Snapshot, after: Snapshot): DbChanges {
  const changes: DbChanges = { events: [], collections: [] };
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const name of names) {
    const old = new Map<string, string>();
    (before[name] ?? []).forEach((doc, i) => old.set(idOf(doc, i), canonicalJson(toExtendedJson(doc))));
    const added: Record<string, unknown>[] = [];
    const changed: Record<string, unknown>[] = [];
    const seen = new Set<string>();
    (after[name] ?? []).forEach((doc, i) => {
      const id = idOf(doc, i);
      seen.add(id);
      const previous = old.get(id);
      if (previous === undefined) added.push(asJson(doc));
      else if (previous !== canonicalJson(toExtendedJson(doc))) changed.push(asJson(doc));
    });
    const removed = [...old.keys()].filter((id) => !seen.has(id));
    if (added.length + changed.length + removed.length === 0) continue;
    changes.collections.push({ name, added, changed, removed });
    if (name === "events") changes.events = added;
  }
  return changes;
}
