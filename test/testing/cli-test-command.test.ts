/**
 * `wfv test record` and `wfv test` (tracker issue 13), on a copy of the cc example and on a small
 * real-mode workflow served by loopback HTTP servers:
 * - the "done when" scenario: run up to a module, record it, the test passes; a template the target
 *   depends on changes, the test fails naming the module with the changed line; JUnit XML is
 *   well-formed (read by Python's XML parser) and carries the failure; `--update` makes it pass again;
 * - a replay makes no network call: the providers point at a closed port, or at a live server that
 *   counts requests (and gets none);
 * - a test whose target is gone, or whose recordings no longer match the modules that call out,
 *   fails saying exactly that;
 * - pins (`wfv run --pins`), recorded into the test; --grep, --shard and --workers.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { callCli, runCli } from "../helpers/cli";
import { ccWorkflowDir, cliPath } from "../helpers/paths";
import { closedPort, startLoopback, type Loopback } from "../providers/loopback";

function pythonParsesXml(xml: string): { ok: boolean; error: string; failures: number } {
  const script = [
    "import sys, xml.etree.ElementTree as E",
    "root = E.fromstring(sys.stdin.read())",
    "assert root.tag == 'testsuites', root.tag",
    "print(len(root.findall('.//failure')))",
  ].join("\n");
  const result = spawnSync("/usr/bin/python3", ["-c", script], { input: xml, encoding: "utf8" });
  return { ok: result.status === 0, error: result.stderr, failures: Number(result.stdout.trim()) };
}

/**
 * The built CLI in its own process with extra environment variables; asynchronous, so the loopback
 * servers of this process can answer it.
 */
async function runCliWithEnv(args: string[], cwd: string, env: Record<string, string>): Promise<{ status: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cliPath, ...args], { cwd, env: { ...process.env, ...env } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const [code] = (await once(child, "close")) as [number | null];
  return { status: code ?? -1, stdout, stderr };
}

describe("wfv test on the cc example", () => {
  const dir = mkdtempSync(join(tmpdir(), "wfv-test-cc-"));
  cpSync(ccWorkflowDir, dir, { recursive: true });
  const templateFile = join(dir, "steps", "10_workflow_summary", "prompts", "cc_workflow_summary.txt");

  test("run up to a module, record it, and the test passes", async () => {
    const ran = await callCli(["run", "workflow_v3.json", "--step", "workflow_summary", "--module", "format_summary", "--mode", "up_to", "--db", "run.db"], { cwd: dir });
    assert.equal(ran.status, 0, ran.stdout);
    const recorded = await callCli(["test", "record", "workflow_v3.json", "--step", "workflow_summary", "--module", "format_summary", "--db", "run.db", "--out", "tests/summary.wfvtest.json"], { cwd: dir });
    assert.equal(recorded.status, 0, recorded.stdout + recorded.stderr);
    const summary = recorded.json as { modules: string[]; answers: number; recordings: number };
    assert.equal(summary.modules.length, 22, "every module that ran up to format_summary is expected");
    assert.equal(summary.recordings, 7, "4 api.llm and 3 media.generateV2 prompt calls");

    const text = readFileSync(join(dir, "tests", "summary.wfvtest.json"), "utf8");
    const test = JSON.parse(text);
    assert.equal(test.workflow, "../workflow_v3.json");
    assert.deepEqual(test.target, { step_id: "workflow_summary", module_name: "format_summary" });
    assert.equal(text, JSON.stringify(sortKeys(test), null, 2) + "\n", "sorted keys, two-space indentation");
    assert.deepEqual(test.answers["user_input/select_pet_type"], { selected_indices: [0] }, "answers keep only what differs from the defaults");

    const passed = runCli(["test"], { cwd: dir });
    assert.equal(passed.status, 0, passed.stdout + passed.stderr);
    assert.match(passed.stdout, /✓ tests\/summary\.wfvtest\.json/);
    assert.match(passed.stdout, /1 test: 1 passed, 0 failed/);
  });

  test("a changed template fails the test at its module, with the changed line; junit XML carries it; --update makes it pass", async () => {
    writeFileSync(templateFile, readFileSync(templateFile, "utf8").replace("Generated: ", "Created on: "));
    const failed = await callCli(["test"], { cwd: dir });
    assert.equal(failed.status, 1);
    assert.match(failed.stdout, /✗ tests\/summary\.wfvtest\.json/);
    assert.match(failed.stdout, /✗ workflow_summary\/format_summary/);
    assert.match(failed.stdout, /\$\.module_outputs\.rendered \(line 5 of the text\)\n\s+expected: "Generated: 2025-01-01 00:00:00"\n\s+actual: {3}"Created on: 2025-01-01 00:00:00"/);
    assert.match(failed.stdout, /\$\.state\.workflow_summary_text/);
    assert.doesNotMatch(failed.stdout, /✗ scene_generation/, "only the module whose output changed fails");

    const junit = await callCli(["test", "--reporter", "junit"], { cwd: dir });
    assert.equal(junit.status, 1);
    const parsed = pythonParsesXml(junit.stdout);
    assert.ok(parsed.ok, parsed.error);
    assert.equal(parsed.failures, 1);
    assert.match(junit.stdout, /<testcase classname="tests\/summary\.wfvtest\.json" name="workflow_summary\/format_summary"[^>]*>\s*<failure message="[^"]*Created on: /);

    const tap = await callCli(["test", "--reporter", "tap"], { cwd: dir });
    assert.match(tap.stdout, /^TAP version 13\n1\.\.1\nnot ok 1 - tests\/summary\.wfvtest\.json/);

    const updated = await callCli(["test", "--update"], { cwd: dir });
    assert.equal(updated.status, 0, updated.stdout);
    assert.match(updated.stdout, /expectations updated/);
    assert.match(updated.stdout, /updated the expectations of 1: tests\/summary\.wfvtest\.json/);
    const again = runCli(["test", "--reporter", "junit"], { cwd: dir });
    assert.equal(again.status, 0, again.stdout);
    assert.equal(pythonParsesXml(again.stdout).failures, 0);
  });

  test("pins: wfv run --pins uses the pinned outputs, the recorded test keeps them and passes", async () => {
    const test = JSON.parse(readFileSync(join(dir, "tests", "summary.wfvtest.json"), "utf8"));
    const outputs = test.expect["scene_generation/generate_scenes"].module_outputs;
    outputs.response.scenes[0].title = "A pinned title";
    mkdirSync(join(dir, ".wfv"), { recursive: true });
    writeFileSync(join(dir, ".wfv", "pins.json"), JSON.stringify({ pins: { "scene_generation/generate_scenes": { module_outputs: outputs } } }));
    const ran = await callCli(["run", "workflow_v3.json", "--step", "scene_generation", "--module", "select_scene", "--mode", "up_to", "--db", "pinned.db", "--pins", ".wfv/pins.json"], { cwd: dir });
    assert.equal(ran.status, 0, ran.stdout);
    assert.match(JSON.stringify((ran.json as any).interaction_request), /A pinned title/);
    const events = (await callCli(["events", "pinned.db", "--module", "generate_scenes", "--type", "module_started"], { cwd: dir })).json as any;
    assert.equal(events.events[0].data.module_id, "wfv.pinned", "the trace says the module was pinned");

    const recorded = await callCli(["test", "record", "workflow_v3.json", "--step", "scene_generation", "--module", "select_scene", "--db", "pinned.db", "--out", "tests/pinned.wfvtest.json"], { cwd: dir });
    assert.equal(recorded.status, 0, recorded.stdout);
    assert.deepEqual((recorded.json as any).pins, ["scene_generation/generate_scenes"]);
    assert.equal((recorded.json as any).recordings, 0, "a pinned api.llm makes no call");
    const passed = await callCli(["test", "tests/pinned.wfvtest.json"], { cwd: dir });
    assert.equal(passed.status, 0, passed.stdout);
  });

  test("--grep, --shard and --workers pick and spread the tests; the results do not depend on the workers", async () => {
    const grep = await callCli(["test", "--grep", "pinned", "--reporter", "json"], { cwd: dir });
    assert.deepEqual(grep.lines.map((line: any) => line.file), ["tests/pinned.wfvtest.json"]);
    const first = await callCli(["test", "--shard", "1/2", "--reporter", "json"], { cwd: dir });
    const second = await callCli(["test", "--shard", "2/2", "--reporter", "json"], { cwd: dir });
    assert.deepEqual([...first.lines, ...second.lines].map((line: any) => line.file).sort(), ["tests/pinned.wfvtest.json", "tests/summary.wfvtest.json"]);
    assert.equal(first.lines.length, 1);
    const parallel = await callCli(["test", "--workers", "2", "--reporter", "json"], { cwd: dir });
    assert.equal(parallel.status, 0, parallel.stdout + parallel.stderr);
    assert.deepEqual(
      parallel.lines.map((line: any) => [line.file, line.passed]),
      [
        ["tests/pinned.wfvtest.json", true],
        ["tests/summary.wfvtest.json", true],
      ],
    );
    const usage = await callCli(["test", "--shard", "3/2"], { cwd: dir });
    assert.equal(usage.status, 2);
  });

  test("a seed: the run continues from a DB written as readable JSON, the test records only what came after it", async () => {
    assert.equal((await callCli(["run", "workflow_v3.json", "--step", "scene_generation", "--module", "select_scene", "--mode", "up_to", "--db", "seed.db"], { cwd: dir })).status, 0);
    const exported = await callCli(["db", "export", "seed.db", "--json", "--pretty"], { cwd: dir });
    mkdirSync(join(dir, "seeded"), { recursive: true });
    writeFileSync(join(dir, "seeded", "scene.seed.json"), exported.stdout);
    assert.match(exported.stdout, /"\$date"/);
    cpSync(join(dir, "seed.db"), join(dir, "continued.db"));
    assert.equal((await callCli(["run", "workflow_v3.json", "--step", "image_analysis", "--module", "analyze_image", "--mode", "up_to", "--db", "continued.db"], { cwd: dir })).status, 0);
    const recorded = await callCli(
      ["test", "record", "workflow_v3.json", "--step", "image_analysis", "--module", "analyze_image", "--db", "continued.db", "--seed", "seeded/scene.seed.json", "--out", "seeded/after-scene.wfvtest.json"],
      { cwd: dir },
    );
    assert.equal(recorded.status, 0, recorded.stdout);
    const test = JSON.parse(readFileSync(join(dir, "seeded", "after-scene.wfvtest.json"), "utf8"));
    assert.equal(test.seed, "scene.seed.json");
    assert.equal(test.workflow, "../workflow_v3.json");
    assert.deepEqual(Object.keys(test.answers), ["image_prompts/generate_and_select_images_v2", "scene_generation/select_scene"]);
    assert.ok(!("user_input/select_pet_type" in test.expect), "what the seed holds is not replayed");
    const passed = await callCli(["test", "seeded"], { cwd: dir });
    assert.equal(passed.status, 0, passed.stdout);
  });
});

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

describe("wfv test in real mode: replays make no network call", () => {
  let api: Loopback;
  let llm: Loopback;
  const dir = mkdtempSync(join(tmpdir(), "wfv-test-net-"));
  /** Inputs whose templates the engine renders (`resolver: server`). */
  const rendered = (inputs: Record<string, unknown>) => ({
    ...inputs,
    resolver_schema: { type: "object", properties: Object.fromEntries(Object.keys(inputs).map((key) => [key, { resolver: "server" }])) },
  });
  const workflow = (modules: unknown[]) => ({ workflow_id: "net", steps: [{ step_id: "s1", modules }] });
  const fetchData = () => ({ module_id: "api.fetch", name: "get_data", inputs: { url: `${api.url}/data` }, outputs_to_state: { response: "data" } });
  const ask = (name = "ask") => ({
    module_id: "api.llm",
    name,
    inputs: rendered({ input: "Say something about {{ state.data.topic }}", metadata: { step_id: "s1" } }),
    outputs_to_state: { response: name === "ask" ? "answer" : `${name}_answer` },
  });
  const render = { module_id: "io.render_template", name: "render", inputs: rendered({ template: "Answer: {{ state.answer }}" }), outputs_to_state: { rendered: "text" } };
  const write = (modules: unknown[]) => writeFileSync(join(dir, "workflow.json"), JSON.stringify(workflow(modules)));

  before(async () => {
    api = await startLoopback(() => ({ json: { topic: "otters" } }));
    llm = await startLoopback((request) =>
      request.path.endsWith("/responses")
        ? { json: { model: "gpt-4o-mini", output: [{ content: [{ type: "output_text", text: "Otters hold hands." }] }], usage: { input_tokens: 5, output_tokens: 4, total_tokens: 9 } } }
        : { json: { model: "gpt-4o-mini", choices: [{ message: { content: "Otters hold hands." } }], usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 } } },
    );
  });
  after(async () => {
    await api?.close();
    await llm?.close();
  });

  test("record a real run, then replay it with the providers at a closed port and at a live counting server", async () => {
    write([fetchData(), ask(), render]);
    const env = { OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: llm.url };
    const ran = await runCliWithEnv(["run", "workflow.json", "--step", "s1", "--module", "render", "--mode", "up_to", "--db", "run.db", "--no-mock"], dir, env);
    assert.equal(ran.status, 0, ran.stdout + ran.stderr);
    assert.match(ran.stdout, /Answer: Otters hold hands\./);
    assert.equal(api.requests.length, 1);
    assert.equal(llm.requests.length, 1);

    const recorded = await runCliWithEnv(["test", "record", "workflow.json", "--step", "s1", "--module", "render", "--db", "run.db", "--out", "tests/net.wfvtest.json", "--no-mock"], dir, env);
    assert.equal(recorded.status, 0, recorded.stdout + recorded.stderr);
    const test = JSON.parse(readFileSync(join(dir, "tests", "net.wfvtest.json"), "utf8"));
    assert.equal(test.mock, false);
    assert.deepEqual(Object.keys(test.recordings).sort(), ["s1/ask", "s1/get_data"]);
    assert.equal(test.recordings["s1/get_data"][0].kind, "http");
    assert.equal(test.recordings["s1/ask"][0].response.response, "Otters hold hands.");
    assert.equal(test.recordings["s1/ask"][0].request.input, "Say something about otters");
    assert.equal(api.requests.length + llm.requests.length, 2, "recording replays without calling out");

    const closed = await closedPort();
    const replayClosed = await runCliWithEnv(["test"], dir, { OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: closed });
    assert.equal(replayClosed.status, 0, replayClosed.stdout + replayClosed.stderr);
    const replayLive = await runCliWithEnv(["test", "--reporter", "json"], dir, env);
    assert.equal(replayLive.status, 0, replayLive.stdout);
    assert.equal(api.requests.length + llm.requests.length, 2, "no replay reached a server");
  });

  test("a module that now makes an LLM call the test has no recording for fails saying so", async () => {
    write([fetchData(), ask(), ask("ask_again"), render]);
    const result = await callCli(["test", "--reporter", "json"], { cwd: dir });
    assert.equal(result.status, 1);
    const [line] = result.lines as any[];
    const failure = line.failures.find((f: any) => f.kind === "recording");
    assert.equal(failure.key, "s1/ask_again");
    assert.match(failure.message, /s1\/ask_again \(api\.llm\) made an LLM call, and the test has no recording for it: .*a call added/);
    assert.equal(api.requests.length + llm.requests.length, 2);
  });

  test("a module that no longer calls out leaves its recording unused, and the test fails saying so", async () => {
    write([fetchData(), { module_id: "io.render_template", name: "ask", inputs: { template: "no LLM" }, outputs_to_state: { rendered: "answer" } }, render]);
    const result = await callCli(["test"], { cwd: dir });
    assert.equal(result.status, 1);
    assert.match(result.stdout, /s1\/ask: the test recorded 1 LLM call by api\.llm, and the replay made none: the module no longer calls out \(a call removed\)/);
  });

  test("a changed LLM request fails at its module with the difference (the recorded response is used anyway)", async () => {
    write([fetchData(), { ...ask(), inputs: rendered({ input: "Tell me about {{ state.data.topic }}", metadata: { step_id: "s1" } }) }, render]);
    const result = await callCli(["test"], { cwd: dir });
    assert.equal(result.status, 1);
    assert.match(result.stdout, /✗ s1\/ask\n\s+s1\/ask: the LLM request of call 1 differs from the recorded one/);
    assert.match(result.stdout, /\$\.input\n\s+expected: "Say something about otters"\n\s+actual: {3}"Tell me about otters"/);
  });

  test("a test whose target is gone fails saying exactly that", async () => {
    write([fetchData(), ask()]);
    const result = runCli(["test"], { cwd: dir });
    assert.equal(result.status, 1);
    assert.match(result.stdout, /step 's1' no longer has the test's target module 'render' \(target s1\/render\); its modules are: get_data, ask/);
    write([fetchData(), ask(), render]);
    assert.equal((await callCli(["test"], { cwd: dir })).status, 0);
  });

  test("a test file that is not a test, or whose workflow is missing, fails without a crash", async () => {
    writeFileSync(join(dir, "tests", "broken.wfvtest.json"), JSON.stringify({ workflow: "nope.json", target: { step_id: "s1" }, expect: {} }));
    const result = await callCli(["test", "--reporter", "junit"], { cwd: dir });
    assert.equal(result.status, 1);
    assert.ok(pythonParsesXml(result.stdout).ok);
    assert.match(result.stdout, /is not a wfv test: target\.module_name/);
  });
});
