/** `wfv query-stages`: each stage of a query module's pipeline, its count and first documents, read-only. */
import { queryStages } from "../../core/preview";
import { EXIT_FAILURE, EXIT_OK, UsageError, parseCommandArgs, printJson, type CliCommand } from "../io";
import { PREVIEW_TARGET_OPTIONS, PREVIEW_TARGET_USAGE, previewTarget } from "../preview-target";

const USAGE = `Usage: wfv query-stages --workflow <file> --step <step_id> --module <name> [--db <file>] [--sample N] [--pretty]

Runs every prefix of a transform.query or db.query module's pipeline, the way the module runs it
(transform.query: over its resolved data; db.query: its find as $match, $sort, $limit, $project over
the DB's collection), and prints {module_id, source, pipeline, stages: [{stage, operator, count,
sample, error?, skipped?}], error?}. Nothing is written: the DB file is only read, and $out/$merge
stages are reported (skipped), not run.

${PREVIEW_TARGET_USAGE}
--sample N          documents kept per stage (default 3, at most 100)`;

export const queryStagesCommand: CliCommand = {
  summary: "Per-stage counts and samples of a query module's pipeline",
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { ...PREVIEW_TARGET_OPTIONS, now: { type: "string" }, sample: { type: "string" }, pretty: { type: "boolean" } }, false);
    if (positionals.length) throw new UsageError("unexpected arguments");
    let sampleSize: number | undefined;
    if (values.sample !== undefined) {
      sampleSize = Number(values.sample);
      if (!Number.isInteger(sampleSize) || sampleSize < 0) throw new UsageError(`--sample must be a whole number, got '${values.sample}'`);
    }
    const { source, session, target, now } = previewTarget(io, values);
    const result = await queryStages(session, source.workflow, target, { ...(sampleSize === undefined ? {} : { sampleSize }), ...(now ? { now } : {}) });
    printJson(io, result, values.pretty ?? false);
    return result.error || result.stages.some((stage) => stage.error) ? EXIT_FAILURE : EXIT_OK;
  },
};
