/** The run-story tabs' pure parts: what the Inputs, Trace and DB changes tabs say (webview/inputs.ts, trace.ts, db-diff.ts). */
import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { collectionOrder, collectionSummary, documentLabel, isNoiseField } from "../../webview/db-diff";
import { flagText, inputsSummary, isTemplated, unproducedStateHints } from "../../webview/inputs";
import { answerSource, answerText, formatDuration, traceSummary } from "../../webview/trace";

describe("Inputs tab", () => {
  it("says which templated parts resolved to nothing, and counts the inputs with such a part", () => {
    assert.equal(flagText("metadata", { path: "missing", result: "null" }), "metadata.missing is null");
    assert.equal(flagText("prompt", { path: "", result: "empty" }), "prompt rendered as an empty string");
    const inputs = {
      stepId: "s",
      moduleName: "m",
      inputs: [
        { name: "a", template: "{{ x }}", value: null, flags: [{ path: "", result: "null" as const }] },
        { name: "b", template: "lit", value: "lit", flags: [] },
      ],
    };
    assert.equal(inputsSummary(inputs), "2 inputs, 1 to check: a template resolved to nothing or reads state no module produces");
    assert.equal(inputsSummary(inputs, new Map([["b", ["state.x: no module produces it"]]])), "2 inputs, 2 to check: a template resolved to nothing or reads state no module produces");
    assert.equal(inputsSummary({ ...inputs, inputs: [inputs.inputs[1]] }), "1 input, every template resolved to a value");
  });

  it("the engine's warnings about state nothing produces become hints on the inputs that read it", () => {
    const warning = (field: string, key: string) => ({ id: `state_key_not_produced:${field}:${key}`, field, rule: "state_key_produced", message: "…" });
    const hints = unproducedStateHints({ stepId: "draft", moduleName: "greet" }, [
      warning("draft/greet.inputs.input", "customer_name"),
      warning("draft/greet.inputs.metadata.customer", "customer_name"),
      warning("draft/greet.inputs.metadata.who", "customer_name"),
      warning("draft/other.inputs.input", "x"),
      { id: "unknown_input", rule: "known_inputs", field: "draft/greet.inputs.foo" },
    ]);
    assert.deepEqual([...hints], [
      ["input", ["state.customer_name: no module produces it"]],
      ["metadata", ["state.customer_name: no module produces it"]],
    ]);
  });

  it("a template is literal unless a {{ }} or {% %} appears anywhere in it", () => {
    assert.equal(isTemplated({ a: ["x", { b: "{{ y }}" }] }), true);
    assert.equal(isTemplated({ a: ["x", 1, null] }), false);
  });
});

describe("Trace tab", () => {
  it("names who answered and what, in a few words", () => {
    assert.equal(answerSource({ source: "mock_default", rule: "text_mock", interactionType: "text_input", response: {} }), "mock default (text_mock)");
    assert.equal(answerSource({ source: "remembered", interactionType: "select", response: {} }), "remembered answer");
    assert.equal(answerText({ selected_indices: [0], cancelled: false }), "picked [0]");
    assert.equal(answerText({ value: "mock input" }), "mock input");
    assert.equal(answerText({ cancelled: true }), "cancelled");
  });

  it("sums the modules, the answers and the time", () => {
    const entry = { stepId: "s", moduleName: "m", moduleId: "x", status: "completed" as const, durationMs: 12.4 };
    assert.equal(traceSummary([entry, { ...entry, durationMs: 3, answer: { source: "auto_select" as const, interactionType: "select", response: {} } }]), "2 modules · 1 interaction answered · 15 ms");
    assert.equal(formatDuration(0.44), "0.4 ms");
    assert.equal(formatDuration(1250), "1.25 s");
  });
});

describe("DB changes tab", () => {
  it("de-emphasises ids, timestamps and run/branch ids, not the fields that carry the run's content", () => {
    for (const noise of ["_id", "updated_at", "timestamp", "workflow_run_id", "branch_id", "current_branch_id", "current_workflow_version_id", "data.event_id"]) {
      assert.equal(isNoiseField(noise), true, noise);
    }
    for (const content of ["status", "state.topic", "module_name", "step_id", "data.response"]) assert.equal(isNoiseField(content), false, content);
  });

  it("labels documents by what they are, and sums a collection", () => {
    assert.equal(documentLabel("events", { _id: "1", event_type: "module_completed", step_id: "s", module_name: "m" }), "module_completed s/m");
    assert.equal(documentLabel("workflow_runs", { _id: "r", status: "completed" }), "status: completed");
    assert.equal(documentLabel("misc", { _id: "k" }), "k");
    assert.equal(collectionSummary({ name: "c", added: [{}], changed: [], removed: ["a", "b"] }), "+1 inserted · −2 deleted");
    const c = (name: string) => ({ name, added: [], changed: [], removed: [] });
    assert.deepEqual(collectionOrder([c("events"), c("workflow_runs"), c("branches")]).map((x) => x.name), ["workflow_runs", "branches", "events"], "the event log last");
  });
});
