/**
 * What the language server knows, the run tells too (tracker issue 18, item 3): an unknown input name,
 * two modules with one name in a step, and a template reading a state key nothing produces still run
 * exactly as the original runs them, but the response lists them in `validation_warnings`, in the
 * original's shape, naming the field, the duplicate, the state key and the template.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { execute } from "../../src/core/virtual";
import { definitionWarnings, stateKeysRead } from "../../src/core/engine/definition-warnings";
import { createDefaultModuleRegistry } from "../../src/core/modules";

const server = (...keys: string[]) => ({ type: "object", properties: Object.fromEntries(keys.map((key) => [key, { resolver: "server" }])) });

function typoWorkflow(): Record<string, any> {
  return {
    workflow_id: "typos",
    steps: [
      {
        step_id: "ask",
        modules: [
          { module_id: "user.text_input", name: "topic", inputs: { prompt: "Topic?" }, outputs_to_state: { value: "topic_text" } },
          {
            module_id: "user.select",
            name: "pick",
            inputs: {
              resolver_schema: server("data"),
              prompt: "Pick",
              data: [{ t: "a" }, { t: "b" }],
              schema: { type: "array", items: { type: "object", _ux: { selectable: true } } },
              multi_selct: true,
            },
            outputs_to_state: { selected_data: "picked" },
          },
          { module_id: "io.render_template", name: "echo", inputs: { resolver_schema: server("template"), template: "one {{ state.topic_text }}" }, outputs_to_state: { rendered: "first" } },
          { module_id: "io.render_template", name: "echo", inputs: { resolver_schema: server("template"), template: "two" }, outputs_to_state: { rendered: "second" } },
          {
            module_id: "io.render_template",
            name: "summary",
            inputs: { resolver_schema: server("template"), template: "About {{ state.topic_txt }} and {{ state['picked'].t }}" },
            outputs_to_state: { rendered: "summary_text" },
          },
        ],
      },
    ],
  };
}

describe("definition warnings at run time", () => {
  test("the three silent typos run as before and are listed in validation_warnings", async () => {
    const response = await execute({ workflow: typoWorkflow(), target_step_id: "ask", target_module_name: "summary", mode: "up_to", db_format: "none" });
    // The run goes on as the original's: a single select (multi_selct is ignored), both echoes run, the typo renders empty.
    assert.equal(response.status, "completed", response.message);
    assert.deepEqual(response.result.state?.picked, { t: "a" });
    assert.equal(response.result.state?.first, "one mock input");
    assert.equal(response.result.state?.second, "two");
    assert.equal(response.result.module_outputs?.rendered, "About  and a");

    const byRule: Record<string, typeof response.validation_warnings> = {};
    for (const warning of response.validation_warnings) (byRule[warning.rule ?? ""] ??= []).push(warning);
    assert.deepEqual(Object.keys(byRule).sort(), ["declared_input", "state_key_produced", "unique_module_name"]);
    for (const warning of response.validation_warnings) {
      assert.deepEqual(Object.keys(warning).sort(), ["field", "id", "message", "rule", "severity"]);
      assert.equal(warning.severity, "warning");
    }

    const [input] = byRule.declared_input!;
    assert.equal(input.field, "ask/pick.inputs.multi_selct");
    assert.match(input.message, /Input 'multi_selct' is not declared by user\.select \(module 'pick', step 'ask'\); did you mean 'multi_select'\?/);

    const [duplicate] = byRule.unique_module_name!;
    assert.equal(duplicate.field, "ask/echo");
    assert.match(duplicate.message, /Step 'ask' has 2 modules named 'echo' \(modules\[2\], modules\[3\]\)/);

    const [stateKey] = byRule.state_key_produced!;
    assert.equal(stateKey.field, "ask/summary.inputs.template");
    assert.match(stateKey.message, /reads state\.topic_txt, which no module produces \(did you mean state\.topic_text\?\)/);
    assert.ok(stateKey.message.includes(JSON.stringify("About {{ state.topic_txt }} and {{ state['picked'].t }}")), "the template is named");
    assert.equal(byRule.state_key_produced!.length, 1, "state['picked'] is produced");
  });

  test("a missing state key that breaks the module: the error keeps its own message, the warning names the key", async () => {
    const workflow = typoWorkflow();
    workflow.steps[0].modules[4].inputs.template = "{{ state.topic_txt.upper() }}";
    const response = await execute({ workflow, target_step_id: "ask", target_module_name: "summary", mode: "up_to", db_format: "none" });
    assert.equal(response.status, "error");
    assert.equal(response.result.error_type, "resolution_failed");
    assert.ok(response.validation_warnings.some((warning) => warning.rule === "state_key_produced" && warning.message.includes("state.topic_txt")));
  });

  test("only the modules the call ran are checked; a clean definition gives none", async () => {
    const moduleOnly = await execute({ workflow: typoWorkflow(), target_step_id: "ask", target_module_name: "topic", db_format: "none" });
    assert.equal(moduleOnly.status, "awaiting_input");
    assert.deepEqual(moduleOnly.validation_warnings.map((warning) => warning.rule), ["unique_module_name"], "the step's duplicate names, nothing of modules that did not run");

    const clean = typoWorkflow();
    clean.steps[0].modules.splice(3, 2);
    delete clean.steps[0].modules[1].inputs.multi_selct;
    const response = await execute({ workflow: clean, target_step_id: "ask", target_module_name: "echo", mode: "up_to", db_format: "none" });
    assert.equal(response.status, "completed", response.message);
    assert.deepEqual(response.validation_warnings, []);
  });

  test("state keys a template reads: the root `state` only, by attribute or subscript", () => {
    assert.deepEqual(stateKeysRead("{{ state.a.b }} {{ state['c'] }} {{ x.state.d }} {% for i in state.e %}{% endfor %}"), ["a", "c", "e"]);
    assert.deepEqual(stateKeysRead("{{ state[key] }} {{ unclosed"), []);
  });

  test("an input a module reads without declaring it (media.generate's source_image) is no typo", () => {
    const workflow = {
      workflow_id: "w",
      steps: [{ step_id: "s", modules: [{ module_id: "media.generate", name: "m", inputs: { prompts: {}, schema: {}, source_image: "x", sourc_image: "y" } }] }],
    };
    const warnings = definitionWarnings(workflow, [{ step_id: "s", module_name: "m" }], createDefaultModuleRegistry());
    assert.deepEqual(warnings.map((warning) => warning.field), ["s/m.inputs.sourc_image"]);
  });
});
