/** The language server's pure analysis functions, tested directly (no LSP, no VS Code). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { lineStarts, mapStringLiteral, offsetOfLineColumn, parseJson, propertyValue, reparseJson } from "../../src/server/analysis/json-tree";
import { defaultModuleCatalog } from "../../src/server/analysis/module-catalog";
import { analyzeTemplate, templateCompletionAt } from "../../src/server/analysis/templates";
import { analyzeWorkflow, availableKeys, type WorkflowAnalysis } from "../../src/server/analysis/workflow";

const ROOT = "/ws";

function analyze(files: Record<string, unknown>, entry = "workflow.json", standaloneStep = false): WorkflowAnalysis {
  const texts = new Map(Object.entries(files).map(([rel, value]) => [`${ROOT}/${rel}`, typeof value === "string" ? value : JSON.stringify(value, null, 2)]));
  return analyzeWorkflow(`${ROOT}/${entry}`, { read: (path) => texts.get(path) }, defaultModuleCatalog(), undefined, { standaloneStep });
}

const codes = (analysis: WorkflowAnalysis) => analysis.diagnostics.map((d) => d.code);
const server = (...keys: string[]) => ({ type: "object", properties: Object.fromEntries(keys.map((key) => [key, { resolver: "server" }])) });
const textInput = (name: string, stateKey: string) => ({ module_id: "user.text_input", name, inputs: { prompt: "?" }, outputs_to_state: { value: stateKey } });
const render = (name: string, template: unknown) => ({ module_id: "io.render_template", name, inputs: { resolver_schema: server("template"), template } });
const extract = (name: string, inputs: Record<string, unknown>) => ({ module_id: "transform.extract", name, inputs });

describe("JSON string literals: decoded index ↔ file offset", () => {
  it("maps escapes (\\n, \\\", \\uXXXX, surrogate pairs) to their source offsets", () => {
    const text = String.raw`{"a": "x\n\"y\u00e9\ud83d\ude00z"}`;
    const node = propertyValue(parseJson(text).root, "a")!;
    const map = mapStringLiteral(text, node);
    assert.equal(map.value, node.value);
    assert.equal(map.value, 'x\n"yé\u{1F600}z');
    const at = (i: number) => text.slice(map.offsets[i]!, map.offsets[i]! + 2);
    assert.equal(at(0), "x\\");
    assert.equal(at(1), "\\n");
    assert.equal(at(2), '\\"');
    assert.equal(text.slice(map.offsets[4]!, map.offsets[4]! + 6), "\\u00e9");
    assert.equal(text.slice(map.offsets[7]!, map.offsets[7]! + 1), "z");
    assert.equal(map.offsets[map.value.length], text.lastIndexOf('"'));
  });

  it("turns 1-based template line/column into offsets, CRLF counting as one break", () => {
    const text = "ab\r\ncd\ne";
    const starts = lineStarts(text);
    assert.deepEqual(starts, [0, 4, 7]);
    assert.equal(offsetOfLineColumn(text, starts, 2, 2), 5);
    assert.equal(offsetOfLineColumn(text, starts, 1, 99), 2); // clamped to the line's end
    assert.equal(offsetOfLineColumn(text, starts, 3, 1), 7);
  });
});

describe("templates", () => {
  it("finds state references with the span of every path segment", () => {
    const source = "Hi {{ state.pet.name }} {% for x in state['kw'] %}{{ x.state }}{% endfor %}";
    const refs = analyzeTemplate(source).stateRefs;
    assert.deepEqual(refs.map((ref) => ref.path), [["pet", "name"], ["kw"]]);
    assert.equal(source.slice(refs[0]!.spans[1]!.start, refs[0]!.spans[1]!.end), "name");
    assert.equal(source.slice(refs[1]!.spans[0]!.start, refs[1]!.spans[0]!.end), "kw");
    assert.equal(source.slice(refs[0]!.start, refs[0]!.start + 5), "state");
  });

  it("reports syntax errors and unknown filters (a compile-time error in Jinja2) at their position", () => {
    const broken = analyzeTemplate("line\n{{ state.x | nosuch }}");
    assert.deepEqual(broken.problems, [{ message: "No filter named 'nosuch'.", start: 18, end: 24 }]);
    const unclosed = analyzeTemplate("{% if x %}");
    assert.equal(unclosed.problems.length, 1);
    assert.match(unclosed.problems[0]!.message, /Unexpected end of template/);
    assert.deepEqual(analyzeTemplate("{{ x | join(', ') | upper }}").problems, []);
  });

  it("knows what the cursor completes: state keys, fields of a key, filters", () => {
    assert.deepEqual(templateCompletionAt("a {{ state.pe", 13), { kind: "state", path: [], prefix: "pe", start: 11 });
    assert.deepEqual(templateCompletionAt("{{ state.pet.", 13), { kind: "state", path: ["pet"], prefix: "", start: 13 });
    assert.deepEqual(templateCompletionAt("{% for x in state.", 18), { kind: "state", path: [], prefix: "", start: 18 });
    assert.deepEqual(templateCompletionAt("{{ x | jo", 9), { kind: "filter", prefix: "jo", start: 7 });
    assert.equal(templateCompletionAt("{{ x }} state.", 14), undefined);
    assert.equal(templateCompletionAt("{{ other.state.", 15), undefined);
  });
});

describe("workflow analysis: state keys in workflow order", () => {
  it("state keys from outputs_to_state are visible to every later module, also in the same step", () => {
    const analysis = analyze({
      "workflow.json": { workflow_id: "w", steps: [{ step_id: "s", modules: [textInput("ask", "topic"), render("r", "{{ state.topic }}")] }] },
    });
    assert.deepEqual(codes(analysis), []);
  });

  it("state.<module name> of the same step is not visible until a reload (an interaction in between)", () => {
    const hidden = analyze({
      "workflow.json": { workflow_id: "w", steps: [{ step_id: "s", modules: [extract("calc", { a: 1 }), render("r", "{{ state.calc.a }}")] }] },
    });
    assert.deepEqual(codes(hidden), ["state-not-yet-visible"]);
    const d = hidden.diagnostics[0]!;
    assert.equal(hidden.texts.get(d.file)!.slice(d.start, d.end), "calc");
    const afterInteraction = analyze({
      "workflow.json": {
        workflow_id: "w",
        steps: [{ step_id: "s", modules: [extract("calc", { a: 1 }), textInput("ask", "t"), render("r", "{{ state.calc.a }}")] }],
      },
    });
    assert.deepEqual(codes(afterInteraction), []);
    const nextStep = analyze({
      "workflow.json": {
        workflow_id: "w",
        steps: [
          { step_id: "s", modules: [extract("calc", { a: 1 })] },
          { step_id: "t", modules: [render("r", "{{ state.calc.a }}")] },
        ],
      },
    });
    assert.deepEqual(codes(nextStep), []);
  });

  it("sub-action result_mapping targets and engine keys (_retry_feedback, feedback.state_key) count as produced", () => {
    const select = {
      module_id: "user.select",
      name: "pick",
      inputs: { data: [], schema: {} },
      sub_actions: [{ id: "more", actions: [], result_mapping: [{ source: "a.b", target: "extra.items" }], feedback: { state_key: "_fb" } }],
    };
    const analysis = analyze({
      "workflow.json": {
        workflow_id: "w",
        steps: [{ step_id: "s", modules: [select, render("r", "{{ state.extra.items }}{{ state._fb }}{{ state._retry_feedback }}")] }],
      },
    });
    assert.deepEqual(codes(analysis), []);
    const pick = analysis.modules[1]!;
    // `pick` itself answers its interaction in the same call that runs `r`: its raw outputs are not reloaded yet.
    assert.deepEqual(availableKeys(analysis, pick).map((entry) => entry.key), ["extra"]);
  });

  it("follows resolve_with_schema: only server-resolved strings count; `client` excludes a nested key", () => {
    const analysis = analyze({
      "workflow.json": {
        workflow_id: "w",
        steps: [
          {
            step_id: "s",
            modules: [
              extract("e", {
                resolver_schema: server("deep"),
                raw: "{{ state.not_checked }}",
                deep: { resolver_schema: { properties: { keep: { resolver: "client" } } }, keep: "{{ state.client_side }}", go: ["{{ state.missing }}"] },
              }),
            ],
          },
        ],
      },
    });
    // `raw` reaches the module as text: reported as shown raw, its state reference is not checked.
    assert.deepEqual(codes(analysis), ["state-not-produced", "template-shown-raw"]);
    assert.match(analysis.diagnostics[0]!.message, /'missing'/);
  });

  it("syntax errors are errors where the engine renders, warnings elsewhere", () => {
    const analysis = analyze({
      "workflow.json": { workflow_id: "w", steps: [{ step_id: "s", modules: [extract("e", { resolver_schema: server("a"), a: "{{ 1 + }}", b: "{% if %}" })] }] },
    });
    assert.deepEqual(analysis.diagnostics.map((d) => [d.code, d.severity]), [
      ["template-syntax", 1],
      ["template-syntax", 2],
      ["template-shown-raw", 2],
    ]);
  });

  it("text $refs under a server-resolved input are templates of the referencing module", () => {
    const analysis = analyze({
      "workflow.json": { workflow_id: "w", steps: [{ step_id: "s", modules: [textInput("ask", "topic"), render("r", { $ref: "p.txt", type: "jinja2" })] }] },
      "p.txt": "{{ state.topic }} {{ state.nope }}",
    });
    assert.deepEqual(codes(analysis), ["state-not-produced"]);
    assert.equal(analysis.diagnostics[0]!.file, `${ROOT}/p.txt`);
    assert.equal(analysis.diagnostics[0]!.start, "{{ state.topic }} {{ state.".length);
  });

  it("a step file on its own: checked against the step schema, its own modules only", () => {
    const analysis = analyze({ "step.json": { modules: [render("r", "{{ state.x }}")] } }, "step.json", true);
    assert.deepEqual(codes(analysis).sort(), ["schema", "state-not-produced"]);
  });

  it("keeps going after a bad $ref: the other steps are still analysed", () => {
    const analysis = analyze({
      "workflow.json": { workflow_id: "w", steps: [{ $ref: "nope.json", type: "json" }, { step_id: "s", modules: [{ module_id: "no.such" }] }] },
    });
    assert.deepEqual(codes(analysis), ["ref-missing-file", "unknown-module"]);
    assert.equal(analysis.modules.length, 1);
  });

  it("a module that declares no inputs accepts any (transform.extract); unknown inputs elsewhere warn", () => {
    const analysis = analyze({
      "workflow.json": { workflow_id: "w", steps: [{ step_id: "s", modules: [extract("e", { anything: 1 }), { ...textInput("t", "k"), inputs: { prompt: "?", promt: 1 } }] }] },
    });
    assert.deepEqual(codes(analysis), ["unknown-input"]);
  });
});

describe("incremental re-parse after an edit", () => {
  type Shape = [string, number, number, unknown, number | undefined, Shape[]];
  const shape = (node: import("jsonc-parser").Node): Shape => [node.type, node.offset, node.length, node.value, node.colonOffset, (node.children ?? []).map(shape)];
  const base = JSON.stringify(
    { workflow_id: "w", steps: [{ step_id: "s", modules: [{ module_id: "user.select", inputs: { data: "{{ state.x }}", n: 12, list: [1, 2, 3] } }] }] },
    null,
    2,
  );
  const edits: Array<[string, (text: string) => string]> = [
    ["type inside a string", (t) => t.replace("state.x", "state.xy")],
    ["delete inside a string", (t) => t.replace("state.x", "state.")],
    ["escape in a string", (t) => t.replace("{{ state.x }}", '{{ state.x }}\\n\\"')],
    ["change a number", (t) => t.replace("12", "123")],
    ["number to string", (t) => t.replace("12", '"twelve"')],
    ["add a property", (t) => t.replace('"n": 12', '"n": 12, "m": {"a": [true, null]}')],
    ["rename a key", (t) => t.replace('"data"', '"datum"')],
    ["key becomes $ref", (t) => t.replace('"n": 12', '"$ref": "x.json"')],
    ["remove an array item", (t) => t.replace("1,\n              2,", "1,")],
    ["insert before a value", (t) => t.replace("12", "-12")],
    ["break the JSON", (t) => t.replace('"n": 12', '"n": ')],
  ];
  for (const [name, edit] of edits) {
    it(name, () => {
      const previous = parseJson(base);
      const text = edit(base);
      assert.notEqual(text, base);
      const incremental = reparseJson(previous, text);
      const fresh = parseJson(text);
      assert.equal(incremental.errors.length, fresh.errors.length);
      if (fresh.errors.length > 0) return;
      assert.deepEqual(shape(incremental.root!), shape(fresh.root!));
      assert.deepEqual(incremental.refNodes.map((n) => n.offset), fresh.refNodes.map((n) => n.offset));
      assert.deepEqual([...incremental.refAncestors].map((n) => n.offset).sort(), [...fresh.refAncestors].map((n) => n.offset).sort());
    });
  }

  it("a chain of edits on the cc workflow's step file gives the same trees as fresh parses", () => {
    let text = base;
    let parsed = parseJson(text);
    for (let i = 0; i < 30; i++) {
      const at = text.indexOf("state.x");
      text = text.slice(0, at + 7) + String(i % 10) + text.slice(at + 7);
      parsed = reparseJson(parsed, text);
      assert.deepEqual(shape(parsed.root!), shape(parseJson(text).root!));
    }
  });
});

describe("the fast JSON parser", () => {
  it("builds the same trees as jsonc-parser on every cc JSON file", async () => {
    const { parseTree } = await import("jsonc-parser");
    const { readdirSync, readFileSync, statSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { ccWorkflowDir } = await import("../helpers/paths");
    type Shape = [string, number, number, unknown, number | undefined, Shape[]];
    const shape = (node: import("jsonc-parser").Node): Shape => [node.type, node.offset, node.length, node.value, node.colonOffset, (node.children ?? []).map(shape)];
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith(".json")) files.push(path);
      }
    };
    walk(ccWorkflowDir);
    assert.ok(files.length > 30);
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      const ours = parseJson(text);
      assert.deepEqual(ours.errors, [], file);
      assert.deepEqual(shape(ours.root!), shape(parseTree(text)!), file);
    }
  });
});
