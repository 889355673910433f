/**
 * In-host tests: an `extensionTestsPath` module (the contract @vscode/test-electron uses), run inside the
 * real Node extension host of code-server. VS Code calls `run()`; a rejection fails the run. Bundled by
 * the e2e test with esbuild (`vscode` external). No sleeps: every wait is for a condition.
 *
 * With Workspace Trust off (the default launch) it covers activation, lenses on workflow and step
 * files, runs, the storage round trip, unreadable storage, reset and JSON errors. Launched with trust on
 * (Restricted Mode), it checks that lenses say why running is disabled and that nothing runs.
 */
import * as assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as vscode from "vscode";
import type { WfvApi } from "../../../src/extension/extension";
import { failures, lenses, open, selected, test, until } from "./kit";
import { SUITES } from "./suites";
import { WorkflowDbStore } from "../../../src/extension/storage";
import { decodeStored, storageFileName } from "../../../src/extension/storage-codec";

const EXTENSION_ID = "wfv.wfv";

export async function run(): Promise<void> {
  const ws = vscode.workspace.workspaceFolders![0].uri;
  const extension = vscode.extensions.getExtension<WfvApi>(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} not found`);
  const trusted = vscode.workspace.isTrusted;
  console.log(`# wfv in-host tests (workspace ${trusted ? "trusted" : "restricted"})`);

  await test("activation: in workspaces with a workflow or step file, on the panel and on debugging (no *, no onLanguage:json)", async () => {
    const events = (extension.packageJSON as { activationEvents: string[] }).activationEvents;
    // Debugging's own events (onDebug…) are the debugger's business.
    assert.deepEqual(events.filter((e) => !e.startsWith("onDebug")), ["workspaceContains:**/*workflow*.json", "workspaceContains:**/steps/*/step.json", "onWebviewPanel:wfv.panel"]);
  });

  const stepUri = vscode.Uri.joinPath(ws, "cc/steps/1_user_input/step.json");
  let api!: WfvApi;
  await test("activation: opening a step file activates wfv and indexes the workflows", async () => {
    await open(ws, "cc/steps/1_user_input/step.json");
    api = await until("activation", async () => (extension.isActive ? extension.exports : undefined));
    await api.indexed();
    console.log(`# activation ${api.activationMs.toFixed(1)} ms (activate() ${api.activateOnlyMs.toFixed(1)} ms)`);
    const workflows = api.controller.catalog.workflows().map((f) => vscode.workspace.asRelativePath(f, false));
    assert.ok(workflows.includes("cc/workflow_v3.json"), workflows.join(", "));
    assert.ok(workflows.includes("inline/workflow.json"));
    assert.equal(api.controller.workflowFor(stepUri.fsPath), join(ws.fsPath, "cc", "workflow_v3.json"));
  });

  if (!trusted) {
    await test("trust: in Restricted Mode the lenses say why running is disabled", async () => {
      const found = await until("blocked lenses", async () => {
        const l = await lenses(stepUri);
        return l.length === 2 ? l : undefined;
      });
      for (const lens of found) assert.match(lens.title, /Running is disabled: this workspace is not trusted/);
      assert.ok(!found.some((l) => /Run module virtually/.test(l.title)));
    });
    await test("trust: nothing runs in Restricted Mode (command refused, no DB written)", async () => {
      await vscode.commands.executeCommand("wfv.runModuleVirtually", stepUri, "user_input", "select_pet_type");
      const stored = await api.controller.store.get("cc/workflow_v3.json");
      assert.equal(stored.virtualDb, "");
      assert.deepEqual(stored.runs, {});
      assert.equal(existsSync(api.controller.store.fileFor("cc/workflow_v3.json")), false);
    });
    if (failures() > 0) throw new Error(`${failures()} in-host test(s) failed`);
    return;
  }
  await core(ws, api);
  for (const suite of SUITES) if (selected(suite.name)) await suite.run({ ws, api });
  if (failures() > 0) throw new Error(`${failures()} in-host test(s) failed`);
}

/** index.ts's own tests after activation (suite "core"). */
async function core(ws: vscode.Uri, api: WfvApi): Promise<void> {
  if (!selected("core")) return;
  const stepUri = vscode.Uri.joinPath(ws, "cc/steps/1_user_input/step.json");

  await test("lenses: a step file gets Run module virtually + Run up to here above each module", async () => {
    const found = await lenses(stepUri);
    const run = found.filter((l) => l.title.includes("Run module virtually"));
    const upTo = found.filter((l) => l.title.includes("Run up to here"));
    assert.equal(run.length, 2);
    assert.equal(upTo.length, 2);
    assert.deepEqual(run.map((l) => l.args.slice(1)), [["user_input", "select_pet_type"], ["user_input", "select_aesthetic"]]);
    const text = (await vscode.workspace.openTextDocument(stepUri)).getText().split("\n");
    for (const lens of run) assert.match(text[lens.line], /^\s*\{\s*$/, "a lens sits on the module object's line");
  });

  const inlineUri = vscode.Uri.joinPath(ws, "inline/workflow.json");
  await test("lenses: a workflow file with inline steps gets lenses for its modules; one of $refs gets none", async () => {
    await open(ws, "inline/workflow.json");
    const found = await lenses(inlineUri);
    assert.deepEqual(found.filter((l) => l.title.includes("Run module virtually")).map((l) => l.args[2]), ["pick_color", "describe"]);
    await open(ws, "cc/workflow_v3.json");
    assert.equal((await lenses(vscode.Uri.joinPath(ws, "cc/workflow_v3.json"))).length, 0);
  });

  await test("lenses: a JSON error gets no run lens but a clear message", async () => {
    await open(ws, "invalid/workflow.json");
    const found = await lenses(vscode.Uri.joinPath(ws, "invalid/workflow.json"));
    assert.equal(found.length, 1);
    assert.match(found[0].title, /Not runnable: JSON error: PropertyNameExpected at line 4/);
  });

  await test("run: select_pet_type asks, Dog answers, outputs and state hold Dog", async () => {
    await open(ws, "cc/steps/1_user_input/step.json");
    const first = (await vscode.commands.executeCommand("wfv.runModuleVirtually", stepUri, "user_input", "select_pet_type")) as any;
    assert.equal(first.status, "awaiting_input", JSON.stringify(first.error));
    assert.equal(first.interaction.interaction_type, "select_from_structured");
    const answer = await api.controller.submit(first.runId, { selected_indices: [1] });
    assert.ok(answer);
    assert.equal(answer.status, "completed", JSON.stringify(answer.error));
    assert.match(JSON.stringify(answer.outputs), /"Dog"/);
    assert.ok(answer.changes && answer.changes.events.length > 0, "the run stored events");
  });

  const storeFile = () => api.controller.store.fileFor("cc/workflow_v3.json");
  await test("storage: the DB is written (compressed, atomically) under storageUri and reads back", async () => {
    const file = storeFile();
    assert.ok(existsSync(file), file);
    const decoded = decodeStored(readFileSync(file));
    assert.ok(decoded.ok, decoded.ok ? "" : decoded.reason);
    assert.ok(decoded.value.virtualDb.startsWith("H4sI"), "base64 gzip");
    assert.equal(decoded.value.runs["user_input/select_pet_type"].status, "completed");
    const dir = api.controller.store.directory;
    assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith(".tmp")), [], "no temp files left");
    const again = new WorkflowDbStore(dir, { unreadable: () => assert.fail("unreadable") });
    assert.equal((await again.get("cc/workflow_v3.json")).virtualDb, decoded.value.virtualDb);
  });

  await test("lenses: a status lens shows the last result, and stale after an edit before it", async () => {
    const status = await until("status lens", async () => (await lenses(stepUri)).find((l) => /completed/.test(l.title)));
    assert.doesNotMatch(status.title, /stale/);
    const document = await vscode.workspace.openTextDocument(stepUri);
    const at = document.getText().indexOf("What type of pet is this video for?");
    const edit = new vscode.WorkspaceEdit();
    edit.replace(stepUri, new vscode.Range(document.positionAt(at), document.positionAt(at + 4)), "Which");
    assert.ok(await vscode.workspace.applyEdit(edit));
    await until("stale lens", async () => (await lenses(stepUri)).find((l) => /completed · stale/.test(l.title)));
    await vscode.commands.executeCommand("undo");
    await until("fresh lens", async () => (await lenses(stepUri)).find((l) => /completed$/.test(l.title)));
  });

  await test("storage: an unreadable stored DB is moved aside and reported, never dropped", async () => {
    const dir = api.controller.store.directory;
    const file = join(dir, storageFileName("inline/workflow.json"));
    writeFileSync(file, "this is not a DB");
    const reports: string[] = [];
    const store = new WorkflowDbStore(dir, { unreadable: (wf, moved, reason) => reports.push(`${wf}|${moved}|${reason}`) });
    const stored = await store.get("inline/workflow.json");
    assert.equal(stored.virtualDb, "");
    assert.equal(reports.length, 1);
    const moved = reports[0].split("|")[1];
    assert.equal(readFileSync(moved, "utf8"), "this is not a DB");
    assert.equal(existsSync(file), false);
  });

  await test("reset: Virtual: Reset DB empties the workflow's DB and its statuses", async () => {
    await vscode.commands.executeCommand("wfv.resetDb", stepUri);
    const decoded = decodeStored(readFileSync(storeFile()));
    assert.ok(decoded.ok);
    assert.equal(decoded.value.virtualDb, "");
    assert.deepEqual(decoded.value.runs, {});
    await until("no status lens", async () => ((await lenses(stepUri)).some((l) => /completed/.test(l.title)) ? undefined : true));
  });

  await test("export/import: the compressed blob round-trips through files", async () => {
    const first = (await vscode.commands.executeCommand("wfv.runModuleVirtually", stepUri, "user_input", "select_pet_type")) as any;
    assert.equal(first.status, "awaiting_input");
    const target = vscode.Uri.joinPath(ws, "exported.wfvdb");
    await vscode.commands.executeCommand("wfv.exportDb", target);
    const blob = readFileSync(target.fsPath, "utf8");
    assert.ok(blob.startsWith("H4sI"));
    await vscode.commands.executeCommand("wfv.resetDb", stepUri);
    await vscode.commands.executeCommand("wfv.importDb", target);
    assert.equal((await api.controller.store.get("cc/workflow_v3.json")).virtualDb, blob);
  });

  await test("media: Run up to here on the image step, the generate sub-action, pick a generation, Submit", async () => {
    const stepThree = vscode.Uri.joinPath(ws, "cc/steps/3_image_prompts/step.json");
    await open(ws, "cc/steps/3_image_prompts/step.json");
    const first = (await vscode.commands.executeCommand("wfv.runUpToHere", stepThree, "image_prompts", "generate_and_select_images_v2")) as any;
    assert.equal(first.status, "awaiting_input", JSON.stringify(first.error));
    assert.equal(first.interaction.interaction_type, "media_generation");
    const provider = Object.keys(first.interaction.display_data.data.prompts)[0];
    const generated = await api.controller.subAction(first.runId, "image_generation", { provider, prompt_id: provider, params: {} });
    assert.equal(generated.ok, true, generated.error ?? "");
    const result = generated.result?.sub_action_result as { content_ids: string[]; urls: string[] };
    assert.match(result.urls[0], /^data:image\/svg\+xml;base64,/);
    const answer = await api.controller.submit(first.runId, {
      selected_content_id: result.content_ids[0],
      selected_content: { content_id: result.content_ids[0], url: result.urls[0] },
      generations: { [provider]: [{ ...result, provider }] },
    });
    assert.equal(answer?.status, "completed", JSON.stringify(answer?.error));
    assert.equal((answer?.outputs as { selected_content_id?: string }).selected_content_id, result.content_ids[0]);
  });

  // Workflow tests, pins and seeds (issue 13): the tested/ fixture, greet → shout over a pick.
  const testedStep = vscode.Uri.joinPath(ws, "tested/steps/step.json");
  const testedWorkflow = vscode.Uri.joinPath(ws, "tested/workflow.json");
  const testFile = vscode.Uri.joinPath(ws, "tested/tests/greet.wfvtest.json");
  const runGreet = async (): Promise<any> => {
    let view = (await vscode.commands.executeCommand("wfv.runUpToHere", testedStep, "greeting", "greet")) as any;
    for (let i = 0; view?.status === "awaiting_input" && i < 5; i++) view = await api.controller.submit(view.runId, { selected_indices: [0] });
    assert.equal(view?.status, "completed", JSON.stringify(view?.error));
    return view;
  };
  const resultOf = (id: string) => api.tests.results.get(id);
  let testItem!: vscode.TestItem;

  await test("tests: Save Run as Test… writes a test that appears in the Test Explorer with a child per module", async () => {
    await open(ws, "tested/steps/step.json");
    const view = await runGreet();
    assert.match(JSON.stringify(view.outputs), /Hello/);
    const saved = await vscode.commands.executeCommand("wfv.saveRunAsTest", testFile, testedWorkflow, "greeting", "greet");
    assert.ok(saved, "the command answers the file it wrote");
    const written = JSON.parse(readFileSync(testFile.fsPath, "utf8"));
    assert.equal(written.workflow, "../workflow.json");
    testItem = await until("the test item", () => {
      const item = api.tests.fileItem(testFile);
      return item && item.children.size === 2 ? item : undefined;
    });
    const keys: string[] = [];
    testItem.children.forEach((child) => keys.push(child.label));
    assert.deepEqual(keys.sort(), ["greeting/greet", "greeting/pick_color"]);
    const greet = testItem.children.get(`${testItem.id}#greeting/greet`)!;
    assert.equal(greet.uri?.fsPath, testedStep.fsPath, "a module's item sits in its step file");
    assert.ok(greet.range && greet.range.start.line > 0);
  });

  await test("tests: running the saved test passes, per module", async () => {
    await api.tests.runRequest(new vscode.TestRunRequest([testItem]));
    assert.equal(resultOf(testItem.id)?.state, "passed", JSON.stringify(resultOf(testItem.id)?.messages.map((m) => m.message)));
    testItem.children.forEach((child) => assert.equal(resultOf(child.id)?.state, "passed", child.id));
  });

  await test("tests: an edit to a template the target depends on makes the test stale, then a run fails with expected/actual", async () => {
    const document = await vscode.workspace.openTextDocument(testedStep);
    const at = document.getText().indexOf("Hello {{");
    const edit = new vscode.WorkspaceEdit();
    edit.replace(testedStep, new vscode.Range(document.positionAt(at), document.positionAt(at + 5)), "Howdy");
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await document.save());
    await until("stale test", () => (resultOf(testItem.id)?.state === "stale" ? true : undefined));
    await api.tests.runRequest(new vscode.TestRunRequest([testItem]));
    assert.equal(resultOf(testItem.id)?.state, "failed");
    const greet = resultOf(`${testItem.id}#greeting/greet`);
    assert.equal(greet?.state, "failed");
    const message = greet!.messages[0];
    assert.match(String(message.expectedOutput), /Hello/);
    assert.match(String(message.actualOutput), /Howdy/);
    assert.equal(message.location?.uri.fsPath, testedStep.fsPath, "the message sits at the module");
  });

  await test("tests: Update Expectations rewrites the failed test, which then passes", async () => {
    const outcome = (await vscode.commands.executeCommand("wfv.updateTestExpectations", testItem)) as any;
    assert.equal(outcome?.passed, true, JSON.stringify(outcome?.failures));
    assert.match(readFileSync(testFile.fsPath, "utf8"), /Howdy/);
    await api.tests.runRequest(new vscode.TestRunRequest([api.tests.fileItem(testFile)!]));
    assert.equal(resultOf(testItem.id)?.state, "passed");
  });

  await test("pins: a pinned module does not run, the next run uses its pinned outputs, and its lens says pinned", async () => {
    await vscode.commands.executeCommand("wfv.pinOutput", testedWorkflow, "greeting", "greet", { result: { message: "Pinned hi" } });
    const pins = JSON.parse(readFileSync(join(ws.fsPath, "tested/.wfv/pins.json"), "utf8"));
    assert.deepEqual(pins, { pins: { "greeting/greet": { module_outputs: { result: { message: "Pinned hi" } } } } });
    await vscode.commands.executeCommand("wfv.resetDb", testedStep);
    const view = await runGreet();
    assert.deepEqual(view.outputs, { result: { message: "Pinned hi" } }, "the pinned outputs, not the template's");
    assert.deepEqual(view.pinned, ["greeting/greet"]);
    const lens = await until("pinned lens", async () => (await lenses(testedStep)).find((l) => /pinned/.test(l.title) && l.args[2] === "greet"));
    assert.match(lens.title, /pinned/);
    await until("the status lens says pinned", async () => (await lenses(testedStep)).find((l) => /completed · pinned/.test(l.title)));
    await vscode.commands.executeCommand("wfv.unpinOutput", testedWorkflow, "greeting", "greet");
    assert.deepEqual(JSON.parse(readFileSync(join(ws.fsPath, "tested/.wfv/pins.json"), "utf8")), { pins: {} });
  });

  const seedFile = vscode.Uri.joinPath(ws, "tested/demo.seed.json");
  await test("seeds: Save DB as Seed… writes readable JSON, and Reset DB offers and restores it", async () => {
    await runGreet();
    const written = await vscode.commands.executeCommand("wfv.saveDbAsSeed", seedFile, testedWorkflow);
    assert.ok(written);
    const text = readFileSync(seedFile.fsPath, "utf8");
    assert.match(text, /^\{\n {2}"/, "indented JSON, not a blob");
    const seed = JSON.parse(text);
    assert.ok(Array.isArray(seed.events) && seed.events.length > 0, "the events are there");
    assert.match(text, /"\$date"/, "dates as {\"$date\"}");
    assert.deepEqual(api.seedsFor(testedWorkflow.fsPath), [seedFile.fsPath]);
    await vscode.commands.executeCommand("wfv.resetDb", testedStep, seedFile.fsPath);
    const stored = (await api.controller.store.get("tested/workflow.json")).virtualDb;
    assert.ok(stored.trim().startsWith("{"), "the seed is the DB now");
    await vscode.commands.executeCommand("wfv.resetDb", testedStep);
    assert.equal((await api.controller.store.get("tested/workflow.json")).virtualDb, "");
  });

  await test("limits: a run over wfv.limits.runSeconds answers limit_exceeded in the panel; the next run completes on the DB as before", async () => {
    const limits = () => vscode.workspace.getConfiguration("wfv.limits");
    const limitsFile = vscode.Uri.joinPath(ws, "limits/workflow.json");
    await limits().update("runSeconds", 2, vscode.ConfigurationTarget.Global);
    try {
      await until("runSeconds = 2", () => (limits().get("runSeconds") === 2 ? true : undefined));
      await open(ws, "limits/workflow.json");
      const asked = (await vscode.commands.executeCommand("wfv.runModuleVirtually", limitsFile, "budget", "ask_name")) as any;
      assert.equal(asked.status, "awaiting_input", JSON.stringify(asked.error));
      const named = await api.controller.submit(asked.runId, { value: "Otters" });
      assert.equal(named?.status, "completed", JSON.stringify(named?.error));
      // A template that sorts 900,000 numbers forty times (within every cap): the worker is killed after 2 s.
      const stuck = (await vscode.commands.executeCommand("wfv.runModuleVirtually", limitsFile, "budget", "stuck")) as any;
      assert.equal(stuck.status, "error");
      assert.equal(stuck.error?.error_type, "limit_exceeded", JSON.stringify(stuck.error));
      assert.equal(stuck.error?.details?.limit, "time");
      assert.equal(stuck.error?.details?.module_name, "stuck");
      assert.equal(api.panels.lastView(limitsFile.fsPath)?.error?.error_type, "limit_exceeded", "the panel shows it");
      // The next run starts a fresh worker on the DB as it was (the journal replayed): the earlier answer is still in the state.
      const greet = (await vscode.commands.executeCommand("wfv.runModuleVirtually", limitsFile, "budget", "greet")) as any;
      assert.equal(greet.status, "awaiting_input", JSON.stringify(greet.error));
      const done = await api.controller.submit(greet.runId, { value: "hi" });
      assert.equal(done?.status, "completed", JSON.stringify(done?.error));
      assert.equal((done?.state as any)?.name, "Otters", `the earlier answer is in the state: ${JSON.stringify(done?.state)}`);
      assert.equal((done?.state as any)?.greeting, "hi");
      assert.ok(api.panels.has(limitsFile.fsPath), "the panel is still there");
      assert.equal(api.panels.lastView(limitsFile.fsPath)?.status, "completed");
    } finally {
      await limits().update("runSeconds", undefined, vscode.ConfigurationTarget.Global);
    }
  });

}
