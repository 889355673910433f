/**
 * The preview calls inside the engine's worker (../engine-worker.ts), on a workflow's live session,
 * read-only: a template rendered with the context a module would get, a pipeline's stages. The work is
 * src/core/preview's (it reads the session in turn with its runs); this only shapes the answers.
 */
import { moduleBoundaries, moduleContext, previewError, previewTemplate, queryStages, type QueryStagesResult } from "../../core/preview";
import type { VirtualSession } from "../../core/virtual";
import type { PreviewAnswer, PreviewRequest, StagesAnswer, StagesRequest } from "./ops";

export async function previewOp(session: VirtualSession, workflow: unknown, request: PreviewRequest): Promise<PreviewAnswer> {
  const target = { step_id: request.step_id, module_name: request.module_name };
  const boundaries = request.with_boundaries
    ? (await moduleBoundaries(session)).map((b) => ({ event_id: b.event_id, step_id: b.step_id, module_name: b.module_name }))
    : undefined;
  let context;
  try {
    context = await moduleContext(session, workflow, target, request.at_event_id !== undefined ? { atEventId: request.at_event_id } : {});
  } catch (error) {
    const failure = previewError(error);
    return { text: "", undefinedSpans: [], error: { message: failure.message, line: failure.line ?? null, column: failure.column ?? null }, ...(boundaries ? { boundaries } : {}) };
  }
  const preview = previewTemplate(request.template, context);
  const error = preview.error ? { message: preview.error.message, line: preview.error.line, column: preview.error.column } : null;
  return { text: preview.text, undefinedSpans: preview.undefinedSpans, error, ...(boundaries ? { boundaries } : {}) };
}

export async function stagesOp(session: VirtualSession, workflow: unknown, request: StagesRequest): Promise<StagesAnswer> {
  let result: QueryStagesResult;
  try {
    result = await queryStages(session, workflow, { step_id: request.step_id, module_name: request.module_name }, { sampleSize: request.sample_size });
  } catch (error) {
    return { stages: [], problem: previewError(error).message };
  }
  const source = result.source.kind === "input_data" ? `its input data (${result.source.count} documents)` : `collection ${result.source.name} (${result.source.count} documents)`;
  return {
    stages: result.stages.map((stage) => ({
      stage: stage.stage,
      operator: stage.operator,
      count: stage.count,
      sample: stage.sample,
      ...(stage.error ? { error: stage.error.message } : {}),
      ...(stage.skipped !== undefined ? { skipped: stage.skipped } : {}),
    })),
    source,
    ...(result.note !== undefined ? { note: result.note } : {}),
    problem: result.error ? result.error.message : null,
  };
}

/** One preview call of the worker, on the key's live session (the worker opens it before the call). */
export function previewCall(op: "preview" | "stages", session: VirtualSession | undefined, workflow: unknown, request: unknown): Promise<PreviewAnswer | StagesAnswer> {
  if (!session) return Promise.reject(new Error("the workflow's virtual DB is not open"));
  return op === "preview" ? previewOp(session, workflow, request as PreviewRequest) : stagesOp(session, workflow, request as StagesRequest);
}
