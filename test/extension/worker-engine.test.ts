/**
 * The engine in a worker (child process) under budgets (src/extension/worker-engine.ts, issue 11.1): a run that
 * goes over its time or memory budget answers `limit_exceeded`, this process stays up, the next call
 * starts a fresh worker, and the DB is exactly what it was before that run, earlier runs included.
 */
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { describe, test } from "node:test";
import type { ExecuteRequest, LiveDbRef } from "../../src/extension/engine";
import { workerEngine } from "../../src/extension/worker-engine";
import type { Budgets } from "../../src/node/isolate";
import { miniWorkflow, TOPIC_STEP } from "../engine/fixtures";

/** The worker is a child Node process: it loads the TypeScript entry through tsx. */
const WORKER = { file: resolve(__dirname, "../../src/extension/engine-worker.ts"), execArgv: ["--import", "tsx"] };

const BOMB_STEP = "bombs";

/** miniWorkflow plus a step of hostile modules: a CPU-bound template within every cap (time) and a batch bomb (memory). */
function hostileWorkflow(): Record<string, any> {
  const workflow = miniWorkflow();
  workflow.steps.push({
    step_id: BOMB_STEP,
    name: "Bombs",
    modules: [
      {
        module_id: "user.text_input",
        name: "regex",
        // Sorting 900,000 numbers forty times: within every size and step cap, far over the 2 s budget.
        inputs: { resolver_schema: { type: "object", properties: { prompt: { resolver: "server" } } }, prompt: "{% for i in range(40) %}{{ range(900000)|list|sort(reverse=true)|first }}{% endfor %}" },
        outputs_to_state: { value: "matched" },
      },
      {
        module_id: "user.text_input",
        name: "batch",
        inputs: { resolver_schema: { type: "object", properties: { prompt: { resolver: "server" } } }, prompt: "{{ [1]|batch(10**9, 0)|list|length }}" },
        outputs_to_state: { value: "never" },
      },
    ],
  });
  return workflow;
}

function storedDb(): LiveDbRef & { loads: number } {
  const ref = {
    loads: 0,
    db_key: "wf/workflow.json",
    load_db: async () => {
      ref.loads++;
      return null;
    },
  };
  return ref;
}

function call(ref: LiveDbRef, workflow: unknown, step: string, module: string, response: Record<string, unknown> | null = null): ExecuteRequest {
  return { db_key: ref.db_key, load_db: ref.load_db, workflow, target_step_id: step, target_module_name: module, response, mode: "module", mock: true };
}

async function withEngine(budgets: Budgets, body: (engine: ReturnType<typeof workerEngine>) => Promise<void>): Promise<void> {
  const engine = workerEngine({ script: WORKER, budgets: () => budgets });
  try {
    await body(engine);
  } finally {
    await engine.dispose();
  }
}

describe("the engine's worker under budgets", () => {
  test("a CPU-bound run (a template within every cap) ends in limit_exceeded (time); the DB keeps the earlier runs and the next run works", async () => {
    await withEngine({ memoryMb: 512, runSeconds: 2 }, async (engine) => {
      const stored = storedDb();
      const workflow = hostileWorkflow();
      assert.equal((await engine.execute(call(stored, workflow, TOPIC_STEP, "ask_topic"))).status, "awaiting_input");
      const answered = await engine.execute(call(stored, workflow, TOPIC_STEP, "ask_topic", { value: "otters" }));
      assert.equal(answered.status, "completed", String(answered.error));
      // No export in between: the host journals what each run changed.
      const bomb = await engine.execute(call(stored, workflow, BOMB_STEP, "regex"));
      assert.equal(bomb.status, "error");
      assert.equal(bomb.result?.error_type, "limit_exceeded", JSON.stringify(bomb.result));
      assert.deepEqual(bomb.result?.details, { limit: "time", value: 2, module_name: "regex", step_id: BOMB_STEP });
      assert.equal(bomb.changes, null);
      const before = await engine.exportDb(stored.db_key);
      assert.ok(before, "the last good DB is rebuilt from the journal");
      // The next call starts a fresh worker, from the DB the last good run left.
      const state = await engine.state(stored);
      assert.equal((state.state_mapped as Record<string, unknown>).topic, "otters");
      assert.equal(await engine.exportDb(stored.db_key), before, "the DB is byte for byte what it was before the run");
      const next = await engine.execute(call(stored, workflow, TOPIC_STEP, "ask_topic", { value: "owls" }));
      assert.equal(next.status, "completed", String(next.error));
      assert.equal(next.workflow_run_id, answered.workflow_run_id, "the same run goes on");
      assert.equal(stored.loads, 1, "the stored DB was read once; after the limit, the journal was replayed");
    });
  });

  test("after several runs with no export in between, a time-limit kill leaves the DB byte for byte as before the run (journal replay), and the next run goes on", async () => {
    await withEngine({ memoryMb: 512, runSeconds: 2 }, async (engine) => {
      const stored = storedDb();
      const workflow = hostileWorkflow();
      assert.equal((await engine.execute(call(stored, workflow, TOPIC_STEP, "ask_topic"))).status, "awaiting_input");
      const answered = await engine.execute(call(stored, workflow, TOPIC_STEP, "ask_topic", { value: "otters" }));
      assert.equal(answered.status, "completed", String(answered.error));
      const again = await engine.execute(call(stored, workflow, TOPIC_STEP, "ask_topic", { value: "owls" }));
      assert.equal(again.status, "completed", String(again.error));
      // Nothing was exported: the host holds a fresh DB plus the changes each run reported.
      assert.equal(engine.journalLength(stored.db_key), 3);
      const before = await engine.peekDb(stored.db_key);
      assert.ok(before);
      const bomb = await engine.execute(call(stored, workflow, BOMB_STEP, "regex"));
      assert.equal(bomb.result?.error_type, "limit_exceeded", JSON.stringify(bomb.result));
      assert.equal(engine.journalLength(stored.db_key), 3, "the run that died reported nothing");
      // The export comes from a fresh worker, which opened the fresh DB and replayed the journal.
      const after = await engine.exportDb(stored.db_key);
      assert.equal(after, before, "the DB is byte for byte what it was before the run");
      assert.equal(engine.journalLength(stored.db_key), 0, "an export takes the changes it holds out of the journal");
      const next = await engine.execute(call(stored, workflow, TOPIC_STEP, "ask_topic", { value: "bats" }));
      assert.equal(next.status, "completed", String(next.error));
      assert.equal(next.workflow_run_id, answered.workflow_run_id, "the same run goes on");
      assert.equal(((await engine.state(stored)).state_mapped as Record<string, unknown>).topic, "bats");
      assert.equal(stored.loads, 1, "the stored DB was read once");
    });
  });

  test("a kill with changes reported since the last export replays them over the exported DB", async () => {
    await withEngine({ memoryMb: 512, runSeconds: 2 }, async (engine) => {
      const stored = storedDb();
      const workflow = hostileWorkflow();
      await engine.execute(call(stored, workflow, TOPIC_STEP, "ask_topic"));
      await engine.execute(call(stored, workflow, TOPIC_STEP, "ask_topic", { value: "otters" }));
      await engine.exportDb(stored.db_key); // as the store's background write does
      assert.equal(engine.journalLength(stored.db_key), 0);
      await engine.execute(call(stored, workflow, TOPIC_STEP, "ask_topic", { value: "owls" }));
      await engine.execute(call(stored, workflow, TOPIC_STEP, "ask_topic", { value: "bats" }));
      assert.equal(engine.journalLength(stored.db_key), 2);
      const before = await engine.peekDb(stored.db_key);
      const bomb = await engine.execute(call(stored, workflow, BOMB_STEP, "regex"));
      assert.equal(bomb.result?.error_type, "limit_exceeded", JSON.stringify(bomb.result));
      assert.equal(((await engine.state(stored)).state_mapped as Record<string, unknown>).topic, "bats");
      assert.equal(await engine.peekDb(stored.db_key), before, "the DB is byte for byte what it was before the run");
      const next = await engine.execute(call(stored, workflow, TOPIC_STEP, "ask_topic", { value: "cats" }));
      assert.equal(next.status, "completed", String(next.error));
    });
  });

  test("a memory bomb (batch(10**9)) ends in a structured error within its budget; the DB is as before and the next run works", async () => {
    await withEngine({ memoryMb: 256, runSeconds: 60 }, async (engine) => {
      const stored = storedDb();
      const workflow = hostileWorkflow();
      await engine.execute(call(stored, workflow, TOPIC_STEP, "ask_topic"));
      const answered = await engine.execute(call(stored, workflow, TOPIC_STEP, "ask_topic", { value: "otters" }));
      assert.equal(answered.status, "completed", String(answered.error));
      const before = await engine.exportDb(stored.db_key);
      const bomb = await engine.execute(call(stored, workflow, BOMB_STEP, "batch"));
      assert.equal(bomb.status, "error");
      // The core's size caps may stop it first; without them the worker's heap cap does.
      if (bomb.result?.error_type === "limit_exceeded") {
        assert.deepEqual(bomb.result?.details, { limit: "memory", value: 256, module_name: "batch", step_id: BOMB_STEP });
      } else assert.ok(typeof bomb.result?.error_type === "string", JSON.stringify(bomb.result));
      assert.equal(await engine.exportDb(stored.db_key), before, "the DB is byte for byte what it was before the run");
      const state = await engine.state(stored);
      assert.equal((state.state_mapped as Record<string, unknown>).topic, "otters");
      const next = await engine.execute(call(stored, workflow, TOPIC_STEP, "ask_topic", { value: "owls" }));
      assert.equal(next.status, "completed", String(next.error));
    });
  });

  test("an aborted call's signal reaches the worker, and a sub-action and an import check go through it", async () => {
    await withEngine({ memoryMb: 512, runSeconds: 30 }, async (engine) => {
      const stored = storedDb();
      const workflow = miniWorkflow();
      const abort = new AbortController();
      abort.abort();
      const aborted = await engine.execute(call(stored, workflow, TOPIC_STEP, "ask_topic"), { signal: abort.signal });
      assert.ok(aborted.status === "error" || aborted.status === "awaiting_input", aborted.status);
      const problem = await engine.dbProblem("{not a db");
      assert.equal(problem?.error_type, "db_invalid");
    });
  });
});
