/**
 * Cheap undo for a live virtual DB, so a failed call leaves the caller's DB exactly as it was.
 *
 * The built-in in-memory DB takes its own checkpoint (MemoryDb.checkpoint: a pointer copy of each
 * collection's documents, nothing cloned, unlike a copy-the-DB approach that costs a full deep clone
 * per call even when nothing fails). Any other DB falls back to an export/import copy.
 */
import { diffStoredCollections } from "../db/changes";
import { cloneDocument } from "../db/clone";
import { MemoryDb, type Checkpoint } from "../db/memory-db";
import type { Document, VirtualDb } from "../db/types";

export type { Checkpoint };

function copyCheckpoint(db: VirtualDb): Checkpoint {
  const saved = new Map<string, Document[]>();
  for (const name of db.collectionNames()) saved.set(name, db.collection(name).find({}).map(cloneDocument));
  return {
    changes() {
      const now = new Map<string, Document[]>();
      for (const name of db.collectionNames()) now.set(name, db.collection(name).find({}));
      return diffStoredCollections(saved, now);
    },
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
  return db instanceof MemoryDb ? db.checkpoint() : copyCheckpoint(db);
}
