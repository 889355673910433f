/** The original resolver's golden cases (Jinja2 3.1.6) and cc prompt renders, all of them. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { renderTemplate, resolveString, resolveWithSchema, TemplateError } from "../../src/core/template";
import { contextWith, plain, readFixture } from "./fixtures";

interface ResolverCase {
  template: string;
  result?: unknown;
  result_type?: string;
  error?: string;
}

const resolverCases = readFixture<{ context: { state: Record<string, unknown>; step: Record<string, unknown>; config: Record<string, unknown> }; cases: ResolverCase[] }>(
  "jinja_resolver_cases.json",
);

describe("jinja_resolver_cases.json", () => {
  const context = contextWith(resolverCases.context);
  for (const [index, testCase] of resolverCases.cases.entries()) {
    test(`#${index} ${JSON.stringify(testCase.template)}`, () => {
      if (testCase.error !== undefined) {
        const separator = testCase.error.indexOf(": ");
        const exception = testCase.error.slice(0, separator);
        const message = testCase.error.slice(separator + 2);
        assert.throws(
          () => resolveString(testCase.template, context),
          (error: unknown) => {
            assert.ok(error instanceof TemplateError, `expected a TemplateError, got ${String(error)}`);
            assert.equal(error.exception, exception);
            assert.equal(error.message, message);
            assert.ok(error.line !== undefined && error.column !== undefined, "errors carry a position");
            return true;
          },
        );
        return;
      }
      const value = resolveString(testCase.template, context);
      assert.deepEqual(value, plain(testCase.result));
      if (testCase.result_type === "str") assert.equal(typeof value, "string");
      if (testCase.result_type === "int" || testCase.result_type === "float") assert.equal(typeof value, "number");
    });
  }
});

interface Module {
  name?: string;
  inputs: Record<string, unknown>;
}
interface Step {
  step_id: string;
  modules: Module[];
}
interface Workflow {
  config?: Record<string, unknown>;
  steps: Step[];
  status_display: { fields: Array<{ id: string; label: string; value: string }> };
}
interface Render {
  step_id: string;
  module: string;
  input_path: string;
  rendered: unknown;
}

const renders = readFixture<{ state: Record<string, unknown>; renders: Render[]; status_display: Array<{ state: string; current_step_name: string; display_fields: unknown[] }> }>(
  "cc_prompt_renders.json",
);
const workflow = readFixture<Workflow>("cc_resolved_workflow.json");

function pick(value: unknown, path: string[]): unknown {
  return path.reduce<unknown>((current, key) => (current as Record<string, unknown>)[key], value);
}

describe("cc_prompt_renders.json", () => {
  for (const render of renders.renders) {
    test(`${render.step_id}/${render.module} ${render.input_path}`, () => {
      const step = workflow.steps.find((candidate) => candidate.step_id === render.step_id);
      assert.ok(step, `step ${render.step_id}`);
      const module = step.modules.find((candidate) => candidate.name === render.module);
      assert.ok(module, `module ${render.module}`);
      const context = contextWith({ state: renders.state, step: step as unknown as Record<string, unknown>, config: workflow.config ?? {} });
      const resolved = resolveWithSchema(module.inputs, context);
      let actual: unknown;
      if (render.input_path === "resolved_input_keys") actual = Object.keys(resolved).sort();
      else if (render.input_path.startsWith("display_schema (excerpt: prompts.properties.elevenlabs)")) {
        actual = { elevenlabs: pick(resolved, ["display_schema", "properties", "prompts", "properties", "elevenlabs"]) };
      } else actual = pick(resolved, render.input_path.split("."));
      assert.deepEqual(actual, plain(render.rendered));
    });
  }

  // status_display renders with Jinja's default Undefined: a missing parent raises and the field is skipped.
  for (const sample of renders.status_display) {
    test(`status_display (${sample.state} state)`, () => {
      const state = sample.state === "sample" ? renders.state : {};
      const fields: unknown[] = [];
      for (const field of workflow.status_display.fields) {
        try {
          const value = renderTemplate(field.value, { state, extra: { current_step_name: sample.current_step_name }, undefinedMode: "default" }).trim();
          if (value && value !== "None") fields.push({ id: field.id, label: field.label, value });
        } catch (error) {
          if (!(error instanceof TemplateError)) throw error;
        }
      }
      assert.deepEqual(fields, sample.display_fields);
    });
  }
});
