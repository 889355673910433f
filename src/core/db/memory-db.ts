/** The in-memory VirtualDb: named MemoryCollections sharing one mingo configuration and id generators. */
import type { Options } from "mingo/types";
import { diffStoredCollections, type CollectionChanges } from "./changes";
import { cloneDocument } from "./clone";
import { MemoryCollection, type CollectionHost } from "./collection";
import { badDbRequest } from "./db-errors";
import { ObjectIdGenerator, Uuid7Generator } from "./ids";
import { mingoOptions } from "./mingo-context";
import type { Collection, Document, VirtualDb, VirtualDbOptions } from "./types";

/** An undo point taken by MemoryDb.checkpoint. */
export interface Checkpoint {
  /** Puts every collection back as it was when the checkpoint was taken. */
  restore(): void;
  /** What changed since the checkpoint was taken, per collection (changes.ts). */
  changes(): CollectionChanges[];
}

export class MemoryDb implements VirtualDb, CollectionHost {
  private readonly collections = new Map<string, MemoryCollection>();
  private readonly clock: () => number;
  private readonly random: () => number;
  private uuid7: Uuid7Generator;
  private objectIds: ObjectIdGenerator;
  readonly mingoOptions: Partial<Options>;

  constructor(options: VirtualDbOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.random = options.random ?? Math.random;
    this.uuid7 = new Uuid7Generator(this.clock, this.random);
    this.objectIds = new ObjectIdGenerator(this.clock, this.random);
    // $lookup and friends see copies of the other collections, so their output never aliases stored documents.
    this.mingoOptions = mingoOptions((name) => (this.collections.get(name)?.documents ?? []).map(cloneDocument));
  }

  collection(name: string): Collection {
    return this.memoryCollection(name);
  }

  /** The collection with its internals (stored documents, loading) for export/import. */
  memoryCollection(name: string): MemoryCollection {
    let collection = this.collections.get(name);
    if (collection === undefined) {
      if (typeof name !== "string" || name === "" || name.includes("$") || name.includes("\u0000")) {
        throw badDbRequest(`invalid collection name ${JSON.stringify(name)}`, { collection: name });
      }
      collection = new MemoryCollection(name, this);
      this.collections.set(name, collection);
    }
    return collection;
  }

  collectionNames(): string[] {
    const names: string[] = [];
    for (const [name, collection] of this.collections) if (collection.documents.length > 0) names.push(name);
    return names.sort();
  }

  /** Stored documents of a collection (not copies; callers must not mutate them). */
  storedDocuments(name: string): readonly Document[] {
    return this.collections.get(name)?.documents ?? [];
  }

  /**
   * A cheap undo point. Stored documents are never mutated in place (an update stores an updated copy,
   * a delete drops the reference), so it only remembers, per collection, the array of document
   * references (a pointer copy, ~10 µs for 10k events); restoring puts those very objects back. No
   * document is cloned or serialised. Restoring is linear in the collections that changed.
   * Id generators are not rewound: ids made since are simply never used, and later ids still sort
   * after every stored one (ruling 4).
   */
  checkpoint(): Checkpoint {
    const saved = new Map<string, Document[]>();
    for (const name of this.collectionNames()) saved.set(name, this.memoryCollection(name).documents.slice());
    return {
      restore: () => {
        for (const name of new Set([...this.collectionNames(), ...saved.keys()])) {
          const collection = this.memoryCollection(name);
          const before = saved.get(name) ?? [];
          const now = collection.documents;
          if (now.length === before.length && now.every((document, i) => document === before[i])) continue;
          // deleteMany + loadDocuments keep the collection's index definitions and rebuild their entries.
          collection.deleteMany({});
          if (before.length > 0) collection.loadDocuments(before);
        }
      },
      changes: () => {
        const now = new Map<string, readonly Document[]>();
        for (const name of this.collectionNames()) now.set(name, this.memoryCollection(name).documents);
        return diffStoredCollections(saved, now);
      },
    };
  }

  dropCollection(name: string): void {
    this.collections.delete(name);
  }

  newUuid7Hex(): string {
    return this.uuid7.next();
  }

  /**
   * Puts the id generators where an import of this DB's content would put them: new generators (drawing
   * from the random source as a new DB does) continuing above `largestUuid7`, the largest uuid7 in a
   * top-level field of a stored document ("" for none). A DB kept live between stateless calls then
   * makes exactly the ids a decoded copy of it would.
   */
  resetIdGenerators(largestUuid7: string): void {
    this.uuid7 = new Uuid7Generator(this.clock, this.random);
    this.objectIds = new ObjectIdGenerator(this.clock, this.random);
    if (largestUuid7 !== "") this.uuid7.observe(largestUuid7);
  }

  /** Makes later uuid7s sort above this one (used when importing). */
  observeUuid7(hex32: string): void {
    this.uuid7.observe(hex32);
  }

  newObjectId(): string {
    return this.objectIds.next();
  }

  now(): Date {
    return new Date(Math.floor(this.clock()));
  }
}
