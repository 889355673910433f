/**
 * A real LSP client for protocol tests: spawns the built `node dist/cli.js lsp --stdio` and talks
 * JSON-RPC over its stdio. Waits on notifications (never on timers): `waitForDiagnostics` resolves as
 * soon as the latest diagnostics pushed for a file satisfy a predicate.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { pathToFileURL } from "node:url";
import {
  CodeActionRequest,
  CompletionRequest,
  ConfigurationRequest,
  DidChangeConfigurationNotification,
  createMessageConnection,
  DefinitionRequest,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  FileChangeType,
  HoverRequest,
  InlayHintRefreshRequest,
  InlayHintRequest,
  ReferencesRequest,
  RegistrationRequest,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type CodeAction,
  type CompletionItem,
  type CompletionList,
  type Definition,
  type Diagnostic,
  type Hover,
  type InlayHint,
  type Location,
  type LocationLink,
  type MessageConnection,
  type Position,
} from "vscode-languageserver-protocol/node";
import { StateKeysRequest, VirtualStateNotification, type StateKeyInfo } from "../../src/shared/lsp";
import { cliPath } from "../helpers/paths";

export function uriOf(path: string): string {
  return pathToFileURL(path).href;
}

/** The position of `needle` (+ `delta` characters) in `text`; the needle must be unique unless `nth` is given. */
export function positionOf(text: string, needle: string, delta = 0, nth = 0): Position {
  let index = -1;
  for (let i = 0; i <= nth; i++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`'${needle}' not found (occurrence ${i})`);
  }
  const offset = index + delta;
  const before = text.slice(0, offset);
  const line = before.split("\n").length - 1;
  return { line, character: offset - (before.lastIndexOf("\n") + 1) };
}

/** The text a diagnostic's range covers in `text`. */
export function rangeText(text: string, diagnostic: { range: { start: Position; end: Position } }): string {
  const lines = text.split("\n");
  const offset = (p: Position) => lines.slice(0, p.line).reduce((sum, line) => sum + line.length + 1, 0) + p.character;
  return text.slice(offset(diagnostic.range.start), offset(diagnostic.range.end));
}

interface Waiter {
  uri: string;
  predicate: (diagnostics: Diagnostic[]) => boolean;
  resolve: (diagnostics: Diagnostic[]) => void;
}

/** What the test client declares beyond the basics (as VS Code's client does). */
export interface ClientOptions {
  /** Answer `workspace/configuration` with this (per section); declares the capability. */
  settings?: Record<string, unknown>;
  /** Declare `workspace.inlayHint.refreshSupport` and count the server's refresh requests. */
  inlayRefresh?: boolean;
}

export class LspTestClient {
  readonly diagnostics = new Map<string, Diagnostic[]>();
  /** How many `workspace/inlayHint/refresh` requests the server sent. */
  inlayRefreshes = 0;
  private readonly refreshWaiters: Array<{ count: number; resolve: () => void }> = [];
  private readonly waiters: Waiter[] = [];
  private readonly versions = new Map<string, number>();
  readonly texts = new Map<string, string>();
  stderr = "";

  private constructor(
    private readonly child: ChildProcess,
    private readonly connection: MessageConnection,
  ) {
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.diagnostics.set(params.uri, params.diagnostics);
      for (const waiter of [...this.waiters]) {
        if (waiter.uri === params.uri && waiter.predicate(params.diagnostics)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(params.diagnostics);
        }
      }
    });
  }

  /** Starts the server with `rootDir` as the workspace folder (null: no folder, a single file). */
  static async start(rootDir: string | null, options: ClientOptions = {}): Promise<LspTestClient> {
    const child = spawn(process.execPath, [cliPath, "lsp", "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new LspTestClient(child, connection);
    child.stderr!.on("data", (chunk: Buffer) => (client.stderr += chunk.toString()));
    const settings = options.settings;
    if (settings) {
      connection.onRequest(ConfigurationRequest.type, (params) => params.items.map((item) => (item.section === undefined ? settings : (settings[item.section] ?? null))));
      connection.onRequest(RegistrationRequest.type, () => undefined);
    }
    connection.onRequest(InlayHintRefreshRequest.type, () => {
      client.inlayRefreshes++;
      for (const waiter of [...client.refreshWaiters]) {
        if (client.inlayRefreshes < waiter.count) continue;
        client.refreshWaiters.splice(client.refreshWaiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    });
    connection.listen();
    await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: rootDir === null ? null : uriOf(rootDir),
      workspaceFolders: rootDir === null ? null : [{ uri: uriOf(rootDir), name: "ws" }],
      capabilities: {
        textDocument: { completion: { completionItem: { snippetSupport: true } } },
        workspace: {
          ...(settings ? { configuration: true, didChangeConfiguration: { dynamicRegistration: true } } : {}),
          ...(options.inlayRefresh ? { inlayHint: { refreshSupport: true } } : {}),
        },
      },
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  /** Opens a file with its disk content, or with `text`. */
  async open(path: string, text?: string): Promise<string> {
    const content = text ?? readFileSync(path, "utf8");
    const uri = uriOf(path);
    this.versions.set(uri, 1);
    this.texts.set(uri, content);
    const languageId = extname(path) === ".json" ? "json" : "plaintext";
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text: content } });
    return content;
  }

  /** Replaces a document's whole text (a full-content change). */
  async change(path: string, text: string): Promise<void> {
    const uri = uriOf(path);
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    this.texts.set(uri, text);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  async filesChanged(paths: string[], type: FileChangeType = FileChangeType.Changed): Promise<void> {
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: paths.map((path) => ({ uri: uriOf(path), type })) });
  }

  /** Resolves with the diagnostics of `path` as soon as the latest ones pushed satisfy `predicate`. */
  waitForDiagnostics(path: string, predicate: (diagnostics: Diagnostic[]) => boolean = () => true): Promise<Diagnostic[]> {
    const uri = uriOf(path);
    const current = this.diagnostics.get(uri);
    if (current && predicate(current)) return Promise.resolve(current);
    return new Promise((resolve) => this.waiters.push({ uri, predicate, resolve }));
  }

  async completion(path: string, position: Position): Promise<CompletionItem[]> {
    const result = (await this.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: uriOf(path) }, position })) as
      | CompletionItem[]
      | CompletionList
      | null;
    if (!result) return [];
    return Array.isArray(result) ? result : result.items;
  }

  async hover(path: string, position: Position): Promise<Hover | null> {
    return this.connection.sendRequest(HoverRequest.type, { textDocument: { uri: uriOf(path) }, position });
  }

  async definition(path: string, position: Position): Promise<Location[]> {
    const result = (await this.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri: uriOf(path) }, position })) as
      | Definition
      | LocationLink[]
      | null;
    if (!result) return [];
    const list = Array.isArray(result) ? result : [result];
    return list.map((item) => ("targetUri" in item ? { uri: item.targetUri, range: item.targetSelectionRange } : item));
  }

  async references(path: string, position: Position, includeDeclaration = true): Promise<Location[]> {
    return (await this.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri: uriOf(path) }, position, context: { includeDeclaration } })) ?? [];
  }

  async codeActions(path: string, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
    const range = diagnostics[0]!.range;
    const result = await this.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: uriOf(path) }, range, context: { diagnostics } });
    return (result ?? []).filter((item): item is CodeAction => "title" in item && !("command" in item && typeof item.command === "string"));
  }

  async inlayHints(path: string, range = { start: { line: 0, character: 0 }, end: { line: 1_000_000, character: 0 } }): Promise<InlayHint[]> {
    return (await this.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri: uriOf(path) }, range })) ?? [];
  }

  /** Resolves once the server has asked for `count` inlay-hint refreshes in all. */
  waitForInlayRefresh(count: number): Promise<void> {
    if (this.inlayRefreshes >= count) return Promise.resolve();
    return new Promise((resolve) => this.refreshWaiters.push({ count, resolve }));
  }

  /** Tells the server its settings changed (pull model: it asks again through `workspace/configuration`). */
  async configurationChanged(): Promise<void> {
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }

  async setVirtualState(workflowPath: string, state: Record<string, unknown> | null, label?: string): Promise<void> {
    await this.connection.sendNotification(VirtualStateNotification.type, { workflowUri: uriOf(workflowPath), state, label });
  }

  async stateKeys(path: string, position?: Position): Promise<StateKeyInfo[]> {
    return this.connection.sendRequest(StateKeysRequest.type, { uri: uriOf(path), position });
  }

  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.child.once("exit", (code) => resolve(code)));
    try {
      await this.connection.sendRequest(ShutdownRequest.type);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      this.child.kill();
    }
    const code = await exited;
    this.connection.dispose();
    return code;
  }
}
