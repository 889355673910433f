/**
 * Cheap undo for a live virtual DB, so a failed call leaves the caller's DB exactly as it was.
 *
 * Why this works: the in-memory DB never mutates a stored document in place — an update stores an
 * updated copy, a delete drops the reference. So a checkpoint only has to remember, per collection,
 * the array of document references (a pointer copy, ~10 µs for 10k events); restoring puts those
 * very objects back. No document is cloned or serialised, unlike a copy-the-DB approach that costs a
 * full deep clone per call even when nothing fails. Restoring is linear in the collections that
 * changed and only happens on failure.
 *
 * Id generators are not rewound: ids made by the failed call are simply never used, and later ids
 * still sort after every stored one (ruling 4).
 *
 * A DB that is not the built-in in-memory one falls back to an export/import copy.
 */
import { cloneDocument } from "../db/clone";
import { MemoryDb } from "../db/memory-db";
import type { Document, VirtualDb } from "../db/types";

export interface Checkpoint {
  /** Puts every collection back as it was when the checkpoint was taken. */
  restore(): void;
}

function memoryCheckpoint(db: MemoryDb): Checkpoint {
  const saved = new Map<string, Document[]>();
  for (const name of db.collectionNames()) saved.set(name, db.memoryCollection(name).documents.slice());
  return {
    restore() {
      for (const name of new Set([...db.collectionNames(), ...saved.keys()])) {
        const collection = db.memoryCollection(name);
        const before = saved.get(name) ?? [];
        const now = collection.documents;
        if (now.length === before.length && now.every((document, i) => document === before[i])) continue;
        // deleteMany + loadDocuments keep the collection's index definitions and rebuild their entries.
        collection.deleteMany({});
        if (before.length > 0) collection.loadDocuments(before);
      }
    },
  };
}

function copyCheckpoint(db: VirtualDb): Checkpoint {
  const saved = new Map<string, Document[]>();
  for (const name of db.collectionNames()) saved.set(name, db.collection(name).find({}).map(cloneDocument));
  return {
    restore() {
      for (const name of new Set([...db.collectionNames(), ...saved.keys()])) {
        const collection = db.collection(name);
        collection.deleteMany({});
        const before = saved.get(name) ?? [];
        if (before.length > 0) collection.insertMany(before);
      }
    },
  };
}

export function checkpoint(db: VirtualDb): Checkpoint {
  return db instanceof MemoryDb ? memoryCheckpoint(db) : copyCheckpoint(db);
}
