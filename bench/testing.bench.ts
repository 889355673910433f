/**
 * Replaying the cc example's full workflow test (tracker issue 13): every one of its 23 modules, from a
 * fresh DB through workflow_summary/write_summary_file, with the test's answers and recordings (7
 * outward calls answered from them), then all 23 modules' outputs and state keys compared.
 *
 * Baseline, measured in the same run: the same run without the replay around it — a session on a
 * fresh DB driven through the same answers in mock mode (the modules that call out produce their mock
 * data instead of taking recordings), no comparison.
 *
 * Goal (issue 13): the replay under 1 s.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { execute } from "../src/core/virtual";
import { VirtualSession } from "../src/core/virtual";
import { answersOf, parseTestFile, recordTest, replayTest } from "../src/core/testing";
import type { InteractionResponseData } from "../src/core/engine/types";
import { fixturesDir } from "../test/helpers/paths";
import { medianAsyncMs, printTable } from "./util";

const TARGET = { step_id: "workflow_summary", module_name: "write_summary_file" };

export async function run(): Promise<void> {
  const workflow = JSON.parse(readFileSync(resolve(fixturesDir, "cc_resolved_workflow.json"), "utf8")) as unknown;
  // The author's run: up to the target (earlier interactions answered as a headless mock run does), then the target answered.
  const asked = await execute({ workflow, virtual_db: null, target_step_id: TARGET.step_id, target_module_name: TARGET.module_name, mode: "up_to" });
  const done = await execute({
    workflow,
    virtual_db: asked.result.virtual_db,
    target_step_id: TARGET.step_id,
    target_module_name: TARGET.module_name,
    response: { file_written: true, file_path: "summary.txt" },
  });
  if (done.status !== "completed") throw new Error(`bench setup: the cc run did not complete: ${done.status} ${done.error ?? ""}`);
  const recorded = await recordTest({ workflow, workflowRef: "workflow_v3.json", db: done.result.virtual_db as string, target: TARGET });
  const test = parseTestFile(recorded.text);
  const modules = Object.keys(test.expect).length;
  const calls = Object.values(test.recordings).reduce((sum, list) => sum + list.length, 0);

  const replay = async () => {
    const result = await replayTest({ test, workflow });
    if (!result.passed) throw new Error(`bench: the replay failed: ${result.failures.map((failure) => failure.message).join("; ")}`);
  };
  // What one `wfv test` process pays for its first test (code not yet warm), then the steady state.
  const firstMs = await medianAsyncMs(replay, 1, false);
  const replayMs = await medianAsyncMs(replay);
  const baselineMs = await medianAsyncMs(async () => {
    const session = VirtualSession.open(null);
    const first: Record<string, InteractionResponseData> = {};
    for (const key of Object.keys(test.answers)) first[key] = answersOf(test, key)[0] as InteractionResponseData;
    let response = await session.runUpTo(workflow, TARGET, null, { default_answers: false, answers: first });
    const [answer] = answersOf(test, `${TARGET.step_id}/${TARGET.module_name}`);
    if (response.status === "awaiting_input" && answer) response = await session.respond(workflow, TARGET, null, answer as InteractionResponseData);
    if (response.status !== "target_reached") throw new Error(`bench: the baseline run ended ${response.status}: ${response.message}`);
  });
  printTable([
    { measure: "the first replay in this process (recording warmed only the engine's code)", "median ms": firstMs.toFixed(1) },
    { measure: `replay of cc's full test (${modules} modules, ${calls} recorded calls, compared)`, "median ms": replayMs.toFixed(1) },
    { measure: "baseline: the same run, no replay (mock mode, no comparison)", "median ms": baselineMs.toFixed(1) },
    { measure: "replay / baseline", "median ms": (replayMs / baselineMs).toFixed(2) },
    { measure: "goal: replay under 1 s", "median ms": replayMs < 1000 ? "met" : "NOT met" },
  ]);
}
