/**
 * A debug run stores what "Run up to here" stores: the same events (types, steps, modules, data) and
 * the same state, whether it stopped on the way, and after stepping back and running forward again.
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
  // Ids made from the clock and a random source (uuid7s, ObjectIds), alone or after a prefix.
  if (typeof value === "string" && /^([a-z]+_)?[0-9a-f]{24,32}$/.test(value)) return "<id>";
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
