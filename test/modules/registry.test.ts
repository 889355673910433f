import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isWfvError } from "../../src/core/errors";
import { closeMatches, createDefaultModuleRegistry, createModuleRegistry, getModule, listModules } from "../../src/core/modules";
import { SelectModule } from "../../src/core/modules/user/select";
import { callCli, runCli } from "../helpers/cli";

/** Registration order (one list per category folder). */
const REGISTERED = [
  "user.text_input",
  "user.select",
  "user.form",
  "user.pause",
  "user.file_input",
  "api.llm",
  "api.fetch",
  "io.load_json",
  "io.save_json",
  "io.write_text",
  "io.render_template",
  "io.validate",
  "io.weighted_keywords",
  "io.client_write",
  "transform.extract",
  "transform.query",
  "transform.build_dynamic_schema",
  "transform.concat_arrays",
  "transform.conditional_text",
  "transform.enrich",
  "transform.render_template_array",
  "transform.reshape",
  "transform.parse_pattern",
  "db.query",
  "media.generate",
  "media.generateV2",
  "prompt.build_grouped_prompt",
];

/** The 27 ids the original registers (modules.md 1.4), in the spec's order. */
const ORIGINAL_IDS = [
  "user.text_input",
  "user.select",
  "user.form",
  "user.pause",
  "user.file_input",
  "api.llm",
  "api.fetch",
  "db.query",
  "io.load_json",
  "io.save_json",
  "io.write_text",
  "io.render_template",
  "io.validate",
  "io.weighted_keywords",
  "io.client_write",
  "transform.extract",
  "transform.query",
  "transform.reshape",
  "transform.render_template_array",
  "transform.parse_pattern",
  "transform.enrich",
  "transform.build_dynamic_schema",
  "transform.concat_arrays",
  "transform.conditional_text",
  "prompt.build_grouped_prompt",
  "media.generate",
  "media.generateV2",
];

describe("module registry (modules.md 1.4)", () => {
  test("registers exactly the original's 27 modules", () => {
    assert.deepEqual([...REGISTERED].sort(), [...ORIGINAL_IDS].sort());
  });

  test("holds the registered modules with their kinds", () => {
    const registry = createDefaultModuleRegistry();
    for (const id of REGISTERED) assert.ok(registry.has(id), id);
    assert.equal(getModule("user.select").kind, "interactive");
    assert.equal(getModule("user.text_input").kind, "interactive");
    assert.equal(getModule("api.llm").kind, "executable");
    assert.equal(getModule("io.weighted_keywords").kind, "executable");
    assert.equal(getModule("transform.query").kind, "executable");
    assert.equal(getModule("io.client_write").kind, "interactive");
    assert.equal(getModule("transform.extract").kind, "executable");
    assert.equal(getModule("io.render_template").kind, "executable");
  });

  test("getModule gives a fresh instance on every call", () => {
    const registry = createDefaultModuleRegistry();
    const first = registry.getModule("user.select");
    const second = registry.getModule("user.select");
    assert.notEqual(first, second);
    assert.ok(first instanceof SelectModule);
  });

  test("an unknown id is module_not_registered with close matches", () => {
    const registry = createDefaultModuleRegistry();
    try {
      registry.getModule("user.selct");
      assert.fail("expected an error");
    } catch (error) {
      assert.ok(isWfvError(error));
      assert.equal(error.errorType, "module_not_registered");
      assert.equal(error.message, "Module 'user.selct' not found in registry");
      assert.equal(error.details.module_id, "user.selct");
      assert.deepEqual(error.details.close_matches, ["user.select"]);
    }
  });

  test("close matches by edit distance and by last segment", () => {
    const ids = createDefaultModuleRegistry().ids();
    assert.deepEqual(closeMatches("select", ids), ["user.select"]);
    assert.deepEqual(closeMatches("api.lm", ids), ["api.llm"]);
    assert.deepEqual(closeMatches("transform.querry", ids), ["transform.query"]);
    assert.deepEqual(closeMatches("completely.different", ids), []);
  });

  test("registering the same id twice is refused", () => {
    const registry = createModuleRegistry([() => new SelectModule()]);
    assert.throws(() => registry.register(() => new SelectModule()), /Module 'user\.select' is already registered/);
  });

  test("listModules gives id, kind and the declared inputs and outputs", () => {
    const modules = listModules();
    assert.deepEqual(
      modules.map((m) => m.module_id),
      REGISTERED,
    );
    const select = modules.find((m) => m.module_id === "user.select")!;
    assert.deepEqual(
      select.inputs.map((input) => [input.name, input.required]),
      [
        ["data", true],
        ["schema", true],
        ["prompt", false],
        ["multi_select", false],
        ["mode", false],
        ["min_selections", false],
        ["max_selections", false],
      ],
    );
    assert.equal(select.inputs.find((input) => input.name === "prompt")!.default, "Make a selection");
    assert.deepEqual(
      select.outputs.map((output) => output.name),
      ["selected_indices", "selected_data", "retry_requested", "retry_feedback", "retry_groups", "jump_back_requested", "jump_back_target"],
    );
    const llm = modules.find((m) => m.module_id === "api.llm")!;
    assert.equal(llm.has_mock_output, true);
    assert.equal(llm.inputs.find((input) => input.name === "input")!.type, null);
    // Declared required=False with no default (modules.md 2.14).
    const keywords = modules.find((m) => m.module_id === "io.weighted_keywords")!;
    const declared = keywords.inputs.find((input) => input.name === "weighted_keywords")!;
    assert.equal(declared.required, false);
    assert.equal("default" in declared, false);
  });
});

describe("wfv modules", () => {
  test("prints every registered module as JSON", async () => {
    const result = await callCli(["modules"]);
    assert.equal(result.status, 0, result.stderr);
    const listed = result.json as Array<{ module_id: string; kind: string; inputs: unknown[]; outputs: unknown[] }>;
    assert.deepEqual(
      listed.map((m) => m.module_id),
      REGISTERED,
    );
    assert.deepEqual(listed, JSON.parse(JSON.stringify(listModules())));
  });

  test("an unknown id is reported with close matches and exit 1", () => {
    const result = runCli(["modules", "transform.qery"]);
    assert.equal(result.status, 1);
    const failure = result.json as { error: string; error_type: string; details: { module_id: string; close_matches: string[] } };
    assert.equal(failure.error, "Module 'transform.qery' not found in registry");
    assert.equal(failure.error_type, "module_not_registered");
    assert.equal(failure.details.module_id, "transform.qery");
    assert.equal(failure.details.close_matches[0], "transform.query");
  });

  test("named modules only, in the order given", async () => {
    const result = await callCli(["modules", "api.llm", "user.select"]);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(
      (result.json as Array<{ module_id: string }>).map((m) => m.module_id),
      ["api.llm", "user.select"],
    );
  });
});
