/**
 * MongoDB's ordering of values (BSON comparison order), used for sorting in `find` and `$sort`:
 * missing = null < numbers < strings < objects < arrays < booleans < dates < regexes.
 * When sorting on an array field, Mongo uses the array's smallest element ascending and its largest
 * descending (an empty array sorts before null).
 */
import type { SortSpec } from "./types";

function typeRank(value: unknown): number {
  if (value === null || value === undefined) return 1;
  switch (typeof value) {
    case "number":
    case "bigint":
      return 2;
    case "string":
      return 3;
    case "boolean":
      return 8;
    case "object":
      if (Array.isArray(value)) return 5;
      if (value instanceof Date) return 9;
      if (value instanceof RegExp) return 11;
      return 4;
    default:
      return 12;
  }
}

export function compareValues(a: unknown, b: unknown): number {
  const rankA = typeRank(a);
  const rankB = typeRank(b);
  if (rankA !== rankB) return rankA < rankB ? -1 : 1;
  switch (rankA) {
    case 1:
      return 0;
    case 2:
    case 3:
    case 8:
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case 9: {
      const ta = (a as Date).getTime();
      const tb = (b as Date).getTime();
      return ta < tb ? -1 : ta > tb ? 1 : 0;
    }
    case 5: {
      const xs = a as unknown[];
      const ys = b as unknown[];
      const n = Math.min(xs.length, ys.length);
      for (let i = 0; i < n; i++) {
        const c = compareValues(xs[i], ys[i]);
        if (c !== 0) return c;
      }
      return xs.length - ys.length < 0 ? -1 : xs.length > ys.length ? 1 : 0;
    }
    case 4: {
      // Objects compare field by field in stored order: first the key's value type, then the name, then the value.
      const ka = Object.keys(a as object);
      const kb = Object.keys(b as object);
      const n = Math.min(ka.length, kb.length);
      for (let i = 0; i < n; i++) {
        const va = (a as Record<string, unknown>)[ka[i]];
        const vb = (b as Record<string, unknown>)[kb[i]];
        const rank = typeRank(va) - typeRank(vb);
        if (rank !== 0) return rank < 0 ? -1 : 1;
        if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
        const c = compareValues(va, vb);
        if (c !== 0) return c;
      }
      return ka.length < kb.length ? -1 : ka.length > kb.length ? 1 : 0;
    }
    case 11: {
      const ra = a as RegExp;
      const rb = b as RegExp;
      if (ra.source !== rb.source) return ra.source < rb.source ? -1 : 1;
      return ra.flags < rb.flags ? -1 : ra.flags > rb.flags ? 1 : 0;
    }
    default:
      return 0;
  }
}

/** Every value a dotted path reaches, descending through arrays like Mongo does; MISSING if none. */
export function resolvePathValues(document: unknown, path: string): unknown[] {
  const parts = path.split(".");
  const found: unknown[] = [];
  collect(document, parts, 0, found);
  return found;
}

function collect(value: unknown, parts: string[], index: number, out: unknown[]): void {
  if (index === parts.length) {
    out.push(value);
    return;
  }
  if (value === null || typeof value !== "object" || value instanceof Date) return;
  const key = parts[index];
  if (Array.isArray(value)) {
    // A numeric part may index the array itself; otherwise the path applies to each element.
    if (/^\d+$/.test(key)) {
      const element = value[Number(key)];
      if (element !== undefined) collect(element, parts, index + 1, out);
      return;
    }
    for (const element of value) {
      if (element !== null && typeof element === "object" && !Array.isArray(element)) collect(element, parts, index, out);
    }
    return;
  }
  const next = (value as Record<string, unknown>)[key];
  if (next !== undefined) collect(next, parts, index + 1, out);
}

/** The value a document sorts by for one key and direction (Mongo's array rule included). */
function sortKey(document: unknown, path: string, direction: 1 | -1): unknown {
  const values = path.includes(".") ? resolvePathValues(document, path) : [(document as Record<string, unknown>)[path]];
  const flat: unknown[] = [];
  for (const v of values) {
    if (Array.isArray(v)) {
      if (v.length === 0) flat.push(EMPTY_ARRAY_KEY);
      else for (const element of v) flat.push(element);
    } else flat.push(v);
  }
  if (flat.length === 0) return null;
  if (flat.length === 1) return flat[0];
  let best = flat[0];
  for (let i = 1; i < flat.length; i++) {
    const c = compareKeys(flat[i], best);
    if (direction === 1 ? c < 0 : c > 0) best = flat[i];
  }
  return best;
}

/** An empty array sorts below null (as Mongo's "undefined" does). */
const EMPTY_ARRAY_KEY = Symbol("empty array");

function compareKeys(a: unknown, b: unknown): number {
  if (a === EMPTY_ARRAY_KEY || b === EMPTY_ARRAY_KEY) {
    if (a === b) return 0;
    return a === EMPTY_ARRAY_KEY ? -1 : 1;
  }
  return compareValues(a, b);
}

export type NormalizedSort = Array<[string, 1 | -1]>;

export function normalizeSort(sort: SortSpec | Record<string, unknown> | undefined): NormalizedSort {
  if (sort === undefined || sort === null) return [];
  const pairs: Array<[string, unknown]> = Array.isArray(sort)
    ? (sort as Array<[string, unknown]>).map((pair) => {
        if (!Array.isArray(pair) || typeof pair[0] !== "string") throw new TypeError(`bad sort pair: ${JSON.stringify(pair)}`);
        return [pair[0], pair[1]];
      })
    : Object.entries(sort);
  return pairs.map(([field, direction]) => {
    if (direction !== 1 && direction !== -1) throw new TypeError(`sort direction for '${field}' must be 1 or -1, got ${JSON.stringify(direction)}`);
    return [field, direction];
  });
}

/** A stable sort (Array.prototype.sort is stable) of documents by the normalized spec, in place. */
export function sortDocuments<T>(documents: T[], sort: NormalizedSort): T[] {
  if (sort.length === 0) return documents;
  const keyed = documents.map((document) => ({ document, keys: sort.map(([path, direction]) => sortKey(document, path, direction)) }));
  keyed.sort((x, y) => {
    for (let i = 0; i < sort.length; i++) {
      const c = compareKeys(x.keys[i], y.keys[i]);
      if (c !== 0) return sort[i][1] === 1 ? c : -c;
    }
    return 0;
  });
  for (let i = 0; i < keyed.length; i++) documents[i] = keyed[i].document;
  return documents;
}
