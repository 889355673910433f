/**
 * Inline values (issue 15.2) through the real server over LSP: hints after `{{ state.x }}`,
 * `{{ state.x | filter }}` (evaluated when it is safe) and `{% for … in state.x %}` in a workflow, a step
 * file and a `$ref`'d template, from the live state the extension pushes; a refresh request when new state arrives; the
 * `wfv.inlayHints.enabled` setting.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { InlayHint, MarkupContent } from "vscode-languageserver-protocol";
import { shortValue, MISSING } from "../../src/server/features/live-values";
import { tempWorkspace, type TempWorkspace } from "./fixtures";
import { LspTestClient, positionOf } from "./lsp-client";

const server = (...keys: string[]) => ({ type: "object", properties: Object.fromEntries(keys.map((key) => [key, { resolver: "server" }])) });

const WORKFLOW = JSON.stringify(
  {
    workflow_id: "hints",
    steps: [
      { step_id: "ask", modules: [{ module_id: "user.text_input", name: "ask", inputs: { prompt: "Pet?" }, outputs_to_state: { value: "pet" } }] },
      { $ref: "steps/main.json", type: "json" },
    ],
  },
  null,
  2,
);

const STEP = JSON.stringify(
  {
    step_id: "main",
    modules: [
      {
        module_id: "transform.extract",
        name: "facts",
        inputs: {
          resolver_schema: server("a", "b", "c"),
          a: "A {{ state.pet }}!",
          b: "{{ state.pet | upper }} and {{ state.nope }}",
          c: "{{ state.scenes | join(', ') }} {{ state.scenes | length }} {{ state.pet * 3 }} {{ state.pet ~ step.step_id }} {{ state.scenes.append('x') }} {{ state.nope | default('x') }} {{ state.pet is string }}",
        },
        outputs_to_state: { x: "scenes" },
      },
      { module_id: "io.render_template", name: "r", inputs: { resolver_schema: server("template"), template: { $ref: "../prompts/p.txt", type: "jinja2" } } },
    ],
  },
  null,
  2,
);

const PROMPT = "Scenes:\n{% for s in state.scenes %}- {{ s }}\n{% endfor %}Meta {{ state.meta }} {{ state['pet'] }}\n";

const STATE = { pet: "Cat", scenes: ["a", "b", "c"], meta: { a: 1, b: 2, c: 3, d: 4 } };

const labelAt = (hints: InlayHint[], text: string, needle: string) => {
  const end = positionOf(text, needle, needle.length);
  return hints.find((hint) => hint.position.line === end.line && hint.position.character === end.character)?.label;
};

describe("wfv lsp --stdio: inlay hints with live values", { timeout: 60_000 }, () => {
  let ws: TempWorkspace;
  let client: LspTestClient;
  const settings: Record<string, unknown> = { "wfv.inlayHints": { enabled: true } };

  before(async () => {
    ws = tempWorkspace({ "wf/workflow.json": WORKFLOW, "wf/steps/main.json": STEP, "wf/prompts/p.txt": PROMPT });
    client = await LspTestClient.start(ws.root, { settings, inlayRefresh: true });
  });

  after(async () => {
    assert.equal(await client.stop(), 0, client.stderr);
    ws.remove();
  });

  it("no live state: no hints", async () => {
    await client.open(ws.path("wf/steps/main.json"));
    assert.deepEqual(await client.inlayHints(ws.path("wf/steps/main.json")), []);
  });

  it("after new state arrives the server asks for a refresh; a step file shows values, undefined flagged", async () => {
    const before = client.inlayRefreshes;
    await client.setVirtualState(ws.path("wf/workflow.json"), STATE, "after facts");
    await client.waitForInlayRefresh(before + 1);
    const file = ws.path("wf/steps/main.json");
    const hints = await client.inlayHints(file);
    assert.equal(labelAt(hints, STEP, "{{ state.pet }}"), '= "Cat"');
    // Filters over state alone are evaluated with the engine's resolver.
    assert.equal(labelAt(hints, STEP, "{{ state.pet | upper }}"), '= "CAT"');
    assert.equal(labelAt(hints, STEP, "{{ state.scenes | join(', ') }}"), '= "a, b, c"');
    assert.equal(labelAt(hints, STEP, "{{ state.scenes | length }}"), "= 3");
    assert.equal(labelAt(hints, STEP, "{{ state.pet is string }}"), "= true");
    // Anything else shows the path's own value, named: a `*`, another variable, a method call.
    assert.equal(labelAt(hints, STEP, "{{ state.pet * 3 }}"), 'state.pet = "Cat"');
    assert.equal(labelAt(hints, STEP, "{{ state.pet ~ step.step_id }}"), 'state.pet = "Cat"');
    assert.equal(labelAt(hints, STEP, "{{ state.scenes.append('x') }}"), "state.scenes.append ⚠ undefined");
    assert.equal(labelAt(hints, STEP, "{{ state.nope }}"), "⚠ undefined");
    // An undefined path is flagged, not hidden behind what `default` makes of it.
    assert.equal(labelAt(hints, STEP, "{{ state.nope | default('x') }}"), "state.nope ⚠ undefined");
    const undefinedHint = hints.find((hint) => hint.label === "⚠ undefined")!;
    assert.match((undefinedHint.tooltip as MarkupContent).value, /`state\.nope` is not in the virtual state \(after facts\)/);
    assert.ok(hints.every((hint) => hint.paddingLeft === true));
  });

  it("a $ref'd template: for loops, objects, subscripts", async () => {
    const file = ws.path("wf/prompts/p.txt");
    await client.open(file);
    const hints = await client.inlayHints(file);
    // Still 3: the `append` call above was not run.
    assert.equal(labelAt(hints, PROMPT, "{% for s in state.scenes %}"), "= [3 items]");
    assert.equal(labelAt(hints, PROMPT, "{{ state.meta }}"), "= {4 keys}");
    assert.equal(labelAt(hints, PROMPT, "{{ state['pet'] }}"), '= "Cat"');
    assert.equal(hints.length, 3);
  });

  it("only hints inside the requested range", async () => {
    const file = ws.path("wf/prompts/p.txt");
    const line = positionOf(PROMPT, "Meta").line;
    const hints = await client.inlayHints(file, { start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
    assert.deepEqual(hints.map((hint) => hint.label), ["= {4 keys}", '= "Cat"']);
  });

  it("the workflow file itself, and state reset: no hints", async () => {
    const file = ws.path("wf/workflow.json");
    await client.open(file);
    assert.deepEqual(await client.inlayHints(file), []); // no template reads state there
    const before = client.inlayRefreshes;
    await client.setVirtualState(file, null);
    await client.waitForInlayRefresh(before + 1);
    assert.deepEqual(await client.inlayHints(ws.path("wf/steps/main.json")), []);
  });

  it("wfv.inlayHints.enabled = false turns them off (a refresh follows the change)", async () => {
    await client.setVirtualState(ws.path("wf/workflow.json"), STATE);
    const file = ws.path("wf/steps/main.json");
    const count = (await client.inlayHints(file)).length;
    assert.ok(count > 3);
    settings["wfv.inlayHints"] = { enabled: false };
    const before = client.inlayRefreshes;
    await client.configurationChanged();
    await client.waitForInlayRefresh(before + 1);
    assert.deepEqual(await client.inlayHints(file), []);
    settings["wfv.inlayHints"] = { enabled: true };
    await client.configurationChanged();
    assert.equal((await client.inlayHints(file)).length, count);
  });
});

describe("inlay hint labels", () => {
  it("strings quoted and cut near 40 characters, collections counted, undefined flagged", () => {
    assert.equal(shortValue("Cat"), '"Cat"');
    const long = shortValue("x".repeat(100));
    assert.equal(long.length, 40);
    assert.ok(long.endsWith('…"'));
    assert.equal(shortValue("a\nb"), '"a\\nb"');
    assert.equal(shortValue([1]), "[1 item]");
    assert.equal(shortValue([]), "[0 items]");
    assert.equal(shortValue({ a: 1 }), "{1 key}");
    assert.equal(shortValue(null), "null");
    assert.equal(shortValue(12.5), "12.5");
    assert.equal(shortValue(true), "true");
    assert.equal(shortValue(MISSING), "⚠ undefined");
  });
});
