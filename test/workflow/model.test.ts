import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { WfvError } from "../../src/core/errors";
import { formatJsonPath } from "../../src/core/workflow/json-path";
import {
  availableModules,
  availableSteps,
  findModule,
  findStep,
  jumpLookupName,
  moduleName,
  requireModule,
  requireStep,
  validateWorkflow,
  workflowIssues,
  type Workflow,
} from "../../src/core/workflow/model";
import { fixturesDir } from "../helpers/paths";

function loadCc(): unknown {
  return JSON.parse(readFileSync(join(fixturesDir, "cc_resolved_workflow.json"), "utf8"));
}

function invalid(value: unknown): WfvError {
  try {
    validateWorkflow(value);
  } catch (error) {
    assert.ok(error instanceof WfvError);
    assert.equal(error.errorType, "workflow_invalid");
    return error;
  }
  assert.fail("expected the workflow to be invalid");
}

describe("validateWorkflow", () => {
  test("accepts the resolved cc workflow and returns the very object it was given", () => {
    const cc = loadCc();
    const workflow = validateWorkflow(cc);
    assert.equal(workflow, cc);
    assert.equal(workflow.steps.length, 10);
    assert.deepEqual(workflowIssues(cc), []);
  });

  test("reports every issue with a JSON path, message and code", () => {
    const error = invalid({
      workflow_id: "w",
      steps: [{ step_id: "a", modules: [{ module_id: "user.select", name: "ok" }, { name: "no_id" }] }],
    });
    assert.deepEqual(error.details.issues, [
      { path: "$.steps[0].modules[1].module_id", message: "Invalid input: expected string, received undefined", code: "invalid_type" },
    ]);
    assert.match(error.message, /^Workflow is invalid: \$\.steps\[0\]\.modules\[1\]\.module_id: /);
  });

  test("requires workflow_id (non-empty, as the original's rebuild_services) and a non-empty steps list", () => {
    const paths = (value: unknown) => workflowIssues(value).map((issue) => issue.path);
    assert.deepEqual(paths({ steps: [{ step_id: "a" }] }), ["$.workflow_id"]);
    assert.deepEqual(paths({ workflow_id: "", steps: [{ step_id: "a" }] }), ["$.workflow_id"]);
    assert.deepEqual(paths({ workflow_id: "w", steps: [] }), ["$.steps"]);
    assert.deepEqual(paths({ workflow_id: "w" }), ["$.steps"]);
    assert.deepEqual(paths({ workflow_id: "w", steps: [{ name: "no id" }] }), ["$.steps[0].step_id"]);
    assert.deepEqual(paths(null), ["$"]);
    assert.deepEqual(paths([]), ["$"]);
    assert.match(invalid({ workflow_id: "w", steps: [] }).message, /\$\.steps/);
  });

  test("types what the engine reads, with paths down into retryable and sub_actions", () => {
    const issues = workflowIssues({
      workflow_id: "w",
      config: [],
      steps: [
        {
          step_id: "s",
          name: 3,
          modules: [
            {
              module_id: "m",
              inputs: "not an object",
              outputs_to_state: { "a.b": 1 },
              retryable: { options: [{ mode: "retry", validations: [{ rule: "min_selections", min: "2" }] }] },
              sub_actions: [{ id: "x", actions: [{ type: "target_sub_action", ref: { step_id: 7 } }], result_mapping: "merge" }],
            },
          ],
        },
      ],
    });
    assert.deepEqual(
      issues.map((issue) => issue.path),
      [
        "$.config",
        "$.steps[0].name",
        "$.steps[0].modules[0].inputs",
        '$.steps[0].modules[0].outputs_to_state["a.b"]',
        "$.steps[0].modules[0].retryable.options[0].validations[0].min",
        "$.steps[0].modules[0].sub_actions[0].actions[0].ref.step_id",
        "$.steps[0].modules[0].sub_actions[0].result_mapping",
      ],
    );
  });

  test("is lenient where the original is: unknown keys, UI-only fields, unknown modes and action types pass", () => {
    const workflow = {
      workflow_id: "w",
      version: 2,
      editor_layout: { x: 1 },
      steps: [
        {
          step_id: "s",
          custom: true,
          modules: [
            {
              module_id: "user.select",
              unknown_field: [1, 2],
              retryable: { hidden: "yes", options: [{ id: "o", mode: "retry_selected", shortcut: 5, label: { any: "thing" } }] },
              sub_actions: [{ actions: [{ type: "some_future_kind" }], loading_label: 7 }],
              addons: [{ addon_id: "usage_history", inputs: {}, extra: 1 }],
            },
          ],
        },
      ],
    };
    assert.deepEqual(workflowIssues(workflow), []);
    assert.equal(validateWorkflow(workflow), workflow);
  });
});

describe("look-ups", () => {
  const workflow = validateWorkflow({
    workflow_id: "w",
    steps: [
      { step_id: "one", modules: [{ module_id: "user.select", name: "pick" }, { module_id: "api.llm" }, { module_id: "transform.query", name: "" }] },
      { step_id: "two" },
    ],
  }) as Workflow;

  test("moduleName: name when the key is there (even empty), else module_id — the executor's rule", () => {
    const [pick, unnamed, empty] = findStep(workflow, "one")!.modules!;
    assert.equal(moduleName(pick!), "pick");
    assert.equal(moduleName(unnamed!), "api.llm");
    assert.equal(moduleName(empty!), "");
  });

  test("jumpLookupName: a falsy name falls back to module_id's last segment ([QUIRK] of jump)", () => {
    const [pick, unnamed, empty] = findStep(workflow, "one")!.modules!;
    assert.equal(jumpLookupName(pick!), "pick");
    assert.equal(jumpLookupName(unnamed!), "llm");
    assert.equal(jumpLookupName(empty!), "query");
  });

  test("findStep / findModule / available lists", () => {
    assert.equal(findStep(workflow, "two")?.step_id, "two");
    assert.equal(findStep(workflow, "three"), undefined);
    const one = findStep(workflow, "one")!;
    assert.equal(findModule(one, "api.llm")?.module_id, "api.llm");
    assert.equal(findModule(one, "llm"), undefined);
    assert.deepEqual(availableSteps(workflow), ["one", "two"]);
    assert.deepEqual(availableModules(one), ["pick", "api.llm", ""]);
    assert.deepEqual(availableModules(findStep(workflow, "two")!), []);
  });

  test("requireStep / requireModule fail with the error types and details of virtual-execution.md", () => {
    assert.throws(
      () => requireStep(workflow, "nope"),
      (error: unknown) =>
        error instanceof WfvError &&
        error.errorType === "step_not_found" &&
        JSON.stringify(error.details) === JSON.stringify({ step_id: "nope", available_steps: ["one", "two"] }),
    );
    assert.throws(
      () => requireModule(requireStep(workflow, "one"), "nope"),
      (error: unknown) =>
        error instanceof WfvError &&
        error.errorType === "module_not_found" &&
        JSON.stringify(error.details) === JSON.stringify({ step_id: "one", module_name: "nope", available_modules: ["pick", "api.llm", ""] }),
    );
    assert.equal(requireModule(requireStep(workflow, "one"), "pick").module_id, "user.select");
  });
});

test("formatJsonPath quotes keys that are not identifiers", () => {
  assert.equal(formatJsonPath([]), "$");
  assert.equal(formatJsonPath(["steps", 2, "modules", 0, "$match"]), "$.steps[2].modules[0].$match");
  assert.equal(formatJsonPath(["_ux.display", "a b", 'q"', "1x"]), '$["_ux.display"]["a b"]["q\\""]["1x"]');
});
