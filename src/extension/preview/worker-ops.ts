/**
 * The preview calls inside the engine's worker (../engine-worker.ts), on a workflow's live session,
 * read-only: a template rendered with the context a module would get, a pipeline's stages. The work is
 * src/core/preview's (it reads the session in turn with its runs); this only shapes the answers.
 */
import { cloneValue } from "../../core/db";
import { MemoryDb } from "../../core/db/memory-db";
import type { Document } from "../../core/db/types";
import { isResolvedAt, moduleBoundaries, moduleContext, previewError, previewTemplate, queryStages, type PreviewContext, type QueryStagesResult } from "../../core/preview";
import type { VirtualSession } from "../../core/virtual";
import type { PreviewAnswer, PreviewRequest, StagesAnswer, StagesRequest } from "./ops";

export async function previewOp(session: VirtualSession, workflow: unknown, request: PreviewRequest): Promise<PreviewAnswer> {
  const boundaries = request.with_boundaries
    ? (await moduleBoundaries(session)).map((b) => ({ event_id: b.event_id, step_id: b.step_id, module_name: b.module_name }))
    : undefined;
  let context: PreviewContext;
  let resolved: boolean;
  try {
    context = await cachedContext(session, workflow, request);
    resolved = resolvedAt(workflow, request);
  } catch (error) {
    const failure = previewError(error);
    return { text: "", undefinedSpans: [], error: { message: failure.message, line: failure.line ?? null, column: failure.column ?? null }, ...(boundaries ? { boundaries } : {}) };
  }
  if (!resolved) return { text: request.template, undefinedSpans: [], error: null, raw: true, ...(boundaries ? { boundaries } : {}) };
  // A template may change what it is given (`x.append(…)`): each render gets its own copy of the cached context.
  const preview = previewTemplate(request.template, { ...context, state: cloneValue(context.state), step: cloneValue(context.step), config: cloneValue(context.config) });
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
  const documents = `${result.source.count} document${result.source.count === 1 ? "" : "s"}`;
  const source = result.source.kind === "input_data" ? `its input data (${documents})` : `collection ${result.source.name} (${documents})`;
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

/**
 * The module's context per keystroke is the one built for the last keystroke while the DB and the
 * workflow are the same: the worker keeps one workflow object per version (by hash), and stored
 * documents are never changed in place (core/db/collection.ts), so "the same DB" is every collection's
 * stored documents being the same references (a pointer comparison per document, no copy).
 */
interface ContextEntry {
  workflow: unknown;
  target: string;
  documents: Map<string, readonly Document[]>;
  context: PreviewContext;
}
const contexts = new WeakMap<VirtualSession, ContextEntry>();

/** Whether a run renders the input's string at all (its `resolver_schema`), per workflow version and place. */
const resolvedPlaces = new WeakMap<object, Map<string, boolean>>();

function resolvedAt(workflow: unknown, request: PreviewRequest): boolean {
  const place = JSON.stringify([request.step_id, request.module_name, request.input, ...request.sub_path]);
  const known = typeof workflow === "object" && workflow !== null ? resolvedPlaces.get(workflow) : undefined;
  const cached = known?.get(place);
  if (cached !== undefined) return cached;
  const resolved = isResolvedAt(workflow, { step_id: request.step_id, module_name: request.module_name }, [request.input, ...request.sub_path]);
  if (typeof workflow === "object" && workflow !== null) resolvedPlaces.set(workflow, (known ?? new Map()).set(place, resolved));
  return resolved;
}

async function cachedContext(session: VirtualSession, workflow: unknown, request: PreviewRequest): Promise<PreviewContext> {
  const target = JSON.stringify([request.step_id, request.module_name, request.at_event_id ?? null]);
  const known = contexts.get(session);
  if (known && known.workflow === workflow && known.target === target && (await session.inTurn(() => sameDocuments(session, known.documents)))) return known.context;
  const context = await moduleContext(session, workflow, { step_id: request.step_id, module_name: request.module_name }, request.at_event_id !== undefined ? { atEventId: request.at_event_id } : {});
  const documents = await session.inTurn(() => storedDocuments(session));
  if (documents) contexts.set(session, { workflow, target, documents, context });
  return context;
}

function storedDocuments(session: VirtualSession): Map<string, readonly Document[]> | undefined {
  const db = session.db;
  if (!(db instanceof MemoryDb)) return undefined;
  return new Map(db.collectionNames().map((name) => [name, db.storedDocuments(name).slice()]));
}

function sameDocuments(session: VirtualSession, before: Map<string, readonly Document[]>): boolean {
  const db = session.db;
  if (!(db instanceof MemoryDb)) return false;
  const names = db.collectionNames();
  if (names.length !== before.size) return false;
  for (const name of names) {
    const was = before.get(name);
    const now = db.storedDocuments(name);
    if (!was || was.length !== now.length) return false;
    for (let i = 0; i < now.length; i++) if (was[i] !== now[i]) return false;
  }
  return true;
}
