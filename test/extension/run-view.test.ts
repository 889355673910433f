/**
 * Run → view (src/extension/run-view.ts) and where an error points (src/extension/source-links.ts):
 * the core's `ExecuteResponse` becomes the panel's `RunView` in one step.
 */
import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ExecuteResponse } from "../../src/core/virtual";
import { resolveWorkflow } from "../../src/core/workflow/ref-resolver";
import { errorView, runView, thrownResponse } from "../../src/extension/run-view";
import { errorSource, linkForPathString, modulePath, type ResolvedWorkflow } from "../../src/extension/source-links";

const target = { stepId: "s1", moduleName: "ask", mode: "module" as const };
const noLink = () => null;

function response(fields: Partial<ExecuteResponse>): ExecuteResponse {
  return { workflow_run_id: "virtual_1", status: "completed", message: "", result: {}, validation_errors: [], validation_warnings: [], ...fields };
}

/** A workflow whose step s1 lives in steps/s1.json (a `$ref`), resolved from /ws/wf/workflow.json. */
function resolved(): ResolvedWorkflow {
  const files: Record<string, string> = {
    "workflow.json": JSON.stringify({ workflow_id: "w", steps: [{ $ref: "steps/s1.json", type: "json" }] }),
    "steps/s1.json": JSON.stringify({ step_id: "s1", modules: [{ module_id: "user.text_input", name: "ask", inputs: { prompt: "Hi" } }] }),
  };
  const source = resolveWorkflow("workflow.json", { read: (path) => files[path] });
  return { source, workflowFile: "/ws/wf/workflow.json" };
}
const relative = (absolute: string) => absolute.replace(/^\/ws\//, "");

describe("run → view", () => {
  it("a completed run: outputs and state as JSON (dates as ISO strings), the DB changes as extended JSON", () => {
    const at = new Date("2026-01-02T03:04:05.000Z");
    const view = runView(
      7,
      target,
      response({
        message: "done",
        result: { module_outputs: { value: "Dog", at }, state: { pet: "Dog" } },
        changes: [{ name: "events", added: [{ _id: "e1", event_type: "module_completed", timestamp: at }], changed: [], removed: [] }],
      }),
      noLink,
    );
    assert.deepEqual(view, {
      runId: 7,
      stepId: "s1",
      moduleName: "ask",
      mode: "module",
      status: "completed",
      message: "done",
      interaction: null,
      stoppedAt: null,
      outputs: { value: "Dog", at: "2026-01-02T03:04:05.000Z" },
      state: { pet: "Dog" },
      changes: {
        events: [{ _id: "e1", event_type: "module_completed", timestamp: { $date: "2026-01-02T03:04:05.000Z" } }],
        collections: [{ name: "events", added: [{ _id: "e1", event_type: "module_completed", timestamp: { $date: "2026-01-02T03:04:05.000Z" } }], changed: [], removed: [] }],
      },
      error: null,
      validationErrors: [],
    });
  });

  it("an up_to run that stopped earlier says where; the interaction is passed on", () => {
    const interaction = { interaction_id: "i1", interaction_type: "text_input", title: "Name?" } as unknown as ExecuteResponse["interaction_request"];
    const view = runView(
      1,
      { ...target, mode: "up_to" },
      response({ status: "awaiting_input", interaction_request: interaction, progress: { current_step: "s0", current_module: "first", completed_steps: [], total_steps: 2, step_index: 0 } }),
      noLink,
    );
    assert.deepEqual(view.stoppedAt, { stepId: "s0", moduleName: "first" });
    assert.deepEqual(view.interaction, interaction);
    const atTarget = runView(1, target, response({ status: "awaiting_input", progress: { current_step: "s1", current_module: "ask", completed_steps: [], total_steps: 2, step_index: 1 } }), noLink);
    assert.equal(atTarget.stoppedAt, null);
  });

  it("an error: type, message and details from the response, the link from the caller, no changes", () => {
    const asked: unknown[] = [];
    const view = runView(
      2,
      target,
      response({ status: "error", message: "bad input", error: "Module 'x' failed: bad input", result: { error_type: "input_validation_failed", details: { input: "prompt" } }, changes: null }),
      (details, stoppedAt) => (asked.push([details, stoppedAt]), { file: "wf/steps/s1.json", path: ["modules", 0] }),
    );
    assert.deepEqual(view.error, { error_type: "input_validation_failed", message: "Module 'x' failed: bad input", details: { input: "prompt" }, source: { file: "wf/steps/s1.json", path: ["modules", 0] } });
    assert.deepEqual(asked, [[{ input: "prompt" }, null]]);
    assert.equal(view.changes, null);
    assert.equal(view.status, "error");
  });

  it("a call that threw, and a run that never reached the engine", () => {
    const thrown = runView(3, target, thrownResponse(new Error("the engine failed to load")), noLink);
    assert.equal(thrown.error?.error_type, "execution_failed");
    assert.equal(thrown.error?.message, "the engine failed to load");
    assert.equal(typeof thrown.error?.details.stack, "string");
    const invalid = errorView(4, target, "workflow_invalid", "$.steps: bad", { issues: [] }, null);
    assert.deepEqual([invalid.status, invalid.error?.error_type, invalid.message], ["error", "workflow_invalid", "$.steps: bad"]);
  });
});

describe("source links", () => {
  it("an error in an input points into the step file that holds it", () => {
    const r = resolved();
    assert.deepEqual(modulePath(r.source.workflow, "s1", "ask"), ["steps", 0, "modules", 0]);
    assert.deepEqual(errorSource(r, target, { input_path: "inputs.prompt" }, null, relative), {
      file: "wf/steps/s1.json",
      path: ["modules", 0, "inputs", "prompt"],
      label: "s1/ask",
    });
  });

  it("a $ref error names its file and path; an unknown module gives no link", () => {
    const r = resolved();
    assert.deepEqual(errorSource(r, target, { file: "steps/s1.json", path: ["modules"] }, null, relative), { file: "wf/steps/s1.json", path: ["modules"] });
    assert.equal(errorSource(r, { stepId: "nope", moduleName: "nope" }, {}, null, relative), null);
  });

  it("a schema issue's path string", () => {
    assert.deepEqual(linkForPathString(resolved(), "$.steps[0].modules[0].module_id", relative), { file: "wf/steps/s1.json", path: ["modules", 0, "module_id"] });
  });
});
