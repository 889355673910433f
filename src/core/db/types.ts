/**
 * The virtual database's contract: named collections with the Mongo operations the engine, the
 * repositories and the modules use. Synchronous, because it is in-memory; documents are copied in
 * and out, so mutating a returned document never changes the DB.
 */

export type Document = Record<string, unknown>;
export type Filter = Record<string, unknown>;
export type Projection = Record<string, unknown>;
export type UpdateSpec = Record<string, unknown>;
export type PipelineStage = Record<string, unknown>;

/** `{field: 1|-1}` in key order, or `[[field, 1|-1], ...]` pairs. */
export type SortSpec = Record<string, 1 | -1> | ReadonlyArray<readonly [string, 1 | -1]>;

export interface FindOptions {
  projection?: Projection;
  sort?: SortSpec;
  skip?: number;
  limit?: number;
}

export interface UpdateOptions {
  upsert?: boolean;
}

export interface FindOneAndUpdateOptions extends UpdateOptions {
  sort?: SortSpec;
  projection?: Projection;
  /** Which version to return; Mongo's default is "before". */
  returnDocument?: "before" | "after";
}

export interface UpdateResult {
  matchedCount: number;
  modifiedCount: number;
  upsertedCount: number;
  upsertedId: unknown;
}

export interface IndexOptions {
  unique?: boolean;
  name?: string;
}

export interface Collection {
  readonly name: string;
  insertOne(document: Document): { insertedId: unknown };
  insertMany(documents: readonly Document[]): { insertedIds: unknown[] };
  find(filter?: Filter, options?: FindOptions): Document[];
  findOne(filter?: Filter, options?: Omit<FindOptions, "limit">): Document | null;
  countDocuments(filter?: Filter): number;
  distinct(field: string, filter?: Filter): unknown[];
  updateOne(filter: Filter, update: UpdateSpec, options?: UpdateOptions): UpdateResult;
  updateMany(filter: Filter, update: UpdateSpec, options?: UpdateOptions): UpdateResult;
  findOneAndUpdate(filter: Filter, update: UpdateSpec, options?: FindOneAndUpdateOptions): Document | null;
  replaceOne(filter: Filter, replacement: Document, options?: UpdateOptions): UpdateResult;
  deleteOne(filter: Filter): { deletedCount: number };
  deleteMany(filter: Filter): { deletedCount: number };
  aggregate(pipeline: readonly PipelineStage[]): Document[];
  createIndex(keys: Record<string, 1 | -1>, options?: IndexOptions): string;
}

export interface VirtualDb {
  collection(name: string): Collection;
  /** Names of the collections that hold at least one document, sorted. */
  collectionNames(): string[];
  dropCollection(name: string): void;
  /**
   * A uuid7-style 32-hex id, strictly greater than every id this DB has made or imported:
   * time-ordered ids (events, branches, ...) must sort in creation order (engine.md 2.1, ruling 4).
   */
  newUuid7Hex(): string;
  /** A Mongo ObjectId-like 24-hex id, the kind `_id` gets when a document has none. */
  newObjectId(): string;
  /** The clock the DB stamps documents with; injectable for tests. */
  now(): Date;
}

export interface VirtualDbOptions {
  /** Milliseconds since the epoch; defaults to Date.now. */
  clock?: () => number;
  /** Random source in [0, 1); defaults to Math.random. */
  random?: () => number;
}

/** The exported form: every non-empty collection, documents with real `Date` values. */
export type DbSnapshot = Record<string, Document[]>;
