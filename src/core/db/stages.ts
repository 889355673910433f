/**
 * Pipeline stages (and one query operator) where mingo 7.2.7 differs from MongoDB, replaced with MongoDB's semantics:
 * - `$sort`: BSON order (missing = null, booleans after objects/arrays) and the array min/max rule;
 * - `$sample`: draws without replacement (mingo repeats documents and can return more than exist);
 * - `$bucket`: MongoDB desugars it into `$group` on a `$switch` of the boundaries + `$sort` by `_id`
 *   (mingo puts a value equal to a boundary in the bucket below and emits empty buckets);
 * - `$lookup` (localField/foreignField form): matches come in the foreign collection's order, as a
 *   query on the foreign collection returns them (mingo orders them by the local array);
 * - the `$type` query operator: MongoDB's array rule (see typeQuery);
 * - the `$push` / `$addToSet` accumulators: a field path a document lacks adds nothing (mingo adds null).
 */
import { $addToSet as mingoAddToSet, $push as mingoPush } from "mingo/operators/accumulator";
import { $group, $lookup as mingoLookup } from "mingo/operators/pipeline";
import { resolve } from "mingo/util";
import { Lazy, type Iterator } from "mingo/lazy";
import type { AnyObject, Options } from "mingo/types";
import { normalizeSort, resolvePathValues, sortDocuments } from "./compare";
import { isPlainObject, keyOf, setPath } from "./values";

export function bsonSort(collection: Iterator, expr: AnyObject): Iterator {
  const spec = normalizeSort(expr as Record<string, 1 | -1>);
  if (spec.length === 0) throw new TypeError("$sort specification is invalid");
  return collection.transform((documents: unknown[]) => Lazy(sortDocuments(documents, spec)));
}

export function sampleWithoutReplacement(collection: Iterator, expr: AnyObject): Iterator {
  const size = expr.size;
  if (typeof size !== "number" || !Number.isInteger(size) || size < 0) throw new TypeError("$sample size must be a non-negative integer");
  return collection.transform((documents: unknown[]) => {
    const pool = documents.slice();
    const n = Math.min(size, pool.length);
    // Partial Fisher–Yates: the first n slots become a uniform sample.
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(Math.random() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    return Lazy(pool.slice(0, n));
  });
}

export function bucketAsGroup(collection: Iterator, expr: AnyObject, options: Options): Iterator {
  const boundaries = expr.boundaries;
  if (!Array.isArray(boundaries) || boundaries.length < 2) throw new TypeError("$bucket needs at least two boundaries");
  const groupBy = expr.groupBy;
  const branches = [];
  for (let i = 0; i < boundaries.length - 1; i++) {
    branches.push({
      case: { $and: [{ $gte: [groupBy, { $literal: boundaries[i] }] }, { $lt: [groupBy, { $literal: boundaries[i + 1] }] }] },
      then: { $literal: boundaries[i] },
    });
  }
  const id: AnyObject = { $switch: { branches } };
  if (expr.default !== undefined) (id.$switch as AnyObject).default = { $literal: expr.default };
  const output = isPlainObject(expr.output) ? expr.output : { count: { $sum: 1 } };
  const grouped = $group(collection, { _id: id, ...output }, options);
  return bsonSort(grouped, { _id: 1 });
}

/**
 * The keys a lookup field matches on: array values count element-wise, missing counts as null. A
 * foreign array also matches as a whole (an equality query on an array field does).
 */
function lookupKeys(document: unknown, path: string, wholeArrays: boolean): string[] {
  const values = resolvePathValues(document, path);
  if (values.length === 0) return [keyOf(null)];
  const keys: string[] = [];
  for (const value of values) {
    if (Array.isArray(value)) {
      for (const element of value) keys.push(keyOf(element));
      if (wholeArrays) keys.push(keyOf(value));
    } else keys.push(keyOf(value));
  }
  return keys;
}

export function lookupInForeignOrder(collection: Iterator, expr: AnyObject, options: Options): Iterator {
  const { from, localField, foreignField, as } = expr;
  if (typeof from !== "string" || typeof localField !== "string" || typeof foreignField !== "string" || expr.pipeline !== undefined || expr.let !== undefined) {
    return mingoLookup(collection, expr as never, options);
  }
  if (typeof as !== "string" || as === "") throw new TypeError("$lookup needs an 'as' field name");
  const resolver = options.collectionResolver;
  if (!resolver) throw new TypeError("$lookup needs a collection resolver");
  const foreign = resolver(from);
  const byKey = new Map<string, number[]>();
  foreign.forEach((document, index) => {
    for (const key of new Set(lookupKeys(document, foreignField, true))) {
      const list = byKey.get(key);
      if (list) list.push(index);
      else byKey.set(key, [index]);
    }
  });
  return collection.map((document: AnyObject) => {
    const hits = new Set<number>();
    for (const key of lookupKeys(document, localField, false)) for (const index of byKey.get(key) ?? []) hits.add(index);
    const matched = [...hits].sort((a, b) => a - b).map((index) => foreign[index]);
    const out = { ...document };
    setPath(out, as, matched); // setPath copies, so outputs never share foreign documents
    return out;
  });
}

const TYPE_ALIASES: Record<number, string> = { 1: "double", 2: "string", 3: "object", 4: "array", 8: "bool", 9: "date", 10: "null", 11: "regex", 16: "int", 18: "long", 19: "decimal" };

function hasBsonType(value: unknown, type: string): boolean {
  switch (type) {
    case "number":
      return typeof value === "number";
    case "double":
      return typeof value === "number" && !Number.isInteger(value);
    case "int":
      return typeof value === "number" && Number.isInteger(value) && value >= -2147483648 && value <= 2147483647;
    case "long":
      return typeof value === "number" && Number.isInteger(value) && (value < -2147483648 || value > 2147483647);
    case "decimal":
      return false;
    case "string":
      return typeof value === "string";
    case "bool":
      return typeof value === "boolean";
    case "null":
      return value === null;
    case "date":
      return value instanceof Date;
    case "regex":
      return value instanceof RegExp;
    case "array":
      return Array.isArray(value);
    case "object":
      return isPlainObject(value);
    default:
      return false;
  }
}

/**
 * `$type` with MongoDB's array rule: a field matches when its value, or an element of its array value,
 * has the type; `"array"` matches only a real array (not the values a dotted path collects from an
 * array of documents). mingo applies the type to the collected values as a whole.
 */
export function typeQuery(selector: string, value: unknown): (document: unknown) => boolean {
  const wanted = (Array.isArray(value) ? value : [value]).map((t) => {
    const name = typeof t === "number" ? TYPE_ALIASES[t] : t;
    if (typeof name !== "string") throw new TypeError(`$type: unknown type ${JSON.stringify(t)}`);
    return name;
  });
  return (document) => {
    for (const found of resolvePathValues(document, selector)) {
      for (const type of wanted) {
        if (hasBsonType(found, type)) return true;
        if (type !== "array" && Array.isArray(found) && found.some((element) => hasBsonType(element, type))) return true;
      }
    }
    return false;
  };
}

type Accumulator = (collection: AnyObject[], expr: unknown, options: Options) => unknown[];

/**
 * `$push` / `$addToSet` skip the documents a field-path expression (`"$a.b"`) finds nothing in, as
 * MongoDB (and mongomock, the original virtual server's DB) do: `{$push: "$x"}` over `{x: 1}`, `{}`,
 * `{x: null}` is `[1, null]`, not `[1, null, null]`. A present null is kept; other expressions
 * (`{y: "$x"}`, `$$` variables) are mingo's.
 */
function skippingMissing(accumulate: Accumulator): Accumulator {
  return (collection, expr, options) => {
    if (typeof expr !== "string" || !expr.startsWith("$") || expr.startsWith("$$") || expr.length < 2) return accumulate(collection, expr, options);
    const path = expr.slice(1);
    return accumulate(collection.filter((document) => resolve(document, path) !== undefined), expr, options);
  };
}

export const pushSkippingMissing = skippingMissing(mingoPush as unknown as Accumulator);
export const addToSetSkippingMissing = skippingMissing(mingoAddToSet as unknown as Accumulator);
