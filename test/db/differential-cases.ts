/**
 * Deterministic generator of Mongo operations for the mongomock differential test: find / findOne /
 * count / distinct / update / upsert / delete / aggregate, built from the operators modules.md §6 lists.
 * Every case runs on its own collection seeded with the same documents (explicit `_id`s, so generated
 * ids never need comparing); writes are followed by a read of the whole collection.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Op = { op: string; collection: string } & Record<string, Json>;

export interface DiffCase {
  id: number;
  kind: string;
  /** Lines to run; `checked` are the indexes whose answers are compared. */
  lines: Op[];
  checked: number[];
  /** Whether array order of the answer counts (a sort was given). */
  ordered: boolean[];
}

/** mulberry32: small, seedable, good enough for test generation. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const date = (iso: string): Json => ({ $date: iso });

const STRINGS = ["alpha", "beta", "gamma", "delta", "Alpha", "epsilon", "zeta"];
const TAGS = ["red", "green", "blue", "cyan"];

/** The seed documents: mixed presence, nulls, arrays, nested objects, arrays of objects, dates. */
export function seedDocuments(random: () => number): Json[] {
  const docs: Json[] = [];
  for (let i = 0; i < 14; i++) {
    const doc: { [key: string]: Json } = { _id: `d${String(i).padStart(2, "0")}` };
    const r = () => random();
    if (r() < 0.85) doc.n = r() < 0.15 ? null : Math.floor(r() * 20) - 5;
    if (r() < 0.2 && doc.n !== undefined && doc.n !== null) doc.n = (doc.n as number) + 0.5;
    if (r() < 0.85) doc.s = STRINGS[Math.floor(r() * STRINGS.length)];
    if (r() < 0.8) {
      const count = Math.floor(r() * 4);
      const tags: string[] = [];
      for (let k = 0; k < count; k++) tags.push(TAGS[Math.floor(r() * TAGS.length)]);
      doc.tags = tags;
    }
    if (r() < 0.75) {
      doc.nested = { x: Math.floor(r() * 6), y: STRINGS[Math.floor(r() * 3)] };
      if (r() < 0.3) delete (doc.nested as Record<string, Json>).x;
    }
    if (r() < 0.7) {
      const count = 1 + Math.floor(r() * 3);
      const arr: Json[] = [];
      for (let k = 0; k < count; k++) arr.push({ k: TAGS[Math.floor(r() * TAGS.length)], v: Math.floor(r() * 10) });
      doc.arr = arr;
    }
    if (r() < 0.7) doc.d = date(`2024-0${1 + Math.floor(r() * 8)}-1${Math.floor(r() * 9)}T0${Math.floor(r() * 9)}:00:00.000Z`);
    if (r() < 0.6) doc.flag = r() < 0.5;
    if (r() < 0.7) doc.g = ["a", "b", "c"][Math.floor(r() * 3)];
    docs.push(doc);
  }
  return docs;
}

const LOOKUP_DOCS: Json[] = [
  { _id: "c1", tag: "red", label: "warm", rank: 1 },
  { _id: "c2", tag: "blue", label: "cool", rank: 2 },
  { _id: "c3", tag: "green", label: "natural", rank: 3 },
  { _id: "c4", tag: "red", label: "alert", rank: 4 },
];

class Gen {
  constructor(private readonly random: () => number) {}

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  scalarFor(field: string): Json {
    switch (field) {
      case "n":
        return this.int(-5, 15);
      case "s":
      case "nested.y":
        return this.pick(STRINGS);
      case "tags":
      case "arr.k":
        return this.pick(TAGS);
      case "nested.x":
        return this.int(0, 5);
      case "arr.v":
        return this.int(0, 9);
      case "d":
        return date(`2024-0${this.int(1, 8)}-15T00:00:00.000Z`);
      case "flag":
        return this.chance(0.5);
      case "g":
        return this.pick(["a", "b", "c"]);
      default:
        return this.int(0, 5);
    }
  }

  /** One predicate on one field. */
  predicate(): { [key: string]: Json } {
    const field = this.pick(["n", "s", "tags", "nested.x", "nested.y", "arr.k", "arr.v", "d", "flag", "g", "missing"]);
    const v = () => this.scalarFor(field);
    switch (this.int(0, 15)) {
      case 0:
        return { [field]: v() };
      case 1:
        return { [field]: { $eq: v() } };
      case 2:
        return { [field]: { $ne: v() } };
      case 3:
        return { [field]: { [this.pick(["$gt", "$gte", "$lt", "$lte"])]: v() } };
      case 4:
        return { [field]: { $gte: v(), $lte: v() } };
      case 5:
        return { [field]: { $in: [v(), v(), ...(this.chance(0.3) ? [null] : [])] } };
      case 6:
        return { [field]: { $nin: [v(), v()] } };
      case 7:
        return { [field]: { $exists: this.chance(0.5) } };
      case 8:
        return { [field]: { $type: this.pick(["string", "number", "array", "null", "bool", "object", "date"]) } };
      case 9:
        return { tags: this.chance(0.5) ? { $all: [this.pick(TAGS), this.pick(TAGS)] } : { $size: this.int(0, 3) } };
      case 10:
        return { arr: { $elemMatch: { k: this.pick(TAGS), v: { [this.pick(["$gt", "$lte"])]: this.int(0, 9) } } } };
      case 11:
        return { s: { $regex: this.pick(["^a", "a$", "ta", "^[A-Z]", "mm"]), ...(this.chance(0.3) ? { $options: "i" } : {}) } };
      case 12:
        return { n: { $mod: [this.int(2, 4), this.int(0, 1)] } };
      case 13:
      {
        const op = this.pick(["$gt", "$lt", "$in"]);
        return { [field]: { $not: { [op]: op === "$in" ? [v(), v()] : v() } } };
      }
      case 14:
        return { "arr.0.v": { $gte: this.int(0, 9) } };
      default:
        return { [field]: null };
    }
  }

  filter(): { [key: string]: Json } {
    switch (this.int(0, 7)) {
      case 0:
        return {};
      case 1:
        return { $and: [this.predicate(), this.predicate()] };
      case 2:
        return { $or: [this.predicate(), this.predicate()] };
      case 3:
        return { $nor: [this.predicate()] };
      case 4:
        return { ...this.predicate(), ...this.predicate() };
      default:
        return this.predicate();
    }
  }

  sort(): Array<[string, 1 | -1]> {
    const field = this.pick(["n", "s", "d", "nested.x", "g", "flag", "tags"]);
    const direction = this.pick([1, -1] as const);
    return [[field, direction], ["_id", this.pick([1, -1] as const)]];
  }

  projection(): { [key: string]: Json } | undefined {
    const projections: Array<{ [key: string]: Json } | undefined> = [undefined, { _id: 0, n: 1, s: 1 }, { tags: 0, arr: 0 }, { "nested.x": 1, n: 1 }, { _id: 1, g: 1 }, { nested: 0 }];
    return this.pick(projections);
  }

  update(): { [key: string]: Json } {
    const ops: { [key: string]: Json } = {};
    const count = this.int(1, 2);
    for (let i = 0; i < count; i++) {
      switch (this.int(0, 12)) {
        case 0:
          ops.$set = { ...((ops.$set as object) ?? {}), [this.pick(["s", "g", "newfield"])]: this.pick(STRINGS) };
          break;
        case 1:
          ops.$set = { ...((ops.$set as object) ?? {}), "nested.z": this.int(0, 9) };
          break;
        case 2:
          ops.$inc = { [this.pick(["n", "counter", "nested.x"])]: this.pick([1, -2, 5]) };
          break;
        case 3:
          ops.$unset = { [this.pick(["s", "tags", "nested.y", "missing"])]: "" };
          break;
        case 4:
          ops.$push = { [this.pick(["tags", "pushed"])]: this.pick(TAGS) };
          break;
        case 5:
          ops.$push = { tags: { $each: [this.pick(TAGS), this.pick(TAGS)] } };
          break;
        case 6:
          ops.$addToSet = { tags: this.pick(TAGS) };
          break;
        case 7:
          ops.$pull = { tags: this.pick(TAGS) };
          break;
        case 8:
          ops.$pop = { tags: this.pick([1, -1]) };
          break;
        case 9:
          ops[this.pick(["$min", "$max"])] = { n: this.int(-5, 15) };
          break;
        case 10:
          ops.$mul = { [this.pick(["n", "nested.x"])]: this.pick([2, 3]) };
          break;
        case 11:
          ops.$rename = { g: "group" };
          break;
        default:
          ops.$set = { ...((ops.$set as object) ?? {}), flag: this.chance(0.5), d: date("2025-01-01T00:00:00.000Z") };
      }
    }
    return ops;
  }

  /** An upsert-shaped filter: equalities (plain, $eq, dotted, inside $and) that may match nothing. */
  upsertFilter(): { [key: string]: Json } {
    const key = this.pick(["wf1", "wf2", "tplX"]);
    switch (this.int(0, 4)) {
      case 0:
        return { workflow_template_id: key, keyword: this.pick(TAGS) };
      case 1:
        return { workflow_template_id: { $eq: key }, "meta.step": this.pick(["s1", "s2"]) };
      case 2:
        return { $and: [{ workflow_template_id: key }, { option: this.pick(STRINGS) }] };
      case 3:
        return { g: this.pick(["a", "b", "zz"]), n: { $gt: 100 } };
      default:
        return { _id: this.pick(["d01", "u1", "u2"]) };
    }
  }

  upsertUpdate(): { [key: string]: Json } {
    const update: { [key: string]: Json } = {};
    if (this.chance(0.7)) update.$inc = { weight: this.pick([1, 2]) };
    if (this.chance(0.6)) update.$set = { last_used: date("2025-02-03T04:05:06.789Z"), category: this.pick(["c1", "c2"]) };
    if (this.chance(0.6)) update.$setOnInsert = { created_at: date("2025-01-01T00:00:00.000Z"), source: "gen" };
    if (Object.keys(update).length === 0) update.$set = { touched: true };
    return update;
  }

  /** A pipeline of stages from modules.md §6, and whether its output order is defined. */
  pipeline(collection: string): { pipeline: Json[]; ordered: boolean } {
    const stages: Json[] = [];
    let ordered = false;
    if (this.chance(0.6)) stages.push({ $match: this.filter() });
    const shape = this.int(0, 13);
    switch (shape) {
      case 0:
        stages.push({ $group: { _id: "$g", total: { $sum: "$n" }, count: { $sum: 1 }, avg: { $avg: "$n" }, lo: { $min: "$n" }, hi: { $max: "$n" } } });
        stages.push({ $sort: { _id: 1 } });
        ordered = true;
        break;
      case 1:
        stages.push({ $unwind: this.pick(["$tags", { path: "$tags", preserveNullAndEmptyArrays: true }]) });
        stages.push({ $group: { _id: "$tags", ids: { $push: "$_id" }, uniq: { $addToSet: "$g" } } });
        stages.push({ $project: { _id: 1, n: { $size: "$ids" } } });
        stages.push({ $sort: { n: -1, _id: 1 } });
        ordered = true;
        break;
      case 2:
        stages.push({ $unwind: "$arr" }, { $replaceRoot: { newRoot: "$arr" } }, { $addFields: { constant: "x", doubled: { $multiply: ["$v", 2] } } });
        break;
      case 3:
        stages.push({ $sort: Object.fromEntries(this.sort()) }, { $skip: this.int(0, 3) }, { $limit: this.int(1, 5) }, { $project: { _id: 1, n: 1, s: 1 } });
        ordered = true;
        break;
      case 4:
        stages.push({ $count: "total" });
        ordered = true;
        break;
      case 5:
        stages.push({ $sortByCount: "$g" });
        stages.push({ $sort: { count: -1, _id: 1 } });
        ordered = true;
        break;
      case 6:
        stages.push({
          $facet: {
            byGroup: [{ $group: { _id: "$g", c: { $sum: 1 } } }, { $sort: { _id: 1 } }],
            top: [{ $sort: { n: -1, _id: 1 } }, { $limit: 2 }, { $project: { _id: 1 } }],
          },
        });
        ordered = true;
        break;
      case 7:
        stages.push({ $bucket: { groupBy: "$nested.x", boundaries: [0, 2, 4, 6], default: "other", output: { count: { $sum: 1 }, ids: { $push: "$_id" } } } });
        ordered = true;
        break;
      case 8:
        stages.push({ $lookup: { from: `${collection}_colors`, localField: "tags", foreignField: "tag", as: "colors" } });
        stages.push({ $project: { _id: 1, labels: "$colors.label" } });
        stages.push({ $sort: { _id: 1 } });
        ordered = true;
        break;
      case 9:
        stages.push({ $set: { has_tags: { $gt: [{ $size: { $ifNull: ["$tags", []] } }, 0] } } }, { $project: { _id: 1, has_tags: 1 } });
        break;
      case 10:
        stages.push(
          { $match: { d: { $exists: true } } },
          { $project: { _id: 1, day: { $dateToString: { format: "%Y-%m-%dT%H:%M:%S.%LZ", date: "$d" } } } },
        );
        break;
      case 11:
        stages.push({ $group: { _id: null, pairs: { $push: { k: "$_id", v: { $ifNull: ["$s", "none"] } } } } }, { $project: { _id: 0, obj: { $arrayToObject: "$pairs" } } });
        ordered = true;
        break;
      case 12:
        stages.push({ $group: { _id: { g: "$g", flag: "$flag" }, c: { $sum: 1 }, first: { $first: "$_id" }, last: { $last: "$_id" } } }, { $sort: { "_id.g": 1, "_id.flag": 1 } });
        ordered = true;
        break;
      default:
        stages.push({ $sample: { size: 100 } }, { $count: "sampled" });
        ordered = true;
    }
    return { pipeline: stages, ordered };
  }
}

export function generateCases(seed: number, count: number): { cases: DiffCase[]; seedDocs: Json[] } {
  const random = seededRandom(seed);
  const seedDocs = seedDocuments(random);
  const gen = new Gen(random);
  const cases: DiffCase[] = [];
  const kinds = ["find", "find", "findOne", "count", "distinct", "update", "update", "upsert", "upsert", "delete", "aggregate", "aggregate", "aggregate"];
  for (let id = 0; id < count; id++) {
    const kind = kinds[id % kinds.length];
    const collection = `case${id}`;
    const lines: Op[] = [{ op: "insert", collection, documents: seedDocs }];
    const checked: number[] = [];
    const ordered: boolean[] = [];
    const check = (op: Op, isOrdered: boolean) => {
      checked.push(lines.length);
      ordered.push(isOrdered);
      lines.push(op);
    };
    const readBack = () => check({ op: "find", collection, sort: [["_id", 1]] }, true);
    switch (kind) {
      case "find": {
        const op: Op = { op: "find", collection, filter: gen.filter() };
        const sorted = gen.chance(0.6);
        if (sorted) op.sort = gen.sort();
        const projection = gen.projection();
        if (projection) op.projection = projection;
        if (gen.chance(0.3)) op.skip = gen.int(1, 4);
        if (gen.chance(0.3)) op.limit = gen.int(1, 5);
        // Without a sort, skip/limit pick documents by storage order, which both keep as insertion order.
        check(op, sorted);
        break;
      }
      case "findOne":
        check({ op: "findOne", collection, filter: gen.filter(), sort: gen.sort() }, true);
        break;
      case "count":
        check({ op: "count", collection, filter: gen.filter() }, true);
        break;
      case "distinct":
        check({ op: "distinct", collection, field: gen.pick(["g", "s", "tags", "nested.x", "arr.k", "n"]), filter: gen.filter() }, false);
        break;
      case "update":
        check({ op: "update", collection, filter: gen.filter(), update: gen.update(), many: gen.chance(0.5) }, true);
        readBack();
        break;
      case "upsert":
        if (gen.chance(0.3)) check({ op: "createIndex", collection, keys: [["workflow_template_id", 1], ["keyword", 1]], unique: true }, true);
        check({ op: "update", collection, filter: gen.upsertFilter(), update: gen.upsertUpdate(), upsert: true, many: gen.chance(0.3) }, true);
        check({ op: "update", collection, filter: gen.upsertFilter(), update: gen.upsertUpdate(), upsert: true }, true);
        check({ op: "find", collection, filter: { _id: { $nin: seedDocs.map((d) => (d as Record<string, Json>)._id) } }, projection: { _id: 0 }, sort: [["workflow_template_id", 1], ["keyword", 1], ["option", 1], ["g", 1]] }, false);
        check({ op: "find", collection, filter: { _id: { $in: seedDocs.map((d) => (d as Record<string, Json>)._id) } }, sort: [["_id", 1]] }, true);
        break;
      case "delete":
        check({ op: "delete", collection, filter: gen.filter(), many: gen.chance(0.5) }, true);
        readBack();
        break;
      default: {
        lines.push({ op: "insert", collection: `${collection}_colors`, documents: LOOKUP_DOCS });
        const { pipeline, ordered: isOrdered } = gen.pipeline(collection);
        check({ op: "aggregate", collection, pipeline }, isOrdered);
      }
    }
    cases.push({ id, kind, lines, checked, ordered });
  }
  return { cases, seedDocs };
}
