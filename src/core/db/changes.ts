/**
 * What a call changed in a DB, per collection: documents added, changed and removed (by `_id`).
 *
 * Taken from a checkpoint rather than from two exports: stored documents are never mutated in place
 * (collection.ts), so a document whose reference is in both states is unchanged, and only the
 * references that appeared or disappeared are looked at. At 10k events that is a set of references,
 * not a serialisation of the DB. An update that stored an equal copy is not reported as a change.
 */
import { cloneDocument } from "./clone";
import type { Document } from "./types";
import { keyOf } from "./values";
import { toExtendedJson } from "../json/extended-json";

export interface CollectionChanges {
  name: string;
  /** Copies of the documents added, in stored order. */
  added: Document[];
  /** Copies of the documents changed, as they are now, in stored order. */
  changed: Document[];
  /** Copies of the changed documents as they were before, in the order of `changed` (a field-level diff needs both). */
  previous?: Document[];
  /** The `_id`s of the documents removed. */
  removed: unknown[];
}

function sameContent(a: Document, b: Document): boolean {
  return JSON.stringify(toExtendedJson(a)) === JSON.stringify(toExtendedJson(b));
}

/** Changes from `before` to `after`, two states of one collection's stored documents. */
export function diffStoredDocuments(name: string, before: readonly Document[], after: readonly Document[]): CollectionChanges | undefined {
  let same = 0;
  while (same < before.length && same < after.length && before[same] === after[same]) same++;
  if (same === before.length) {
    // Inserts only (events, the common case): the new documents are the tail.
    return same === after.length ? undefined : { name, added: after.slice(same).map(cloneDocument), changed: [], removed: [] };
  }
  const kept = new Set(after);
  const gone = new Map<string, Document>();
  before.forEach((document, i) => {
    if (!kept.has(document)) gone.set(document._id === undefined ? `#${i}` : keyOf(document._id), document);
  });
  const earlier = new Set(before);
  const added: Document[] = [];
  const changed: Document[] = [];
  const previousOfChanged: Document[] = [];
  after.forEach((document, i) => {
    if (earlier.has(document)) return;
    const key = document._id === undefined ? `#${i}` : keyOf(document._id);
    const previous = gone.get(key);
    if (previous === undefined) {
      added.push(cloneDocument(document));
      return;
    }
    gone.delete(key);
    if (!sameContent(previous, document)) {
      changed.push(cloneDocument(document));
      previousOfChanged.push(cloneDocument(previous));
    }
  });
  const removed = [...gone.values()].map((document) => document._id);
  if (added.length + changed.length + removed.length === 0) return undefined;
  return changed.length > 0 ? { name, added, changed, previous: previousOfChanged, removed } : { name, added, changed, removed };
}

/** Changes between two states of a DB given as collection name → stored documents; collections in name order. */
export function diffStoredCollections(before: ReadonlyMap<string, readonly Document[]>, after: ReadonlyMap<string, readonly Document[]>): CollectionChanges[] {
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  const out: CollectionChanges[] = [];
  for (const name of names) {
    const changes = diffStoredDocuments(name, before.get(name) ?? [], after.get(name) ?? []);
    if (changes) out.push(changes);
  }
  return out;
}
