/**
 * Silent traps in module inputs (issue 12.10): a template no resolver_schema resolves, an empty
 * `user.form`, a `validation_pattern` Python's `re` refuses. Through the real server over LSP (ranges,
 * severities, the quick fix) and on the pure analysis (what is not reported).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Diagnostic } from "vscode-languageserver-protocol";
import { defaultModuleCatalog } from "../../src/server/analysis/module-catalog";
import { analyzeWorkflow } from "../../src/server/analysis/workflow";
import { DiagnosticCodes } from "../../src/shared/lsp";
import { tempWorkspace, type TempWorkspace } from "./fixtures";
import { LspTestClient, rangeText, uriOf } from "./lsp-client";

const WORKFLOW = String.raw`{
  "workflow_id": "traps",
  "steps": [
    {"step_id": "s", "modules": [
      {"module_id": "user.text_input", "name": "ask", "inputs": {"prompt": "Topic?", "validation_pattern": "^(ab[c-"}, "outputs_to_state": {"value": "topic"}},
      {"module_id": "user.text_input", "name": "ask_ok", "inputs": {"prompt": "Again?", "validation_pattern": "^\\d+(,\\s*\\d+)*$"}},
      {"module_id": "user.select", "name": "pick", "inputs": {"prompt": "Pick one about {{ state.topic }}", "data": [1, 2], "schema": {"_ux.display_format": "{{ value }}"}}},
      {"module_id": "user.select", "name": "pick2", "inputs": {
        "resolver_schema": {"type": "object", "properties": {"data": {"resolver": "server"}}},
        "data": "{{ state.topic }}", "prompt": "About {% if state.topic %}{{ state.topic }}{% endif %}", "schema": {}
      }},
      {"module_id": "user.form", "name": "form", "inputs": {"data": [], "schema": {"title": "x"}}},
      {"module_id": "user.form", "name": "form2", "inputs": {"data": [], "schema": {"input_schema": {"type": "object"}}}},
      {"module_id": "user.form", "name": "form_ok", "inputs": {"data": [], "schema": {"input_schema": {"type": "object", "properties": {"a": {"type": "string"}}}}}}
    ]}
  ]
}
`;

const byCode = (list: Diagnostic[], code: string) => list.filter((d) => d.code === code);

describe("wfv lsp --stdio: silent traps in module inputs", { timeout: 60_000 }, () => {
  let ws: TempWorkspace;
  let client: LspTestClient;
  let diagnostics: Diagnostic[];
  const file = () => ws.path("wf/workflow.json");

  before(async () => {
    ws = tempWorkspace({ "wf/workflow.json": WORKFLOW });
    client = await LspTestClient.start(ws.root);
    await client.open(file());
    diagnostics = await client.waitForDiagnostics(file(), (list) => list.length > 0);
  });

  after(async () => {
    assert.equal(await client.stop(), 0, client.stderr);
    ws.remove();
  });

  it("a template in an input no resolver_schema lists: a warning at its first tag, 'shown raw'", () => {
    const raw = byCode(diagnostics, DiagnosticCodes.templateShownRaw);
    assert.deepEqual(
      raw.map((d) => [rangeText(WORKFLOW, d), d.severity]),
      [
        ["{{ state.topic }}", 2],
        ["{% if state.topic %}", 2],
      ],
    );
    assert.match(String(raw[0]!.message), /^shown raw: \{\{ state\.topic \}\} in input "prompt" is never rendered \(the module's inputs have no resolver_schema/);
    assert.match(String(raw[1]!.message), /its resolver_schema does not list "prompt"/);
  });

  it("quick fix: list the input as server-resolved (with or without a resolver_schema)", async () => {
    const apply = async (diagnostic: Diagnostic) => {
      const [action] = await client.codeActions(file(), [diagnostic]);
      assert.ok(action, "a quick fix");
      const lines = WORKFLOW.split("\n");
      const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((sum, line) => sum + line.length + 1, 0) + p.character;
      let fixed = WORKFLOW;
      for (const e of [...action.edit!.changes![uriOf(file())]!].sort((a, b) => offset(b.range.start) - offset(a.range.start))) {
        fixed = fixed.slice(0, offset(e.range.start)) + e.newText + fixed.slice(offset(e.range.end));
      }
      return { title: action.title, modules: (JSON.parse(fixed) as { steps: Array<{ modules: Array<{ name: string; inputs: Record<string, unknown> }> }> }).steps[0]!.modules };
    };
    const [first, second] = byCode(diagnostics, DiagnosticCodes.templateShownRaw);
    const one = await apply(first!);
    assert.equal(one.title, 'Resolve "prompt" on the server (resolver_schema)');
    assert.deepEqual(one.modules.find((m) => m.name === "pick")!.inputs.resolver_schema, { type: "object", properties: { prompt: { resolver: "server" } } });
    const two = await apply(second!);
    assert.deepEqual(two.modules.find((m) => m.name === "pick2")!.inputs.resolver_schema, {
      type: "object",
      properties: { data: { resolver: "server" }, prompt: { resolver: "server" } },
    });
  });

  it("a user.form without schema.input_schema (or with no properties): an empty-form warning", () => {
    const empty = byCode(diagnostics, DiagnosticCodes.emptyForm);
    assert.deepEqual(
      empty.map((d) => [rangeText(WORKFLOW, d), d.severity]),
      [
        ['"schema"', 2],
        ['"input_schema"', 2],
      ],
    );
    assert.match(String(empty[0]!.message), /has no "input_schema", so the form shows no fields/);
    assert.match(String(empty[1]!.message), /"input_schema" has no properties/);
  });

  it("a validation_pattern Python's re refuses: an error at the position re.error names", () => {
    const invalid = byCode(diagnostics, DiagnosticCodes.invalidValidationPattern);
    assert.equal(invalid.length, 1);
    assert.equal(invalid[0]!.severity, 1);
    assert.equal(rangeText(WORKFLOW, invalid[0]!), "[");
    assert.match(String(invalid[0]!.message), /does not compile as a Python regex: unterminated character set at position 4\b/);
  });
});

describe("silent traps: what stays quiet", () => {
  const analyze = (workflow: unknown, extra: Record<string, string> = {}) => {
    const texts = new Map<string, string>([["/ws/workflow.json", JSON.stringify(workflow, null, 2)], ...Object.entries(extra).map(([k, v]) => [`/ws/${k}`, v] as [string, string])]);
    return analyzeWorkflow("/ws/workflow.json", { read: (path) => texts.get(path) }, defaultModuleCatalog());
  };
  const trapCodes = new Set<string>([DiagnosticCodes.templateShownRaw, DiagnosticCodes.emptyForm, DiagnosticCodes.invalidValidationPattern]);
  const traps = (workflow: unknown, extra?: Record<string, string>) => analyze(workflow, extra).diagnostics.filter((d) => trapCodes.has(d.code));
  const one = (module: unknown) => ({ workflow_id: "w", steps: [{ step_id: "s", modules: [module] }] });

  it("client-listed inputs, display_format / source_data, module-rendered templates, addons", () => {
    const modules = [
      { module_id: "user.select", name: "a", inputs: { resolver_schema: { properties: { prompt: { resolver: "client" } } }, prompt: "{{ x }}", data: [], schema: { _ux: { display_format: "{{ value }}", source_data: "{{ state.y }}" } } } },
      { module_id: "transform.render_template_array", name: "b", inputs: { items: [], template: "{{ item }}" } },
      { module_id: "transform.reshape", name: "c", inputs: { source: [], template: { v: "{{ $item.a }}" } } },
      { module_id: "user.pause", name: "d", inputs: { jinja2_test: "{{ state | length }}" } },
      { module_id: "user.select", name: "e", inputs: { prompt: "p", data: [], schema: {} }, addons: [{ addon_id: "usage_history", inputs: { x: "{{ state.z }}" } }] },
      { module_id: "user.text_input", name: "f", inputs: { resolver_schema: { properties: { validation_pattern: { resolver: "server" } } }, prompt: "p", validation_pattern: "{{ state.pattern }}" } },
      { module_id: "user.form", name: "g", inputs: { resolver_schema: { properties: { schema: { resolver: "server" } } }, data: [], schema: "{{ state.form_schema }}" } },
    ];
    assert.deepEqual(traps({ workflow_id: "w", steps: [{ step_id: "s", modules }] }), []);
  });

  it("a $ref'd text template under an unlisted input: reported in the text file, at its first tag, without a fix there", () => {
    const found = traps(one({ module_id: "api.llm", name: "llm", inputs: { input: { $ref: "prompt.txt", type: "text" } } }), { "prompt.txt": "Write about\n{{ state.topic }} now" });
    assert.equal(found.length, 1);
    assert.equal(found[0]!.file, "/ws/prompt.txt");
    assert.equal("Write about\n{{ state.topic }} now".slice(found[0]!.start, found[0]!.end), "{{ state.topic }}");
    assert.equal(found[0]!.data, undefined);
  });

  it("nested strings are named by their path; Python-only regex syntax compiles", () => {
    const found = traps(one({ module_id: "api.llm", name: "llm", inputs: { input: [{ text: "hi {{ name }}" }] } }));
    assert.match(found[0]!.message, /in input "input\.0\.text"/);
    assert.deepEqual(traps(one({ module_id: "user.text_input", name: "t", inputs: { prompt: "p", validation_pattern: "(?P<n>\\w+)(?P=n)\\Z" } })), []);
    assert.equal(traps(one({ module_id: "user.text_input", name: "t", inputs: { prompt: "p", validation_pattern: "a{2,1}" } }))[0]?.code, DiagnosticCodes.invalidValidationPattern);
  });
});
