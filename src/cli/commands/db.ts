/**
 * `wfv db`: a small shell over a virtual DB file (the compressed blob). Reads answer with JSON; writes
 * replace the file atomically (temp file + rename) and only when the whole command succeeded.
 */
import { existsSync, readFileSync } from "node:fs";
import { WfvError } from "../../core/errors";
import { parseExtended, toExtendedJson } from "../../core/json/extended-json";
import { FILE_GZIP_LEVEL, nodeGzipCodec } from "../../node/gzip";
import { requireDbText, writeDbText } from "../db-file";
import {
  createFreshVirtualDb,
  exportCompressed,
  exportDb,
  importDb,
  type Document,
  type Filter,
  type PipelineStage,
  type SortSpec,
  type VirtualDb,
} from "../../core/db";
import { parseScriptOperation, runScriptOperation, type ScriptOperation } from "../../core/db/script";
import { EXIT_OK, UsageError, parseCommandArgs, printJson, readJsonArg, readTextArg, resolvePath, type CliCommand, type CliIo } from "../io";

const USAGE = `Usage: wfv db <subcommand> <dbfile> ...

A DB file holds a virtual DB in its compressed form (base64 gzip JSON, dates as {"$date"}).
JSON arguments are inline or @file; dates are written {"$date": "<ISO>"}.

  new <dbfile> [--force]                   a fresh DB holding the virtual user
  insert <dbfile> <collection> <docs>      one document or an array of them
  find <dbfile> <collection> [--filter J] [--projection J] [--sort J] [--skip N] [--limit N] [--one]
  aggregate <dbfile> <collection> <pipeline>
  update <dbfile> <collection> --filter J --update J [--upsert] [--many]
  delete <dbfile> <collection> --filter J [--many]
  count <dbfile> <collection> [--filter J]
  distinct <dbfile> <collection> <field> [--filter J]
  export <dbfile> [--json] [--pretty]      the compressed blob (default) or the extended-JSON snapshot
  import <dbfile> <blob|@file>             replace the DB with a blob or a JSON snapshot (also the original server's)
  exec <dbfile> --script <ops.jsonl|->     run JSON-lines operations; one JSON answer per line
                                           ({"op": "insert|find|findOne|update|delete|aggregate|count|distinct|createIndex",
                                             "collection", "filter", "projection", "sort", "skip", "limit",
                                             "update", "upsert", "many", "pipeline", "documents", "field", "keys", "unique"})

--sort takes {"field": 1|-1, ...} or [["field", 1|-1], ...].`;

const compressOptions = { codec: nodeGzipCodec, level: FILE_GZIP_LEVEL } as const;

function loadDb(io: CliIo, path: string): VirtualDb {
  const text = requireDbText(io, path, `; create one with 'wfv db new ${path}'`);
  try {
    return importDb(text, { codec: nodeGzipCodec });
  } catch (error) {
    if (error instanceof WfvError) throw new WfvError(error.errorType, `${path}: ${error.message}`, { ...error.details, path });
    throw error;
  }
}

function saveDb(io: CliIo, path: string, db: VirtualDb): void {
  writeDbText(io, path, exportCompressed(db, compressOptions));
}

function positional(positionals: string[], index: number, name: string): string {
  const value = positionals[index];
  if (value === undefined) throw new UsageError(`missing <${name}>\n\n${USAGE}`);
  return value;
}

function objectArg(io: CliIo, value: string | undefined, what: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  const parsed = readJsonArg(io, value, what);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new WfvError("bad_request", `${what} must be a JSON object`, { argument: what });
  }
  return parsed as Record<string, unknown>;
}

function integerArg(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UsageError(`${what} must be an integer, got '${value}'`);
  return n;
}

const queryOptions = {
  filter: { type: "string" },
  projection: { type: "string" },
  sort: { type: "string" },
  skip: { type: "string" },
  limit: { type: "string" },
  one: { type: "boolean" },
  update: { type: "string" },
  upsert: { type: "boolean" },
  many: { type: "boolean" },
  force: { type: "boolean" },
  json: { type: "boolean" },
  pretty: { type: "boolean" },
  script: { type: "string" },
} as const;

function readScript(io: CliIo, source: string): ScriptOperation[] {
  let text: string;
  try {
    text = source === "-" ? io.readStdin() : readFileSync(resolvePath(io, source.startsWith("@") ? source.slice(1) : source), "utf8");
  } catch (error) {
    throw new WfvError("bad_request", `cannot read script ${source}: ${(error as Error).message}`, { path: source });
  }
  const operations: ScriptOperation[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let parsed: unknown;
    try {
      parsed = parseExtended(line);
    } catch (error) {
      throw new WfvError("bad_request", `script line ${i + 1} is not valid JSON: ${(error as Error).message}`, { line: i + 1 });
    }
    operations.push(parseScriptOperation(parsed, i + 1));
  });
  return operations;
}

export const dbCommand: CliCommand = {
  summary: "A small shell over a virtual DB file",
  usage: USAGE,
  run(args, io) {
    const [sub, ...rest] = args;
    if (sub === undefined) throw new UsageError(`missing subcommand\n\n${USAGE}`);
    const { values, positionals } = parseCommandArgs(rest, queryOptions);
    const dbFile = positional(positionals, 0, "dbfile");
    const collectionName = () => positional(positionals, 1, "collection");

    switch (sub) {
      case "new": {
        if (existsSync(resolvePath(io, dbFile)) && !values.force) {
          throw new WfvError("bad_request", `${dbFile} exists already; pass --force to replace it`, { path: dbFile });
        }
        const db = createFreshVirtualDb();
        saveDb(io, dbFile, db);
        printJson(io, { created: dbFile, collections: db.collectionNames() });
        return EXIT_OK;
      }
      case "insert": {
        const db = loadDb(io, dbFile);
        const parsed = readJsonArg(io, positional(positionals, 2, "docs"), "documents");
        const documents = (Array.isArray(parsed) ? parsed : [parsed]) as Document[];
        const { insertedIds } = db.collection(collectionName()).insertMany(documents);
        saveDb(io, dbFile, db);
        printJson(io, { inserted: insertedIds.length, inserted_ids: insertedIds });
        return EXIT_OK;
      }
      case "find": {
        const skip = integerArg(values.skip, "--skip");
        const limit = integerArg(values.limit, "--limit");
        const filter = objectArg(io, values.filter, "--filter") as Filter | undefined;
        const projection = objectArg(io, values.projection, "--projection");
        const sort = values.sort === undefined ? undefined : (readJsonArg(io, values.sort, "--sort") as SortSpec);
        const collection = loadDb(io, dbFile).collection(collectionName());
        printJson(io, values.one ? collection.findOne(filter, { projection, sort, skip }) : collection.find(filter, { projection, sort, skip, limit }), values.pretty);
        return EXIT_OK;
      }
      case "aggregate": {
        const db = loadDb(io, dbFile);
        const pipeline = readJsonArg(io, positional(positionals, 2, "pipeline"), "pipeline");
        if (!Array.isArray(pipeline)) throw new WfvError("bad_request", "the pipeline must be a JSON array of stages", {});
        printJson(io, db.collection(collectionName()).aggregate(pipeline as PipelineStage[]), values.pretty);
        return EXIT_OK;
      }
      case "update": {
        const filter = objectArg(io, values.filter, "--filter");
        const update = objectArg(io, values.update, "--update");
        if (filter === undefined || update === undefined) throw new UsageError("update needs --filter and --update");
        const db = loadDb(io, dbFile);
        const collection = db.collection(collectionName());
        const options = { upsert: values.upsert === true };
        const r = values.many ? collection.updateMany(filter, update, options) : collection.updateOne(filter, update, options);
        if (r.modifiedCount > 0 || r.upsertedCount > 0) saveDb(io, dbFile, db);
        printJson(io, { matched: r.matchedCount, modified: r.modifiedCount, upserted: r.upsertedCount > 0, upserted_id: r.upsertedId });
        return EXIT_OK;
      }
      case "delete": {
        const filter = objectArg(io, values.filter, "--filter");
        if (filter === undefined) throw new UsageError("delete needs --filter (use {} to match everything)");
        const db = loadDb(io, dbFile);
        const collection = db.collection(collectionName());
        const { deletedCount } = values.many ? collection.deleteMany(filter) : collection.deleteOne(filter);
        if (deletedCount > 0) saveDb(io, dbFile, db);
        printJson(io, { deleted: deletedCount });
        return EXIT_OK;
      }
      case "count": {
        const db = loadDb(io, dbFile);
        printJson(io, db.collection(collectionName()).countDocuments(objectArg(io, values.filter, "--filter")));
        return EXIT_OK;
      }
      case "distinct": {
        const db = loadDb(io, dbFile);
        const field = positional(positionals, 2, "field");
        printJson(io, db.collection(collectionName()).distinct(field, objectArg(io, values.filter, "--filter")));
        return EXIT_OK;
      }
      case "export": {
        const db = loadDb(io, dbFile);
        if (values.json) printJson(io, exportDb(db), values.pretty);
        else io.stdout(exportCompressed(db, compressOptions) + "\n");
        return EXIT_OK;
      }
      case "import": {
        const db = importDb(readTextArg(io, positional(positionals, 1, "blob")).trim(), { codec: nodeGzipCodec });
        saveDb(io, dbFile, db);
        const counts: Record<string, number> = {};
        for (const name of db.collectionNames()) counts[name] = db.collection(name).countDocuments();
        printJson(io, { imported: dbFile, collections: counts });
        return EXIT_OK;
      }
      case "exec": {
        if (values.script === undefined) throw new UsageError("exec needs --script <ops.jsonl|->");
        const operations = readScript(io, values.script);
        const db = loadDb(io, dbFile);
        const answers = operations.map((op) => JSON.stringify(toAnswerJson(runScriptOperation(db, op))));
        saveDb(io, dbFile, db);
        io.stdout(answers.length > 0 ? answers.join("\n") + "\n" : "");
        return EXIT_OK;
      }
      default:
        throw new UsageError(`unknown subcommand '${sub}'\n\n${USAGE}`);
    }
  },
};

function toAnswerJson(answer: ReturnType<typeof runScriptOperation>): unknown {
  return "error" in answer ? answer : { result: toExtendedJson(answer.result) };
}
