/**
 * Runs one operation of a DB script (`wfv db exec`), written with the Mongo shell's argument names,
 * and answers in the exact format of test/oracles/mongo_oracle.py so the two compare line by line:
 * `{"result": ...}` or `{"error": message}`; update → {matched, modified, upserted}, insert → {inserted},
 * delete → {deleted}, createIndex → {ok: 1}.
 */
import { WfvError } from "../errors";
import type { Document, Filter, PipelineStage, Projection, SortSpec, UpdateSpec, VirtualDb } from "./types";
import { isPlainObject } from "./values";

export type ScriptAnswer = { result: unknown } | { error: string };

export const SCRIPT_OPERATIONS = ["insert", "find", "findOne", "update", "delete", "aggregate", "count", "distinct", "createIndex"] as const;
export type ScriptOperationName = (typeof SCRIPT_OPERATIONS)[number];

export interface ScriptOperation {
  op: ScriptOperationName;
  collection: string;
  filter?: Filter;
  projection?: Projection;
  sort?: SortSpec;
  skip?: number;
  limit?: number;
  update?: UpdateSpec;
  upsert?: boolean;
  many?: boolean;
  pipeline?: PipelineStage[];
  documents?: Document[];
  field?: string;
  keys?: Array<[string, 1 | -1]> | Record<string, 1 | -1>;
  unique?: boolean;
}

/** Checks the operation's shape (not its Mongo semantics); throws bad_request saying what is wrong. */
export function parseScriptOperation(value: unknown, line: number): ScriptOperation {
  const fail = (message: string) => new WfvError("bad_request", `script line ${line}: ${message}`, { line });
  if (!isPlainObject(value)) throw fail("an operation must be a JSON object");
  if (typeof value.op !== "string" || !(SCRIPT_OPERATIONS as readonly string[]).includes(value.op)) {
    throw fail(`"op" must be one of ${SCRIPT_OPERATIONS.join(", ")}, got ${JSON.stringify(value.op)}`);
  }
  if (typeof value.collection !== "string" || value.collection === "") throw fail(`"collection" must be a non-empty string`);
  return value as unknown as ScriptOperation;
}

function requireArray<T>(value: unknown, name: string): T[] {
  if (!Array.isArray(value)) throw new WfvError("bad_request", `"${name}" must be an array`, { argument: name });
  return value as T[];
}

function execute(db: VirtualDb, op: ScriptOperation): unknown {
  const collection = db.collection(op.collection);
  const filter = op.filter ?? {};
  switch (op.op) {
    case "insert": {
      const documents = requireArray<Document>(op.documents, "documents");
      collection.insertMany(documents);
      return { inserted: documents.length };
    }
    case "find":
      return collection.find(filter, { projection: op.projection ?? undefined, sort: op.sort ?? undefined, skip: op.skip ?? undefined, limit: op.limit ?? undefined });
    case "findOne":
      return collection.findOne(filter, { projection: op.projection ?? undefined, sort: op.sort ?? undefined });
    case "update": {
      if (op.update === undefined) throw new WfvError("bad_request", `"update" is required`, { argument: "update" });
      const options = { upsert: op.upsert === true };
      const r = op.many === true ? collection.updateMany(filter, op.update, options) : collection.updateOne(filter, op.update, options);
      return { matched: r.matchedCount, modified: r.modifiedCount, upserted: r.upsertedCount > 0 };
    }
    case "delete":
      return { deleted: (op.many === true ? collection.deleteMany(filter) : collection.deleteOne(filter)).deletedCount };
    case "aggregate":
      return collection.aggregate(requireArray<PipelineStage>(op.pipeline, "pipeline"));
    case "count":
      return collection.countDocuments(filter);
    case "distinct":
      if (typeof op.field !== "string") throw new WfvError("bad_request", `"field" must be a string`, { argument: "field" });
      return collection.distinct(op.field, filter);
    case "createIndex": {
      const keys = Array.isArray(op.keys) ? Object.fromEntries(op.keys) : op.keys;
      if (!isPlainObject(keys)) throw new WfvError("bad_request", `"keys" must be [[field, 1|-1], ...]`, { argument: "keys" });
      collection.createIndex(keys as Record<string, 1 | -1>, { unique: op.unique === true });
      return { ok: 1 };
    }
  }
}

/** Runs one operation; a failure becomes `{error}` and leaves the DB as it was (every write is atomic). */
export function runScriptOperation(db: VirtualDb, op: ScriptOperation): ScriptAnswer {
  try {
    return { result: execute(db, op) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}
