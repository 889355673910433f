/**
 * Every error type of virtual-execution.md with its details, one `Module '<id>' failed: ` prefix at
 * most (ruling 11), and the guarantee that a failed call never changes the caller's DB.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createModuleRegistry, MODULE_FACTORIES, ModuleExecutionError } from "../../src/core/modules";
import type { ExecutableModule, WorkflowModule } from "../../src/core/modules";
import { execute, executeOnSession, VirtualSession, type ExecuteRequest, type ExecuteResponse } from "../../src/core/virtual";
import { miniWorkflow, TOPIC_STEP } from "../engine/fixtures";

function oneModuleWorkflow(module: Record<string, unknown>): Record<string, unknown> {
  return { workflow_id: "errors", steps: [{ step_id: "only", modules: [{ name: "m", ...module }] }] };
}

function request(workflow: unknown, extra: Partial<ExecuteRequest> = {}): ExecuteRequest {
  return { workflow, target_step_id: "only", target_module_name: "m", ...extra };
}

function assertError(response: ExecuteResponse, errorType: string): Record<string, any> {
  assert.equal(response.status, "error", JSON.stringify(response).slice(0, 400));
  assert.equal(response.result.error_type, errorType, response.error);
  assert.equal(typeof response.error, "string");
  assert.ok((response.error!.match(/Module '[^']*' failed: /g) ?? []).length <= 1, `one prefix at most: ${response.error}`);
  return response.result.details as Record<string, any>;
}

/** Modules that exist only in these tests, in a registry made here. */
class ThrowingModule implements ExecutableModule {
  readonly kind = "executable";
  readonly moduleId = "test.throws";
  readonly inputs = [];
  readonly outputs = [];
  async execute(): Promise<Record<string, unknown>> {
    throw new ModuleExecutionError(this.moduleId, `Failed to fetch: ${new ModuleExecutionError(this.moduleId, "key sk-abcdefghijklmnopqrstuvwxyz rejected").message}`);
  }
}

const oddModule = {
  kind: "neither",
  moduleId: "test.odd",
  inputs: [],
  outputs: [],
} as unknown as WorkflowModule;

const registry = createModuleRegistry([...MODULE_FACTORIES, () => new ThrowingModule(), () => oddModule]);

describe("error types and their details", () => {
  test("workflow_invalid: schema issues with JSON paths", async () => {
    const details = assertError(await execute(request({ workflow_id: "x", steps: [{ modules: [] }] })), "workflow_invalid");
    assert.ok(details.issues.some((issue: { path: string }) => issue.path === "$.steps[0].step_id"));
  });

  test("step_not_found: the step and the steps there are", async () => {
    const details = assertError(await execute({ ...request(miniWorkflow()), target_step_id: "nope" }), "step_not_found");
    assert.equal(details.step_id, "nope");
    assert.deepEqual(details.available_steps, ["ideas", "finish"]);
  });

  test("module_not_found: the step, the module and the modules there are", async () => {
    const details = assertError(await execute({ ...request(miniWorkflow()), target_step_id: TOPIC_STEP, target_module_name: "ask_topc" }), "module_not_found");
    assert.deepEqual(details, { step_id: TOPIC_STEP, module_name: "ask_topc", available_modules: ["ask_topic", "generate_ideas", "pick_idea"] });
  });

  test("module_not_registered: the id and close matches", async () => {
    const details = assertError(await execute(request(oneModuleWorkflow({ module_id: "user.selct", inputs: {} }))), "module_not_registered");
    assert.equal(details.module_id, "user.selct");
    assert.ok(details.close_matches.includes("user.select"));
  });

  test("unsupported_module_type: neither interactive nor executable", async () => {
    const details = assertError(await execute(request(oneModuleWorkflow({ module_id: "test.odd" })), { registry }), "unsupported_module_type");
    assert.equal(details.module_id, "test.odd");
  });

  test("input_validation_failed: the input and its expected type", async () => {
    const response = await execute(request(oneModuleWorkflow({ module_id: "user.text_input", inputs: {} })));
    const details = assertError(response, "input_validation_failed");
    assert.equal(details.input_name, "prompt");
    assert.equal(details.expected_type, "string");
    assert.equal(response.error, "Module 'user.text_input' validation failed: Required input 'prompt' missing");
  });

  test("resolution_failed: the input path, the template and its position", async () => {
    const template = "Line one\n{{ state.missing + 1 }}";
    const response = await execute(
      request(
        oneModuleWorkflow({
          module_id: "api.llm",
          inputs: { resolver_schema: { type: "object", properties: { input: { resolver: "server" } } }, input: template },
        }),
      ),
    );
    const details = assertError(response, "resolution_failed");
    assert.equal(details.input_path, "inputs.input");
    assert.equal(details.template, template);
    assert.equal(details.line, 2);
    assert.equal(typeof details.column, "number");
    assert.equal(details.module_name, "m");
    assert.match(response.error!, /^Module 'api\.llm' failed: /);
  });

  test("execution_failed: the module's message, one prefix, secrets masked", async () => {
    const response = await execute(request(oneModuleWorkflow({ module_id: "test.throws" })), { registry });
    const details = assertError(response, "execution_failed");
    assert.equal(response.error, "Module 'test.throws' failed: Failed to fetch: key [API_KEY_REDACTED] rejected");
    assert.equal(details.reason, "Failed to fetch: key [API_KEY_REDACTED] rejected");
    assert.equal(details.module_id, "test.throws");

    const query = await execute(request(oneModuleWorkflow({ module_id: "transform.query", inputs: { data: "text", pipeline: [] } })));
    assertError(query, "execution_failed");
    assert.equal(query.error, "Module 'transform.query' failed: data must be an array, got str");
  });

  test("db_invalid: what is wrong with the DB; nothing is replaced", async () => {
    const given = "this is not a blob!";
    const response = await execute(request(miniWorkflow(), { target_step_id: TOPIC_STEP, target_module_name: "ask_topic", virtual_db: given }));
    const details = assertError(response, "db_invalid");
    assert.equal(details.reason, "bad_base64");
    assert.equal(response.result.virtual_db, given);
  });

  test("bad_request: a malformed request", async () => {
    const details = assertError(await execute({ ...request(miniWorkflow()), mode: "sideways" as "up_to" }), "bad_request");
    assert.deepEqual(details.problems, [{ field: "mode", message: "must be 'module' or 'up_to'" }]);
  });
});

describe("a failed call never changes the caller's DB", () => {
  const failingTarget = { target_step_id: "finish", target_module_name: "titles", mode: "up_to" as const };

  /** A workflow whose `titles` step fails after earlier modules ran and stored events in the same call. */
  function failingWorkflow() {
    const workflow = miniWorkflow();
    workflow.steps[1].modules[0].inputs.data = "{{ state.picked }}"; // a dict, not an array
    return workflow;
  }

  test("the blob comes back exactly as given", async () => {
    const workflow = failingWorkflow();
    const first = await execute({ workflow, target_step_id: TOPIC_STEP, target_module_name: "ask_topic", response: { value: "x" } });
    const given = first.result.virtual_db as string;
    const failed = await execute({ workflow, virtual_db: given, ...failingTarget });
    assertError(failed, "execution_failed");
    assert.equal(failed.result.virtual_db, given);
    assert.equal(failed.workflow_run_id, first.workflow_run_id);
  });

  test("the object comes back as the same object, unmodified", async () => {
    const workflow = failingWorkflow();
    const first = await execute({ workflow, virtual_db: {}, target_step_id: TOPIC_STEP, target_module_name: "ask_topic", response: { value: "x" } });
    const given = first.result.virtual_db as Record<string, Record<string, unknown>[]>;
    const before = JSON.stringify(given);
    const failed = await execute({ workflow, virtual_db: given, ...failingTarget });
    assertError(failed, "execution_failed");
    assert.equal(failed.result.virtual_db, given);
    assert.equal(JSON.stringify(given), before);
  });

  test("a live session is restored to where it was, and works on afterwards", async () => {
    const workflow = failingWorkflow();
    const session = VirtualSession.open(null);
    await session.runModule(workflow, { step_id: TOPIC_STEP, module_name: "ask_topic" }, { value: "x" });
    const before = session.exportBlob();
    const failed = await executeOnSession(session, { workflow, ...failingTarget });
    assertError(failed, "execution_failed");
    assert.equal(session.exportBlob(), before);
    const ok = await executeOnSession(session, { workflow: miniWorkflow(), ...failingTarget });
    assert.equal(ok.status, "completed", ok.error);
    // Ids made by the failed call are never reused: event ids keep rising.
    const ids = session.repos.events.getEvents(session.findRunId()!).map((event) => event.event_id);
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(ids).size, ids.length);
  });
});
