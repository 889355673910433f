/** The engine's run story as the panel's RunView fields, and the modules a run ran for their status lenses (src/extension/run-story.ts). */
import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ExecuteResponse } from "../../src/core/virtual/execute";
import { runViewSchema } from "../../src/shared/protocol";
import { runView } from "../../src/extension/run-view";
import { storyView, tracedStatuses } from "../../src/extension/run-story";

const base: ExecuteResponse = { workflow_run_id: "virtual_1", status: "completed", message: "ok", result: { module_outputs: {}, state: {} }, validation_errors: [], validation_warnings: [] };

describe("run story in the RunView", () => {
  it("trace and resolved inputs become camelCase view fields the protocol accepts", () => {
    const response: ExecuteResponse = {
      ...base,
      trace: [
        { step_id: "s", module_name: "ask", module_id: "user.text_input", status: "completed", duration_ms: 1.5, answer: { source: "mock_default", rule: "text_mock", interaction_type: "text_input", response: { value: "mock input" } } },
        { step_id: "s", module_name: "gen", module_id: "api.llm", status: "completed", duration_ms: 3 },
      ],
      resolved_inputs: { step_id: "s", module_name: "gen", inputs: [{ name: "input", template: "{{ state.x }}", value: null, flags: [{ path: "", result: "null" }] }] },
    };
    const view = runView(1, { stepId: "s", moduleName: "gen", mode: "up_to" }, response, () => null);
    assert.deepEqual(view.trace?.[0], { stepId: "s", moduleName: "ask", moduleId: "user.text_input", status: "completed", durationMs: 1.5, answer: { source: "mock_default", rule: "text_mock", interactionType: "text_input", response: { value: "mock input" } } });
    assert.equal(view.inputs?.moduleName, "gen");
    assert.equal(runViewSchema.safeParse(view).success, true);
  });

  it("an untraced response adds neither key", () => {
    assert.deepEqual(storyView(base), {});
  });

  it("every module that ran gets a status, the last one per module; a call cut short records nothing for its running module", () => {
    const entry = { stepId: "s", moduleName: "a", moduleId: "x", durationMs: 1 };
    assert.deepEqual(
      tracedStatuses([
        { ...entry, status: "awaiting_input" },
        { ...entry, moduleName: "b", status: "completed" },
        { ...entry, status: "completed" },
        { ...entry, moduleName: "c", status: "running" },
      ]),
      [
        { stepId: "s", moduleName: "a", status: "completed" },
        { stepId: "s", moduleName: "b", status: "completed" },
      ],
    );
  });
});
