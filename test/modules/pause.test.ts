import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, test } from "node:test";
import { getModule, ModuleExecutionError, type InteractiveModule } from "../../src/core/modules";
import { execute } from "../../src/core/virtual";
import { debianPython, oracleAvailable } from "../helpers/oracle";
import { createTestContext, response } from "./helpers";

function pause(): InteractiveModule {
  return getModule("user.pause") as InteractiveModule;
}

async function request(inputs: Record<string, unknown>, state: Record<string, unknown> = {}) {
  const { context } = createTestContext({ state });
  return (await pause().getInteractionRequest(inputs, context))!;
}

describe("user.pause interaction request (modules.md 2.4)", () => {
  test("a plain notice: multiline text_input titled Preview, the message as default value", async () => {
    const made = await request({});
    assert.match(made.interaction_id, /^pause_[0-9a-f]{32}$/);
    assert.equal(made.interaction_type, "text_input");
    assert.equal(made.title, "Preview");
    assert.equal(made.default_value, "Press Enter to continue...");
    assert.equal(made.allow_empty, true);
    assert.equal(made.multiline, true);
    assert.deepEqual(made.context, { module_id: "user.pause", pause: true });
  });

  test("show_state: JSON at indent 2 without ASCII escaping for objects, str() otherwise, <not set> when missing", async () => {
    const state = { scene: { title: "Café", tags: ["a", 1.5, null, true], empty: {} }, count: 3, flag: false, nothing: null };
    const made = await request({ message: "Go on", show_state: ["scene", "count", "flag", "nothing", "gone"] }, state);
    assert.equal(
      made.default_value,
      [
        "=== State Debug ===",
        "\n[scene]:",
        '{\n  "title": "Café",\n  "tags": [\n    "a",\n    1.5,\n    null,\n    true\n  ],\n  "empty": {}\n}',
        "\n[count]:",
        "3",
        "\n[flag]:",
        "False",
        "\n[nothing]:",
        "None",
        "\n[gone]:",
        "<not set>",
        "\n===================\n",
        "Go on",
      ].join("\n"),
    );
  });

  test("long values are cut to 1000 characters", async () => {
    const made = await request({ message: "m", show_state: ["long"] }, { long: "é".repeat(1200) });
    assert.ok(made.default_value.includes(`${"é".repeat(1000)}\n... (truncated)\n`));
  });

  test("jinja2_test renders against the state with plain Jinja2; errors are shown, not raised", async () => {
    const made = await request({ message: "m", jinja2_test: "Hi {{ state.name }} {{ state.items | length }}" }, { name: "Ann", items: [1, 2] });
    assert.equal(
      made.default_value,
      [
        "=== Jinja2 Template Test ===",
        "Template: Hi {{ state.name }} {{ state.items | length }}",
        "\nRendered output:",
        "-".repeat(40),
        "Hi Ann 2",
        "-".repeat(40),
        "============================\n",
        "m",
      ].join("\n"),
    );
    const failing = await request({ message: "m", jinja2_test: `{{ state.missing.deeper }}${"x".repeat(120)}` }, {});
    const lines = failing.default_value.split("\n");
    assert.equal(lines[1], `Template: {{ state.missing.deeper }}${"x".repeat(100 - 26)}...`);
    assert.equal(lines[5], "ERROR: 'dict object' has no attribute 'missing'");
  });

  test("any answer confirms; cancel fails", async () => {
    const { context } = createTestContext();
    assert.deepEqual(await pause().executeWithResponse({}, context, response({ value: "" })), { confirmed: true });
    await assert.rejects(
      pause().executeWithResponse({}, context, response({ cancelled: true })),
      (error: unknown) => error instanceof ModuleExecutionError && error.message === "Module 'user.pause' failed: User cancelled",
    );
  });
});

describe("user.pause through execute()", () => {
  test("asks, then an empty answer completes it", async () => {
    const workflow = {
      workflow_id: "pauses",
      name: "Pauses",
      steps: [{ step_id: "s1", name: "S1", modules: [{ module_id: "user.pause", name: "checkpoint", inputs: { message: "Check" } }] }],
    };
    const first = await execute({ workflow, target_step_id: "s1", target_module_name: "checkpoint" });
    assert.equal(first.status, "awaiting_input", first.error);
    assert.equal(first.interaction_request!.default_value, "Check");
    assert.equal(first.interaction_request!.multiline, true);
    for (const field of ["form_schema", "form_type", "form_defaults"]) assert.ok(field in first.interaction_request!);
    const done = await execute({ workflow, virtual_db: first.result.virtual_db, target_step_id: "s1", target_module_name: "checkpoint", response: { value: "" } });
    assert.equal(done.status, "completed", done.error);
    assert.deepEqual(done.result.module_outputs, { confirmed: true });
  });
});

describe("user.pause text against Python", () => {
  const cases: Array<{ inputs: Record<string, unknown>; state: Record<string, unknown> }> = [
    { inputs: { show_state: ["a", "b", "c", "zz"], message: "Go" }, state: { a: { "é": [1, 2.5, null, true, "ü"], n: {} }, b: "text", c: [] } },
    // Not `state.items`: dot access reads the key in wfv, Python's dict method in Jinja2 (README).
    { inputs: { jinja2_test: "{% for x in state.things %}{{ x }},{% endfor %}\n{{ state.name | upper }}\n", message: "m" }, state: { things: [1, "a", null], name: "ann" } },
    { inputs: { jinja2_test: "{{ state.nope.deeper }}" }, state: {} },
    { inputs: { jinja2_test: "{{ x }" }, state: {} },
    { inputs: { jinja2_test: "{{ state.n + 1 }} {{ state.d }} {{ state.missing }}", show_state: ["n"] }, state: { n: 1, d: { k: [1, "x"] } } },
  ];
  test("the same notice text as the original's recipe", { skip: oracleAvailable("jinja2") ? false : "python3-jinja2 is not installed" }, async () => {
    const script = [
      "import json, sys",
      "from jinja2 import Template",
      "out = []",
      "for case in json.load(sys.stdin):",
      "    inputs, state = case['inputs'], case['state']",
      "    parts = []",
      "    keys = inputs.get('show_state') or []",
      "    if keys:",
      "        parts.append('=== State Debug ===')",
      "        for key in keys:",
      "            v = state.get(key, '<not set>')",
      "            t = json.dumps(v, indent=2, ensure_ascii=False) if isinstance(v, (dict, list)) else str(v)",
      "            if len(t) > 1000: t = t[:1000] + '\\n... (truncated)'",
      "            parts += ['\\n[' + str(key) + ']:', t]",
      "        parts.append('\\n===================\\n')",
      "    test = inputs.get('jinja2_test')",
      "    if test:",
      "        parts += ['=== Jinja2 Template Test ===', 'Template: ' + test[:100] + ('...' if len(test) > 100 else ''), '\\nRendered output:', '-' * 40]",
      "        try: parts.append(Template(test).render(state=state))",
      "        except Exception as e: parts.append(f'ERROR: {e}')",
      "        parts += ['-' * 40, '============================\\n']",
      "    parts.append(inputs.get('message', 'Press Enter to continue...'))",
      "    out.append('\\n'.join(parts))",
      "print(json.dumps(out))",
    ].join("\n");
    const run = spawnSync(debianPython, ["-c", script], { input: JSON.stringify(cases), encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    const expected = JSON.parse(run.stdout) as string[];
    for (const [i, { inputs, state }] of cases.entries()) assert.equal((await request(inputs, state)).default_value, expected[i], JSON.stringify(inputs));
  });
});
