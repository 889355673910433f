/**
 * The debugger in the extension's engine worker (issue 14): a debug session over `openDebugChannel()`
 * runs on the workflow's live DB; while it is paused other calls on that DB are refused instead of
 * waiting on the user; what it changed reaches the host's journal, so a fresh worker (the first one
 * disposed) opens the DB as the debug session left it.
 */
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { test } from "node:test";
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { DebugChannel, DebugHost, ExecuteRequest } from "../../src/extension/engine";
import { workerEngine } from "../../src/extension/worker-engine";

const WORKER = { file: resolve(__dirname, "../../src/extension/engine-worker.ts"), execArgv: ["--import", "tsx"] };

const WORKFLOW_TEXT = `{
  "workflow_id": "counting",
  "steps": [
    {
      "step_id": "count",
      "modules": [
        { "module_id": "transform.reshape", "name": "one", "inputs": { "source": {}, "template": { "n": 1 } }, "outputs_to_state": { "result": "first" } },
        { "module_id": "transform.reshape", "name": "two", "inputs": { "source": {}, "template": { "n": 2 } }, "outputs_to_state": { "result": "second" } },
        { "module_id": "transform.reshape", "name": "three", "inputs": { "source": {}, "template": { "n": 3 } }, "outputs_to_state": { "result": "third" } }
      ]
    }
  ]
}
`;
const WORKFLOW_FILE = resolve("/virtual-ws/counting/workflow.json");
const LINE_OF_TWO = WORKFLOW_TEXT.split("\n").findIndex((line) => line.includes('"two"')) + 1;

/** DAP over the channel: requests answered by their responses, events awaited by name. */
function dapOver(channel: DebugChannel) {
  let seq = 1;
  const waiting = new Map<number, (response: DebugProtocol.Response) => void>();
  const events: DebugProtocol.Event[] = [];
  const eventWaiters: Array<{ name: string; resolve: (event: DebugProtocol.Event) => void }> = [];
  channel.onMessage((message) => {
    if (message.type === "response") {
      const response = message as DebugProtocol.Response;
      waiting.get(response.request_seq)?.(response);
      return;
    }
    const event = message as DebugProtocol.Event;
    const at = eventWaiters.findIndex((waiter) => waiter.name === event.event);
    if (at >= 0) eventWaiters.splice(at, 1)[0].resolve(event);
    else events.push(event);
  });
  return {
    request(command: string, args?: unknown, host?: DebugHost): Promise<DebugProtocol.Response> {
      const request: DebugProtocol.Request = { seq: seq++, type: "request", command, arguments: args };
      return new Promise((resolve) => {
        waiting.set(request.seq, resolve);
        channel.send(request, host);
      });
    },
    event(name: string): Promise<DebugProtocol.Event> {
      const at = events.findIndex((event) => event.event === name);
      if (at >= 0) return Promise.resolve(events.splice(at, 1)[0]);
      return new Promise((resolve) => eventWaiters.push({ name, resolve }));
    },
  };
}

test("a debug session in the worker runs on the live DB, holds it while paused, and leaves its changes in the host's journal", async () => {
  const engine = workerEngine({ script: WORKER, budgets: () => ({ memoryMb: 1024, runSeconds: 60 }) });
  try {
    const ref = { db_key: "counting/workflow.json", load_db: async () => null };
    const host: DebugHost = { ...ref, workflow_file: WORKFLOW_FILE, files: { "workflow.json": WORKFLOW_TEXT }, mock: true };
    const dap = dapOver(engine.openDebugChannel());
    assert.ok((await dap.request("initialize", { adapterID: "wfv", linesStartAt1: true, pathFormat: "path" })).success);
    const launched = dap.request("launch", { workflow: WORKFLOW_FILE }, host);
    await dap.event("initialized");
    const placed = await dap.request("setBreakpoints", { source: { path: WORKFLOW_FILE }, breakpoints: [{ line: LINE_OF_TWO }] });
    assert.equal((placed.body as DebugProtocol.SetBreakpointsResponse["body"]).breakpoints[0].verified, true);
    await dap.request("configurationDone");
    assert.ok((await launched).success);
    const stopped = (await dap.event("stopped")) as DebugProtocol.StoppedEvent;
    assert.equal(stopped.body.reason, "breakpoint");

    // Paused mid-run: a run on the same DB is refused at once, an export does not wait.
    const run: ExecuteRequest = { ...ref, workflow: JSON.parse(WORKFLOW_TEXT), target_step_id: "count", target_module_name: "one", response: null, mode: "module", mock: true };
    await assert.rejects(engine.execute(run), /being debugged/);
    await engine.exportDb(ref.db_key);

    assert.ok((await dap.request("continue", { threadId: 1 })).success);
    await dap.event("terminated");
    assert.ok(engine.journalLength(ref.db_key) >= 1, "the session's changes are journalled");
    const state = (await engine.state(ref)).state_mapped;
    assert.deepEqual([state.first, state.second, state.third], [{ n: 1 }, { n: 2 }, { n: 3 }]);

    // A fresh worker replays the journal: the DB is as the debug session left it.
    await engine.dispose();
    const replayed = (await engine.state(ref)).state_mapped;
    assert.deepEqual(replayed.third, { n: 3 });
  } finally {
    await engine.dispose();
  }
});

test("a debug run that goes over its time budget while running ends the session (the worker is replaced)", async () => {
  const engine = workerEngine({ script: WORKER, budgets: () => ({ memoryMb: 1024, runSeconds: 2 }) });
  try {
    const spin = `{ "workflow_id": "spin", "steps": [ { "step_id": "s", "modules": [
      { "module_id": "transform.reshape", "name": "quick", "inputs": { "source": {}, "template": {} } },
      { "module_id": "transform.reshape", "name": "slow", "inputs": { "resolver_schema": { "type": "object", "properties": { "template": { "resolver": "server" } } }, "source": {},
        "template": { "x": "{% for i in range(40) %}{{ range(900000)|list|sort(reverse=true)|first }}{% endfor %}" } } } ] } ] }`;
    const ref = { db_key: "spin/workflow.json", load_db: async () => null };
    const host: DebugHost = { ...ref, workflow_file: resolve("/virtual-ws/spin/workflow.json"), files: { "workflow.json": spin }, mock: true };
    const dap = dapOver(engine.openDebugChannel());
    await dap.request("initialize", { adapterID: "wfv", linesStartAt1: true, pathFormat: "path" });
    const launched = dap.request("launch", { workflow: host.workflow_file, stopOnEntry: true }, host);
    await dap.event("initialized");
    await dap.request("configurationDone");
    await launched;
    assert.equal(((await dap.event("stopped")) as DebugProtocol.StoppedEvent).body.reason, "entry");
    await dap.request("continue", { threadId: 1 });
    const output = (await dap.event("output")) as DebugProtocol.OutputEvent;
    assert.match(output.body.output, /time budget/);
    await dap.event("terminated");
    // The next call gets a fresh worker.
    assert.deepEqual((await engine.state(ref)).steps, {});
  } finally {
    await engine.dispose();
  }
});

test("pinned outputs from the host stand in for their modules in a debug run, as in a run from the editor", async () => {
  const engine = workerEngine({ script: WORKER, budgets: () => ({ memoryMb: 1024, runSeconds: 60 }) });
  try {
    const ref = { db_key: "counting/pinned.json", load_db: async () => null };
    const pins = { "count/two": { module_outputs: { result: { n: 20 } } } };
    const host: DebugHost = { ...ref, workflow_file: WORKFLOW_FILE, files: { "workflow.json": WORKFLOW_TEXT }, mock: true, pins };
    const dap = dapOver(engine.openDebugChannel());
    assert.ok((await dap.request("initialize", { adapterID: "wfv", linesStartAt1: true, pathFormat: "path" })).success);
    const launched = dap.request("launch", { workflow: WORKFLOW_FILE }, host);
    await dap.event("initialized");
    await dap.request("setBreakpoints", { source: { path: WORKFLOW_FILE }, breakpoints: [{ line: LINE_OF_TWO }] });
    await dap.request("configurationDone");
    assert.ok((await launched).success);
    await dap.event("stopped");
    const frames = (await dap.request("stackTrace", { threadId: 1 })).body as DebugProtocol.StackTraceResponse["body"];
    assert.equal(frames.stackFrames[0].line, LINE_OF_TWO, "the breakpoint still maps to the pinned module's lines");
    assert.match(frames.stackFrames[0].name, /^two /);

    assert.ok((await dap.request("continue", { threadId: 1 })).success);
    await dap.event("terminated");
    const state = (await engine.state(ref)).state_mapped;
    assert.deepEqual([state.first, state.second, state.third], [{ n: 1 }, { n: 20 }, { n: 3 }], "two's pinned outputs, not its own");
  } finally {
    await engine.dispose();
  }
});
