/**
 * The `context.db` facade modules see (modules.md §1.7): raw collections of the virtual DB, the
 * repository calls modules make (files, tokens, content), and the config-collection look-ups.
 *
 * The repository calls are passed in by whoever builds the context (the executor, over
 * `src/core/repositories`), so this file stays free of repository internals. A call that was not
 * provided fails loudly instead of silently writing nothing.
 */
import type { VirtualDb } from "../db/types";
import type { ModuleDb } from "./types";

/** The repository-backed part of the facade. */
export type ModuleDbRepositoryCalls = Pick<ModuleDb, "storeWorkflowFile" | "getWorkflowFileByName" | "storeTokenUsage" | "getContentById">;

function missing(name: string): never {
  throw new Error(`context.db.${name} is not available: no repository was provided for it`);
}

export function createModuleDb(db: VirtualDb, repositories: Partial<ModuleDbRepositoryCalls> = {}): ModuleDb {
  const config = () => db.collection("config");
  return {
    virtual: db,
    collection: (name) => db.collection(name),
    storeWorkflowFile: (args) => (repositories.storeWorkflowFile ?? (() => missing("storeWorkflowFile")))(args),
    getWorkflowFileByName: (args) => (repositories.getWorkflowFileByName ?? (() => missing("getWorkflowFileByName")))(args),
    storeTokenUsage: (args) => (repositories.storeTokenUsage ?? (() => missing("storeTokenUsage")))(args),
    getContentById: (id) => (repositories.getContentById ?? (() => missing("getContentById")))(id),

    getQuerySchema() {
      return config().findOne({ type: "db.query", name: "query_schema" })?.value ?? null;
    },
    getTableSchema(name) {
      return config().findOne({ type: "db.table_schema", name })?.value ?? null;
    },
    getAllTableSchemas() {
      const [first] = config().aggregate([
        { $match: { type: "db.table_schema" } },
        { $group: { _id: null, entries: { $push: { k: "$name", v: "$value" } } } },
        { $project: { _id: 0, result: { $arrayToObject: "$entries" } } },
      ]);
      return (first?.result as Record<string, unknown> | undefined) ?? {};
    },
  };
}
