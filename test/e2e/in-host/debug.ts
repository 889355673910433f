/**
 * The debugger in VS Code (issue 14), suite "debug": a breakpoint set through the API on a module of
 * cc's step 2, "Debug up to here" from the lens's command, the interactions of step 1 shown in the
 * panel and answered, the stop at the breakpoint, the State scope, one step over, and what the
 * session leaves behind (the stored DB). Events are watched with a DebugAdapterTracker.
 */
import * as assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import type { DebugProtocol } from "@vscode/debugprotocol";
import * as vscode from "vscode";
import { lenses, open, test, until, type InHostContext } from "./kit";

const STEP = "cc/steps/2_scene_generation/step.json";
const WORKFLOW_KEY = "cc/workflow_v3.json";

export default async function debug({ ws, api }: InHostContext): Promise<void> {
  const stepUri = vscode.Uri.joinPath(ws, STEP);
  const workflowFile = vscode.Uri.joinPath(ws, WORKFLOW_KEY).fsPath;
  const events: DebugProtocol.Event[] = [];
  const tracker = vscode.debug.registerDebugAdapterTrackerFactory("wfv", {
    createDebugAdapterTracker: () => ({
      onDidSendMessage(message: DebugProtocol.ProtocolMessage) {
        if (message.type === "event") events.push(message as DebugProtocol.Event);
      },
    }),
  });
  let seen = 0;
  /** The next `stopped` (or the session's end) after the events already looked at. */
  const nextStop = async (what: string): Promise<DebugProtocol.Event> => {
    const event = await until(what, () => {
      const index = events.findIndex((e, i) => i >= seen && (e.event === "stopped" || e.event === "terminated"));
      if (index < 0) return undefined;
      seen = index + 1;
      return events[index];
    }, 60_000);
    return event;
  };

  /** Starts a `wfv` session on a workflow of the test workspace (the launch configuration a user would write). */
  const launchOn = async (fixture: vscode.Uri, name: string, extra: Record<string, unknown> = {}): Promise<void> => {
    seen = events.length;
    const started = await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(fixture), { type: "wfv", request: "launch", name, workflow: fixture.fsPath, ...extra });
    assert.equal(started, true);
  };

  let session: vscode.DebugSession | undefined;
  try {
    await test("debug: every module has a Debug up to here lens", async () => {
      await open(ws, STEP);
      const found = await until("lenses", async () => {
        const l = await lenses(stepUri);
        return l.some((x) => x.title.includes("Debug up to here")) ? l : undefined;
      });
      const run = found.filter((l) => l.title.includes("Run module virtually")).map((l) => l.args[2]);
      const debugged = found.filter((l) => l.title.includes("Debug up to here")).map((l) => l.args[2]);
      assert.deepEqual(debugged, run);
    });

    await test("debug: a breakpoint on a module of step 2 stops there; the interactions before it show in the panel", async () => {
      await vscode.commands.executeCommand("wfv.resetDb", stepUri);
      const text = (await vscode.workspace.openTextDocument(stepUri)).getText().split("\n");
      // A line inside load_keywords (its module_id line): the stop is before that module runs.
      const nameLine = text.findIndex((l) => l.includes('"name": "load_keywords"'));
      const line = text.slice(0, nameLine).map((l, i) => (l.includes('"module_id"') ? i : -1)).filter((i) => i >= 0).pop()!;
      vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(stepUri, new vscode.Position(line, 6)))]);
      const started = await vscode.commands.executeCommand<boolean>("wfv.debugUpToHere", stepUri, "scene_generation", "generate_scenes");
      assert.equal(started, true, "the session started");
      session = await until("the wfv debug session", () => (vscode.debug.activeDebugSession?.type === "wfv" ? vscode.debug.activeDebugSession : undefined));
      let stop = await nextStop("the first stop");
      let interactions = 0;
      while (stop.event === "stopped" && (stop as DebugProtocol.StoppedEvent).body.reason === "interaction") {
        interactions++;
        const view = await until("the interaction in the panel", () => {
          const last = api.panels.lastView(workflowFile);
          return last?.status === "awaiting_input" && last.interaction ? last : undefined;
        });
        assert.ok(view.runId < 0, "a debug interaction's view");
        // What the panel's Submit sends (the webview's answer), here straight to the session.
        await session.customRequest("wfvAnswer", { response: { selected_indices: [0] } });
        stop = await nextStop(`the stop after interaction ${interactions}`);
      }
      assert.equal(stop.event, "stopped", `the session ended: ${JSON.stringify(events.slice(-5))}`);
      assert.equal((stop as DebugProtocol.StoppedEvent).body.reason, "breakpoint");
      assert.ok(interactions >= 1, "step 1's selects stopped as interactions");
    });

    await test("debug: the State scope holds what earlier modules set; one step over runs one more module", async () => {
      assert.ok(session, "a session");
      const stateNames = async (): Promise<string[]> => {
        const stack = (await session!.customRequest("stackTrace", { threadId: 1 })) as DebugProtocol.StackTraceResponse["body"];
        const frame = stack.stackFrames[0];
        assert.ok(frame, "a frame");
        const scopes = (await session!.customRequest("scopes", { frameId: frame.id })) as DebugProtocol.ScopesResponse["body"];
        const state = scopes.scopes.find((s) => s.name === "State");
        assert.ok(state, `a State scope among ${scopes.scopes.map((s) => s.name).join(", ")}`);
        const variables = (await session!.customRequest("variables", { variablesReference: state.variablesReference })) as DebugProtocol.VariablesResponse["body"];
        return variables.variables.map((v) => v.name);
      };
      const before = await stateNames();
      assert.ok(before.includes("keyword_exclusions_selected"), `load_selected_keywords's key: ${before.join(", ")}`);
      assert.ok(before.includes("pet_type_selection"), "step 1's key");
      assert.ok(!before.includes("keyword_exclusions_generated"), "load_keywords has not run");
      await session!.customRequest("next", { threadId: 1 });
      const stop = await nextStop("the stop after next");
      assert.equal(stop.event, "stopped");
      assert.equal((stop as DebugProtocol.StoppedEvent).body.reason, "step");
      const after = await stateNames();
      assert.ok(after.includes("keyword_exclusions_generated"), `load_keywords ran: ${after.join(", ")}`);
      // Exactly one module ran: its state key, and its outputs under its name if the scope lists module outputs.
      const added = after.filter((name) => !before.includes(name));
      assert.deepEqual(added.filter((name) => name !== "load_keywords"), ["keyword_exclusions_generated"]);
    });

    await test("debug: when the session ends, the stored DB holds what it ran, and the modules it ran have status records", async () => {
      assert.ok(session, "a session");
      await vscode.debug.stopDebugging(session);
      await until("the session ended", () => (vscode.debug.activeDebugSession === undefined ? true : undefined));
      const stored = await until("the stored DB", async () => {
        const entry = await api.controller.store.get(WORKFLOW_KEY);
        return entry.virtualDb !== "" ? entry : undefined;
      });
      // The DB as the session left it: load_keywords ran (its state key is in the events), generate_scenes did not.
      const db = gunzipSync(Buffer.from(stored.virtualDb, "base64")).toString("utf8");
      assert.ok(db.includes("keyword_exclusions_generated"), "load_keywords's output is stored");
      // The status lenses: a record for each module the session ran, none for the ones it did not reach.
      const runs = (await until("the run records", async () => {
        const entry = await api.controller.store.get(WORKFLOW_KEY);
        return entry.runs["scene_generation/load_keywords"] ? entry : undefined;
      })).runs;
      assert.equal(runs["scene_generation/load_keywords"]?.status, "completed");
      assert.equal(runs["user_input/select_pet_type"]?.status, "completed");
      assert.equal(runs["scene_generation/generate_scenes"], undefined);
    });

    await test("debug: a launch configuration with ${file} (F5) runs the open workflow; stopOnEntry stops before its first module", async () => {
      const fixture = vscode.Uri.joinPath(ws, "debug/workflow.json");
      await open(ws, "debug/workflow.json");
      seen = events.length; // the first session's end is behind us
      const started = await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(fixture), {
        type: "wfv",
        request: "launch",
        name: "Debug the open file",
        workflow: "${file}",
        stopOnEntry: true,
      });
      assert.equal(started, true);
      const entered = await nextStop("the entry stop");
      assert.equal((entered as DebugProtocol.StoppedEvent).body?.reason, "entry", JSON.stringify(entered));
      const own = await until("the session", () => (vscode.debug.activeDebugSession?.type === "wfv" ? vscode.debug.activeDebugSession : undefined));
      assert.equal(own.configuration.workflow, fixture.fsPath, "${file} became the workflow file");
      await own.customRequest("continue", { threadId: 1 });
      const end = await nextStop("the end of the run");
      assert.equal(end.event, "terminated", "no breakpoint there: the run goes to the end");
      const runs = (await until("the fixture's run records", async () => {
        const entry = await api.controller.store.get("debug/workflow.json");
        return Object.keys(entry.runs).length === 3 ? entry : undefined;
      })).runs;
      assert.deepEqual(Object.keys(runs).sort(), ["count/one", "count/three", "count/two"]);
    });

    await test("debug: a pinned module (.wfv/pins.json) does not run in a session; its pinned outputs are used and its record says pinned", async () => {
      const fixture = vscode.Uri.joinPath(ws, "debug/workflow.json");
      const pinsFile = vscode.Uri.joinPath(ws, "debug/.wfv/pins.json");
      await vscode.workspace.fs.writeFile(pinsFile, Buffer.from(JSON.stringify({ pins: { "count/two": { module_outputs: { result: { n: 22 } } } } })));
      try {
        // The earlier session ran this workflow to its end: start it over.
        await vscode.commands.executeCommand("wfv.resetDb", fixture);
        await launchOn(fixture, "Debug with a pin");
        const end = await nextStop("the end of the pinned run");
        assert.equal(end.event, "terminated", JSON.stringify(end));
        const entry = await until("the pinned record", async () => {
          const stored = await api.controller.store.get("debug/workflow.json");
          return stored.runs["count/two"]?.pinned ? stored : undefined;
        });
        assert.equal(entry.runs["count/one"]?.pinned, undefined);
        const db = gunzipSync(Buffer.from(entry.virtualDb, "base64")).toString("utf8");
        assert.ok(db.includes('"n":22'), "two's pinned outputs are in the DB");
      } finally {
        await vscode.workspace.fs.delete(pinsFile);
      }
    });

    await test("debug: a session stopped at a failing module marks it with its error (and the module before it completed)", async () => {
      const fixture = vscode.Uri.joinPath(ws, "debug-failing/workflow.json");
      await launchOn(fixture, "Debug the failing fixture");
      const stop = await nextStop("the exception stop");
      assert.equal((stop as DebugProtocol.StoppedEvent).body?.reason, "exception", JSON.stringify(stop));
      const own = await until("the session", () => (vscode.debug.activeDebugSession?.type === "wfv" ? vscode.debug.activeDebugSession : undefined));
      await vscode.debug.stopDebugging(own);
      const runs = (await until("the failing fixture's run records", async () => {
        const entry = await api.controller.store.get("debug-failing/workflow.json");
        return entry.runs["only/broken"] ? entry : undefined;
      })).runs;
      assert.equal(runs["only/one"]?.status, "completed");
      assert.equal(runs["only/broken"]?.status, "error");
      assert.equal(runs["only/broken"]?.errorType, "resolution_failed");
    });
  } finally {
    if (session && vscode.debug.activeDebugSession) await vscode.debug.stopDebugging(session);
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    tracker.dispose();
  }
}
