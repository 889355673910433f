/**
 * Per-stage counts of a query module's pipeline, by running every prefix of it exactly as the module
 * runs the whole: `transform.query` on a throw-away DB holding its resolved `data` (as the module
 * does), `db.query` on the virtual DB's collection. Nothing is written: `$out`/`$merge` stages are
 * reported, not run, and a `db.query` reads through a facade that only records its `find`.
 *
 * `db.query` has no pipeline of its own: the module itself is run (in real mode, whatever the run's
 * mock setting: a preview shows what the DB holds) against a facade that records the `find` it makes,
 * and that find is shown as the pipeline it equals: `$match` (the final filter, context filters and
 * variables substituted) → `$sort` → `$limit` → `$project`.
 */
import { createVirtualDb, type Collection, type Document, type FindOptions, type PipelineStage } from "../db";
import { buildModuleContext, buildServices } from "../engine";
import { validateInputs } from "../modules/base";
import type { ModuleDb } from "../modules/types";
import type { VirtualSession } from "../virtual";
import { buildPreviewContext, locateModule, previewEnv, previewError, type ModuleTarget, type PreviewError, type PreviewOptions } from "./context";

export interface StageResult {
  /** 0-based index of the stage in the pipeline. */
  stage: number;
  /** The stage's operator (its one key), e.g. `$match`; `?` for a malformed stage. */
  operator: string;
  /** Documents after this stage (the prefix ending here); null when the stage was not run. */
  count: number | null;
  /** The first documents after it (top-level `_id` removed for transform.query, as its result is). */
  sample: unknown[];
  error?: PreviewError;
  /** Why the stage was not run (a write stage, an earlier failure, the stage cap). */
  skipped?: string;
}

export interface QueryStagesResult {
  module_id: string;
  /** What the pipeline runs on: the module's resolved `data`, or a collection of the virtual DB. */
  source: { kind: "input_data"; count: number } | { kind: "collection"; name: string; count: number };
  /** The pipeline the stages are of (for db.query: the one its find equals). */
  pipeline: PipelineStage[];
  stages: StageResult[];
  /** The module as a whole cannot run (inputs, validation, the collection): no stage ran. */
  error?: PreviewError;
  /** Something a reader should know (transform.query's empty-data shortcut). */
  note?: string;
}

export interface QueryStagesOptions extends PreviewOptions {
  /** Documents kept per stage (default 3, at most {@link MAX_SAMPLE}). */
  sampleSize?: number;
}

export const MAX_SAMPLE = 100;
/** Prefixes rerun the stages before them: a hostile 10,000-stage pipeline would cost 50 million stage runs. */
export const MAX_PREVIEW_STAGES = 200;
const WRITE_STAGES = new Set(["$out", "$merge"]);

function operatorOf(stage: unknown): string {
  if (stage === null || typeof stage !== "object" || Array.isArray(stage)) return "?";
  const keys = Object.keys(stage);
  return keys.length === 1 ? keys[0]! : "?";
}

function sampleOf(documents: Document[], size: number, stripId: boolean): unknown[] {
  return documents.slice(0, size).map((document) => {
    if (!stripId) return document;
    const copy = { ...document };
    delete copy._id;
    return copy;
  });
}

/** Runs every prefix of `pipeline` through `run`, one result per stage. */
function runPrefixes(pipeline: PipelineStage[], run: (prefix: PipelineStage[]) => Document[], sampleSize: number, stripId: boolean): StageResult[] {
  const results: StageResult[] = [];
  let stopped: string | undefined;
  pipeline.forEach((stage, index) => {
    const operator = operatorOf(stage);
    if (stopped === undefined && WRITE_STAGES.has(operator)) stopped = `${operator} writes to a collection: a preview never runs it`;
    if (stopped === undefined && index >= MAX_PREVIEW_STAGES) stopped = `over the preview's ${MAX_PREVIEW_STAGES} stages`;
    if (stopped !== undefined) {
      results.push({ stage: index, operator, count: null, sample: [], skipped: stopped });
      return;
    }
    try {
      const documents = run(pipeline.slice(0, index + 1));
      results.push({ stage: index, operator, count: documents.length, sample: sampleOf(documents, sampleSize, stripId) });
    } catch (error) {
      results.push({ stage: index, operator, count: null, sample: [], error: previewError(error) });
      stopped = `stage ${index} (${operator}) failed`;
    }
  });
  return results;
}

function failed(module_id: string, source: QueryStagesResult["source"], pipeline: unknown, error: PreviewError): QueryStagesResult {
  return { module_id, source, pipeline: Array.isArray(pipeline) ? (pipeline as PipelineStage[]) : [], stages: [], error };
}

/** The find a db.query makes, as the pipeline it equals. */
function findAsPipeline(filter: unknown, options: FindOptions): PipelineStage[] {
  const pipeline: PipelineStage[] = [{ $match: filter ?? {} }];
  if (options.sort !== undefined) {
    const sort = Array.isArray(options.sort) ? Object.fromEntries(options.sort as ReadonlyArray<readonly [string, 1 | -1]>) : options.sort;
    pipeline.push({ $sort: sort });
  }
  if (options.limit !== undefined) pipeline.push({ $limit: options.limit });
  if (options.projection !== undefined) pipeline.push({ $project: options.projection });
  return pipeline;
}

function sampleSizeOf(options: QueryStagesOptions): number {
  const size = options.sampleSize ?? 3;
  return Number.isInteger(size) && size >= 0 ? Math.min(size, MAX_SAMPLE) : 3;
}

/** `queryStages` (see the index's doc). Read-only. */
export function queryStages(session: VirtualSession, workflow: unknown, target: ModuleTarget, options: QueryStagesOptions = {}): Promise<QueryStagesResult> {
  return session.inTurn(async () => {
    const located = locateModule(workflow, target);
    const context = buildPreviewContext(session, located, options);
    const moduleId = located.module.module_id;
    const sampleSize = sampleSizeOf(options);
    const inputs = context.inputs;
    const noSource = { kind: "input_data" as const, count: 0 };
    if (moduleId !== "transform.query" && moduleId !== "db.query") {
      return failed(moduleId, noSource, [], { message: `Module '${moduleId}' has no pipeline: stages are for transform.query and db.query`, error_type: "bad_request", details: { module_id: moduleId } });
    }
    if (inputs === null) return failed(moduleId, noSource, [], context.inputsError!);
    const env = previewEnv(session);
    const module = env.registry.getModule(moduleId);
    const check = validateInputs(module, inputs);
    if (!check.ok) {
      return failed(moduleId, noSource, inputs.pipeline, { message: `Module '${moduleId}' validation failed: ${check.message}`, error_type: "input_validation_failed", details: { input_name: check.inputName, reason: check.message } });
    }

    // db.query runs against a facade that records its find and reads nothing else of the collection.
    const recorded: { find?: { name: string; filter: unknown; options: FindOptions } } = {};
    const recording: ModuleDb = {
      ...env.moduleDb,
      collection: (name: string) => ({ find: (filter: unknown, findOptions: FindOptions = {}) => ((recorded.find = { name, filter, options: findOptions }), []) }) as unknown as Collection,
    };
    const runId = context.workflow_run_id ?? "";
    const services = { ...buildServices(env, runId, false), mock_mode: false };
    const moduleContext = buildModuleContext({ env: { ...env, moduleDb: recording }, services, workflow: located.workflow, step: located.step, module: located.module, moduleIndex: located.index, state: { ...context.state }, workflowRunId: runId });
    const runModule = async (): Promise<PreviewError | undefined> => {
      try {
        if (module.kind !== "executable") throw new Error(`${moduleId} is not executable`);
        await module.execute(inputs, moduleContext);
        return undefined;
      } catch (error) {
        return previewError(error);
      }
    };

    if (moduleId === "transform.query") {
      const { data, pipeline } = inputs;
      // The module's own checks give its own message.
      if (!Array.isArray(data) || !Array.isArray(pipeline)) return failed(moduleId, noSource, pipeline, (await runModule())!);
      const source = { kind: "input_data" as const, count: data.length };
      if (data.length === 0) {
        const stages = pipeline.map((stage, index) => ({ stage: index, operator: operatorOf(stage), count: 0, sample: [] }));
        return { module_id: moduleId, source, pipeline, stages, note: "transform.query returns [] for empty data without running its pipeline" };
      }
      const scratch = createVirtualDb({ clock: () => session.db.now().getTime() });
      const collection = scratch.collection("_query");
      try {
        if (data.some((item) => item === null || typeof item !== "object" || Array.isArray(item))) {
          throw new TypeError("document must be an instance of dict, bson.son.SON, or any other type that inherits from collections.MutableMapping");
        }
        collection.insertMany(data as Document[]);
      } catch (error) {
        return failed(moduleId, source, pipeline, previewError(error));
      }
      return { module_id: moduleId, source, pipeline, stages: runPrefixes(pipeline as PipelineStage[], (prefix) => collection.aggregate(prefix), sampleSize, true) };
    }

    const failure = await runModule();
    if (failure !== undefined) return failed(moduleId, noSource, [], failure);
    const found = recorded.find;
    if (found === undefined) return failed(moduleId, noSource, [], { message: "db.query made no query", error_type: "execution_failed", details: {} });
    const { name } = found;
    const pipeline = findAsPipeline(found.filter, found.options);
    // An absent collection is empty; asking the DB for it would create it.
    const exists = session.db.collectionNames().includes(name);
    const run = (prefix: PipelineStage[]) => (exists ? session.db.collection(name).aggregate(prefix) : []);
    const source = { kind: "collection" as const, name, count: exists ? session.db.collection(name).countDocuments({}) : 0 };
    return { module_id: moduleId, source, pipeline, stages: runPrefixes(pipeline, run, sampleSize, false) };
  });
}
