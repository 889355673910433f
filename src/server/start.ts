/**
 * The workflow language server on a connection: document sync, pushed diagnostics for every file of
 * the workflows that open documents belong to, completion, hover, definition, quick fixes, and the
 * custom messages of `shared/lsp.ts`. Never imports `vscode`.
 */
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type Diagnostic,
  type InitializeResult,
} from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";
import { StateKeysRequest, VirtualStateNotification, type StateKeyInfo, type WfvInitializationOptions } from "../shared/lsp";
import { availableKeys, type FileDiagnostic, type WorkflowAnalysis } from "./analysis/workflow";
import { codeActions, completions, definition, hover, references } from "./features/features";
import { inlayHints } from "./features/inlay-hints";
import { offsetAt, rangeOf } from "./features/positions";
import { Session, uriToPath } from "./session";

/** How long edits are collected before diagnostics are recomputed and pushed (unless the client says). */
const DIAGNOSTICS_DELAY_MS = 40;

export function startServer(connection: Connection, session = new Session()): void {
  const documents = new TextDocuments(TextDocument);
  const published = new Map<string, { uri: string; key: string }>(); // file → where and what was last sent
  let timer: NodeJS.Timeout | undefined;
  let watchedFilesDynamic = false;
  let delayMs = DIAGNOSTICS_DELAY_MS;
  let configurationPull = false;
  let configurationDynamic = false;
  let inlayRefreshSupport = false;
  /** `wfv.inlayHints.enabled`, asked once per configuration change (default true). */
  let hintsEnabled: Promise<boolean> | undefined;

  const guard = <T>(what: string, fallback: T, fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      connection.console.error(`wfv: ${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return fallback;
    }
  };

  connection.onInitialize((params): InitializeResult => {
    const folders = params.workspaceFolders?.map((folder) => folder.uri) ?? (params.rootUri ? [params.rootUri] : []);
    session.folders = folders.map(uriToPath).filter((path): path is string => path !== undefined);
    watchedFilesDynamic = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    configurationPull = params.capabilities.workspace?.configuration === true;
    configurationDynamic = params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    inlayRefreshSupport = params.capabilities.workspace?.inlayHint?.refreshSupport === true;
    const options = (params.initializationOptions ?? {}) as WfvInitializationOptions;
    if (typeof options.diagnosticsDelayMs === "number" && options.diagnosticsDelayMs >= 0) delayMs = options.diagnosticsDelayMs;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: ['"', ".", "|", "/", " "], resolveProvider: false },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        inlayHintProvider: true,
        workspace: { workspaceFolders: { supported: true, changeNotifications: false } },
      },
      serverInfo: { name: "wfv-language-server" },
    };
  });

  connection.onInitialized(() => {
    if (watchedFilesDynamic) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: "**/*" }] });
    }
    if (configurationPull && configurationDynamic) void connection.client.register(DidChangeConfigurationNotification.type, { section: "wfv" });
  });

  const inlayHintsEnabled = (): Promise<boolean> => {
    if (!configurationPull) return Promise.resolve(true);
    hintsEnabled ??= connection.workspace.getConfiguration("wfv.inlayHints").then(
      (settings: { enabled?: unknown } | null) => settings?.enabled !== false,
      () => true,
    );
    return hintsEnabled;
  };
  /** Asks the client to re-request inlay hints (new live state, a changed setting). */
  const refreshInlayHints = () => {
    if (inlayRefreshSupport) void connection.languages.inlayHint.refresh().catch(() => undefined);
  };
  connection.onDidChangeConfiguration(() => {
    hintsEnabled = undefined;
    refreshInlayHints();
  });

  const refresh = () => {
    timer = undefined;
    guard("diagnostics", undefined, () => publish());
  };
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(refresh, delayMs);
  };

  const publish = () => {
    const current = session.diagnostics();
    const next = new Map<string, { uri: string; diagnostics: Diagnostic[]; key: string }>();
    for (const [file, { analysis, diagnostics }] of current) {
      const lsp = diagnostics.map((diagnostic) => toLsp(diagnostic, analysis));
      next.set(file, { uri: session.uriOf(file), diagnostics: lsp, key: JSON.stringify(lsp) });
    }
    // Clear first (files no longer analysed, or now known under another URI spelling), then send.
    for (const [file, sent] of [...published]) {
      if (next.get(file)?.uri === sent.uri) continue;
      published.delete(file);
      void connection.sendDiagnostics({ uri: sent.uri, diagnostics: [] });
    }
    for (const [file, { uri, diagnostics, key }] of next) {
      if (published.get(file)?.key === key) continue;
      published.set(file, { uri, key });
      void connection.sendDiagnostics({ uri, diagnostics });
    }
  };

  const textOf = (file: string, analysis: WorkflowAnalysis) => analysis.texts.get(file) ?? session.source.read(file) ?? "";
  const toLsp = (diagnostic: FileDiagnostic, analysis: WorkflowAnalysis): Diagnostic => ({
    range: rangeOf(diagnostic.file, textOf(diagnostic.file, analysis), diagnostic.start, diagnostic.end),
    severity: diagnostic.severity,
    code: diagnostic.code,
    source: "wfv",
    message: diagnostic.message,
    ...(diagnostic.related
      ? {
          relatedInformation: diagnostic.related.map((related) => ({
            location: { uri: session.uriOf(related.file), range: rangeOf(related.file, textOf(related.file, analysis), related.start, related.end) },
            message: related.message,
          })),
        }
      : {}),
    ...(diagnostic.data !== undefined ? { data: diagnostic.data } : {}),
  });

  documents.onDidChangeContent((event) => {
    session.openDocument(event.document.uri, event.document.getText(), event.document.version);
    schedule();
  });
  documents.onDidClose((event) => {
    session.closeDocument(event.document.uri);
    schedule();
  });

  connection.onDidChangeWatchedFiles((params) => {
    const paths: string[] = [];
    let structural = false;
    for (const change of params.changes) {
      const path = uriToPath(change.uri);
      if (path) paths.push(path);
      if (change.type !== FileChangeType.Changed) structural = true;
    }
    session.filesChanged(paths, structural || paths.some((path) => path.endsWith(".json")));
    schedule();
  });

  const offsetIn = (uri: string, position: { line: number; character: number }) => {
    const path = uriToPath(uri);
    if (!path) return undefined;
    const text = session.source.read(path);
    return text === undefined ? undefined : { path, offset: offsetAt(path, text, position) };
  };

  connection.onCompletion((params) =>
    guard("completion", [], () => {
      const at = offsetIn(params.textDocument.uri, params.position);
      return at ? completions(session, at.path, at.offset) : [];
    }),
  );
  connection.onHover((params) =>
    guard("hover", null, () => {
      const at = offsetIn(params.textDocument.uri, params.position);
      return at ? hover(session, at.path, at.offset) : null;
    }),
  );
  connection.onDefinition((params) =>
    guard("definition", [], () => {
      const at = offsetIn(params.textDocument.uri, params.position);
      return at ? definition(session, at.path, at.offset) : [];
    }),
  );
  connection.onReferences((params) =>
    guard("references", [], () => {
      const at = offsetIn(params.textDocument.uri, params.position);
      return at ? references(session, at.path, at.offset, params.context.includeDeclaration) : [];
    }),
  );
  connection.onCodeAction((params) => guard("code actions", [], () => codeActions(session, params.textDocument.uri, params.context.diagnostics)));

  connection.languages.inlayHint.on(async (params) => {
    if (!(await inlayHintsEnabled())) return [];
    return guard("inlay hints", [], () => {
      const path = uriToPath(params.textDocument.uri);
      const text = path === undefined ? undefined : session.source.read(path);
      if (path === undefined || text === undefined) return [];
      const analysis = session.analysisOf(path);
      const live = analysis && session.virtualStateFor(path, analysis);
      if (!analysis || !live) return [];
      const range = { start: offsetAt(path, text, params.range.start), end: offsetAt(path, text, params.range.end) };
      return inlayHints(analysis, path, text, live, range);
    });
  });

  connection.onNotification(VirtualStateNotification.type, (params) => {
    session.setVirtualState(params.workflowUri, params.state, params.label);
    refreshInlayHints();
  });

  connection.onRequest(StateKeysRequest.type, (params) =>
    guard("state keys", [] as StateKeyInfo[], () => {
      const path = uriToPath(params.uri);
      const analysis = path ? session.analysisOf(path) : undefined;
      if (!path || !analysis) return [];
      let user;
      if (params.position) {
        const at = offsetIn(params.uri, params.position);
        user = analysis.modules.filter((m) => m.file === path && at && m.node.offset <= at.offset && at.offset <= m.node.offset + m.node.length).pop();
      }
      const keys = params.position ? availableKeys(analysis, user) : [...analysis.producers.entries()].map(([key, list]) => ({ key, producer: list[0]! }));
      return keys.map(({ key, producer }) => ({
        key,
        module: producer.module.name ?? producer.module.moduleId ?? "",
        stepId: producer.module.step.stepId ?? "",
        via: producer.via,
      }));
    }),
  );

  documents.listen(connection);
  connection.listen();
}
