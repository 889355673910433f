/**
 * `wfv dap` as a real child process over stdio (issue 14's "done when"): breakpoints on the cc
 * example's modules, State, evaluate, step over, step back and forward again, conditional
 * breakpoints, logpoints, a failing module stopping as an exception, and interactions answered
 * through wfvAnswer.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { DapClient } from "../helpers/dap-client";
import { MOCK_MEDIA_DATA_URL } from "../../src/core/mock";
import { ccWorkflowDir, ccWorkflowPath, repoRoot } from "../helpers/paths";

const STEP2 = join(ccWorkflowDir, "steps", "2_scene_generation", "step.json");
/** Lines (1-based) in STEP2: inside load_keywords (it starts on line 28) and on generate_scenes. */
const LOAD_KEYWORDS_NAME_LINE = 48;
const LOAD_KEYWORDS_FIRST_LINE = 28;
const GENERATE_SCENES_LINE = 90;

const clients: DapClient[] = [];
after(async () => {
  for (const client of clients) await client.close();
});

async function launch(args: Record<string, unknown>, breakpoints: Array<{ path: string; breakpoints: DebugProtocol.SourceBreakpoint[] }>): Promise<{ client: DapClient; placed: DebugProtocol.Breakpoint[][] }> {
  const client = DapClient.spawn(process.execPath, ["--import", "tsx", join(repoRoot, "src", "cli", "main.ts"), "dap"], repoRoot);
  clients.push(client);
  await client.call("initialize", { adapterID: "wfv", linesStartAt1: true, columnsStartAt1: true, pathFormat: "path" });
  const launched = client.request("launch", args);
  await client.event("initialized");
  const placed: DebugProtocol.Breakpoint[][] = [];
  for (const set of breakpoints) placed.push((await client.call("setBreakpoints", { source: { path: set.path }, breakpoints: set.breakpoints })).breakpoints);
  await client.call("configurationDone");
  const response = await launched;
  assert.ok(response.success, `launch failed: ${response.message}`);
  return { client, placed };
}

async function topFrame(client: DapClient): Promise<DebugProtocol.StackFrame> {
  const { stackFrames } = await client.call<DebugProtocol.StackTraceResponse["body"]>("stackTrace", { threadId: 1 });
  return stackFrames[0];
}

async function stateOf(client: DapClient): Promise<Map<string, DebugProtocol.Variable>> {
  const { scopes } = await client.call<DebugProtocol.ScopesResponse["body"]>("scopes", { frameId: 1 });
  const state = scopes.find((scope) => scope.name === "State");
  assert.ok(state, "a State scope");
  const { variables } = await client.call<DebugProtocol.VariablesResponse["body"]>("variables", { variablesReference: state.variablesReference });
  return new Map(variables.map((variable) => [variable.name, variable]));
}

/** The modules the adapter's last `wfvRan` event listed (what the editor's status lenses come from). */
function lastRan(client: DapClient): unknown[] {
  const events = client.seen.filter((event) => event.event === "wfvRan");
  assert.ok(events.length > 0, "a wfvRan event");
  return (events[events.length - 1].body as { modules: unknown[] }).modules;
}

async function evaluate(client: DapClient, expression: string): Promise<string> {
  return (await client.call<DebugProtocol.EvaluateResponse["body"]>("evaluate", { expression, context: "watch", frameId: 1 })).result;
}

test("a breakpoint in a step file stops before its module, with the state earlier modules set; next runs one module; stepBack undoes it and next runs it again alike", async () => {
  const { client, placed } = await launch({ workflow: ccWorkflowPath, stopOnInteraction: false }, [
    { path: STEP2, breakpoints: [{ line: LOAD_KEYWORDS_NAME_LINE }, { line: 4 }] },
  ]);
  assert.equal(placed[0][0].verified, true);
  assert.equal(placed[0][0].line, LOAD_KEYWORDS_FIRST_LINE, "moved to the module's first line");
  assert.equal(placed[0][1].verified, false, "a line outside every module");
  assert.match(placed[0][1].message ?? "", /no module on this line/);

  const stop = await client.stopped();
  assert.equal(stop.body.reason, "breakpoint");
  assert.deepEqual(stop.body.hitBreakpointIds, [placed[0][0].id]);
  const frame = await topFrame(client);
  assert.match(frame.name, /^load_keywords /);
  assert.equal(frame.source?.path, STEP2);
  assert.equal(frame.line, LOAD_KEYWORDS_FIRST_LINE);

  const before = await stateOf(client);
  for (const key of ["pet_type_selection", "aesthetic_selection", "load_selected_keywords", "keyword_count"]) assert.ok(before.has(key), `State has ${key}`);
  assert.ok(!before.has("keyword_exclusions_generated"), "load_keywords has not run yet");
  assert.equal(await evaluate(client, "state.keyword_count + 1"), "1");
  const hover = await client.call<DebugProtocol.EvaluateResponse["body"]>("evaluate", { expression: "keyword_count", context: "hover", frameId: 1 });
  assert.equal(hover.result, "0", "a hovered bare name reads the state");
  assert.equal(await evaluate(client, "{{ state.pet_type_selection.label | lower }}"), JSON.stringify(String(JSON.parse(await evaluate(client, "state.pet_type_selection.label"))).toLowerCase()));

  await client.call("next", { threadId: 1 });
  assert.equal((await client.stopped()).body.reason, "step");
  assert.match((await topFrame(client)).name, /^generate_scenes /, "exactly one module ran");
  const afterOne = await stateOf(client);
  assert.ok(afterOne.has("keyword_exclusions_generated") && afterOne.has("load_keywords"));
  assert.ok(!afterOne.has("generate_scenes"));
  const produced = await evaluate(client, "state.load_keywords");

  await client.call("stepBack", { threadId: 1 });
  assert.equal((await client.stopped()).body.reason, "step");
  assert.match((await topFrame(client)).name, /^load_keywords /);
  const back = await stateOf(client);
  assert.ok(!back.has("keyword_exclusions_generated") && !back.has("load_keywords"), "the keys load_keywords set are gone");
  assert.deepEqual([...back.keys()], [...before.keys()]);

  await client.call("next", { threadId: 1 });
  await client.stopped();
  assert.match((await topFrame(client)).name, /^generate_scenes /);
  assert.equal(await evaluate(client, "state.load_keywords"), produced, "the same outputs again");

  await client.request("disconnect", {});
});

test("a conditional breakpoint stops only where its Jinja2 condition holds; a logpoint prints and runs on", async () => {
  const { client, placed } = await launch({ workflow: ccWorkflowPath, stopOnInteraction: false }, [
    {
      path: STEP2,
      breakpoints: [
        { line: 26, logMessage: "pet chosen: {{ state.pet_type_selection is defined }}" },
        { line: LOAD_KEYWORDS_NAME_LINE, condition: "state.keyword_count > 3" },
        { line: GENERATE_SCENES_LINE, condition: "state.keyword_count == 0 and state.pet_type_selection is defined" },
      ],
    },
  ]);
  const stop = await client.stopped();
  assert.equal(stop.body.reason, "breakpoint");
  assert.deepEqual(stop.body.hitBreakpointIds, [placed[0][2].id]);
  assert.match((await topFrame(client)).name, /^generate_scenes /);
  assert.ok(client.seen.some((event) => event.event === "output" && /pet chosen: True/.test((event as DebugProtocol.OutputEvent).body.output)), "the logpoint printed");
  await client.request("disconnect", {});
});

const failing = mkdtempSync(join(tmpdir(), "wfv-dap-"));
after(() => rmSync(failing, { recursive: true, force: true }));
const FAILING_WORKFLOW = `{
  "workflow_id": "failing",
  "steps": [
    {
      "step_id": "only",
      "modules": [
        {
          "module_id": "transform.reshape",
          "name": "one",
          "inputs": { "source": {}, "template": { "n": 1 } },
          "outputs_to_state": { "result": "first" }
        },
        {
          "module_id": "transform.reshape",
          "name": "broken",
          "inputs": {
            "resolver_schema": { "type": "object", "properties": { "template": { "resolver": "server" } } },
            "source": {},
            "template": { "n": "{{ 1 // 0 }}" }
          },
          "outputs_to_state": { "result": "second" }
        }
      ]
    }
  ]
}
`;
writeFileSync(join(failing, "workflow.json"), FAILING_WORKFLOW);

test("a failing module stops as an exception, located at its cause, and exceptionInfo says what failed", async () => {
  const { client } = await launch({ workflow: join(failing, "workflow.json") }, []);
  const stop = await client.stopped();
  assert.equal(stop.body.reason, "exception");
  const frame = await topFrame(client);
  assert.match(frame.name, /^broken /);
  assert.equal(frame.line, FAILING_WORKFLOW.split("\n").findIndex((line) => line.includes("1 // 0")) + 1, "the failing input's line");
  const info = await client.call<DebugProtocol.ExceptionInfoResponse["body"] & { error_details: Record<string, unknown> }>("exceptionInfo", { threadId: 1 });
  assert.equal(info.exceptionId, "resolution_failed");
  assert.match(info.description ?? "", /division|zero/i);
  assert.equal(info.error_details.module_name, "broken");
  // The state is the one before the failing module: `one` ran.
  assert.ok((await stateOf(client)).has("first"));
  assert.deepEqual(lastRan(client), [
    { step_id: "only", module_name: "one", status: "completed" },
    { step_id: "only", module_name: "broken", status: "error", error_type: "resolution_failed" },
  ]);
  await client.call("stepBack", { threadId: 1 });
  await client.stopped();
  assert.match((await topFrame(client)).name, /^one /);
  assert.ok(!(await stateOf(client)).has("first"));
  assert.deepEqual(lastRan(client), [], "the step back undid one: nothing the DB holds ran");
  await client.request("disconnect", {});
});

test("stopOnInteraction stops at an interaction; wfvInteraction shows it and wfvAnswer answers it and goes on", async () => {
  const { client } = await launch({ workflow: ccWorkflowPath, target: { step_id: "scene_generation", module_name: "load_keywords" } }, []);
  const stop = await client.stopped();
  assert.equal(stop.body.reason, "interaction");
  assert.match(stop.body.description ?? "", /select/);
  const pending = await client.call<{ request: Record<string, unknown> | null; module_name: string }>("wfvInteraction");
  assert.equal(pending.module_name, "select_pet_type");
  assert.ok(pending.request && typeof pending.request.interaction_id === "string");
  await client.call("wfvAnswer", { response: { selected_indices: [1] } });
  const next = await client.stopped();
  assert.equal(next.body.reason, "interaction");
  assert.equal((await client.call<{ module_name: string }>("wfvInteraction")).module_name, "select_aesthetic");
  const ran = lastRan(client) as Array<{ module_name: string; status: string }>;
  assert.deepEqual(ran.slice(-2).map((m) => `${m.module_name}:${m.status}`), ["select_pet_type:completed", "select_aesthetic:awaiting_input"]);
  const state = await stateOf(client);
  assert.ok(state.has("pet_type_selection"), "the answer was taken");
  assert.equal(await evaluate(client, "state.pet_type_indices"), "Array(1) [1]");
  await client.request("disconnect", {});
});

const counting = mkdtempSync(join(tmpdir(), "wfv-dap-"));
after(() => rmSync(counting, { recursive: true, force: true }));
const reshape = (name: string, n: number) => `{ "module_id": "transform.reshape", "name": "${name}", "inputs": { "resolver_schema": { "type": "object", "properties": { "template": { "resolver": "server" } } }, "source": {}, "template": { "n": ${n}, "from": "{{ state.first.n }}" } }, "outputs_to_state": { "result": "${name === "one" ? "first" : name}" } }`;
const COUNTING_WORKFLOW = `{
  "workflow_id": "counting",
  "steps": [
    {
      "step_id": "count",
      "modules": [
        ${reshape("one", 1)},
        ${reshape("two", 2)},
        ${reshape("three", 3)}
      ]
    },
    {
      "step_id": "more",
      "modules": [
        ${reshape("four", 4)}
      ]
    }
  ]
}
`;
writeFileSync(join(counting, "workflow.json"), COUNTING_WORKFLOW);
const lineOf = (name: string) => COUNTING_WORKFLOW.split("\n").findIndex((line) => line.includes(`"name": "${name}"`)) + 1;

test("stop on entry, step in shows resolved inputs, setVariable is seen by the next module, step out leaves the step, reverse continue and restart go back", async () => {
  const file = join(counting, "workflow.json");
  const { client } = await launch({ workflow: file, stopOnEntry: true }, [{ path: file, breakpoints: [{ line: lineOf("two") }] }]);
  assert.equal((await client.stopped()).body.reason, "entry");
  assert.match((await topFrame(client)).name, /^one /);

  await client.call("stepIn", { threadId: 1 });
  assert.equal((await client.stopped()).body.reason, "step");
  const { scopes } = await client.call<DebugProtocol.ScopesResponse["body"]>("scopes", { frameId: 1 });
  const inputs = await client.call<DebugProtocol.VariablesResponse["body"]>("variables", { variablesReference: scopes.find((scope) => scope.name === "Inputs")!.variablesReference });
  assert.equal(inputs.variables.find((variable) => variable.name === "template")?.value, '{"n":1,"from":null}');

  await client.call("continue", { threadId: 1 });
  assert.equal((await client.stopped()).body.reason, "breakpoint");
  assert.match((await topFrame(client)).name, /^two /);
  const state = await client.call<DebugProtocol.ScopesResponse["body"]>("scopes", { frameId: 1 });
  const stateRef = state.scopes.find((scope) => scope.name === "State")!.variablesReference;
  const set = await client.call<DebugProtocol.SetVariableResponse["body"]>("setVariable", { variablesReference: stateRef, name: "first", value: '{"n": 10}' });
  assert.equal(set.value, '{"n":10}');
  assert.equal(await evaluate(client, "state.first.n"), "10");

  await client.call("next", { threadId: 1 });
  await client.stopped();
  assert.match((await topFrame(client)).name, /^three /);
  assert.equal(await evaluate(client, "state.two.from"), "10", "two ran with the edited state");

  await client.call("stepOut", { threadId: 1 });
  await client.stopped();
  assert.match((await topFrame(client)).name, /^four /, "out of the step: the next step's first module");

  await client.call("reverseContinue", { threadId: 1 });
  assert.equal((await client.stopped()).body.reason, "breakpoint");
  assert.match((await topFrame(client)).name, /^two /);
  assert.ok(!(await stateOf(client)).has("two"));

  await client.call("restart", {});
  assert.equal((await client.stopped()).body.reason, "entry");
  assert.match((await topFrame(client)).name, /^one /);
  assert.ok(!(await stateOf(client)).has("first"));

  await client.call("continue", { threadId: 1 });
  assert.equal((await client.stopped()).body.reason, "breakpoint", "the breakpoint again, on the way forward");
  await client.call("continue", { threadId: 1 });
  await client.event("terminated");
  await client.request("disconnect", {});
});

test("pause while a run goes on stops before the next module; a pause while stopped leaves nothing behind", { timeout: 30_000 }, async () => {
  const file = join(counting, "workflow.json");
  const { client } = await launch({ workflow: file, stopOnEntry: true }, []);
  assert.equal((await client.stopped()).body.reason, "entry");

  const [continued, paused] = client.requestTogether([{ command: "continue", args: { threadId: 1 } }, { command: "pause", args: { threadId: 1 } }]);
  assert.ok((await continued).success && (await paused).success);
  // Without the pause the run ends, no stop comes, and the test's timeout fails it.
  assert.equal((await client.stopped()).body.reason, "pause");
  assert.match((await topFrame(client)).name, /^two /, "between modules: one ran, two did not");
  const state = await stateOf(client);
  assert.ok(state.has("first") && !state.has("two"));

  assert.ok((await client.request("pause", { threadId: 1 })).success);
  await client.call("continue", { threadId: 1 });
  await client.event("terminated");
  assert.deepEqual(
    (lastRan(client) as Array<{ module_name: string; status: string }>).map((m) => `${m.module_name}:${m.status}`),
    ["one:completed", "two:completed", "three:completed", "four:completed"],
    "at the end, every module the run went through",
  );
  const pauses = client.seen.filter((event) => event.event === "stopped" && (event as DebugProtocol.StoppedEvent).body.reason === "pause");
  assert.equal(pauses.length, 1, "the pause sent while stopped did not stop the run later");
  await client.request("disconnect", {});
});

const IMAGE_GENERATION = { provider: "midjourney", action_type: "txt2img", prompt_id: "midjourney", params: { prompt: "x" } };

/** A cc image generation through wfvSubAction: the generated content, checked. */
async function generateImage(client: DapClient): Promise<Record<string, any>> {
  const outcome = await client.call<{ progress: unknown[]; result: Record<string, any> | null; error: string | null }>("wfvSubAction", { action_id: "image_generation", params: IMAGE_GENERATION });
  assert.equal(outcome.error, null);
  assert.ok(outcome.progress.length > 0, "its progress events");
  const generated = outcome.result?.sub_action_result as Record<string, any> | undefined;
  assert.deepEqual(generated?.urls, [MOCK_MEDIA_DATA_URL]);
  return generated!;
}

test("wfvSubAction runs a media Generate at an interaction the run is held at mid-call; the answer that picks it goes on", { timeout: 120_000 }, async () => {
  const { client } = await launch({ workflow: ccWorkflowPath, target: { step_id: "video_generation", module_name: "select_motion_elements" }, stopOnInteraction: true }, []);
  // Step 1's and 2's selects first, each answered with its first option.
  for (;;) {
    assert.equal((await client.stopped()).body.reason, "interaction");
    const { module_name: moduleName } = await client.call<{ module_name: string }>("wfvInteraction");
    if (moduleName === "generate_and_select_images_v2") break;
    await client.call("wfvAnswer", { response: { selected_indices: [0] } });
  }
  const generated = await generateImage(client);
  await client.call("wfvAnswer", { response: { selected_content_id: generated.content_ids[0], generations: { midjourney: [generated] } } });
  // On to the target's own interaction (a select the call leaves pending): the picked image is in the state.
  for (;;) {
    assert.equal((await client.stopped()).body.reason, "interaction");
    if ((await client.call<{ module_name: string }>("wfvInteraction")).module_name === "select_motion_elements") break;
    await client.call("wfvAnswer", { response: { selected_indices: [0] } });
  }
  assert.equal(await evaluate(client, "state.selected_image_id"), JSON.stringify(generated.content_ids[0]));
  await client.request("disconnect", {});
});

test("wfvSubAction at the target's interaction (the run parked between calls) runs in turn with the DB's calls", { timeout: 120_000 }, async () => {
  const { client } = await launch({ workflow: ccWorkflowPath, target: { step_id: "image_prompts", module_name: "generate_and_select_images_v2" }, stopOnInteraction: false }, []);
  assert.equal((await client.stopped()).body.reason, "interaction");
  assert.equal((await client.call<{ module_name: string }>("wfvInteraction")).module_name, "generate_and_select_images_v2");
  await generateImage(client);
  const refused = await client.request("wfvSubAction", {});
  assert.equal(refused.success, false, "an action_id is needed");
  await client.request("disconnect", {});
});
