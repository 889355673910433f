/**
 * Protocol tests: every diagnostic kind, with its exact range, pushed by `wfv lsp --stdio` to a real
 * LSP client. Waits on publishDiagnostics notifications only.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Diagnostic } from "vscode-languageserver-protocol";
import { LspTestClient, rangeText, uriOf } from "./lsp-client";
import { DIAGNOSTICS_WORKSPACE, tempWorkspace, type TempWorkspace } from "./fixtures";

function byCode(diagnostics: Diagnostic[], code: string): Diagnostic[] {
  return diagnostics.filter((d) => d.code === code);
}

describe("wfv lsp --stdio: diagnostics", { timeout: 60_000 }, () => {
  let ws: TempWorkspace;
  let client: LspTestClient;
  let workflow: string;
  let text: string;
  let diagnostics: Diagnostic[];

  before(async () => {
    ws = tempWorkspace(DIAGNOSTICS_WORKSPACE);
    client = await LspTestClient.start(ws.root);
    workflow = ws.path("wf/workflow.json");
    text = await client.open(workflow);
    diagnostics = await client.waitForDiagnostics(workflow, (list) => list.length > 0);
  });

  after(async () => {
    assert.equal(await client.stop(), 0, client.stderr);
    ws.remove();
  });

  it("every diagnostic has source wfv and a code", () => {
    for (const d of diagnostics) {
      assert.equal(d.source, "wfv");
      assert.equal(typeof d.code, "string");
    }
  });

  it("schema errors from the zod model, at the object that lacks the field", () => {
    const [schema, ...more] = byCode(diagnostics, "schema");
    assert.equal(more.length, 0, JSON.stringify(more));
    assert.match(String(schema!.message), /Missing required property 'step_id'/);
    assert.match(String(schema!.message), /\$\.steps\[6\]\.step_id/);
    assert.equal(rangeText(text, schema!), "{");
    assert.equal(schema!.range.start.line, text.split("\n").findIndex((line) => line.includes('{"modules": []}')));
  });

  it("unknown module_id, with the closest ids as a quick fix", async () => {
    const [unknown] = byCode(diagnostics, "unknown-module");
    assert.equal(rangeText(text, unknown!), '"user.selec"');
    assert.equal(unknown!.severity, 1);
    assert.match(String(unknown!.message), /Unknown module_id 'user\.selec'; did you mean 'user\.select'/);
    const actions = await client.codeActions(workflow, [unknown!]);
    assert.equal(actions[0]!.title, "Change module_id to 'user.select'");
    assert.equal(actions[0]!.isPreferred, true);
    const edit = actions[0]!.edit!.changes![uriOf(workflow)]![0]!;
    assert.deepEqual(edit.range, unknown!.range);
    assert.equal(edit.newText, '"user.select"');
  });

  it("missing required inputs (at the inputs key) and undeclared inputs (at the key)", () => {
    const missing = byCode(diagnostics, "missing-input");
    assert.equal(missing.length, 1, JSON.stringify(missing));
    assert.match(String(missing[0]!.message), /Missing required input 'data' of user\.select/);
    assert.equal(rangeText(text, missing[0]!), '"inputs"');
    assert.equal(missing[0]!.range.start.line, text.split("\n").findIndex((line) => line.includes('"name": "nodata"')));
    const unknown = byCode(diagnostics, "unknown-input");
    assert.equal(unknown.length, 1);
    assert.equal(rangeText(text, unknown[0]!), '"promt"');
    assert.equal(unknown[0]!.severity, 2);
    assert.match(String(unknown[0]!.message), /did you mean 'prompt'/);
  });

  it("quick fixes: add a missing required input, rename to the closest input or output", async () => {
    const [missing] = byCode(diagnostics, "missing-input");
    const [add] = await client.codeActions(workflow, [missing!]);
    assert.equal(add!.title, "Add required input 'data'");
    const edits = add!.edit!.changes![uriOf(workflow)]!;
    const lines = text.split("\n");
    const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((sum, line) => sum + line.length + 1, 0) + p.character;
    let fixed = text;
    for (const e of [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start))) {
      fixed = fixed.slice(0, offset(e.range.start)) + e.newText + fixed.slice(offset(e.range.end));
    }
    const nodata = (JSON.parse(fixed) as { steps: Array<{ modules?: Array<{ name: string; inputs: unknown }> }> }).steps[1]!.modules!.find((m) => m.name === "nodata")!;
    assert.deepEqual(nodata.inputs, { schema: {}, data: {} });

    const [unknownInput] = byCode(diagnostics, "unknown-input");
    const [rename] = await client.codeActions(workflow, [unknownInput!]);
    assert.equal(rename!.title, "Change to 'prompt'");
    assert.deepEqual(rename!.edit!.changes![uriOf(workflow)], [{ range: unknownInput!.range, newText: '"prompt"' }]);

    const [unknownOutput] = byCode(diagnostics, "unknown-output");
    const [renameOutput] = await client.codeActions(workflow, [unknownOutput!]);
    assert.deepEqual(renameOutput!.edit!.changes![uriOf(workflow)], [{ range: unknownOutput!.range, newText: '"selected_indices"' }]);
  });

  it("$ref to a missing file, to invalid JSON, outside the workflow folder", () => {
    const missing = byCode(diagnostics, "ref-missing-file");
    assert.equal(missing.length, 1);
    assert.equal(rangeText(text, missing[0]!), '"steps/missing.json"');
    const invalid = byCode(diagnostics, "ref-invalid-json");
    assert.equal(invalid.length, 1);
    assert.equal(rangeText(text, invalid[0]!), '"steps/broken.json"');
    assert.match(String(invalid[0]!.message), /line 1 column 19: PropertyNameExpected/);
    const outside = byCode(diagnostics, "ref-outside-root");
    assert.equal(outside.length, 1);
    assert.equal(rangeText(text, outside[0]!), '"../outside.json"');
  });

  it("the invalid JSON itself and a ref cycle are reported in the files that hold them", async () => {
    const broken = ws.path("wf/steps/broken.json");
    const brokenDiagnostics = await client.waitForDiagnostics(broken, (list) => list.length > 0);
    assert.equal(brokenDiagnostics[0]!.code, "invalid-json");
    assert.deepEqual(brokenDiagnostics[0]!.range.start, { line: 0, character: 18 });
    const loop = ws.path("wf/steps/loop.json");
    const loopDiagnostics = await client.waitForDiagnostics(loop, (list) => list.length > 0);
    const cycle = byCode(loopDiagnostics, "ref-cycle");
    assert.equal(cycle.length, 1);
    assert.match(String(cycle[0]!.message), /Circular reference detected: steps\/loop\.json/);
    assert.equal(rangeText(DIAGNOSTICS_WORKSPACE["wf/steps/loop.json"]!, cycle[0]!), '"loop.json"');
  });

  it("Jinja2 syntax errors at the line/column inside a JSON string (escape-aware)", () => {
    const syntax = byCode(diagnostics, "template-syntax");
    assert.equal(syntax.length, 1, JSON.stringify(syntax));
    const error = syntax[0]!;
    assert.equal(error.severity, 1);
    assert.match(String(error.message), /Jinja2 syntax error: unexpected 'end of print statement'/);
    // The string has \n, \" and \u00e9 escapes before the error: the range must still land on `}}`.
    const expected = text.indexOf("{{ 1 + }}") + "{{ 1 + ".length;
    const lineStart = text.lastIndexOf("\n", expected) + 1;
    assert.deepEqual(error.range.start, { line: text.slice(0, expected).split("\n").length - 1, character: expected - lineStart });
    assert.equal(rangeText(text, error), "}");
  });

  it("Jinja2 syntax errors inside a $ref'd text file, at its line/column", async () => {
    const prompt = ws.path("wf/prompts/user.txt");
    const promptDiagnostics = await client.waitForDiagnostics(prompt, (list) => list.length > 0);
    assert.equal(promptDiagnostics.length, 1, JSON.stringify(promptDiagnostics));
    assert.equal(promptDiagnostics[0]!.code, "template-syntax");
    assert.match(String(promptDiagnostics[0]!.message), /Encountered unknown tag 'endfor'/);
    assert.deepEqual(promptDiagnostics[0]!.range.start, { line: 1, character: 25 });
  });

  it("state keys no earlier module produces, and the later producer's location", () => {
    const later = byCode(diagnostics, "state-produced-later");
    assert.equal(later.length, 1);
    assert.equal(rangeText(text, later[0]!), "later_key");
    assert.equal(later[0]!.severity, 2);
    assert.match(String(later[0]!.message), /'choose' \(step 'main'\) produces it later/);
    const related = later[0]!.relatedInformation![0]!;
    assert.equal(related.location.uri, uriOf(workflow));
    assert.equal(rangeText(text, related.location), '"later_key"');
    const notProduced = byCode(diagnostics, "state-not-produced");
    assert.equal(notProduced.length, 1);
    assert.equal(rangeText(text, notProduced[0]!), "nowhere");
    assert.match(String(notProduced[0]!.message), /No module produces state key 'nowhere'/);
  });

  it("duplicate module names and outputs_to_state keys that are not outputs", () => {
    const duplicate = byCode(diagnostics, "duplicate-module-name");
    assert.equal(duplicate.length, 1);
    assert.equal(rangeText(text, duplicate[0]!), '"choose"');
    assert.equal(duplicate[0]!.range.start.line, text.split("\n").findIndex((line) => line.includes('"module_id": "api.llm"')) + 1);
    assert.equal(rangeText(text, duplicate[0]!.relatedInformation![0]!.location), '"choose"');
    const output = byCode(diagnostics, "unknown-output");
    assert.equal(output.length, 1);
    assert.equal(rangeText(text, output[0]!), '"selectd_indices"');
    assert.match(String(output[0]!.message), /did you mean 'selected_indices'/);
  });

  it("retry/jump targets and sub-action refs that name no step or module", () => {
    const targets = byCode(diagnostics, "unknown-target");
    assert.deepEqual(targets.map((d) => rangeText(text, d)), ['"ask_topc"', '"mian"']);
    assert.match(String(targets[0]!.message), /Module 'ask_topc' not found in step 'intro'; did you mean 'ask_topic'\?/);
    assert.match(String(targets[1]!.message), /Step 'mian' not found in the workflow; did you mean 'main'\?/);
  });

  it("nothing else: client-side templates and valid references stay quiet", () => {
    const expected = new Set([
      "unknown-target",
      "schema", "unknown-module", "missing-input", "unknown-input", "ref-missing-file", "ref-invalid-json", "ref-outside-root",
      "template-syntax", "state-produced-later", "state-not-produced", "duplicate-module-name", "unknown-output",
    ]);
    assert.deepEqual(diagnostics.filter((d) => !expected.has(String(d.code))), []);
    assert.equal(diagnostics.length, expected.size + 1, JSON.stringify(diagnostics.map((d) => [d.code, d.message]))); // two unknown targets
  });

  it("re-validates when a missing file appears on disk (watched-file notification)", async () => {
    const created = ws.write("wf/steps/missing.json", JSON.stringify({ step_id: "found", modules: [] }));
    await client.filesChanged([created], 1);
    const after = await client.waitForDiagnostics(workflow, (list) => byCode(list, "ref-missing-file").length === 0);
    assert.equal(byCode(after, "unknown-module").length, 1);
  });

  it("re-validates after an edit: fixing the module_id clears its diagnostic", async () => {
    const fixed = text.replace('"user.selec"', '"user.select"');
    await client.change(workflow, fixed);
    const after = await client.waitForDiagnostics(workflow, (list) => byCode(list, "unknown-module").length === 0);
    assert.equal(byCode(after, "ref-outside-root").length, 1);
    await client.change(workflow, text);
    await client.waitForDiagnostics(workflow, (list) => byCode(list, "unknown-module").length === 1);
  });
});
