/**
 * Recording a workflow test from a run (tracker issue 13, `wfv test record`, "Save Run as Test…"): the
 * run in a virtual DB, up to a module, becomes a test.
 *
 * From the run's lineage (since the seed, when there is one) up to the target's last event: every
 * answer, in order; what each module that calls out got back (an api.llm's or api.fetch's outputs, a
 * media.generateV2's prompts, stored with its interaction request); the outputs of pinned modules.
 * Then the test is replayed once as it will be written, which captures the requests the calls made
 * and gives the expectations: so a fresh test passes by construction, and ids and timestamps are the
 * replay's deterministic ones. Where the replay's outputs differ from the author's run otherwise than
 * in such generated values, the recording is refused with the differences: the run cannot be
 * reproduced from what a test holds.
 */
import { WfvError } from "../errors";
import { createEventView } from "../engine/event-view";
import { dumpResponseData } from "../engine/interaction";
import type { EngineOptions } from "../engine/types";
import { toExtendedJson, type Json } from "../json/extended-json";
import { EventType, type EventDocument } from "../repositories";
import { VirtualSession, type VirtualDbInput } from "../virtual/session";
import type { DbSnapshot } from "../db";
import { diffJson, formatPath, previewJson, type Difference } from "./diff";
import { PINNED_MODULE_ID } from "./pins";
import { CALLS_OUT } from "./recording";
import { expectationOf, replayTest, type ReplayResult } from "./replay";
import { formatTestFile, moduleKeyOf, parseTestFile, type ModuleExpectation, type Pin, type Recording, type WfvTest } from "./test-file";

export interface RecordInput {
  /** The workflow definition, every `$ref` resolved. */
  workflow: unknown;
  /** The workflow file as the test names it: relative to the test file. */
  workflowRef: string;
  /** The DB holding the author's run. */
  db: VirtualDbInput;
  target: { step_id: string; module_name: string };
  mode?: WfvTest["mode"];
  /** Whether the run was a mock-mode run (default true). */
  mock?: boolean;
  /** The seed the run started from: how the test names it (a path relative to the test file, or the snapshot inline) and its DB. */
  seed?: { ref: string | DbSnapshot; db: VirtualDbInput };
  name?: string;
  engine?: EngineOptions;
}

export interface RecordResult {
  test: WfvTest;
  /** The test file's text (sorted keys, two-space indentation). */
  text: string;
  /** The replay that gave the expectations. */
  replay: ReplayResult;
  /** Values the replay produced differently from the author's run that are generated (ids, timestamps): expected as the replay makes them. */
  regenerated: Array<{ key: string; path: string }>;
}

const ID_LIKE = /^(?:[a-z_-]*-)?(?:[0-9a-f]{24}|[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$|^virtual_/i;
const DATE_LIKE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$|^\d{8}_\d{6}/;

/** A value a run generates (an id, a timestamp, a date): two runs differ in it without differing in substance. */
function isGenerated(value: Json | undefined): boolean {
  if (typeof value === "string") return ID_LIKE.test(value) || DATE_LIKE.test(value);
  if (value !== null && typeof value === "object" && !Array.isArray(value)) return Object.keys(value).length === 1 && typeof (value as { $date?: unknown }).$date === "string";
  return false;
}

const GENERATED_IN_TEXT = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?|\d{8}_\d{6}(?:_\d{6})?|[0-9a-f]{32}|[0-9a-f]{24}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** Two values that differ only in generated parts: themselves, or ids and timestamps inside a text. */
function differsOnlyInGenerated(a: Json | undefined, b: Json | undefined): boolean {
  if (isGenerated(a) && isGenerated(b)) return true;
  if (typeof a !== "string" || typeof b !== "string") return false;
  const mask = (text: string) => text.replace(GENERATED_IN_TEXT, "\u0000");
  return mask(a) === mask(b);
}

const ANSWER_DEFAULTS = toExtendedJson(dumpResponseData({})) as Record<string, Json>;

/** A stored answer without the fields that only repeat the API model's defaults (the engine fills them in again). */
function compactAnswer(stored: Record<string, Json>): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [field, value] of Object.entries(stored)) {
    if (Object.prototype.hasOwnProperty.call(ANSWER_DEFAULTS, field) && JSON.stringify(value) === JSON.stringify(ANSWER_DEFAULTS[field])) continue;
    out[field] = value;
  }
  return out;
}

/** The run's events since the seed, up to the target's last event (inclusive). */
function eventsToRecord(session: VirtualSession, seedIds: ReadonlySet<string>, targetKey: string): EventDocument[] {
  const runId = session.findRunId();
  if (runId === null) throw new WfvError("bad_request", "the DB holds no workflow run to record (run the workflow first)", {});
  const lineage = createEventView(session.repos).lineage(runId).filter((event) => !seedIds.has(String(event.event_id)));
  let cut = -1;
  lineage.forEach((event, index) => {
    if (moduleKeyOf(event.step_id ?? "", event.module_name ?? "") === targetKey) cut = index;
  });
  if (cut < 0) {
    throw new WfvError("bad_request", `the run in the DB has not reached ${targetKey}${seedIds.size > 0 ? " since the seed" : ""} (run it up to there first: wfv run … --mode up_to --db …)`, {
      target: targetKey,
    });
  }
  return lineage.slice(0, cut + 1);
}

/** Records a test from the run in `input.db`; throws `bad_request` when the run cannot become a test. */
export async function recordTest(input: RecordInput): Promise<RecordResult> {
  const engine = input.engine ?? {};
  const targetKey = moduleKeyOf(input.target.step_id, input.target.module_name);
  const mode = input.mode ?? "up_to";
  const session = VirtualSession.open(input.db, { codec: engine.codec });
  const seedIds = new Set<string>();
  if (input.seed) {
    const seed = VirtualSession.open(input.seed.db, { codec: engine.codec });
    for (const event of seed.db.collection("events").find({}, { projection: { event_id: 1 } })) seedIds.add(String(event.event_id));
  }
  const events = eventsToRecord(session, seedIds, targetKey);

  const answers: Record<string, Record<string, Json>[]> = {};
  const recordings: Record<string, Recording[]> = {};
  const pins: Record<string, Pin> = {};
  const author: Record<string, ModuleExpectation> = {};
  const startedAs = new Map<string, string>();
  for (const event of events) {
    const key = moduleKeyOf(event.step_id ?? "", event.module_name ?? "");
    const data = (event.data ?? {}) as Record<string, unknown>;
    // Module mode records the target alone: what ran before it is the seed's.
    if (mode === "module" && key !== targetKey) continue;
    switch (event.event_type) {
      case EventType.MODULE_STARTED:
        startedAs.set(key, String(data.module_id ?? ""));
        break;
      case EventType.INTERACTION_REQUESTED: {
        const moduleId = String(data.module_id ?? startedAs.get(key) ?? "");
        if (moduleId === "media.generateV2") {
          const resolved = data._resolved_inputs as Record<string, unknown> | undefined;
          const prompts = resolved?._generated_prompts;
          if (prompts === undefined) throw new WfvError("bad_request", `${key}: the run stored no generated prompts for its media.generateV2 request, so its LLM call cannot be recorded`, { module: key });
          (recordings[key] ??= []).push({ kind: CALLS_OUT[moduleId], module_id: moduleId, response: toExtendedJson(prompts) });
        }
        break;
      }
      case EventType.INTERACTION_RESPONSE:
        if (data.response !== null && typeof data.response === "object") (answers[key] ??= []).push(compactAnswer(toExtendedJson(data.response) as Record<string, Json>));
        break;
      case EventType.MODULE_COMPLETED: {
        const moduleId = startedAs.get(key) ?? "";
        const completed = expectationOf(event);
        author[key] = completed;
        if (moduleId === PINNED_MODULE_ID) pins[key] = { module_outputs: completed.module_outputs ?? {} };
        else if (moduleId === "api.llm" || moduleId === "api.fetch") {
          (recordings[key] ??= []).push({ kind: CALLS_OUT[moduleId], module_id: moduleId, response: completed.module_outputs });
        }
        break;
      }
    }
  }

  const draft: WfvTest = {
    ...(input.name ? { name: input.name } : {}),
    workflow: input.workflowRef,
    target: { ...input.target },
    mode,
    mock: input.mock ?? true,
    ...(input.seed ? { seed: input.seed.ref as WfvTest["seed"] } : {}),
    answers: Object.fromEntries(Object.entries(answers).map(([key, list]) => [key, list.length === 1 ? list[0] : list])),
    recordings,
    ...(Object.keys(pins).length > 0 ? { pins } : {}),
    expect: {},
  };
  // Replayed exactly as it will be written (sorted keys and all), so the file is what passes.
  const written = parseTestFile(formatTestFile(draft));
  const replay = await replayTest({ test: written, workflow: input.workflow, seed: input.seed?.db, engine });
  if (!replay.updatable || replay.failures.length > 0) {
    const reasons = replay.failures.map((failure) => failure.message);
    throw new WfvError("bad_request", `the run cannot be recorded as a test: replaying it ${reasons.length > 0 ? `failed: ${reasons.join("; ")}` : "did not get through"}`, {
      failures: replay.failures.map((failure) => ({ kind: failure.kind, key: failure.key ?? null, message: failure.message })),
    });
  }

  // The replay must reproduce the author's run, generated values aside.
  const regenerated: RecordResult["regenerated"] = [];
  const substantive: Array<{ key: string; difference: Difference }> = [];
  for (const [key, expected] of Object.entries(author)) {
    const actual = replay.actual[key];
    if (actual === undefined) {
      substantive.push({ key, difference: { path: [], expected: "(completed)" } });
      continue;
    }
    for (const difference of diffJson({ module_outputs: expected.module_outputs, state: expected.state } as Json, { module_outputs: actual.module_outputs, state: actual.state } as Json)) {
      if (differsOnlyInGenerated(difference.expected, difference.actual)) regenerated.push({ key, path: formatPath(difference.path) });
      else substantive.push({ key, difference });
    }
  }
  if (substantive.length > 0) {
    const shown = substantive.slice(0, 5).map(({ key, difference }) => `${key} ${formatPath(difference.path)}: the run had ${previewJson(difference.expected, 80)}, the replay ${previewJson(difference.actual, 80)}`);
    throw new WfvError("bad_request", `the run cannot be recorded as a test: its replay differs from it (${shown.join("; ")}${substantive.length > 5 ? `; and ${substantive.length - 5} more` : ""})`, {
      differences: substantive.map(({ key, difference }) => ({ module: key, path: formatPath(difference.path), run: difference.expected ?? null, replay: difference.actual ?? null })),
    });
  }

  const recorded: WfvTest = {
    ...written,
    recordings: Object.fromEntries(
      Object.entries(written.recordings).map(([key, list]) => [key, list.map((recording, index) => ({ ...recording, request: replay.calls[key]?.[index]?.request }))]),
    ),
    expect: Object.fromEntries(Object.entries(replay.actual).filter(([key]) => mode === "up_to" || key === targetKey)),
  };
  const text = formatTestFile(recorded);
  return { test: parseTestFile(text), text, replay, regenerated };
}
