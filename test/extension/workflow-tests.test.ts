/**
 * The pure pieces of workflow tests, pins and seeds in the extension (issue 13.2–13.5): the Test
 * Explorer's light read of a test file, staleness of its modules, the pins file, seeds beside a
 * workflow, the pinned lens, the pin check and the testing bundle's replay/record/seed round trip.
 */
import * as assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { lensTitle, planLenses } from "../../src/extension/lens-model";
import { outline } from "../../src/extension/outline";
import { pinProblems } from "../../src/core/testing/pin-check";
import { formatPins, parsePins, pinsFileOf, readPins, withPin } from "../../src/extension/pins";
import { fromFolderOf, seedFileName, seedsBeside } from "../../src/extension/seeds";
import { moduleFingerprints, statusTitle } from "../../src/extension/staleness";
import { positionOf, readTestShape, staleModules } from "../../src/extension/test-model";
import { createTestingCore } from "../../src/extension/testing-core";
import { VirtualSession } from "../../src/core/virtual";

const workflow = {
  workflow_id: "t",
  steps: [
    {
      step_id: "s",
      modules: [
        { module_id: "user.select", name: "pick", inputs: { prompt: "Pick", data: [{ id: "red", label: "Red" }], schema: { type: "array" } }, outputs_to_state: { selected_data: "color" } },
        { module_id: "transform.reshape", name: "greet", inputs: { source: "{{ state.color }}", template: { message: "Hello {{ state.color[0].label if state.color else 'nobody' }}" } }, outputs_to_state: { result: "greeting" } },
        { module_id: "api.llm", name: "ask", inputs: { prompt: "hi", output_schema: { type: "object", properties: { n: { type: "integer" } }, required: ["n"] } } },
      ],
    },
  ],
};

describe("test-model: the Test Explorer's read of a test file", () => {
  it("reads name, workflow, target, seed and expected modules; rejects what is not a test", () => {
    const shape = readTestShape("/w/tests/a.wfvtest.json", JSON.stringify({ name: "A", workflow: "../wf.json", target: { step_id: "s", module_name: "greet" }, seed: "../x.seed.json", expect: { "s/pick": {}, "s/greet": {} } }));
    assert.deepEqual(shape, { name: "A", workflowFile: "/w/wf.json", target: { step_id: "s", module_name: "greet" }, seed: { file: "/w/x.seed.json" }, modules: ["s/pick", "s/greet"] });
    assert.throws(() => readTestShape("/w/a.wfvtest.json", "{"), /not valid JSON/);
    assert.throws(() => readTestShape("/w/a.wfvtest.json", JSON.stringify({ workflow: "x" })), /target/);
  });

  it("positions and stale modules (fingerprints as the lenses use them)", () => {
    assert.deepEqual(positionOf("ab\ncd\nef", 4), { line: 1, character: 1 });
    const before = moduleFingerprints(workflow);
    const edited = structuredClone(workflow);
    (edited.steps[0].modules[1].inputs as { template: { message: string } }).template.message = "Howdy";
    const after = moduleFingerprints(edited);
    // greet changed, and everything after it reads from it: stale; pick did not change.
    assert.deepEqual(staleModules(["s/pick", "s/greet", "s/ask"], before, after), ["s/greet", "s/ask"]);
    assert.deepEqual(staleModules(["s/pick"], before, undefined), ["s/pick"]);
  });
});

describe("pins: .wfv/pins.json beside the workflow", () => {
  it("parses, formats (sorted keys), pins and unpins", () => {
    const pins = withPin({}, "s/greet", { z: 1, a: { $date: "2025-01-01T00:00:00.000Z" } });
    const text = formatPins(pins);
    assert.equal(text, '{\n  "pins": {\n    "s/greet": {\n      "module_outputs": {\n        "a": {\n          "$date": "2025-01-01T00:00:00.000Z"\n        },\n        "z": 1\n      }\n    }\n  }\n}\n');
    assert.deepEqual(parsePins(text), pins);
    assert.deepEqual(withPin(pins, "s/greet", undefined), {});
    assert.throws(() => parsePins('{"pins": {"nokey": {"module_outputs": {}}}}'), /module key/);
    assert.throws(() => parsePins('{"pins": {"s/m": {}}}'), /module_outputs/);
    assert.equal(pinsFileOf("/w/wf.json"), join("/w", ".wfv", "pins.json"));
    assert.deepEqual(readPins("/w/wf.json", () => undefined), { pins: {} });
    assert.match(readPins("/w/wf.json", () => "nope").problem ?? "", /not valid JSON/);
  });

  it("a pinned module gets a pinned lens; a pinned run's status says so", () => {
    const text = JSON.stringify(workflow, null, 2);
    const plans = planLenses(outline(text), { trusted: true, runs: {}, pinned: new Set(["s/greet"]) });
    const pinned = plans.filter((plan) => plan.kind === "pinned");
    assert.deepEqual(pinned.map((plan) => plan.anchor?.moduleName), ["greet"]);
    assert.equal(lensTitle(pinned[0], {}, () => undefined), "$(pinned) pinned");
    assert.equal(statusTitle({ status: "completed", fingerprint: "x", at: "", pinned: true }, false), "$(pass) completed · pinned");
  });

  it("a pin is checked against the module's output_schema", () => {
    assert.deepEqual(pinProblems(workflow, { "s/ask": { module_outputs: { response: { n: 3 } } } }), []);
    assert.match(pinProblems(workflow, { "s/ask": { module_outputs: { response: { n: "three" } } } })[0], /s\/ask: the pinned response does not match the module's output_schema/);
    assert.match(pinProblems(workflow, { "s/greet": { module_outputs: [] as unknown as Record<string, unknown> } })[0], /not a JSON object/);
    assert.deepEqual(pinProblems(workflow, { "s/gone": { module_outputs: {} } }), []);
  });
});

describe("seeds beside a workflow", () => {
  it("finds *.seed.json and .db files in the workflow's folder and its seeds/ folder", () => {
    const dir = mkdtempSync(join(tmpdir(), "wfv-seeds-"));
    mkdirSync(join(dir, "seeds"));
    for (const name of ["a.seed.json", "other.json", "seeds/b.db", "wf.json"]) writeFileSync(join(dir, name), "{}");
    assert.deepEqual(seedsBeside(join(dir, "wf.json")), [join(dir, "a.seed.json"), join(dir, "seeds", "b.db")]);
    assert.equal(seedFileName("Cuddle Crew: v3"), "Cuddle_Crew_v3.seed.json");
    assert.equal(fromFolderOf("/w/tests/a.wfvtest.json", "/w/wf.json"), "../wf.json");
  });
});

describe("testing bundle: record, replay, update, seed", () => {
  it("records a run, replays it green, fails with expected/actual after an edit, updates, and writes a seed", async () => {
    const core = createTestingCore();
    const session = VirtualSession.open(null);
    let response = await session.runUpTo(workflow, { step_id: "s", module_name: "greet" }, null, { mock: true, default_answers: false });
    assert.equal(response.status, "awaiting_input");
    response = await session.respond(workflow, { step_id: "s", module_name: "greet" }, null, { selected_indices: [0] } as never, { mock: true });
    assert.notEqual(response.status, "error", JSON.stringify(response));
    assert.notEqual(response.status, "awaiting_input");
    const db = session.exportBlob();
    const recorded = await core.recordTest({ db, workflow, workflow_ref: "../wf.json", target: { step_id: "s", module_name: "greet" }, mode: "up_to", mock: true });
    assert.deepEqual(recorded.modules.sort(), ["s/greet", "s/pick"]);
    const green = await core.replayTest({ text: recorded.text, file: "t.wfvtest.json", workflow, seed: null });
    assert.equal(green.passed, true, JSON.stringify(green.failures));
    const edited = structuredClone(workflow);
    (edited.steps[0].modules[1].inputs as { template: { message: string } }).template.message = "Howdy";
    const red = await core.replayTest({ text: recorded.text, file: "t.wfvtest.json", workflow: edited, seed: null });
    assert.equal(red.passed, false);
    const greet = red.modules.find((module) => module.key === "s/greet");
    assert.equal(greet?.passed, false);
    assert.match(red.expected["s/greet"], /"Hello /);
    assert.match(red.actual["s/greet"], /Howdy/);
    const updated = await core.replayTest({ text: recorded.text, file: "t.wfvtest.json", workflow: edited, seed: null, update: true });
    assert.equal(updated.passed, true);
    assert.match(updated.updated_text ?? "", /Howdy/);
    const broken = await core.replayTest({ text: "{}", file: "t.wfvtest.json", workflow, seed: null });
    assert.equal(broken.failures[0].kind, "crash");
    const seed = core.seedText(db);
    assert.match(seed, /^\{\n {2}"/);
    assert.match(seed, /"\$date"/);
    assert.doesNotThrow(() => JSON.parse(core.seedText("")), "a fresh DB is a seed too");
  });
});
