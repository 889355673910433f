/**
 * Workflow tests in the extension (tracker issue 13): dist/testing.js, loaded on first use
 * (./lazy-testing.ts). A test replays in a DB of its own, as `wfv test` replays it, never in a
 * workflow's live DB; a recording reads the workflow's DB as the store holds it.
 */
import { exportJsonText } from "../core/db";
import { toWfvError, VirtualSession } from "../core/virtual";
import { formatTestFile, parseTestFile, recordTest, replayTest, stableJson, updateExpectations, type ModuleExpectation, type ReplayResult, type WfvTest } from "../core/testing";
import { nodeGzipCodec } from "../node/gzip";
import type { TestingCore, TestReplayOutcome, TestReplayRequest } from "./testing-api";

/** A module's expectation as the diff view shows it (ignore paths aside). */
function expectationText(expectation: ModuleExpectation | undefined): string {
  if (expectation === undefined) return "(the module did not complete)\n";
  return stableJson({ module_outputs: expectation.module_outputs, state: expectation.state });
}

function outcomeOf(test: WfvTest, result: ReplayResult): TestReplayOutcome {
  const expected: Record<string, string> = {};
  const actual: Record<string, string> = {};
  for (const key of Object.keys(test.expect)) {
    expected[key] = expectationText(test.expect[key]);
    actual[key] = expectationText(result.actual[key]);
  }
  return { target: test.target, passed: result.passed, failures: result.failures, modules: result.modules, expected, actual };
}

/** Replays one test file; with `update`, rewrites a failing test's expectations from its replay. Never throws. */
export async function replayTestFile(request: TestReplayRequest): Promise<TestReplayOutcome> {
  const broken = (message: string, test?: WfvTest): TestReplayOutcome => ({
    target: test?.target ?? null,
    passed: false,
    failures: [{ kind: "crash", message }],
    modules: test ? Object.keys(test.expect).map((key) => ({ key, passed: false, pinned: false, failures: [] })) : [],
    expected: {},
    actual: {},
  });
  let test: WfvTest;
  try {
    test = parseTestFile(request.text, request.file);
  } catch (error) {
    return broken(toWfvError(error).message);
  }
  if (request.workflow === null || request.workflow === undefined) return broken(request.workflow_problem ?? `the test's workflow ${test.workflow} cannot be read`, test);
  try {
    const engine = { codec: nodeGzipCodec };
    const result = await replayTest({ test, workflow: request.workflow, seed: request.seed, engine });
    if (result.passed || !request.update) return outcomeOf(test, result);
    const updated = updateExpectations(test, result);
    if (updated === null) {
      return {
        ...outcomeOf(test, result),
        updated_text: null,
        update_refused: "its replay did not get through as the test describes (see the failures), so there is no actual run to take the expectations from: record the test again",
      };
    }
    const text = formatTestFile(updated);
    const rewritten = parseTestFile(text, request.file);
    const again = await replayTest({ test: rewritten, workflow: request.workflow, seed: request.seed, engine });
    return { ...outcomeOf(rewritten, again), updated_text: text };
  } catch (error) {
    return broken(`the replay crashed: ${toWfvError(error).message}`, test);
  }
}

export function createTestingCore(): TestingCore {
  return {
    replayTest: replayTestFile,
    async recordTest(request) {
      const recorded = await recordTest({
        workflow: request.workflow,
        workflowRef: request.workflow_ref,
        db: request.db === "" ? null : request.db,
        target: request.target,
        mode: request.mode,
        mock: request.mock,
        seed: request.seed ? { ref: request.seed.ref, db: request.seed.text } : undefined,
        name: request.name,
        engine: { codec: nodeGzipCodec },
      });
      return { text: recorded.text, modules: Object.keys(recorded.test.expect), regenerated: recorded.regenerated.map((item) => `${item.key} ${item.path}`) };
    },
    seedText(db) {
      const session = VirtualSession.open(db === "" ? null : db, { codec: nodeGzipCodec });
      return JSON.stringify(JSON.parse(exportJsonText(session.db)), null, 2) + "\n";
    },
  };
}
