/**
 * Replaying a workflow test (tracker issue 13): the run again, in a fresh virtual DB (or the test's
 * seed), with the test's answers and recordings, then every expected module's outputs and state keys
 * compared with what the replay produced.
 *
 * Deterministic by construction: the DB's clock and templates' `now()` stand still at a fixed instant
 * and the DB's random source is seeded, so ids and timestamps come out the same on every replay; the modules that call out take
 * their answers from the recordings and never reach a provider (recording.ts).
 *
 * Every way a test can go wrong ends in a failure that says what happened — the target gone from the
 * workflow, a module that now calls out more or less than recorded, an interaction the test has no
 * answer for, an answer nobody asked for, a module that did not run, outputs that differ — never in a
 * thrown error or a pass.
 */
import { createFreshVirtualDb, importDb, type VirtualDb } from "../db";
import { createEventView } from "../engine/event-view";
import { seededRandom } from "../mock/random";
import type { EngineOptions, InteractionResponseData } from "../engine/types";
import { fromExtendedJson, toExtendedJson, type Json } from "../json/extended-json";
import { NaiveDateTime } from "../python/objects";
import { EventType, type EventDocument } from "../repositories";
import { isEmptyDbInput, VirtualSession, type SessionResponse, type VirtualDbInput } from "../virtual/session";
import { moduleName, validateWorkflow, type Workflow } from "../workflow/model";
import { describeDifference, diffJson, parseIgnorePattern, type Difference, type IgnorePattern } from "./diff";
import { applyPins, PINNED_MODULE_ID, type Pins } from "./pins";
import { RecordingCursor, wrapRegistry, type ReplayedCall } from "./recording";
import { answersOf, moduleKeyOf, type ModuleExpectation, type Recording, type WfvTest } from "./test-file";

/** The instant a replay's DB clock stands at (ids and timestamps derive from it). */
export const REPLAY_EPOCH_MS = Date.UTC(2025, 0, 1);

export type FailureKind =
  | "workflow_invalid"
  | "target_missing"
  | "pin"
  | "recording"
  | "answers"
  | "run_error"
  | "stopped"
  | "not_run"
  | "outputs"
  | "crash";

export interface TestFailure {
  kind: FailureKind;
  /** The module (`step/module`) it concerns, when it concerns one. */
  key?: string;
  message: string;
  /** Where expected and actual differ; paths are rooted at the module's expectation (`$.module_outputs…`, `$.state…`) or, for a recording, at its request. */
  differences?: Difference[];
}

export interface ModuleResult {
  key: string;
  passed: boolean;
  /** The module ran pinned (its pinned outputs were used). */
  pinned: boolean;
  failures: TestFailure[];
}

export interface ReplayResult {
  passed: boolean;
  /** Every failure: those about the whole test first, then per module. */
  failures: TestFailure[];
  /** One per expected module, in the test's order. */
  modules: ModuleResult[];
  /** Every module that completed in the replay (its last completion), as the test would expect it. */
  actual: Record<string, ModuleExpectation>;
  /** Modules in the order they completed (a module completing twice is listed twice). */
  ran: string[];
  /** The outward calls the replay made, per module in order. */
  calls: Record<string, ReplayedCall[]>;
  /** The replay got through as the test describes (no run error, nothing unanswered, recordings and answers used up): its outputs may replace the expectations. */
  updatable: boolean;
}

export interface ReplayInput {
  test: WfvTest;
  /** The workflow definition, every `$ref` resolved. */
  workflow: unknown;
  /** The seed's DB (its file already read), or nothing for a fresh DB. */
  seed?: VirtualDbInput;
  /** Providers (never called for recorded modules), a logger, a gzip codec, a base registry. */
  engine?: EngineOptions;
}

/** A DB whose clock stands still and whose random source is seeded: the same ids on every replay. */
export function deterministicDb(seed: VirtualDbInput, codec?: EngineOptions["codec"]): VirtualDb {
  const options = { clock: () => REPLAY_EPOCH_MS, random: seededRandom(0x5eed) };
  return isEmptyDbInput(seed) ? createFreshVirtualDb(options) : importDb(seed as Exclude<VirtualDbInput, null | undefined>, { ...options, ensureVirtualUser: true, codec });
}

/** Where a failure that concerns the workflow's target says so. */
function targetProblem(workflow: Workflow, test: WfvTest): string | null {
  const { step_id: stepId, module_name: name } = test.target;
  const step = workflow.steps.find((candidate) => candidate.step_id === stepId);
  if (!step) {
    const steps = workflow.steps.map((candidate) => candidate.step_id).join(", ");
    return `the workflow no longer has the test's target step '${stepId}' (target ${stepId}/${name}); its steps are: ${steps || "(none)"}`;
  }
  const names = (step.modules ?? []).map(moduleName);
  if (!names.includes(name)) {
    return `step '${stepId}' no longer has the test's target module '${name}' (target ${stepId}/${name}); its modules are: ${names.join(", ") || "(none)"}`;
  }
  return null;
}

/** A module's completion as the test expects it: its outputs (`_state_mapped` aside) and the state keys it set. */
export function expectationOf(event: EventDocument): ModuleExpectation {
  const { _state_mapped: mapped, ...outputs } = (event.data ?? {}) as Record<string, unknown>;
  return {
    module_outputs: toExtendedJson(outputs) as Record<string, Json>,
    state: toExtendedJson(mapped ?? {}) as Record<string, Json>,
  };
}

/** Compares one module's expectation with what ran; differences are rooted at the expectation entry. */
export function compareModule(key: string, expected: ModuleExpectation, actual: ModuleExpectation | undefined): TestFailure[] {
  if (actual === undefined) {
    return [{ kind: "not_run", key, message: `${key} was expected to run, and it did not complete in the replay` }];
  }
  const ignore: IgnorePattern[] = [];
  const bad: string[] = [];
  for (const path of expected.ignore ?? []) {
    try {
      ignore.push(parseIgnorePattern(path));
    } catch (error) {
      bad.push((error as Error).message);
    }
  }
  if (bad.length > 0) return [{ kind: "outputs", key, message: `${key}: ${bad.join("; ")}` }];
  const differences = diffJson(
    { module_outputs: expected.module_outputs, state: expected.state ?? {} } as Json,
    { module_outputs: actual.module_outputs, state: actual.state } as Json,
    { ignore },
  );
  if (differences.length === 0) return [];
  const first = describeDifference(differences[0], 80);
  const more = differences.length > 1 ? ` (and ${differences.length - 1} more difference${differences.length === 2 ? "" : "s"})` : "";
  return [{ kind: "outputs", key, message: `${key}: ${first.path} is ${first.actual}, expected ${first.expected}${more}`, differences }];
}

/** Runs the test's replay and compares; never throws (a crash is a failure of the test). */
export async function replayTest(input: ReplayInput): Promise<ReplayResult> {
  try {
    return await replay(input);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const failure: TestFailure = { kind: "crash", message: `the replay failed unexpectedly: ${message}` };
    return { passed: false, failures: [failure], modules: moduleResults(input.test, [failure], new Set()), actual: {}, ran: [], calls: {}, updatable: false };
  }
}

function moduleResults(test: WfvTest, failures: readonly TestFailure[], pinned: ReadonlySet<string>): ModuleResult[] {
  return Object.keys(test.expect).map((key) => {
    const own = failures.filter((failure) => failure.key === key);
    return { key, passed: own.length === 0 && !failures.some((failure) => failure.key === undefined), pinned: pinned.has(key), failures: own };
  });
}

async function replay(input: ReplayInput): Promise<ReplayResult> {
  const { test } = input;
  const failures: TestFailure[] = [];
  const finish = (actual: Record<string, ModuleExpectation>, ran: string[], calls: Record<string, ReplayedCall[]>, pinned: Set<string>, updatable: boolean): ReplayResult => {
    const ordered = [...failures.filter((failure) => failure.key === undefined), ...failures.filter((failure) => failure.key !== undefined)];
    return { passed: ordered.length === 0, failures: ordered, modules: moduleResults(test, ordered, pinned), actual, ran, calls, updatable };
  };

  let workflow: Workflow;
  try {
    workflow = validateWorkflow(input.workflow);
  } catch (error) {
    failures.push({ kind: "workflow_invalid", message: `the workflow is not valid: ${(error as Error).message}` });
    return finish({}, [], {}, new Set(), false);
  }
  const missing = targetProblem(workflow, test);
  if (missing !== null) {
    failures.push({ kind: "target_missing", message: missing });
    return finish({}, [], {}, new Set(), false);
  }

  const pins: Pins = test.pins ?? {};
  const pinned = applyPins(input.workflow, pins);
  for (const key of pinned.unmatched) {
    failures.push({ kind: "pin", key, message: `${key}: the test relies on a pin of this module, and the workflow no longer has it` });
  }

  const cursor = new RecordingCursor(test.recordings);
  const engine = input.engine ?? {};
  const db = deterministicDb(input.seed, engine.codec);
  const seedEvents = new Set(db.collection("events").find({}, { projection: { event_id: 1 } }).map((event) => String(event.event_id)));
  // Templates' now() stands still too, at the same instant read as UTC: the same text in every time zone.
  const templateNow = () => NaiveDateTime.fromUtcDate(new Date(REPLAY_EPOCH_MS));
  const session = new VirtualSession(db, { ...engine, templateNow, registry: wrapRegistry({ pins, replay: cursor }, engine.registry) });

  // Answers handed out per module, in order.
  const given = new Map<string, number>();
  const nextAnswer = (key: string): InteractionResponseData | undefined => {
    const list = answersOf(test, key);
    const index = given.get(key) ?? 0;
    if (index >= list.length) return undefined;
    given.set(key, index + 1);
    return fromExtendedJson(list[index]) as InteractionResponseData;
  };
  const target = test.target;
  const targetKey = moduleKeyOf(target.step_id, target.module_name);
  const mock = test.mock;
  const definition = pinned.workflow;

  let response: SessionResponse;
  if (test.mode === "up_to") {
    // Each module's first answer is scripted (up_to answers before the target with them); a module
    // asked again, and the target, are answered below, one answer at a time.
    const first: Record<string, InteractionResponseData> = {};
    for (const key of Object.keys(test.answers)) {
      if (key === targetKey) continue;
      const answer = answersOf(test, key)[0];
      if (answer !== undefined) first[key] = fromExtendedJson(answer) as InteractionResponseData;
    }
    response = await session.runUpTo(definition, target, null, { mock, default_answers: false, answers: first });
    for (const auto of response.auto_answers ?? []) {
      const key = moduleKeyOf(auto.step_id, auto.module_name);
      if (auto.source === "scripted") given.set(key, (given.get(key) ?? 0) + 1);
      else {
        failures.push({
          kind: "answers",
          key,
          message: `${key} asked for input (${auto.interaction_type}), and the test has no answer for it (the replay answered it by ${auto.source.replace("_", "-")}): an interaction added. Record the test again.`,
        });
      }
    }
  } else {
    response = await session.runModule(definition, target, null, { mock });
  }
  for (let guard = 0; response.status === "awaiting_input" && guard < 10_000; guard++) {
    const key = moduleKeyOf(response.progress?.current_step ?? "", response.progress?.current_module ?? "");
    const answer = nextAnswer(key);
    if (answer === undefined) break;
    response = test.mode === "up_to" ? await session.respond(definition, target, null, answer, { mock }) : await session.runModule(definition, target, answer, { mock });
  }

  // What ran: the completions since the seed on the run's lineage.
  const actual: Record<string, ModuleExpectation> = {};
  const ran: string[] = [];
  const pinnedRan = new Set<string>();
  const runId = session.findRunId();
  if (runId !== null) {
    for (const event of createEventView(session.repos).lineage(runId)) {
      if (seedEvents.has(String(event.event_id))) continue;
      const key = moduleKeyOf(event.step_id ?? "", event.module_name ?? "");
      if (event.event_type === EventType.MODULE_STARTED && event.data?.module_id === PINNED_MODULE_ID) pinnedRan.add(key);
      if (event.event_type !== EventType.MODULE_COMPLETED) continue;
      actual[key] = expectationOf(event);
      ran.push(key);
    }
  }
  const calls = Object.fromEntries(cursor.calls);

  // How the run ended.
  const recordingProblems = cursor.problems.filter((problem) => problem.kind !== "request_changed");
  let gotThrough = true;
  if (response.status === "error") {
    gotThrough = false;
    if (recordingProblems.length === 0) {
      const where = response.progress?.current_module ? moduleKeyOf(response.progress.current_step ?? "", response.progress.current_module) : undefined;
      failures.push({ kind: "run_error", key: where && test.expect[where] ? where : undefined, message: `the replay failed${where ? ` at ${where}` : ""}: ${response.error ?? response.message} (${response.error_type ?? "execution_failed"})` });
    }
  } else if (response.status === "awaiting_input") {
    const key = moduleKeyOf(response.progress?.current_step ?? "", response.progress?.current_module ?? "");
    if (key !== targetKey || test.expect[targetKey] !== undefined) {
      gotThrough = false;
      const asked = answersOf(test, key).length;
      failures.push({
        kind: "stopped",
        key: test.expect[key] ? key : undefined,
        message:
          asked === 0
            ? `the replay stopped at ${key}, which asks for input the test has no answer for (an interaction added or moved). Record the test again.`
            : `the replay stopped at ${key}, which asked for input more often than the test has answers for (${asked}). Record the test again.`,
      });
    }
  }
  for (const problem of recordingProblems) failures.push({ kind: "recording", key: problem.key, message: problem.message });
  if (gotThrough && recordingProblems.length === 0) {
    for (const problem of cursor.leftovers()) failures.push({ kind: "recording", key: problem.key, message: problem.message });
    for (const key of Object.keys(test.answers)) {
      const left = answersOf(test, key).length - (given.get(key) ?? 0);
      if (left > 0) {
        failures.push({
          kind: "answers",
          key,
          message: `${key}: the test has ${left} answer${left === 1 ? "" : "s"} the replay did not use: the module asked for input less often (or not at all). Record the test again.`,
        });
      }
    }
  }
  for (const problem of cursor.problems) {
    if (problem.kind !== "request_changed") continue;
    failures.push({ kind: "recording", key: problem.key, message: problem.message, differences: problem.differences });
  }

  // The expectations.
  for (const [key, expected] of Object.entries(test.expect)) {
    // A module the run never got to is already explained by how the run ended.
    if (actual[key] === undefined && !gotThrough) continue;
    failures.push(...compareModule(key, expected, actual[key]));
  }
  const updatable = gotThrough && !failures.some((failure) => failure.kind === "recording" && failure.differences === undefined) && !failures.some((failure) => ["answers", "pin", "crash"].includes(failure.kind));
  return finish(actual, ran, calls, pinnedRan, updatable);
}

/**
 * The test with its expectations taken from a replay (`wfv test --update`): every module that ran gets
 * the outputs and state it produced (keeping its ignore paths), and every recorded request becomes the
 * request the replay made (the recorded responses stay). Null when the replay did not get through.
 */
export function updateExpectations(test: WfvTest, result: ReplayResult): WfvTest | null {
  if (!result.updatable) return null;
  const expect: Record<string, ModuleExpectation> = {};
  for (const [key, actual] of Object.entries(result.actual)) {
    const ignore = test.expect[key]?.ignore;
    expect[key] = ignore && ignore.length > 0 ? { ...actual, ignore } : { ...actual };
  }
  const recordings: Record<string, Recording[]> = {};
  for (const [key, list] of Object.entries(test.recordings)) {
    const calls = result.calls[key] ?? [];
    recordings[key] = list.map((recording, index) => (calls[index] ? { ...recording, request: calls[index].request } : recording));
  }
  return { ...test, expect, recordings };
}
