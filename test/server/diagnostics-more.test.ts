/**
 * Protocol tests for the remaining diagnostic kinds: a module name read in the same step before state
 * is reloaded, duplicate step ids, bad `$ref` type and value, and a workflow file that is not JSON.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { LspTestClient, rangeText } from "./lsp-client";
import { tempWorkspace, type TempWorkspace } from "./fixtures";

const WORKFLOW = `{
  "workflow_id": "more",
  "steps": [
    {"step_id": "a", "modules": [
      {"module_id": "transform.extract", "name": "calc", "inputs": {"x": 1}},
      {"module_id": "io.render_template", "name": "r", "inputs": {"resolver_schema": {"properties": {"template": {"resolver": "server"}}}, "template": "{{ state.calc.x }}"}}
    ]},
    {"step_id": "a", "modules": [
      {"module_id": "transform.extract", "name": "e", "inputs": {"s": {"$ref": "x.txt", "type": "yaml"}, "t": {"$ref": 5}}}
    ]}
  ]
}
`;
const BROKEN = `{"workflow_id": "b", "steps": [}`;

describe("wfv lsp --stdio: more diagnostics", { timeout: 60_000 }, () => {
  let ws: TempWorkspace;
  let client: LspTestClient;

  before(async () => {
    ws = tempWorkspace({ "wf/workflow.json": WORKFLOW, "wf/x.txt": "text", "broken/workflow.json": BROKEN });
    client = await LspTestClient.start(ws.root);
  });

  after(async () => {
    assert.equal(await client.stop(), 0, client.stderr);
    ws.remove();
  });

  it("module name in the same step before a reload, duplicate step id, bad $ref type and value", async () => {
    const file = ws.path("wf/workflow.json");
    await client.open(file);
    const diagnostics = await client.waitForDiagnostics(file, (list) => list.length > 0);
    const byCode = new Map(diagnostics.map((d) => [String(d.code), d]));
    const found = diagnostics.map((d) => [d.code, rangeText(WORKFLOW, d), d.severity]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    assert.deepEqual(found, [
      ["duplicate-step-id", '"a"', 1],
      ["ref-bad-type", '"yaml"', 1],
      ["ref-bad-value", "5", 1],
      ["state-not-yet-visible", "calc", 2],
    ]);
    assert.match(String(byCode.get("state-not-yet-visible")!.message), /only after state is reloaded/);
    assert.match(String(byCode.get("ref-bad-type")!.message), /\$ref type must be 'text', 'json', 'jinja2', 'raw', or 'template', got "yaml"/);
    assert.match(String(byCode.get("ref-bad-value")!.message), /\$ref value must be a string, got int/);
    assert.equal(byCode.get("duplicate-step-id")!.range.start.line, 7);
  });

  it("a workflow file that is not valid JSON: the first error, where it is", async () => {
    const file = ws.path("broken/workflow.json");
    await client.open(file);
    const diagnostics = await client.waitForDiagnostics(file, (list) => list.some((d) => d.code === "invalid-json"));
    const invalid = diagnostics.find((d) => d.code === "invalid-json")!;
    assert.deepEqual(invalid.range.start, { line: 0, character: BROKEN.indexOf("}") });
    assert.match(String(invalid.message), /The engine refuses this file: invalid JSON \(ValueExpected\)/);
  });
});
