/**
 * A debug run stores what "Run up to here" stores: the same events (types, steps, modules, data) and
 * the same state, whether it stopped on the way, and after stepping back and running forward again;
 * and a media Generate run while the session is held at its interaction stores what a Generate
 * between two Run up to here calls does.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { test } from "node:test";
import { VirtualSession } from "../../src/core/virtual/session";
import { RunController, type Stop } from "../../src/debug/run-controller";
import type { DebugTarget } from "../../src/debug/target";
import { fixturesDir } from "../helpers/paths";

const workflow = JSON.parse(readFileSync(resolve(fixturesDir, "cc_resolved_workflow.json"), "utf8")) as unknown;
const TARGET = { step_id: "scene_generation", module_name: "select_scene" };
/** Fields that differ between any two runs (ids, clocks) or name them. */
const VOLATILE = new Set(["_id", "event_id", "timestamp", "workflow_run_id", "branch_id", "interaction_id", "execution_id", "created_at", "updated_at"]);

function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (value instanceof Date) return "<date>";
  // Ids made from the clock and a random source (uuid7s, ObjectIds), alone or after prefixes (mock-meta-…).
  if (typeof value === "string" && /^([a-z]+[_-])*[0-9a-f]{24,32}$/.test(value)) return "<id>";
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([key]) => !VOLATILE.has(key)).map(([key, inner]) => [key, comparable(inner)]));
  }
  return value;
}

const eventsOf = (session: VirtualSession) => comparable(session.events());

function debugTarget(session: VirtualSession): DebugTarget {
  return {
    workflowFile: "workflow.json",
    source: { workflow: workflow as never, entry: "workflow.json", sources: [], files: [] },
    fileText: () => undefined,
    absolutePath: (file) => file,
    relativeFile: (path) => path,
    session,
    mock: true,
    inTurn: (work) => work(),
  };
}

/** Drives a controller: each stop is answered by `onStop` (returning false ends the drive). */
async function drive(session: VirtualSession, stopAt: (module: Stop["module"]) => boolean, onStop: (stop: Stop, controller: RunController) => void): Promise<void> {
  await new Promise<void>((done) => {
    const controller: RunController = new RunController(
      debugTarget(session),
      { workflow, target: TARGET, stopOnEntry: false, stopOnInteraction: false },
      {
        breakpointAt: (module) => (stopAt(module) ? [1] : null),
        hasBreakpoint: () => false,
        stopped: (stop) => setImmediate(() => (stop.phase === "interaction" ? done() : onStop(stop, controller))),
        ended: () => done(),
      },
    );
    controller.start();
  });
}

test("stopping on the way, and stepping back then forward, leave the events and state of a plain run up to the target", async () => {
  const plain = VirtualSession.open(null);
  const expected = await plain.runUpTo(workflow, TARGET, null, { mock: true });
  assert.equal(expected.status, "awaiting_input");

  const stopped = VirtualSession.open(null);
  await drive(stopped, (module) => module.index % 2 === 0, (_stop, controller) => controller.continue("continue"));
  assert.deepEqual(eventsOf(stopped), eventsOf(plain));
  assert.deepEqual(comparable(stopped.state().state_mapped), comparable(plain.state().state_mapped));

  const rewound = VirtualSession.open(null);
  let wentBack = false;
  await drive(
    rewound,
    (module) => module.moduleName === "generate_scenes",
    (stop, controller) => {
      if (!wentBack && stop.module.moduleName === "generate_scenes") {
        wentBack = true;
        controller.stepBack();
      } else controller.continue("continue");
    },
  );
  assert.ok(wentBack);
  assert.deepEqual(eventsOf(rewound), eventsOf(plain));
  assert.deepEqual(comparable(rewound.state().state_mapped), comparable(plain.state().state_mapped));
});

test("a sub-action run while the session is held mid-call at its interaction stores what one between two plain calls does", async () => {
  const images = { step_id: "image_prompts", module_name: "generate_and_select_images_v2" };
  const analyze = { step_id: "image_analysis", module_name: "analyze_image" };
  const params = { provider: "midjourney", action_type: "txt2img", prompt_id: "midjourney", params: { prompt: "x" } };
  const selects: Record<string, { selected_indices: number[] }> = {
    "user_input/select_pet_type": { selected_indices: [0] },
    "user_input/select_aesthetic": { selected_indices: [0] },
    "scene_generation/select_scene": { selected_indices: [0] },
  };
  const pick = (generated: Record<string, any>) => ({ selected_content_id: generated.content_ids[0], generations: { midjourney: [generated] } });

  // Plain: up to the media module, Generate, then up to analyze_image with the pick as the answer.
  const plain = VirtualSession.open(null);
  assert.equal((await plain.runUpTo(workflow, images, null, { mock: true, answers: { ...selects } })).status, "awaiting_input");
  const interactionId = String(plain.interactionHistory().pending_interaction?.interaction_id);
  let generated: Record<string, any> | undefined;
  for await (const event of plain.subAction(workflow, { interaction_id: interactionId, sub_action_id: "image_generation", params }, { mock: true })) {
    if (event.type === "complete") generated = event.data.sub_action_result as Record<string, any>;
  }
  assert.ok(generated);
  assert.equal((await plain.runUpTo(workflow, analyze, pick(generated), { mock: true, answers: { ...selects } })).status, "target_reached");

  // Debugged up to analyze_image, stopping at every interaction: the selects answered, Generate run at the media one.
  const debugged = VirtualSession.open(null);
  let generatedHeld = false;
  await new Promise<void>((done) => {
    const controller: RunController = new RunController(
      { ...debugTarget(debugged) },
      { workflow, target: analyze, stopOnEntry: false, stopOnInteraction: true },
      {
        breakpointAt: () => null,
        hasBreakpoint: () => false,
        ended: () => done(),
        stopped: (stop) =>
          setImmediate(async () => {
            const select = selects[`${stop.module.stepId}/${stop.module.moduleName}`];
            if (select) return void controller.answer(select);
            const outcome = await controller.subAction("image_generation", params);
            assert.equal(outcome.error, null);
            generatedHeld = true;
            controller.answer(pick(outcome.result?.sub_action_result as Record<string, any>));
          }),
      },
    );
    controller.start();
  });
  assert.ok(generatedHeld, "the session stopped at the media interaction and generated there");
  assert.deepEqual(eventsOf(debugged), eventsOf(plain));
  assert.deepEqual(comparable(debugged.state().state_mapped), comparable(plain.state().state_mapped));
});
