/**
 * A real virtual DB with a controllable clock and seeded randomness, the repositories over it, and a
 * small script that stores events the way the executor does (engine.md 4.3), so tests read like the
 * spec's scenarios.
 */
import { createFreshVirtualDb } from "../../src/core/db";
import { seededRandom as coreSeededRandom } from "../../src/core/mock/random";
import type { VirtualDb } from "../../src/core/db/types";
import { createRepositories, EventType, VIRTUAL_USER_ID, type Repositories } from "../../src/core/repositories";

export const START_MS = Date.UTC(2026, 0, 15, 10, 30, 0);

export interface TestClock {
  (): number;
  /** Moves time forward (default 1 ms). */
  advance(ms?: number): void;
  /** Sets time, also backwards (ids must still grow: ruling 4). */
  set(ms: number): void;
}

export function testClock(start = START_MS): TestClock {
  let now = start;
  const clock = (() => now) as TestClock;
  clock.advance = (ms = 1) => {
    now += ms;
  };
  clock.set = (ms) => {
    now = ms;
  };
  return clock;
}

/** The core's seeded PRNG (mulberry32), seed 42 unless given: good enough for id tails. */
export function seededRandom(seed = 42): () => number {
  return coreSeededRandom(seed);
}

export interface Harness {
  db: VirtualDb;
  repos: Repositories;
  clock: TestClock;
}

export function harness(): Harness {
  const clock = testClock();
  const db = createFreshVirtualDb({ clock, random: seededRandom() });
  return { db, repos: createRepositories(db), clock };
}

/** Drives one run through the events the executor would store. Every call advances the clock. */
export class RunScript {
  readonly runId: string;
  readonly versionId: string;

  constructor(
    readonly h: Harness,
    options: { runId?: string; projectName?: string; workflow?: Record<string, unknown> } = {},
  ) {
    const workflow = options.workflow ?? { workflow_id: "demo", steps: [] };
    const stored = h.repos.versions.processAndStoreWorkflowVersions(workflow, "hash-demo", "json", "demo", VIRTUAL_USER_ID);
    const run = h.repos.runs.getOrCreateWorkflowRun({
      userId: VIRTUAL_USER_ID,
      projectName: options.projectName ?? "virtual_project",
      workflowTemplateName: "demo",
      workflowTemplateId: stored.workflowTemplateId,
      workflowVersionId: stored.workflowVersionId,
      workflowRunId: options.runId,
    });
    this.runId = run.workflowRunId;
    this.versionId = stored.workflowVersionId;
    this.event(EventType.WORKFLOW_CREATED, {
      project_name: "virtual_project",
      workflow_template_name: "demo",
      workflow_template_id: stored.workflowTemplateId,
      version_id: stored.workflowVersionId,
    });
  }

  event(eventType: (typeof EventType)[keyof typeof EventType], data: Record<string, unknown> = {}, stepId?: string, moduleName?: string): string {
    this.h.clock.advance();
    return this.h.repos.events.storeEvent({ workflowRunId: this.runId, eventType, data, stepId, moduleName });
  }

  stepStarted(stepId: string): string {
    return this.event(EventType.STEP_STARTED, {}, stepId);
  }

  stepCompleted(stepId: string): string {
    return this.event(EventType.STEP_COMPLETED, {}, stepId);
  }

  /** module_started + module_completed with the outputs and their `outputs_to_state` mapping. */
  module(stepId: string, name: string, outputs: Record<string, unknown>, outputsToState: Record<string, string> = {}): string {
    this.event(EventType.MODULE_STARTED, { module_id: "transform.test" }, stepId, name);
    this.h.clock.advance();
    return this.h.repos.state.storeModuleOutputs({ workflowRunId: this.runId, stepId, moduleName: name, outputs, outputsToState }).eventId;
  }

  /** module_started + interaction_requested; returns the request event id. */
  request(stepId: string, name: string, interactionId: string): string {
    this.event(EventType.MODULE_STARTED, { module_id: "user.select" }, stepId, name);
    return this.event(
      EventType.INTERACTION_REQUESTED,
      { interaction_id: interactionId, interaction_type: "select_from_structured", title: name, module_id: "user.select" },
      stepId,
      name,
    );
  }

  respond(stepId: string, name: string, interactionId: string, response: Record<string, unknown>): string {
    return this.event(EventType.INTERACTION_RESPONSE, { interaction_id: interactionId, response }, stepId, name);
  }
}
