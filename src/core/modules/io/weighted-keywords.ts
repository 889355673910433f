/**
 * `io.weighted_keywords` (modules.md §2.14): keywords with weights in the `weighted_keywords`
 * collection, scoped by the workflow template. `load` runs a whitelisted pipeline behind an enforced
 * template `$match`; `save` upserts each keyword (`$inc` the weight, or replace it).
 */
import { errorText, getInputValue, ModuleExecutionError } from "../base";
import { isPlainObject, isTruthy, pythonDatetimeString, pythonTypeName } from "../../python/builtins";
import type { ExecutableModule, ModuleContext, ModuleInputDecl, ModuleOutputDecl } from "../types";

export const WEIGHTED_KEYWORDS_COLLECTION = "weighted_keywords";

const ALLOWED_STAGES = new Set([
  "$match",
  "$sort",
  "$project",
  "$limit",
  "$skip",
  "$group",
  "$unwind",
  "$addFields",
  "$set",
  "$count",
  "$replaceRoot",
  "$sample",
  "$bucket",
  "$bucketAuto",
  "$sortByCount",
  "$facet",
]);

/** Stages that could reach other collections or run code. */
const BLOCKED_STAGES = new Set(["$lookup", "$unionWith", "$merge", "$out", "$function", "$accumulator", "$graphLookup"]);

/** The original's `make_json_serializable`: dates become Python `str(datetime)` text. */
function jsonSerializable(value: unknown): unknown {
  if (value instanceof Date) return pythonDatetimeString(value);
  if (Array.isArray(value)) return value.map(jsonSerializable);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = jsonSerializable(inner);
    return out;
  }
  return value;
}

export class WeightedKeywordsModule implements ExecutableModule {
  readonly kind = "executable";
  readonly moduleId = "io.weighted_keywords";

  readonly inputs: readonly ModuleInputDecl[] = [
    { name: "mode", type: "string", required: true, description: "Operation: 'save' or 'load'" },
    { name: "weighted_keywords", type: "array", required: false, description: "Array of keyword objects. Required fields: keyword, weight." },
    { name: "accumulate_weight", type: "boolean", required: false, default: true, description: "If true (default), weight adds to existing. If false, replaces." },
    { name: "pipeline", type: "array", required: false, default: [], description: "MongoDB aggregation pipeline. Only safe stages allowed." },
  ];

  readonly outputs: readonly ModuleOutputDecl[] = [
    { name: "weighted_keywords", type: "array", description: "Array of keyword objects after pipeline" },
    { name: "count", type: "number", description: "Number of keywords returned" },
    { name: "saved_count", type: "number", description: "Number of keywords saved/updated" },
  ];

  async execute(inputs: Record<string, unknown>, context: ModuleContext): Promise<Record<string, unknown>> {
    const mode = inputs.mode;
    if (!isTruthy(mode)) throw new ModuleExecutionError(this.moduleId, "Missing required input: mode");
    if (mode === "save") return this.save(inputs, context);
    if (mode === "load") return this.load(inputs, context);
    throw new ModuleExecutionError(this.moduleId, `Invalid mode: ${String(mode)}. Must be 'save' or 'load'`);
  }

  private requireScope(context: ModuleContext): string {
    if (!isTruthy(context.workflowTemplateId)) throw new ModuleExecutionError(this.moduleId, "context.workflow_template_id is required");
    if (!context.db) throw new ModuleExecutionError(this.moduleId, "context.db is required");
    return context.workflowTemplateId;
  }

  private validatePipeline(pipeline: unknown[], context: ModuleContext): void {
    for (const stage of pipeline) {
      if (!isPlainObject(stage)) {
        throw new ModuleExecutionError(this.moduleId, `Pipeline stage must be an object, got ${pythonTypeName(stage)}`);
      }
      const keys = Object.keys(stage);
      if (keys.length !== 1) throw new ModuleExecutionError(this.moduleId, `Pipeline stage must have exactly one key, got ${keys.length}`);
      const name = keys[0];
      if (BLOCKED_STAGES.has(name)) throw new ModuleExecutionError(this.moduleId, `Pipeline stage '${name}' is not allowed (security restriction)`);
      if (!ALLOWED_STAGES.has(name)) throw new ModuleExecutionError(this.moduleId, `Pipeline stage '${name}' is not allowed`);
      const body = stage[name];
      if (name === "$match" && isPlainObject(body) && Object.prototype.hasOwnProperty.call(body, "workflow_template_id")) {
        throw new ModuleExecutionError(this.moduleId, "Cannot override workflow_template_id filter in $match");
      }
      if (name === "$facet" && isPlainObject(body)) {
        for (const sub of Object.values(body)) if (Array.isArray(sub)) this.validatePipeline(sub, context);
      }
    }
    context.logger.debug(`Pipeline validated: ${pipeline.length} stages`);
  }

  private async load(inputs: Record<string, unknown>, context: ModuleContext): Promise<Record<string, unknown>> {
    try {
      // `inputs.get('pipeline', [])`: a present null stays null (and fails below, as in Python).
      const pipeline = Object.prototype.hasOwnProperty.call(inputs, "pipeline") ? inputs.pipeline : [];
      const templateId = this.requireScope(context);
      // Python iterates whatever it was given (a dict's keys, a string's characters) before the
      // list concatenation below refuses a non-list.
      if (isTruthy(pipeline)) this.validatePipeline(iterate(pipeline), context);
      if (!Array.isArray(pipeline)) throw new TypeError(`can only concatenate list (not "${pythonTypeName(pipeline)}") to list`);
      const fullPipeline = [{ $match: { workflow_template_id: templateId } }, ...(pipeline as Record<string, unknown>[])];
      context.logger.debug(`Executing pipeline with ${fullPipeline.length} stages`);
      const results = context.db.collection(WEIGHTED_KEYWORDS_COLLECTION).aggregate(fullPipeline);
      for (const document of results) {
        delete document._id;
        delete document.workflow_template_id;
      }
      const serializable = jsonSerializable(results) as unknown[];
      context.logger.info(`Loaded ${serializable.length} keywords`);
      return { weighted_keywords: serializable, count: serializable.length, saved_count: 0 };
    } catch (error) {
      if (error instanceof ModuleExecutionError) throw error;
      throw new ModuleExecutionError(this.moduleId, `Failed to load keywords: ${errorText(error)}`, error);
    }
  }

  private async save(inputs: Record<string, unknown>, context: ModuleContext): Promise<Record<string, unknown>> {
    try {
      const keywords = Object.prototype.hasOwnProperty.call(inputs, "weighted_keywords") ? inputs.weighted_keywords : [];
      const accumulate = getInputValue(this, inputs, "accumulate_weight");
      if (!isTruthy(keywords)) {
        context.logger.debug("No keywords provided, skipping save");
        return { saved_count: 0, weighted_keywords: [], count: 0 };
      }
      const templateId = this.requireScope(context);
      const collection = context.db.collection(WEIGHTED_KEYWORDS_COLLECTION);
      // Migration m_9's unique key; creating it again is a no-op.
      collection.createIndex({ workflow_template_id: 1, keyword: 1 }, { unique: true });

      const now = context.now();
      let savedCount = 0;
      for (const entry of iterate(keywords)) {
        if (!isPlainObject(entry)) {
          context.logger.warning(`Skipping non-dict keyword: <class '${pythonTypeName(entry)}'>`);
          continue;
        }
        const keyword = entry.keyword ?? null;
        const weight = Object.prototype.hasOwnProperty.call(entry, "weight") ? entry.weight : 0;
        if (!isTruthy(keyword)) {
          context.logger.warning("Skipping keyword with no 'keyword' field");
          continue;
        }
        const normalized = pythonStr(keyword).toLowerCase().trim();
        if (normalized === "") continue;

        const filter = { workflow_template_id: templateId, keyword: normalized };
        const extra: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(entry)) if (key !== "keyword" && key !== "weight") extra[key] = value;

        const update = isTruthy(accumulate)
          ? {
              $inc: { weight },
              $set: { last_used: now, ...extra },
              $setOnInsert: { keyword: normalized, workflow_template_id: templateId },
            }
          : { $set: { keyword: normalized, weight, last_used: now, workflow_template_id: templateId, ...extra } };
        collection.updateOne(filter, update, { upsert: true });
        savedCount++;
      }
      context.logger.info(`Saved ${savedCount} keywords (accumulate=${isTruthy(accumulate) ? "True" : "False"})`);
      return { saved_count: savedCount, weighted_keywords: [], count: 0 };
    } catch (error) {
      if (error instanceof ModuleExecutionError) throw error;
      throw new ModuleExecutionError(this.moduleId, `Failed to save keywords: ${errorText(error)}`, error);
    }
  }
}

/** `for kw in keywords`: lists give items, dicts give keys, strings give characters (all skipped later). */
function iterate(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === "string") return [...value];
  if (isPlainObject(value)) return Object.keys(value);
  throw new TypeError(`'${pythonTypeName(value)}' object is not iterable`);
}

/** `str(x)` for the scalar keyword values workflows send. */
function pythonStr(value: unknown): string {
  if (value === true) return "True";
  if (value === false) return "False";
  return String(value);
}
