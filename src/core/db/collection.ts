/**
 * One named collection: an array of stored documents (private copies), queried with mingo.
 * Every write is all-or-nothing: changes are computed on copies, checked against the unique indexes,
 * and only then swapped in, so a failing updateMany or insertMany leaves the collection as it was.
 *
 * Invariants other code relies on (engine/event-view.ts, MemoryDb.checkpoint): a stored document is
 * never mutated in place (an update stores an updated copy at the same position), inserts append to
 * the same array, and a delete replaces the array.
 */
import { Aggregator } from "mingo/aggregator";
import { Query } from "mingo/query";
import { update as applyMingoUpdate } from "mingo/updater";
import type { Options } from "mingo/types";
import { TooDeepToStore, cloneDocument, cloneValue, cloneWithinDepth } from "./clone";
import { normalizeSort, resolvePathValues, sortDocuments } from "./compare";
import { WfvError } from "../errors";
import { asDbError, badDbRequest, DuplicateKeyError } from "./db-errors";
import { REFUSED_OPERATORS } from "./mingo-context";
import type {
  Collection,
  Document,
  Filter,
  FindOneAndUpdateOptions,
  FindOptions,
  IndexOptions,
  PipelineStage,
  Projection,
  UpdateOptions,
  UpdateResult,
  UpdateSpec,
} from "./types";
import { toExtendedJson } from "../json/extended-json";
import { MAX_NESTING_DEPTH, getPath, isPlainObject, keyOf, setPath, withinNestingDepth } from "./values";

/** What a collection needs from its database. */
export interface CollectionHost {
  readonly mingoOptions: Partial<Options>;
  newObjectId(): string;
}

const UPDATE_OPERATORS = new Set([
  "$addToSet",
  "$bit",
  "$currentDate",
  "$inc",
  "$max",
  "$min",
  "$mul",
  "$pop",
  "$pull",
  "$pullAll",
  "$push",
  "$rename",
  "$set",
  "$unset",
  "$setOnInsert",
]);

interface UniqueIndex {
  name: string;
  fields: string[];
  /** Index key → the stored document holding it. */
  entries: Map<unknown, Document>;
}

interface IndexInfo {
  name: string;
  keys: Record<string, 1 | -1>;
  unique: boolean;
}

/**
 * The `_id` index key: strings and numbers as themselves (a Map keeps 1 and "1" apart, and building
 * no key strings keeps imports fast), anything else as its canonical text behind a NUL.
 */
function idKey(id: unknown): unknown {
  if (typeof id === "string" || typeof id === "number" || typeof id === "boolean") return id;
  if (id === null || id === undefined) return null;
  return "\u0000" + keyOf(id);
}

/** Throws if the filter, update or pipeline uses an operator the virtual DB refuses. */
function refuseScripts(value: unknown, where: string): void {
  if (value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    for (const element of value) refuseScripts(element, where);
    return;
  }
  if (value instanceof Date || value instanceof RegExp) return;
  for (const key in value) {
    if (key.charCodeAt(0) === 36 /* $ */ && key in REFUSED_OPERATORS) {
      throw badDbRequest(`${key} is not supported by the virtual DB (it ${REFUSED_OPERATORS[key]}); found in ${where}`, {
        operator: key,
        where,
      });
    }
    refuseScripts((value as Record<string, unknown>)[key], where);
  }
}

function requireObject(value: unknown, what: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw badDbRequest(`${what} must be an object, got ${JSON.stringify(toExtendedJson(value))}`, { what });
  return value;
}

/**
 * The document an upsert starts from: the filter's equality conditions (`{a: v}`, `{a: {$eq: v}}`,
 * dotted keys, and the same inside `$and`), as Mongo seeds it.
 */
function seedFromFilter(filter: Filter, seed: Record<string, unknown> = {}): Record<string, unknown> {
  for (const key of Object.keys(filter)) {
    const condition = filter[key];
    if (key === "$and" && Array.isArray(condition)) {
      for (const clause of condition) if (isPlainObject(clause)) seedFromFilter(clause, seed);
      continue;
    }
    if (key.startsWith("$")) continue;
    if (isPlainObject(condition)) {
      const keys = Object.keys(condition);
      const hasOperators = keys.some((k) => k.startsWith("$"));
      if (!hasOperators) setPath(seed, key, condition);
      else if (keys.length === 1 && keys[0] === "$eq") setPath(seed, key, condition.$eq);
      continue;
    }
    if (condition instanceof RegExp) continue;
    setPath(seed, key, condition);
  }
  return seed;
}

function sameValue(a: unknown, b: unknown): boolean {
  return keyOf(a) === keyOf(b);
}

export class MemoryCollection implements Collection {
  /** The stored documents, in insertion order; never handed out. */
  documents: Document[] = [];
  private readonly idIndex = new Map<unknown, Document>();
  private readonly uniqueIndexes: UniqueIndex[] = [];
  private readonly indexInfos: IndexInfo[] = [];

  constructor(
    readonly name: string,
    private readonly host: CollectionHost,
  ) {}

  /**
   * A generated `_id` not used in this collection. Ids from an injected clock and random source repeat
   * across DBs made the same way (a test importing its own export), so a taken one is skipped.
   */
  private freshId(): string {
    let id = this.host.newObjectId();
    while (this.idIndex.has(id)) id = this.host.newObjectId();
    return id;
  }

  // ----- reading ---------------------------------------------------------------------------------

  private compile(filter: Filter | undefined, operation: string): Query | null {
    const condition = requireObject(filter, "filter");
    if (Object.keys(condition).length === 0) return null;
    refuseScripts(condition, `the ${operation} filter`);
    try {
      return new Query(condition, this.host.mingoOptions);
    } catch (error) {
      throw asDbError(error, operation, this.name);
    }
  }

  /** Stored documents that match, in stored order (not copies). */
  private matching(filter: Filter | undefined, operation: string, firstOnly = false): Document[] {
    const query = this.compile(filter, operation);
    if (query === null) return firstOnly ? this.documents.slice(0, 1) : this.documents.slice();
    const out: Document[] = [];
    try {
      for (const document of this.documents) {
        if (query.test(document)) {
          out.push(document);
          if (firstOnly) break;
        }
      }
    } catch (error) {
      throw asDbError(error, operation, this.name);
    }
    return out;
  }

  private project(documents: Document[], projection: Projection | undefined, operation: string): Document[] {
    const spec = requireObject(projection, "projection");
    if (Object.keys(spec).length === 0) return documents.map(cloneDocument);
    refuseScripts(spec, `the ${operation} projection`);
    try {
      const projected = new Query({}, this.host.mingoOptions).find<Document>(documents, spec).all();
      // mingo's projection may share nested values with the stored documents.
      return projected.map(cloneDocument);
    } catch (error) {
      throw asDbError(error, operation, this.name);
    }
  }

  private select(filter: Filter | undefined, options: FindOptions, operation: string): Document[] {
    const sort = this.sortSpec(options.sort, operation);
    const skip = this.count(options.skip, "skip");
    let limit = this.count(options.limit, "limit", true);
    const firstOnly = sort.length === 0 && skip === 0 && limit === 1;
    let selected = this.matching(filter, operation, firstOnly);
    if (sort.length > 0) selected = sortDocuments(selected, sort);
    if (limit < 0) limit = -limit;
    if (skip > 0 || limit > 0) selected = selected.slice(skip, limit > 0 ? skip + limit : undefined);
    return selected;
  }

  private sortSpec(sort: FindOptions["sort"], operation: string) {
    try {
      return normalizeSort(sort);
    } catch (error) {
      throw badDbRequest(`${operation} on '${this.name}': ${(error as Error).message}`, { operation, collection: this.name });
    }
  }

  private count(value: unknown, what: string, allowNegative = false): number {
    if (value === undefined || value === null) return 0;
    if (typeof value !== "number" || !Number.isInteger(value) || (!allowNegative && value < 0)) {
      throw badDbRequest(`${what} must be ${allowNegative ? "an integer" : "a non-negative integer"}, got ${JSON.stringify(value)}`, {
        collection: this.name,
      });
    }
    return value;
  }

  find(filter?: Filter, options: FindOptions = {}): Document[] {
    return this.project(this.select(filter, options, "find"), options.projection, "find");
  }

  findOne(filter?: Filter, options: Omit<FindOptions, "limit"> = {}): Document | null {
    const found = this.select(filter, { ...options, limit: 1 }, "findOne");
    return found.length === 0 ? null : this.project(found, options.projection, "findOne")[0];
  }

  countDocuments(filter?: Filter): number {
    const query = this.compile(filter, "countDocuments");
    if (query === null) return this.documents.length;
    let n = 0;
    try {
      for (const document of this.documents) if (query.test(document)) n++;
    } catch (error) {
      throw asDbError(error, "countDocuments", this.name);
    }
    return n;
  }

  /** Distinct values of a (dotted) field over the matching documents; array values count element-wise. */
  distinct(field: string, filter?: Filter): unknown[] {
    if (typeof field !== "string" || field === "") throw badDbRequest("distinct needs a field name", { collection: this.name });
    const seen = new Set<string>();
    const out: unknown[] = [];
    const add = (value: unknown) => {
      if (value === undefined) return;
      const key = keyOf(value);
      if (seen.has(key)) return;
      seen.add(key);
      out.push(cloneValue(value));
    };
    for (const document of this.matching(filter, "distinct")) {
      for (const value of resolvePathValues(document, field)) {
        if (Array.isArray(value)) for (const element of value) add(element);
        else add(value);
      }
    }
    return out;
  }

  aggregate(pipeline: readonly PipelineStage[]): Document[] {
    if (!Array.isArray(pipeline)) throw badDbRequest("aggregate needs a pipeline array", { collection: this.name });
    pipeline.forEach((stage, i) => {
      if (!isPlainObject(stage) || Object.keys(stage).length !== 1 || !Object.keys(stage)[0].startsWith("$")) {
        throw badDbRequest(`pipeline stage ${i} must be an object with exactly one $-operator`, { collection: this.name, stage: i });
      }
    });
    refuseScripts(pipeline, "the pipeline");
    // A leading $match runs on the stored documents, so only the documents it keeps are copied.
    let stages = pipeline as PipelineStage[];
    let input: Document[];
    if (stages.length > 0 && "$match" in stages[0]) {
      input = this.matching(stages[0].$match as Filter, "aggregate");
      stages = stages.slice(1);
    } else {
      input = this.documents;
    }
    const copies = input.map(cloneDocument);
    if (stages.length === 0) return copies;
    try {
      return new Aggregator(stages, this.host.mingoOptions).run<Document>(copies);
    } catch (error) {
      throw asDbError(error, "aggregate", this.name);
    }
  }

  // ----- writing ---------------------------------------------------------------------------------

  private prepareInsert(document: Document): Document {
    if (!isPlainObject(document)) throw badDbRequest(`a document must be an object, got ${JSON.stringify(toExtendedJson(document))}`, { collection: this.name });
    const copy = this.copyIn(document);
    if (copy._id === undefined) return { _id: this.freshId(), ...copy };
    return copy;
  }

  /** The private copy a write stores, refused when deeper than MongoDB's limit. */
  private copyIn(document: Document): Document {
    try {
      return cloneWithinDepth(document, MAX_NESTING_DEPTH);
    } catch (error) {
      if (error instanceof TooDeepToStore) throw this.tooDeep();
      throw error;
    }
  }

  private tooDeep(): WfvError {
    return badDbRequest(`document exceeds the maximum nesting depth of ${MAX_NESTING_DEPTH} levels (MongoDB's BSON limit)`, {
      collection: this.name,
      limit: MAX_NESTING_DEPTH,
    });
  }

  /** MongoDB refuses documents nested deeper than its BSON limit; so do we (and deep data cannot break export). */
  private requireDepth(document: Document): void {
    if (!withinNestingDepth(document)) throw this.tooDeep();
  }

  insertOne(document: Document): { insertedId: unknown } {
    const prepared = this.prepareInsert(document);
    this.commit([], [prepared]);
    this.documents.push(prepared);
    return { insertedId: cloneValue(prepared._id) };
  }

  insertMany(documents: readonly Document[]): { insertedIds: unknown[] } {
    if (!Array.isArray(documents)) throw badDbRequest("insertMany needs an array of documents", { collection: this.name });
    const prepared = documents.map((document) => this.prepareInsert(document));
    this.commit([], prepared);
    for (const document of prepared) this.documents.push(document);
    return { insertedIds: prepared.map((document) => cloneValue(document._id)) };
  }

  /** Loads already-copied documents (import): same checks as insertMany, no `_id` copies. */
  loadDocuments(documents: Document[]): void {
    const prepared = documents.map((document) => (document._id === undefined ? { _id: this.freshId(), ...document } : document));
    if (this.documents.length === 0 && this.uniqueIndexes.length === 0) {
      // Import into an empty collection: only _id to check, and undoing means forgetting what was added.
      for (let i = 0; i < prepared.length; i++) {
        const key = idKey(prepared[i]._id);
        if (this.idIndex.has(key)) {
          const duplicate = this.duplicate(null, prepared[i]);
          this.idIndex.clear();
          throw duplicate;
        }
        this.idIndex.set(key, prepared[i]);
      }
      this.documents = prepared;
      return;
    }
    this.commit([], prepared);
    for (const document of prepared) this.documents.push(document);
  }

  private splitUpdate(update: UpdateSpec): { modifier: Record<string, unknown>; setOnInsert: Record<string, unknown> | null } {
    if (!isPlainObject(update)) throw badDbRequest("the update must be an object of $-operators", { collection: this.name });
    const keys = Object.keys(update);
    if (keys.length === 0) throw badDbRequest("the update document is empty", { collection: this.name });
    const modifier: Record<string, unknown> = {};
    let setOnInsert: Record<string, unknown> | null = null;
    for (const key of keys) {
      if (!key.startsWith("$")) throw badDbRequest(`update only works with $ operators (found '${key}'); use replaceOne to replace a document`, { collection: this.name });
      if (!UPDATE_OPERATORS.has(key)) throw badDbRequest(`unknown update operator ${key}`, { collection: this.name, operator: key });
      const operand = update[key];
      if (!isPlainObject(operand)) throw badDbRequest(`${key} needs an object of fields`, { collection: this.name, operator: key });
      if (key === "$setOnInsert") setOnInsert = operand;
      else if (Object.keys(operand).length > 0) modifier[key] = operand;
    }
    refuseScripts(update, "the update");
    if (setOnInsert) this.refuseOverlap(Object.keys(setOnInsert), modifier);
    return { modifier, setOnInsert };
  }

  /** MongoDB refuses an update that names one path (or a path and its parent) in two operators. */
  private refuseOverlap(paths: string[], modifier: Record<string, unknown>): void {
    const others = Object.entries(modifier).flatMap(([op, operand]) => [
      ...Object.keys(operand as object),
      ...(op === "$rename" ? Object.values(operand as object).map(String) : []),
    ]);
    for (const path of paths) {
      const clash = others.find((other) => other === path || other.startsWith(path + ".") || path.startsWith(other + "."));
      if (clash !== undefined) throw badDbRequest(`Updating the path '${path}' would create a conflict at '${clash}'`, { collection: this.name });
    }
  }

  /** Applies mingo's update operators to `document` in place; true when something changed. */
  private applyModifier(document: Document, update: Record<string, unknown>, filter: Filter): boolean {
    const modifier = "$addToSet" in update ? this.rewriteAddToSet(document, update) : update;
    if (Object.keys(modifier).length === 0) return false;
    this.requireNumericTargets(document, modifier);
    const before = document._id;
    let changed: string[];
    try {
      changed = applyMingoUpdate(document, modifier, [], filter, { cloneMode: "deep", queryOptions: this.host.mingoOptions });
    } catch (error) {
      throw asDbError(error, "update", this.name);
    }
    if (!sameValue(before, document._id)) {
      throw badDbRequest("Performing an update on the path '_id' would modify the immutable field '_id'", { collection: this.name });
    }
    if (changed.length > 0) this.requireDepth(document);
    return changed.length > 0;
  }

  /** MongoDB refuses $inc/$mul on a present non-numeric value; mingo silently skips it. */
  private requireNumericTargets(document: Document, modifier: Record<string, unknown>): void {
    for (const op of ["$inc", "$mul"]) {
      const operand = modifier[op] as Record<string, unknown> | undefined;
      if (operand === undefined) continue;
      for (const path of Object.keys(operand)) {
        if (path.includes("$")) continue;
        const current = getPath(document, path);
        if (current !== undefined && typeof current !== "number") {
          const type = current === null ? "null" : Array.isArray(current) ? "array" : current instanceof Date ? "date" : typeof current;
          throw badDbRequest(
            `Cannot apply ${op} to a value of non-numeric type. {_id: ${JSON.stringify(toExtendedJson(document._id))}} has the field '${path.split(".").pop()}' of non-numeric type ${type}`,
            { collection: this.name, operator: op, path },
          );
        }
      }
    }
  }

  /**
   * mingo's $addToSet de-duplicates the whole existing array (and then misses the change); MongoDB only
   * appends the values that are not there yet. Plain paths are turned into an equivalent `$set`.
   */
  private rewriteAddToSet(document: Document, modifier: Record<string, unknown>): Record<string, unknown> {
    const spec = modifier.$addToSet as Record<string, unknown>;
    const paths = Object.keys(spec);
    if (paths.some((path) => path.includes("$"))) return modifier;
    const rest: Record<string, unknown> = { ...modifier };
    delete rest.$addToSet;
    this.refuseOverlap(paths, rest);
    const set: Record<string, unknown> = { ...((rest.$set as Record<string, unknown>) ?? {}) };
    let changed = false;
    for (const path of paths) {
      const value = spec[path];
      const additions = isPlainObject(value) && "$each" in value ? value.$each : [value];
      if (!Array.isArray(additions)) throw badDbRequest("The argument to $each in $addToSet must be an array", { collection: this.name });
      const current = getPath(document, path);
      if (current !== undefined && !Array.isArray(current)) {
        throw badDbRequest(`Cannot apply $addToSet to non-array field. Field named '${path.split(".").pop()}' has non-array type ${current === null ? "null" : typeof current}`, {
          collection: this.name,
        });
      }
      const next = current === undefined ? [] : current.slice();
      const present = new Set(next.map(keyOf));
      for (const addition of additions) {
        const key = keyOf(addition);
        if (present.has(key)) continue;
        present.add(key);
        next.push(cloneValue(addition));
      }
      if (current === undefined || next.length !== current.length) {
        set[path] = next;
        changed = true;
      }
    }
    if (changed) rest.$set = set;
    return rest;
  }

  private upsertDocument(filter: Filter, modifier: Record<string, unknown>, setOnInsert: Record<string, unknown> | null): Document {
    const seeded = seedFromFilter(filter);
    const document: Document = seeded._id === undefined ? { _id: this.freshId(), ...seeded } : { _id: seeded._id, ...seeded };
    this.applyModifier(document, modifier, {});
    if (setOnInsert && Object.keys(setOnInsert).length > 0) this.applyModifier(document, { $set: setOnInsert }, {});
    return document;
  }

  private updateDocuments(filter: Filter, update: UpdateSpec, options: UpdateOptions, many: boolean, sort?: FindOptions["sort"]) {
    const { modifier, setOnInsert } = this.splitUpdate(update);
    const condition = requireObject(filter, "filter");
    let targets: Document[];
    if (sort !== undefined) targets = this.select(condition, { sort, limit: many ? 0 : 1 }, "update");
    else targets = this.matching(condition, "update", !many);
    if (targets.length === 0) {
      if (!options.upsert) return { matchedCount: 0, modifiedCount: 0, upsertedCount: 0, upsertedId: null, before: null, after: null };
      const inserted = this.upsertDocument(condition, modifier, setOnInsert);
      this.commit([], [inserted]);
      this.documents.push(inserted);
      return { matchedCount: 0, modifiedCount: 0, upsertedCount: 1, upsertedId: cloneValue(inserted._id), before: null, after: inserted };
    }
    const replaced: Document[] = [];
    const replacements: Document[] = [];
    for (const target of targets) {
      const copy = cloneDocument(target);
      if (this.applyModifier(copy, modifier, condition)) {
        replaced.push(target);
        replacements.push(copy);
      }
    }
    this.swap(replaced, replacements);
    const after = replacements.length > 0 && replaced[0] === targets[0] ? replacements[0] : targets[0];
    return { matchedCount: targets.length, modifiedCount: replacements.length, upsertedCount: 0, upsertedId: null, before: targets[0], after };
  }

  private result(r: { matchedCount: number; modifiedCount: number; upsertedCount: number; upsertedId: unknown }): UpdateResult {
    return { matchedCount: r.matchedCount, modifiedCount: r.modifiedCount, upsertedCount: r.upsertedCount, upsertedId: r.upsertedId };
  }

  updateOne(filter: Filter, update: UpdateSpec, options: UpdateOptions = {}): UpdateResult {
    return this.result(this.updateDocuments(filter, update, options, false));
  }

  updateMany(filter: Filter, update: UpdateSpec, options: UpdateOptions = {}): UpdateResult {
    return this.result(this.updateDocuments(filter, update, options, true));
  }

  findOneAndUpdate(filter: Filter, update: UpdateSpec, options: FindOneAndUpdateOptions = {}): Document | null {
    const r = this.updateDocuments(filter, update, options, false, options.sort ?? undefined);
    const chosen = options.returnDocument === "after" ? r.after : r.before;
    return chosen === null ? null : this.project([chosen], options.projection, "findOneAndUpdate")[0];
  }

  replaceOne(filter: Filter, replacement: Document, options: UpdateOptions = {}): UpdateResult {
    if (!isPlainObject(replacement)) throw badDbRequest("the replacement must be a document", { collection: this.name });
    const operator = Object.keys(replacement).find((key) => key.startsWith("$"));
    if (operator) throw badDbRequest(`a replacement document may not contain update operators (found '${operator}')`, { collection: this.name });
    const condition = requireObject(filter, "filter");
    const [target] = this.matching(condition, "replaceOne", true);
    if (target === undefined) {
      if (!options.upsert) return { matchedCount: 0, modifiedCount: 0, upsertedCount: 0, upsertedId: null };
      const seededId = seedFromFilter(condition)._id;
      const copy = this.copyIn(replacement);
      const id = copy._id ?? seededId ?? this.freshId();
      const inserted: Document = { _id: id, ...copy };
      this.commit([], [inserted]);
      this.documents.push(inserted);
      return { matchedCount: 0, modifiedCount: 0, upsertedCount: 1, upsertedId: cloneValue(id) };
    }
    const copy = this.copyIn(replacement);
    if (copy._id !== undefined && !sameValue(copy._id, target._id)) {
      throw badDbRequest("the _id field cannot be changed by a replacement", { collection: this.name });
    }
    const next: Document = { _id: target._id, ...copy };
    const unchanged = JSON.stringify(toExtendedJson(next)) === JSON.stringify(toExtendedJson(target));
    if (!unchanged) this.swap([target], [next]);
    return { matchedCount: 1, modifiedCount: unchanged ? 0 : 1, upsertedCount: 0, upsertedId: null };
  }

  deleteOne(filter: Filter): { deletedCount: number } {
    return { deletedCount: this.remove(this.matching(filter, "deleteOne", true)) };
  }

  deleteMany(filter: Filter): { deletedCount: number } {
    return { deletedCount: this.remove(this.matching(filter, "deleteMany")) };
  }

  private remove(victims: Document[]): number {
    if (victims.length === 0) return 0;
    this.commit(victims, []);
    const gone = new Set(victims);
    this.documents = this.documents.filter((document) => !gone.has(document));
    return victims.length;
  }

  /** Replaces stored documents by their updated copies, keeping their positions. */
  private swap(replaced: Document[], replacements: Document[]): void {
    if (replaced.length === 0) return;
    this.commit(replaced, replacements);
    const byOld = new Map<Document, Document>();
    replaced.forEach((old, i) => byOld.set(old, replacements[i]));
    for (let i = 0; i < this.documents.length; i++) {
      const next = byOld.get(this.documents[i]);
      if (next !== undefined) this.documents[i] = next;
    }
  }

  // ----- indexes ---------------------------------------------------------------------------------

  private indexKey(index: UniqueIndex, document: Document): string {
    if (index.fields.length === 1) return keyOf(this.indexValue(document, index.fields[0]));
    return index.fields.map((field) => keyOf(this.indexValue(document, field))).join("\u0000");
  }

  private indexValue(document: Document, field: string): unknown {
    const values = field.includes(".") ? resolvePathValues(document, field) : [document[field]];
    const value = values.length === 0 ? null : values.length === 1 ? values[0] : values;
    return value === undefined ? null : value;
  }

  private duplicate(index: UniqueIndex | null, document: Document): DuplicateKeyError {
    if (index === null) return new DuplicateKeyError(this.name, "_id_", { _id: document._id });
    const key: Record<string, unknown> = {};
    for (const field of index.fields) key[field] = this.indexValue(document, field);
    return new DuplicateKeyError(this.name, index.name, key);
  }

  /**
   * Moves index entries from `removed` to `added` documents, or throws a duplicate-key error and
   * leaves every index as it was.
   */
  private commit(removed: Document[], added: Document[]): void {
    if (removed.length === 0 && added.length === 1 && this.uniqueIndexes.length === 0) {
      // The common case (one insert, no unique index besides _id) without the general bookkeeping.
      const key = idKey(added[0]._id);
      if (this.idIndex.has(key)) throw this.duplicate(null, added[0]);
      this.idIndex.set(key, added[0]);
      return;
    }
    const indexes: Array<UniqueIndex | null> = [null, ...this.uniqueIndexes];
    // Flat undo logs (map, key, document) instead of a closure per document: bulk loads go through here.
    const undoMaps: Array<Map<unknown, Document>> = [];
    const undoKeys: unknown[] = [];
    const undoDocuments: Array<Document | undefined> = [];
    try {
      for (const index of indexes) {
        const map: Map<unknown, Document> = index === null ? this.idIndex : index.entries;
        for (const document of removed) {
          const key = index === null ? idKey(document._id) : this.indexKey(index, document);
          if (map.get(key) === document) {
            map.delete(key);
            undoMaps.push(map);
            undoKeys.push(key);
            undoDocuments.push(document);
          }
        }
        for (const document of added) {
          const key = index === null ? idKey(document._id) : this.indexKey(index, document);
          if (map.has(key)) throw this.duplicate(index, document);
          map.set(key, document);
          undoMaps.push(map);
          undoKeys.push(key);
          undoDocuments.push(undefined);
        }
      }
    } catch (error) {
      for (let i = undoMaps.length - 1; i >= 0; i--) {
        const previous = undoDocuments[i];
        if (previous === undefined) undoMaps[i].delete(undoKeys[i]);
        else undoMaps[i].set(undoKeys[i], previous);
      }
      throw error;
    }
  }

  createIndex(keys: Record<string, 1 | -1>, options: IndexOptions = {}): string {
    const spec = Array.isArray(keys) ? Object.fromEntries(keys as Array<[string, 1 | -1]>) : keys;
    if (!isPlainObject(spec) || Object.keys(spec).length === 0) throw badDbRequest("createIndex needs at least one key", { collection: this.name });
    const fields = Object.keys(spec);
    const name = options.name ?? fields.map((field) => `${field}_${spec[field]}`).join("_");
    const existing = this.indexInfos.find((info) => info.name === name);
    if (existing) return name;
    const unique = options.unique === true;
    if (unique && !(fields.length === 1 && fields[0] === "_id")) {
      const index: UniqueIndex = { name, fields, entries: new Map() };
      for (const document of this.documents) {
        const key = this.indexKey(index, document);
        if (index.entries.has(key)) throw this.duplicate(index, document);
        index.entries.set(key, document);
      }
      this.uniqueIndexes.push(index);
    }
    this.indexInfos.push({ name, keys: { ...spec } as Record<string, 1 | -1>, unique });
    return name;
  }

  /** The indexes created on this collection (besides the implicit unique `_id`). */
  listIndexes(): IndexInfo[] {
    return this.indexInfos.map((info) => ({ ...info, keys: { ...info.keys } }));
  }
}
