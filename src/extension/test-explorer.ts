/**
 * Workflow tests in VS Code's Test Explorer (tracker issue 13.2, 13.5): every `*.wfvtest.json` in the
 * workspace is a test item with one child per expected module, located at the module in the workflow's
 * files; the tree follows the files. Run replays a test in a DB of its own (dist/testing.js, as
 * `wfv test` does: never a workflow's live DB) and reports per module; a module that differs fails
 * with a `TestMessage` holding the expected and actual JSON, so the diff view opens on it. "Update
 * Expectations" rewrites a failed test from its replay. A module's result goes stale (not failed) when
 * the module, its templates or anything before it changes, as the status lenses do.
 */
import { readFile, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import * as vscode from "vscode";
import { readText } from "./documents";
import { logAt } from "./log";
import { offsetOfPath } from "./outline";
import { linkFor, modulePath } from "./source-links";
import type { TestingCore, TestReplayOutcome } from "./testing-api";
import { positionOf, readTestShape, staleModules, type TestFileShape } from "./test-model";
import type { WorkflowIndex } from "./workflow-index";

export const TEST_CONTROLLER_ID = "wfv.tests";
const TEST_GLOB = "**/*.wfvtest.json";

/** What a test item last showed, for the in-host tests and the stale check. */
export interface ItemResult {
  state: "passed" | "failed" | "errored" | "stale";
  messages: vscode.TestMessage[];
}

export class WorkflowTests implements vscode.Disposable {
  readonly controller: vscode.TestController;
  private readonly disposables: vscode.Disposable[] = [];
  /** Per test file item: the workflow and each expected module's fingerprint when it last ran. */
  private readonly ranWith = new Map<string, { workflowFile: string; fingerprints: Map<string, string> }>();
  readonly results = new Map<string, ItemResult>();
  private discovered: Promise<void> | undefined;

  constructor(
    private readonly index: WorkflowIndex,
    private readonly ensureIndexed: () => Promise<void>,
    private readonly core: () => TestingCore,
  ) {
    this.controller = vscode.tests.createTestController(TEST_CONTROLLER_ID, "Workflow tests");
    this.controller.resolveHandler = async (item) => {
      if (!item) await this.discover();
    };
    this.controller.refreshHandler = async () => {
      this.discovered = undefined;
      await this.discover();
    };
    this.controller.createRunProfile("Run", vscode.TestRunProfileKind.Run, (request, token) => this.runRequest(request, token), true);
    const watcher = vscode.workspace.createFileSystemWatcher(TEST_GLOB);
    this.disposables.push(
      this.controller,
      watcher,
      watcher.onDidCreate((uri) => this.refreshFile(uri)),
      watcher.onDidChange((uri) => this.refreshFile(uri)),
      watcher.onDidDelete((uri) => this.removeFile(uri)),
      vscode.workspace.onDidSaveTextDocument((document) => {
        if (document.uri.scheme === "file" && document.uri.fsPath.endsWith(".wfvtest.json")) this.refreshFile(document.uri);
      }),
    );
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }

  /** Finds every test file of the workspace (once; the watcher keeps the tree current after). */
  discover(): Promise<void> {
    this.discovered ??= (async () => {
      const uris = await vscode.workspace.findFiles(TEST_GLOB, "{**/node_modules/**,**/.git/**}", 5000);
      await this.ensureIndexed();
      for (const uri of uris) this.refreshFile(uri);
    })();
    return this.discovered;
  }

  /** The item of a test file (after discovery), or undefined. */
  fileItem(uri: vscode.Uri): vscode.TestItem | undefined {
    return this.controller.items.get(uri.toString());
  }

  /** (Re)reads one test file into the tree: the file's item and one child per expected module. */
  refreshFile(uri: vscode.Uri): vscode.TestItem | undefined {
    const text = readText(uri.fsPath);
    if (text === undefined) {
      this.removeFile(uri);
      return undefined;
    }
    const id = uri.toString();
    const item = this.controller.items.get(id) ?? this.controller.createTestItem(id, basename(uri.fsPath), uri);
    let shape: TestFileShape;
    try {
      shape = readTestShape(uri.fsPath, text);
    } catch (error) {
      item.error = (error as Error).message;
      item.children.replace([]);
      this.controller.items.add(item);
      return item;
    }
    item.error = undefined;
    item.label = shape.name ?? basename(uri.fsPath, ".wfvtest.json");
    item.description = `${shape.target.step_id}/${shape.target.module_name}`;
    item.range = new vscode.Range(0, 0, 0, 0);
    item.children.replace(
      shape.modules.map((key) => {
        // A module's item sits at the module in its step file: "Go to Test" and a failure's message land there.
        const place = this.moduleLocation(shape.workflowFile, key);
        const child = this.controller.createTestItem(`${id}#${key}`, key, place?.uri);
        if (place) child.range = place.range;
        return child;
      }),
    );
    this.controller.items.add(item);
    return item;
  }

  private removeFile(uri: vscode.Uri): void {
    this.controller.items.delete(uri.toString());
    this.ranWith.delete(uri.toString());
  }

  /** Where a module (`step/module`) of a workflow is written: its step file and the module's line. */
  private moduleLocation(workflowFile: string, key: string): vscode.Location | undefined {
    if (!this.index.catalog.has(workflowFile)) this.index.indexFile(workflowFile, false);
    const resolved = this.index.resolve(workflowFile);
    if (!resolved.ok) return undefined;
    const slash = key.indexOf("/");
    const path = modulePath(resolved.source.workflow, key.slice(0, slash), key.slice(slash + 1));
    if (!path) return undefined;
    const link = linkFor(resolved, path, (absolute) => absolute);
    const text = readText(link.file);
    if (text === undefined) return undefined;
    const at = offsetOfPath(text, link.path);
    const start = positionOf(text, at?.offset ?? 0);
    const position = new vscode.Position(start.line, start.character);
    return new vscode.Location(vscode.Uri.file(link.file), new vscode.Range(position, position));
  }

  /** Runs the test files the request names (a module's item runs its file), reporting per module. */
  async runRequest(request: vscode.TestRunRequest, token?: vscode.CancellationToken): Promise<void> {
    await this.discover();
    const files = new Map<string, vscode.TestItem>();
    const wanted = request.include ?? [...iterate(this.controller.items)];
    for (const item of wanted) {
      const file = item.parent ?? item;
      files.set(file.id, file);
    }
    for (const item of request.exclude ?? []) if (!item.parent) files.delete(item.id);
    const run = this.controller.createTestRun(request, "Workflow tests", true);
    try {
      for (const item of files.values()) {
        if (token?.isCancellationRequested) {
          run.skipped(item);
          continue;
        }
        run.started(item);
        item.children.forEach((child) => run.started(child));
        const started = Date.now();
        const outcome = await this.replay(item, false);
        this.report(run, item, outcome, Date.now() - started);
      }
    } finally {
      run.end();
    }
  }

  /**
   * "Update Expectations" on a failed test (or one of its modules): the expectations rewritten from its
   * replay (only when the replay got through as the test describes), then reported as a run.
   */
  async updateExpectations(item: vscode.TestItem): Promise<TestReplayOutcome> {
    const file = item.parent ?? item;
    const started = Date.now();
    const outcome = await this.replay(file, true);
    if (typeof outcome.updated_text === "string" && file.uri) {
      await writeFile(file.uri.fsPath, outcome.updated_text, "utf8");
      this.refreshFile(file.uri);
      void vscode.window.showInformationMessage(`wfv: updated the expectations of ${vscode.workspace.asRelativePath(file.uri, false)}.`);
    } else if (outcome.update_refused) {
      void vscode.window.showErrorMessage(`wfv: cannot update ${file.label}: ${outcome.update_refused}`);
    }
    const run = this.controller.createTestRun(new vscode.TestRunRequest([file]), "Update Expectations", false);
    try {
      this.report(run, this.fileItem(file.uri!) ?? file, outcome, Date.now() - started);
    } finally {
      run.end();
    }
    return outcome;
  }

  /** Replays a test file as it is now (the editor's text over the disk), with its workflow as the editor has it. */
  private async replay(item: vscode.TestItem, update: boolean): Promise<TestReplayOutcome> {
    const uri = item.uri!;
    const text = readText(uri.fsPath) ?? "";
    let shape: TestFileShape;
    try {
      shape = readTestShape(uri.fsPath, text);
    } catch (error) {
      return crashed(`${basename(uri.fsPath)} is ${(error as Error).message}`);
    }
    await this.ensureIndexed();
    if (!this.index.catalog.has(shape.workflowFile)) this.index.indexFile(shape.workflowFile, false);
    const resolved = this.index.resolveForRun(shape.workflowFile);
    let seed: string | null = null;
    try {
      if (shape.seed && "file" in shape.seed) seed = await readFile(shape.seed.file, "utf8");
      else if (shape.seed) seed = JSON.stringify(shape.seed.inline);
    } catch (error) {
      return crashed(`the test's seed cannot be read: ${(error as Error).message}`);
    }
    let outcome: TestReplayOutcome;
    try {
      outcome = await this.core().replayTest({
        text,
        file: vscode.workspace.asRelativePath(uri, false),
        workflow: resolved.ok ? resolved.source.workflow : null,
        workflow_problem: resolved.ok ? undefined : `the test's workflow cannot run: ${resolved.message}`,
        seed,
        update,
      });
    } catch (error) {
      logAt("error", `replaying ${uri.fsPath} failed: ${(error as Error)?.stack ?? error}`);
      return crashed(`the replay failed: ${(error as Error)?.message ?? error}`);
    }
    if (resolved.ok) {
      const fingerprints = new Map<string, string>();
      for (const key of shape.modules) {
        const fingerprint = resolved.fingerprints.get(key);
        if (fingerprint !== undefined) fingerprints.set(key, fingerprint);
      }
      this.ranWith.set(item.id, { workflowFile: shape.workflowFile, fingerprints });
    }
    return outcome;
  }

  private report(run: vscode.TestRun, item: vscode.TestItem, outcome: TestReplayOutcome, duration: number): void {
    const general = outcome.failures.filter((failure) => failure.key === undefined || !item.children.get(`${item.id}#${failure.key}`));
    for (const result of outcome.modules) {
      const child = item.children.get(`${item.id}#${result.key}`);
      if (!child) continue;
      if (result.passed) {
        run.passed(child);
        this.results.set(child.id, { state: "passed", messages: [] });
        continue;
      }
      const expected = outcome.expected[result.key];
      const actual = outcome.actual[result.key];
      const text = result.failures.map((failure) => failure.message).join("\n") || general.map((failure) => failure.message).join("\n") || `${result.key} failed`;
      const message = expected !== undefined && actual !== undefined && result.failures.length > 0 ? vscode.TestMessage.diff(text, expected, actual) : new vscode.TestMessage(text);
      if (child.uri && child.range) message.location = new vscode.Location(child.uri, child.range);
      run.failed(child, message, duration);
      this.results.set(child.id, { state: "failed", messages: [message] });
    }
    if (outcome.passed) {
      run.passed(item, duration);
      this.results.set(item.id, { state: "passed", messages: [] });
      return;
    }
    const messages = (general.length > 0 ? general : outcome.failures).map((failure) => {
      const message = new vscode.TestMessage(failure.message);
      if (item.uri) message.location = new vscode.Location(item.uri, new vscode.Position(0, 0));
      return message;
    });
    const crashedRun = outcome.failures.some((failure) => failure.kind === "crash");
    if (crashedRun) run.errored(item, messages, duration);
    else run.failed(item, messages, duration);
    this.results.set(item.id, { state: crashedRun ? "errored" : "failed", messages });
  }

  /**
   * The workflows changed: a test module whose fingerprint moved since it ran is stale (VS Code shows
   * its result as outdated, not failed) until it runs again.
   */
  markStale(): void {
    for (const [id, ran] of this.ranWith) {
      const item = this.controller.items.get(id);
      if (!item) continue;
      const resolved = this.index.resolve(ran.workflowFile);
      const modules = [...ran.fingerprints.keys()];
      const stale = staleModules(modules, ran.fingerprints, resolved.ok ? resolved.fingerprints : undefined);
      if (stale.length === 0) continue;
      const children = stale.map((key) => item.children.get(`${id}#${key}`)).filter((child): child is vscode.TestItem => child !== undefined);
      this.controller.invalidateTestResults([item, ...children]);
      for (const child of children) this.results.set(child.id, { state: "stale", messages: [] });
      this.results.set(id, { state: "stale", messages: [] });
      this.ranWith.delete(id);
    }
  }
}

function crashed(message: string): TestReplayOutcome {
  return { target: null, passed: false, failures: [{ kind: "crash", message }], modules: [], expected: {}, actual: {} };
}

function* iterate(collection: vscode.TestItemCollection): Iterable<vscode.TestItem> {
  const items: vscode.TestItem[] = [];
  collection.forEach((item) => items.push(item));
  yield* items;
}
