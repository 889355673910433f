/**
 * The seam between the Test Explorer side of the extension (test-explorer.ts, commands) and the workflow
 * tests of the core (src/core/testing): replaying a `*.wfvtest.json`, recording a run as one, a DB as a
 * seed. Plain data both ways; type imports only: the code is its own bundle (dist/testing.js, built from
 * ./testing-core.ts, loaded on first use by ./lazy-testing.ts), so activation carries none of it.
 */
import type { ModuleResult, TestFailure } from "../core/testing/replay";

export type { ModuleResult, TestFailure };

/** Replaying a workflow test file in a DB of its own (never a workflow's live DB). */
export interface TestReplayRequest {
  /** The test file's text and its name (for messages). */
  text: string;
  file: string;
  /** The test's workflow, every `$ref` resolved (null: it cannot be resolved; `workflow_problem` says why). */
  workflow: unknown;
  workflow_problem?: string;
  /** The seed's text (`*.seed.json` or `.db`), or null for a fresh DB. */
  seed: string | null;
  /** Rewrite the expectations from the replay when it fails ("Update Expectations"). */
  update?: boolean;
}

export interface TestReplayOutcome {
  /** The test's target (null: the file is not a test; `failures` says why). */
  target: { step_id: string; module_name: string } | null;
  passed: boolean;
  failures: TestFailure[];
  modules: ModuleResult[];
  /** Per expected module: the expectation and what the replay produced, as stable JSON (the diff view's two sides). */
  expected: Record<string, string>;
  actual: Record<string, string>;
  /** With `update`: the test file's new text; null when the replay did not get through (`update_refused` says why). */
  updated_text?: string | null;
  update_refused?: string;
}

/** Recording the run in a DB as a test ("Save Run as Test…"). */
export interface TestRecordRequest {
  /** The workflow's DB (the blob the store holds; "" for a fresh DB). */
  db: string;
  workflow: unknown;
  /** The workflow file relative to the test file, `/`-separated. */
  workflow_ref: string;
  target: { step_id: string; module_name: string };
  mode: "up_to" | "module";
  mock: boolean;
  /** The seed the DB was reset to: its path relative to the test file, and its text. */
  seed?: { ref: string; text: string };
  name?: string;
}

export interface TestRecordOutcome {
  text: string;
  modules: string[];
  regenerated: string[];
}

export interface TestingCore {
  replayTest(request: TestReplayRequest): Promise<TestReplayOutcome>;
  /** Throws (a `WfvError`) when the run cannot become a test, saying why. */
  recordTest(request: TestRecordRequest): Promise<TestRecordOutcome>;
  /** A DB blob as a seed file's text: readable extended JSON (`{"$date"}` values), two-space indentation. */
  seedText(db: string): string;
}
