/**
 * The run story of a traced call (`trace: true`, wfv only): the modules the call ran with their
 * statuses and answers, and the target's inputs as the engine resolved them beside their templates.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { executeOnSession, VirtualSession } from "../../src/core/virtual";
import { capValue, inputFlags, VALUE_CAPS } from "../../src/core/virtual/trace";
import { miniWorkflow, SHAPE_STEP, TOPIC_STEP } from "../engine/fixtures";

describe("execute with trace: true", () => {
  test("up_to: every module in order with its status and duration, the interactions answered and by what", async () => {
    const session = VirtualSession.open(null);
    const response = await executeOnSession(session, { workflow: miniWorkflow(), target_step_id: TOPIC_STEP, target_module_name: "pick_idea", mode: "up_to", trace: true });
    assert.equal(response.status, "awaiting_input");
    const trace = response.trace!;
    assert.deepEqual(
      trace.map((t) => [t.module_name, t.status, t.answer?.source ?? null]),
      [
        ["ask_topic", "completed", "mock_default"],
        ["generate_ideas", "completed", null],
        ["pick_idea", "awaiting_input", null],
      ],
    );
    assert.deepEqual(trace[0].answer, { source: "mock_default", rule: "text_mock", interaction_type: "text_input", response: { value: "mock input" } });
    for (const entry of trace) assert.ok(entry.duration_ms >= 0 && Number.isFinite(entry.duration_ms));
  });

  test("the target's inputs: templates beside the engine's values, null/empty results of templates flagged, resolver_schema left out", async () => {
    const workflow = miniWorkflow();
    const generate = workflow.steps[0].modules[1];
    generate.inputs.metadata = { step_id: "{{ step.step_id }}", missing: "{{ state.nope }}", plain: null };
    generate.inputs.input = "About {{ state.nope }}";
    generate.inputs.resolver_schema.properties.input = { resolver: "server" };
    const session = VirtualSession.open(null);
    const response = await executeOnSession(session, { workflow, target_step_id: TOPIC_STEP, target_module_name: "generate_ideas", mode: "up_to", trace: true });
    assert.equal(response.status, "completed", response.error);
    const inputs = response.resolved_inputs!;
    assert.equal(inputs.module_name, "generate_ideas");
    assert.deepEqual(response.trace?.map((t) => [t.module_name, t.status]), [["ask_topic", "completed"], ["generate_ideas", "completed"]], "the target that ended the run completed");
    const byName = Object.fromEntries(inputs.inputs.map((row) => [row.name, row]));
    assert.deepEqual(Object.keys(byName), ["input", "metadata", "output_schema"]);
    assert.equal(byName.input.template, "About {{ state.nope }}");
    assert.equal(byName.input.value, "About ");
    assert.deepEqual(byName.metadata.value, { step_id: TOPIC_STEP, missing: null, plain: null });
    assert.deepEqual(byName.metadata.flags, [{ path: "missing", result: "null" }], "a literal null is no finding; a template that gave null is");
    assert.deepEqual(byName.output_schema.flags, []);
  });

  test("answering a pending interaction: the answer is the caller's; the inputs come from the stored request", async () => {
    const session = VirtualSession.open(null);
    const workflow = miniWorkflow();
    const first = await executeOnSession(session, { workflow, target_step_id: TOPIC_STEP, target_module_name: "ask_topic", trace: true });
    assert.equal(first.status, "awaiting_input");
    assert.deepEqual(first.resolved_inputs?.inputs.map((row) => [row.name, row.value]), [["prompt", "Topic?"]]);
    const second = await executeOnSession(session, { workflow, target_step_id: TOPIC_STEP, target_module_name: "ask_topic", response: { value: "otters" }, trace: true });
    assert.equal(second.status, "completed", second.error);
    assert.deepEqual(second.trace?.map((t) => [t.module_name, t.status, t.answer?.source]), [["ask_topic", "completed", "user"]]);
    assert.deepEqual(second.trace?.[0].answer?.response, { value: "otters" });
    assert.deepEqual(second.resolved_inputs?.inputs.map((row) => [row.name, row.value]), [["prompt", "Topic?"]]);
  });

  test("a module whose inputs fail validation shows no inputs, never those of an earlier request", async () => {
    const session = VirtualSession.open(null);
    const workflow = miniWorkflow();
    const first = await executeOnSession(session, { workflow, target_step_id: TOPIC_STEP, target_module_name: "ask_topic", trace: true });
    assert.equal(first.status, "awaiting_input");
    const answered = await executeOnSession(session, { workflow, target_step_id: TOPIC_STEP, target_module_name: "ask_topic", response: { value: "otters" } });
    assert.equal(answered.status, "completed", answered.error);
    const broken = miniWorkflow();
    broken.steps[0].modules[0].inputs = {};
    const failed = await executeOnSession(session, { workflow: broken, target_step_id: TOPIC_STEP, target_module_name: "ask_topic", trace: true });
    assert.equal(failed.status, "error");
    assert.equal(failed.result.error_type, "input_validation_failed", failed.error);
    assert.equal(failed.resolved_inputs, null);
    assert.deepEqual(failed.trace?.map((t) => [t.module_name, t.status]), [["ask_topic", "error"]]);
  });

  test("stop_at_interactions: up_to answers nothing itself and stops at the first interaction", async () => {
    const session = VirtualSession.open(null);
    const response = await executeOnSession(session, { workflow: miniWorkflow(), target_step_id: SHAPE_STEP, target_module_name: "titles", mode: "up_to", trace: true, stop_at_interactions: true });
    assert.equal(response.status, "awaiting_input");
    assert.equal(response.progress?.current_module, "ask_topic");
    assert.deepEqual(response.auto_answers, []);
    assert.equal(response.resolved_inputs?.module_name, "ask_topic", "the inputs of the module it stopped at");
  });

  test("without trace: neither field, as before", async () => {
    const response = await executeOnSession(VirtualSession.open(null), { workflow: miniWorkflow(), target_step_id: TOPIC_STEP, target_module_name: "ask_topic" });
    assert.equal("trace" in response, false);
    assert.equal("resolved_inputs" in response, false);
  });
});

describe("values for the panel", () => {
  test("large values are cut with a marker; dates become extended JSON", () => {
    const long = "x".repeat(VALUE_CAPS.string + 10);
    const capped = capValue({ long, many: Array.from({ length: VALUE_CAPS.items + 3 }, (_, i) => i), at: new Date("2026-01-01T00:00:00Z") });
    assert.equal(capped.cut, true);
    const value = capped.value as Record<string, unknown>;
    assert.match(value.long as string, /… \(10 more characters\)$/);
    assert.equal((value.many as unknown[]).length, VALUE_CAPS.items + 1);
    assert.equal((value.many as unknown[])[VALUE_CAPS.items], "… (3 more items)");
    assert.deepEqual(value.at, { $date: "2026-01-01T00:00:00.000Z" });
    assert.deepEqual(capValue({ a: [1, "b"] }), { value: { a: [1, "b"] }, cut: false });
  });

  test("flags: only templated strings that gave undefined, null or an empty string", () => {
    assert.deepEqual(inputFlags("{{ a }}", undefined), [{ path: "", result: "undefined" }]);
    assert.deepEqual(inputFlags(["{{ a }}", "lit"], ["", ""]), [{ path: "0", result: "empty" }]);
    assert.deepEqual(inputFlags({ x: { y: "{% if a %}b{% endif %}" } }, { x: {} }), [{ path: "x.y", result: "undefined" }]);
    assert.deepEqual(inputFlags("plain", null), []);
  });
});
