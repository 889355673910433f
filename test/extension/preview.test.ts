/**
 * The template preview and pipeline stages (issue 15), below VS Code: what a prompt file or a string
 * under the cursor is a template of (src/extension/preview/locate.ts), and the engine worker's read-only
 * `preview` / `stages` calls on a live DB (src/extension/preview/worker-ops.ts through the real worker).
 */
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { describe, test } from "node:test";
import type { ExecuteRequest, LiveDbRef } from "../../src/extension/engine";
import { inputsUsingFile, pipelinesIn, stageAt, stringAt, templateStringAt } from "../../src/extension/preview/locate";
import { workerEngine } from "../../src/extension/worker-engine";
import { memoryFileReader, resolveWorkflow } from "../../src/core/workflow/ref-resolver";

const WORKER = { file: resolve(__dirname, "../../src/extension/engine-worker.ts"), execArgv: ["--import", "tsx"] };

const step = {
  step_id: "s",
  modules: [
    { module_id: "user.text_input", name: "ask", inputs: { prompt: "Topic?" }, outputs_to_state: { value: "topic" } },
    {
      module_id: "api.llm",
      name: "write",
      inputs: {
        resolver_schema: { type: "object", properties: { input: { resolver: "server" } } },
        input: { $ref: "prompts/write.txt", type: "jinja2" },
        system: "You write about {{ state.topic }}",
      },
      outputs_to_state: { response: "text" },
    },
    {
      module_id: "transform.query",
      name: "filter",
      inputs: {
        data: [{ n: 1 }, { n: 2 }, { n: 3 }],
        pipeline: [{ $match: { n: { $gt: 1 } } }, { $limit: 1 }],
      },
      outputs_to_state: { result: "filtered" },
    },
    {
      module_id: "transform.query",
      name: "broken",
      inputs: { data: [{ n: 1 }], pipeline: [{ $match: {} }, { $bogus: 1 }] },
      outputs_to_state: { result: "never" },
    },
  ],
};
const stepText = JSON.stringify(step, null, 2);
const files = {
  "workflow.json": JSON.stringify({ workflow_id: "w", name: "W", steps: [{ $ref: "steps/s.json", type: "json" }] }),
  "steps/s.json": stepText,
  "steps/prompts/write.txt": "Write about {{ state.topic }}.",
};

describe("what a preview is of (locate)", () => {
  const source = resolveWorkflow("workflow.json", memoryFileReader(files));

  test("a $ref'd jinja2 prompt file: the module input it feeds", () => {
    assert.deepEqual(inputsUsingFile(source, "steps/prompts/write.txt"), [{ stepId: "s", moduleName: "write", moduleId: "api.llm", input: "input", subPath: [] }]);
    assert.deepEqual(inputsUsingFile(source, "steps/prompts/other.txt"), []);
  });

  test("a template string under the cursor in a step file: its module input and its path in the file", () => {
    const offset = stepText.indexOf("You write about") + 4;
    const at = templateStringAt(source, "steps/s.json", stepText, offset);
    assert.deepEqual(at?.target, { stepId: "s", moduleName: "write", moduleId: "api.llm", input: "system", subPath: [] });
    assert.equal(stringAt(stepText, at!.localPath), "You write about {{ state.topic }}");
    assert.equal(templateStringAt(source, "steps/s.json", stepText, stepText.indexOf('"step_id"') + 2), undefined, "a key is no template");
  });

  test("the pipelines of query modules, and the stage under an offset", () => {
    const pipelines = pipelinesIn(stepText);
    assert.equal(pipelines.length, 2);
    assert.deepEqual([pipelines[0].stepId, pipelines[0].moduleName], ["s", "filter"]);
    assert.deepEqual(pipelines[0].stages.map((s) => s.operator), ["$match", "$limit"]);
    assert.ok(stepText.slice(pipelines[0].offset).startsWith('"pipeline"'));
    const limit = stepText.indexOf('"$limit"');
    assert.equal(stageAt(pipelines, limit + 2)?.stage, 1);
    assert.equal(stageAt(pipelines, stepText.indexOf('"$gt"')), undefined, "an inner operator is not a stage");
  });
});

describe("the worker's read-only preview calls", () => {
  const ref: LiveDbRef = { db_key: "w/workflow.json", load_db: async () => null };
  const workflow = resolveWorkflow("workflow.json", memoryFileReader(files)).workflow;
  const call = (module: string, response: Record<string, unknown> | null = null): ExecuteRequest => ({
    ...ref,
    workflow,
    target_step_id: "s",
    target_module_name: module,
    response,
    mode: "module",
    mock: true,
  });

  test("a template renders with the module's context from the live DB, marks undefined parts, reports errors with their place; stages count each prefix; nothing changes the DB", async () => {
    const engine = workerEngine({ script: WORKER, budgets: () => ({ memoryMb: 512, runSeconds: 30 }) });
    try {
      assert.equal((await engine.execute(call("ask"))).status, "awaiting_input");
      assert.equal((await engine.execute(call("ask", { value: "otters" }))).status, "completed");
      const journal = engine.journalLength(ref.db_key);
      const request = { step_id: "s", module_name: "write", input: "input", sub_path: [] };

      const rendered = await engine.preview(ref, workflow, { ...request, template: "Write about {{ state.topic }}{{ state.nope }}!", with_boundaries: true });
      assert.equal(rendered.error, null);
      assert.equal(rendered.text, "Write about otters!");
      assert.deepEqual(rendered.undefinedSpans, [{ start: 18, end: 18, name: "state.nope" }]);
      assert.deepEqual(rendered.boundaries?.map((b) => b.module_name), ["ask"]);

      const failed = await engine.preview(ref, workflow, { ...request, template: "line one\n{% if %}" });
      assert.equal(failed.text, "");
      assert.equal(failed.error?.line, 2);

      const raw = await engine.preview(ref, workflow, { ...request, input: "system", template: "You write about {{ state.topic }}" });
      assert.deepEqual([raw.raw, raw.text], [true, "You write about {{ state.topic }}"], "system has no resolver_schema entry: a run passes it as written");

      const missing = await engine.preview(ref, workflow, { ...request, module_name: "nope", template: "x" });
      assert.match(missing.error?.message ?? "", /nope/);

      const stages = await engine.stages(ref, workflow, { step_id: "s", module_name: "filter", sample_size: 5 });
      assert.equal(stages.problem, null);
      assert.deepEqual(stages.stages.map((s) => [s.operator, s.count]), [["$match", 2], ["$limit", 1]]);
      assert.deepEqual(stages.stages[1].sample, [{ n: 2 }]);
      const broken = await engine.stages(ref, workflow, { step_id: "s", module_name: "broken", sample_size: 5 });
      assert.equal(broken.stages[0].count, 1);
      assert.equal(broken.stages[1].count, null);
      assert.match(broken.stages[1].error ?? "", /\$bogus/, "the failing stage says why");

      assert.equal(engine.journalLength(ref.db_key), journal, "no call reported a change");
      assert.equal((await engine.state(ref)).state_mapped.topic, "otters");

      // The context is kept between keystrokes, but not past a change of the DB, and a template cannot change it.
      assert.equal((await engine.execute(call("filter"))).status, "completed");
      assert.equal((await engine.execute(call("ask", { value: "owls" }))).status, "completed");
      const after = await engine.preview(ref, workflow, { ...request, template: "{{ state.topic }}" });
      assert.equal(after.text, "owls");
      const mutating = { ...request, template: "{{ state.filtered.append(9) }}{{ state.filtered | length }}" };
      const first = await engine.preview(ref, workflow, mutating);
      assert.equal(first.error, null);
      assert.equal((await engine.preview(ref, workflow, mutating)).text, first.text);
    } finally {
      await engine.dispose();
    }
  });
});
