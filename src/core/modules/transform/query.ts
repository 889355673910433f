/**
 * `transform.query` (modules.md §2.17): a Mongo aggregation pipeline over an in-memory array. The
 * original inserts the items into a throw-away mongomock collection; we use a throw-away virtual DB,
 * so the pipeline runs with exactly the mingo setup of the real virtual DB (and items get an `_id`,
 * with duplicate user `_id`s failing as they did). The top-level `_id` of every result is removed,
 * `$group` keys included.
 */
import { createVirtualDb } from "../../db";
import { errorText, ModuleExecutionError } from "../base";
import { pythonTypeName } from "../../python/builtins";
import type { ExecutableModule, ModuleContext, ModuleInputDecl, ModuleOutputDecl } from "../types";

export class QueryModule implements ExecutableModule {
  readonly kind = "executable";
  readonly moduleId = "transform.query";

  readonly inputs: readonly ModuleInputDecl[] = [
    { name: "data", type: "array", required: true, description: "Array of objects to query" },
    { name: "pipeline", type: "array", required: true, description: "MongoDB aggregation pipeline stages" },
  ];

  readonly outputs: readonly ModuleOutputDecl[] = [{ name: "result", type: "array", description: "Array output from pipeline execution" }];

  async execute(inputs: Record<string, unknown>, context: ModuleContext): Promise<Record<string, unknown>> {
    const data = inputs.data ?? null;
    const pipeline = inputs.pipeline ?? null;
    if (data === null) throw new ModuleExecutionError(this.moduleId, "data is required");
    if (!Array.isArray(data)) throw new ModuleExecutionError(this.moduleId, `data must be an array, got ${pythonTypeName(data)}`);
    if (pipeline === null) throw new ModuleExecutionError(this.moduleId, "pipeline is required");
    if (!Array.isArray(pipeline)) throw new ModuleExecutionError(this.moduleId, `pipeline must be an array, got ${pythonTypeName(pipeline)}`);

    // The original returns early without running the pipeline, even one with $count or $group.
    if (data.length === 0) {
      context.logger.debug("Empty data array, returning empty result");
      return { result: [] };
    }

    try {
      const scratch = createVirtualDb({ clock: () => context.now().getTime() });
      const collection = scratch.collection("_query");
      for (const item of data) {
        if (item === null || typeof item !== "object" || Array.isArray(item)) {
          throw new TypeError(`document must be an instance of dict, bson.son.SON, or any other type that inherits from collections.MutableMapping`);
        }
      }
      // The collection copies documents in, so the caller's data is never touched.
      collection.insertMany(data as Record<string, unknown>[]);
      context.logger.debug(`Executing pipeline with ${pipeline.length} stages on ${data.length} documents`);
      const result = collection.aggregate(pipeline as Record<string, unknown>[]);
      for (const document of result) delete document._id;
      context.logger.info(`Query complete: ${data.length} input → ${result.length} output`);
      return { result };
    } catch (error) {
      context.logger.error(`Pipeline execution failed: ${errorText(error)}`);
      if (error instanceof ModuleExecutionError) throw error;
      throw new ModuleExecutionError(this.moduleId, `Pipeline execution failed: ${errorText(error)}`, error);
    }
  }
}
