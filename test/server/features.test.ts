/**
 * Protocol tests for completion (module ids, inputs, state keys, filters, $ref paths), hover (module
 * docs, live virtual state), go to definition, and step files analysed in their workflow's context.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { CompletionItem, MarkupContent, TextEdit } from "vscode-languageserver-protocol";
import { LspTestClient, positionOf, rangeText, uriOf } from "./lsp-client";
import { FEATURES_WORKSPACE, tempWorkspace, type TempWorkspace } from "./fixtures";

const labels = (items: CompletionItem[]) => items.map((item) => item.label);
const edit = (item: CompletionItem) => item.textEdit as TextEdit;
const markdown = (value: unknown) => (value as MarkupContent).value;

describe("wfv lsp --stdio: completion, hover, definition", { timeout: 60_000 }, () => {
  let ws: TempWorkspace;
  let client: LspTestClient;
  let two: string;
  let twoText: string;

  before(async () => {
    ws = tempWorkspace(FEATURES_WORKSPACE);
    client = await LspTestClient.start(ws.root);
    two = ws.path("wf/steps/two.json");
    twoText = await client.open(two);
  });

  after(async () => {
    assert.equal(await client.stop(), 0, client.stderr);
    ws.remove();
  });

  it("a step file is analysed in the workflow that includes it (state from earlier steps is known)", async () => {
    const diagnostics = await client.waitForDiagnostics(two);
    assert.deepEqual(diagnostics, []);
  });

  it("a step file no workflow includes is analysed alone", async () => {
    const lone = ws.path("lone/step.json");
    await client.open(lone);
    const diagnostics = await client.waitForDiagnostics(lone, (list) => list.length > 0);
    assert.deepEqual(diagnostics.map((d) => d.code), ["state-not-produced"]);
  });

  it("completes module ids with their description, replacing the string's content", async () => {
    const text = twoText.replace('"module_id": "user.select"', '"module_id": "user.se"');
    await client.change(two, text);
    const items = await client.completion(two, positionOf(text, '"user.se"', 8));
    assert.ok(labels(items).includes("user.select"));
    assert.ok(labels(items).includes("api.llm"));
    const select = items.find((item) => item.label === "user.select")!;
    assert.match(String(select.detail), /Interactive module; requires data, schema/);
    assert.match(markdown(select.documentation), /\| `data` \| object \| yes \|/);
    assert.equal(rangeText(text, edit(select)), "user.se");
    assert.equal(edit(select).newText, "user.select");
  });

  it("completes input names with type, required and default, leaving out those present", async () => {
    const text = twoText.replace('"data": "{{ state.colors }}",', '"data": "{{ state.colors }}", "mul",');
    await client.change(two, text);
    const items = await client.completion(two, positionOf(text, '"mul"', 3));
    const names = labels(items);
    assert.ok(!names.includes("data") && !names.includes("prompt") && !names.includes("schema"), names.join());
    assert.ok(names.includes("multi_select") && names.includes("min_selections"));
    const multi = items.find((item) => item.label === "multi_select")!;
    assert.equal(multi.detail, "boolean = false");
    assert.equal(rangeText(text, edit(multi)), '"mul"');
    assert.equal(edit(multi).newText, '"multi_select": ${1:false}');
    assert.match(markdown(multi.documentation), /Allow multiple selections/);
  });

  it("completes the state keys available at that point after {{ state. (workflow order)", async () => {
    const text = twoText.replace('"data": "{{ state.colors }}"', '"data": "{{ state.co }}"');
    await client.change(two, text);
    const items = await client.completion(two, positionOf(text, "state.co", 8));
    assert.deepEqual(labels(items).sort(), ["ask", "colors"]); // not its own output, nothing later
    const colors = items.find((item) => item.label === "colors")!;
    assert.equal(colors.detail, "outputs_to_state of 'ask' (step one)");
    assert.equal(rangeText(text, edit(colors)), "co");
  });

  it("completes state keys inside a $ref'd template file, for the module that uses it", async () => {
    await client.change(two, twoText);
    const prompt = ws.path("wf/prompts/p.txt");
    const text = "Describe {{ state. }}\n";
    await client.open(prompt, text);
    const items = await client.completion(prompt, positionOf(text, "state.", 6));
    // `pick` is in the same step with no interaction in between: its raw outputs are not visible yet.
    assert.deepEqual(labels(items).sort(), ["ask", "colors", "picked"]);
  });

  it("completes the fields of state.<module>. from the module's declared outputs", async () => {
    const text = twoText.replace("{{ state.ask.value }}", "{{ state.ask. }}");
    await client.change(two, text);
    const items = await client.completion(two, positionOf(text, "state.ask.", 10));
    assert.deepEqual(labels(items).sort(), ["jump_back_requested", "jump_back_target", "value"]);
  });

  it("completes Jinja2 filters after |", async () => {
    const text = twoText.replace("{{ state.ask.value }}", "{{ state.ask.value | jo }}");
    await client.change(two, text);
    const items = await client.completion(two, positionOf(text, "| jo", 4));
    for (const name of ["join", "upper", "default", "length", "tojson"]) assert.ok(labels(items).includes(name), name);
    assert.equal(rangeText(text, edit(items.find((item) => item.label === "join")!)), "jo");
  });

  it("completes $ref paths relative to the file, json files only for type json", async () => {
    const text = twoText.replace('"../schemas/s.json"', '"../sch"');
    await client.change(two, text);
    const items = await client.completion(two, positionOf(text, '"../sch"', 7));
    const names = labels(items);
    assert.ok(names.includes("../schemas/s.json"), names.join());
    assert.ok(names.includes("one.json"));
    assert.ok(!names.includes("../prompts/p.txt"));
    assert.equal(rangeText(text, edit(items.find((item) => item.label === "../schemas/s.json")!)), "../sch");
    const textRef = twoText.replace('"../prompts/p.txt"', '"../pro"');
    await client.change(two, textRef);
    const textItems = await client.completion(two, positionOf(textRef, '"../pro"', 4));
    assert.ok(labels(textItems).includes("../prompts/p.txt"));
  });

  it("hover over a module_id shows its docs: kind, inputs, outputs", async () => {
    await client.change(two, twoText);
    const hover = await client.hover(two, positionOf(twoText, '"api.llm"', 3));
    const value = markdown(hover!.contents);
    assert.match(value, /\*\*api\.llm\*\* — executable module/);
    assert.match(value, /\| `input` \| any \| yes \|/);
    assert.match(value, /\| `response` \| string \|/);
    assert.match(value, /Supports: mock output/);
    assert.equal(rangeText(twoText, { range: hover!.range! }), "api.llm");
  });

  it("hover over {{ state.x }} shows the producer, then the live virtual state once pushed", async () => {
    const at = positionOf(twoText, "state.ask.value", 12);
    const before = markdown((await client.hover(two, at))!.contents);
    assert.match(before, /`state\.ask\.value`/);
    assert.match(before, /raw outputs of module 'ask' \(step one\)/);
    assert.match(before, /No virtual state yet/);

    await client.setVirtualState(ws.path("wf/workflow.json"), { ask: { value: "red, blue" }, colors: "red, blue" }, "run 1");
    const hover = await client.hover(two, at);
    assert.match(markdown(hover!.contents), /Current value \(run 1\):\n```json\n"red, blue"\n```/);
    assert.equal(rangeText(twoText, { range: hover!.range! }), "state.ask.value");

    const big = { colors: Array.from({ length: 500 }, (_, i) => ({ name: `color ${i}`, hex: "#000000" })) };
    await client.setVirtualState(ws.path("wf/workflow.json"), big, "run 2");
    const truncated = markdown((await client.hover(two, positionOf(twoText, "state.colors", 8)))!.contents);
    assert.match(truncated, /… \(\d+ more characters\)/);
    assert.ok(truncated.length < 3000, String(truncated.length));

    await client.setVirtualState(ws.path("wf/workflow.json"), null);
    assert.match(markdown((await client.hover(two, at))!.contents), /No virtual state yet/);
  });

  it("hover over a $ref shows the file and the start of its content", async () => {
    const hover = await client.hover(two, positionOf(twoText, "../prompts/p.txt", 4));
    const value = markdown(hover!.contents);
    assert.match(value, /`jinja2` reference to `prompts\/p\.txt`/);
    assert.match(value, /```jinja\nDescribe \{\{ state\./); // the open editor's text (an earlier test changed it)
  });

  it("go to definition: $ref path → the file; state.x → the module that produces x", async () => {
    const refs = await client.definition(two, positionOf(twoText, "../schemas/s.json", 5));
    assert.deepEqual(refs, [{ uri: uriOf(ws.path("wf/schemas/s.json")), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }]);
    const producers = await client.definition(two, positionOf(twoText, "state.colors", 8));
    assert.equal(producers.length, 1);
    assert.equal(producers[0]!.uri, uriOf(ws.path("wf/steps/one.json")));
    assert.equal(rangeText(FEATURES_WORKSPACE["wf/steps/one.json"]!, producers[0]!), '"colors"');
    const fromPrompt = await client.definition(ws.path("wf/prompts/p.txt"), positionOf("Describe {{ state. }}\n", "state.", 2));
    assert.deepEqual(fromPrompt, []);
  });

  it("retry/jump targets: completion of step ids and module names, definition and hover", async () => {
    const text = twoText.replace('"target_step": "one", "target_module": "ask"', '"target_step": "one", "target_module": "as"');
    await client.change(two, text);
    const modules = await client.completion(two, positionOf(text, '"target_module": "as"', 19));
    assert.deepEqual(labels(modules), ["ask"]); // the modules of step one only
    const steps = await client.completion(two, positionOf(text, '"target_step": "one"', 16));
    assert.deepEqual(labels(steps), ["one", "two"]);
    await client.change(two, twoText);
    const [location] = await client.definition(two, positionOf(twoText, '"target_module": "ask"', 19));
    assert.equal(location!.uri, uriOf(ws.path("wf/steps/one.json")));
    assert.equal(rangeText(FEATURES_WORKSPACE["wf/steps/one.json"]!, location!), '"ask"');
    const hover = await client.hover(two, positionOf(twoText, '"target_module": "ask"', 19));
    assert.match(markdown(hover!.contents), /Module `ask` — `user\.text_input` in step `one`/);
  });

  it("wfv/stateKeys lists the keys a workflow produces, or those visible at a position", async () => {
    const all = await client.stateKeys(ws.path("wf/workflow.json"));
    assert.deepEqual(all.map((k) => `${k.key}:${k.via}:${k.module}:${k.stepId}`).sort(), [
      "ask:module_name:ask:one",
      "colors:outputs_to_state:ask:one",
      "describe:module_name:describe:two",
      "description:outputs_to_state:describe:two",
      "pick:module_name:pick:two",
      "picked:outputs_to_state:pick:two",
    ]);
    const atPick = await client.stateKeys(two, positionOf(twoText, '"name": "pick"'));
    assert.deepEqual(atPick.map((k) => k.key).sort(), ["ask", "colors"]);
  });

  it("a template in a $ref'd text file gets its producer as definition", async () => {
    const prompt = ws.path("wf/prompts/p.txt");
    const text = FEATURES_WORKSPACE["wf/prompts/p.txt"]!;
    await client.change(prompt, text);
    const producers = await client.definition(prompt, positionOf(text, "state.picked", 8));
    assert.equal(producers[0]!.uri, uriOf(two));
    assert.equal(rangeText(twoText, producers[0]!), '"picked"');
  });

  it("references of a state key: its producer and every rendered template that reads it", async () => {
    const one = ws.path("wf/steps/one.json");
    const oneText = FEATURES_WORKSPACE["wf/steps/one.json"]!;
    await client.open(one);
    const refs = await client.references(one, positionOf(oneText, '"colors"', 2));
    const where = refs.map((r) => `${r.uri.slice(r.uri.indexOf("/wf/") + 4)}:${r.range.start.line}`).sort();
    assert.deepEqual(where, ["prompts/p.txt:0", "steps/one.json:3", "steps/two.json:8"]);
    const withoutDeclaration = await client.references(two, positionOf(twoText, "state.colors", 8), false);
    assert.equal(withoutDeclaration.length, 2);
    const hover = await client.hover(one, positionOf(oneText, '"colors"', 2));
    assert.match(markdown(hover!.contents), /State key `colors` — read by 2 template reference\(s\)/);
  });
});
