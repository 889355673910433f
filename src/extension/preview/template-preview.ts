/**
 * "Virtual: Preview Rendered Template" (issue 15.1): a `$ref`'d prompt file, or the template string under
 * the cursor in a module input, rendered in a side webview with the context that module would get from
 * the workflow's live DB, by the engine's worker (read-only). It re-renders on every change of the
 * template's document or of any file the workflow reads (unsaved text), lightly debounced and one
 * render at a time, so typing never waits for it; a failed render keeps the last good text, dimmed.
 */
import { dirname, relative, sep } from "node:path";
import * as vscode from "vscode";
import type { ContextChoice, PreviewHostMessage, Rendered } from "../../shared/preview-protocol";
import { logAt } from "../log";
import { relativePath } from "../workspace-paths";
import { inputsUsingFile, stringAt, templateStringAt, type ModuleInputRef } from "./locate";
import type { PreviewAnswer } from "./ops";
import type { PreviewDeps } from "./deps";
import { PreviewPanel } from "./preview-panel";

export const PREVIEW_VIEW_TYPE = "wfv.templatePreview";

/** What is previewed: a template in a document, and the module input it feeds. */
export interface TemplateSubject {
  workflowFile: string;
  document: vscode.Uri;
  target: ModuleInputRef;
  /** A template string in a JSON file (its path there), or undefined: the whole document is the template. */
  localPath?: (string | number)[];
}

/** The whole DB's state; the other choices are the last run's module boundaries (event ids). */
const CURRENT_DB: ContextChoice = { id: "db", label: "current DB" };
const DEBOUNCE_MS = 8;

export class TemplatePreview implements vscode.Disposable {
  readonly panel: PreviewPanel;
  private subject: TemplateSubject | undefined;
  private lastGood: PreviewAnswer | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private rendering = false;
  private again = false;
  /** A file the workflow reads changed (not the template itself): resolve it afresh before the next render. */
  private reresolve = false;
  /** The context picker: its choices (asked again after each DB change) and the one chosen. */
  private contexts: ContextChoice[] = [CURRENT_DB];
  private context = CURRENT_DB.id;
  private boundariesStale = true;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    extensionUri: vscode.Uri,
    private readonly deps: PreviewDeps,
  ) {
    this.panel = new PreviewPanel(extensionUri, PREVIEW_VIEW_TYPE);
    this.panel.onClose = () => {
      this.subject = undefined;
      this.lastGood = undefined;
    };
    this.panel.onContext = (context) => {
      if (!this.contexts.some((choice) => choice.id === context)) return;
      this.context = context;
      this.lastGood = undefined;
      this.schedule();
    };
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (this.subject && event.contentChanges.length > 0) this.changed(event.document);
      }),
      deps.onDbChanged(() => {
        this.boundariesStale = true;
        if (this.subject) this.schedule();
      }),
    );
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.subscriptions.forEach((d) => d.dispose());
    this.panel.dispose();
  }

  /** The command: previews what `uri` (default: the active editor) holds at its cursor. Answers the subject, or undefined with a message. */
  async open(uri?: vscode.Uri): Promise<TemplateSubject | undefined> {
    const editor = vscode.window.activeTextEditor;
    const document = uri && editor?.document.uri.toString() !== uri.toString() ? await vscode.workspace.openTextDocument(uri) : editor?.document;
    if (!document) {
      void vscode.window.showInformationMessage("wfv: open a prompt file or a workflow/step file to preview a template.");
      return undefined;
    }
    await this.deps.indexed();
    const offset = editor && editor.document === document ? document.offsetAt(editor.selection.active) : 0;
    const found = this.subjectFor(document, offset);
    if (typeof found === "string") {
      void vscode.window.showInformationMessage(`wfv: ${found}`);
      return undefined;
    }
    this.subject = found;
    this.lastGood = undefined;
    this.boundariesStale = true;
    this.panel.open(`Preview: ${found.target.moduleName}.${found.target.input}`);
    await this.render();
    return found;
  }

  /** The module input the document (at `offset`) is a template of, or why there is none. */
  subjectFor(document: vscode.TextDocument, offset: number): TemplateSubject | string {
    const file = document.uri.fsPath;
    if (/\.json$/i.test(file)) {
      const workflowFile = this.deps.index.workflowFor(file);
      if (!workflowFile) return "this JSON file is not part of a workflow.";
      const resolved = this.deps.index.resolve(workflowFile);
      if (!resolved.ok) return `the workflow does not resolve: ${resolved.message}`;
      const at = templateStringAt(resolved.source, rootRelative(workflowFile, file), document.getText(), offset);
      if (!at) return "put the cursor inside a template string of a module's input.";
      return { workflowFile, document: document.uri, target: at.target, localPath: at.localPath };
    }
    for (const workflowFile of this.deps.index.catalog.workflows()) {
      const resolved = this.deps.index.resolve(workflowFile);
      if (!resolved.ok) continue;
      const [target] = inputsUsingFile(resolved.source, rootRelative(workflowFile, file));
      if (target) return { workflowFile, document: document.uri, target };
    }
    return `no module input uses ${vscode.workspace.asRelativePath(document.uri, false)} as a Jinja2 template ($ref with "type": "jinja2").`;
  }

  /** Whether a prompt file is a template some workflow's module renders (the editor title button). */
  isTemplateFile(file: string): boolean {
    return this.deps.index.catalog.workflows().some((workflowFile) => {
      const resolved = this.deps.index.resolve(workflowFile);
      return resolved.ok && inputsUsingFile(resolved.source, rootRelative(workflowFile, file)).length > 0;
    });
  }

  private changed(document: vscode.TextDocument): void {
    const subject = this.subject;
    if (!subject) return;
    this.panel.changedAt = performance.now();
    if (document.uri.toString() === subject.document.toString()) return this.schedule();
    const resolved = this.deps.index.resolve(subject.workflowFile);
    const root = dirname(subject.workflowFile);
    if (resolved.ok && !resolved.source.files.includes(rootRelative(subject.workflowFile, document.uri.fsPath))) return;
    if (!resolved.ok && !document.uri.fsPath.startsWith(root)) return;
    this.reresolve = true;
    this.schedule();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.render(), DEBOUNCE_MS);
  }

  /** One render at a time: a change during a render renders once more after it. */
  private async render(): Promise<void> {
    if (this.rendering) {
      this.again = true;
      return;
    }
    this.rendering = true;
    try {
      do {
        this.again = false;
        await this.renderOnce();
      } while (this.again);
    } finally {
      this.rendering = false;
    }
  }

  private async renderOnce(): Promise<void> {
    const subject = this.subject;
    if (!subject) return;
    const { target } = subject;
    const title = `${target.moduleName}.${[target.input, ...target.subPath].join(".")}`;
    const subtitle = `${vscode.workspace.asRelativePath(subject.document, false)} → step ${target.stepId}, module ${target.moduleName} (${target.moduleId}), input ${target.input}`;
    const message = (rendered: Rendered, problem: string | null, note?: string): PreviewHostMessage => ({
      type: "preview/render",
      seq: this.panel.nextSeq(),
      title,
      subtitle,
      contexts: this.contexts,
      context: this.context,
      rendered,
      problem,
      ...(note !== undefined ? { note } : {}),
    });
    const empty: Rendered = { text: "", undefinedSpans: [], error: null, stale: false };
    const resolved = this.reresolve ? this.deps.index.resolveForRun(subject.workflowFile) : this.deps.index.resolve(subject.workflowFile);
    this.reresolve = false;
    if (!resolved.ok) return this.panel.post(message(empty, `the workflow does not resolve: ${resolved.message}`));
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === subject.document.toString()) ?? (await vscode.workspace.openTextDocument(subject.document));
    const template = subject.localPath ? stringAt(document.getText(), subject.localPath) : document.getText();
    if (template === undefined) return this.panel.post(message(empty, "the template string is gone (the JSON changed around it)."));
    let answer: PreviewAnswer;
    const started = performance.now();
    const withBoundaries = this.boundariesStale;
    this.boundariesStale = false;
    try {
      answer = await this.deps.engine.preview(this.deps.dbs.liveDb(subject.workflowFile), resolved.source.workflow, {
        step_id: target.stepId,
        module_name: target.moduleName,
        input: target.input,
        sub_path: target.subPath,
        template,
        ...(this.context !== CURRENT_DB.id ? { at_event_id: this.context } : {}),
        ...(withBoundaries ? { with_boundaries: true } : {}),
      });
    } catch (error) {
      logAt("warn", `preview of ${title} in ${relativePath(subject.workflowFile)} failed: ${(error as Error)?.message ?? error}`);
      const failed = { message: (error as Error)?.message ?? String(error), line: null, column: null };
      return this.panel.post(message(this.keep(failed), null));
    }
    this.panel.workMs = performance.now() - started;
    if (this.subject !== subject) return;
    if (answer.boundaries) this.setBoundaries(answer.boundaries);
    if (answer.error) return this.panel.post(message(this.keep(answer.error), null));
    this.lastGood = answer;
    const raw = answer.raw ? `A run does not render this input: the module's resolver_schema has no "resolver": "server" for it, so it is passed as written.` : undefined;
    this.panel.post(message({ text: answer.text, undefinedSpans: answer.undefinedSpans, error: null, stale: false }, null, raw));
  }

  private setBoundaries(boundaries: NonNullable<PreviewAnswer["boundaries"]>): void {
    this.contexts = [CURRENT_DB, ...boundaries.map((b) => ({ id: b.event_id, label: `after ${b.step_id ?? "?"} / ${b.module_name ?? "?"}` }))];
    if (!this.contexts.some((choice) => choice.id === this.context)) this.context = CURRENT_DB.id;
  }

  /** A failed render: the last good text, dimmed, with the error. */
  private keep(error: NonNullable<PreviewAnswer["error"]>): Rendered {
    const good = this.lastGood;
    return { text: good?.text ?? "", undefinedSpans: good?.undefinedSpans ?? [], error, stale: good !== undefined };
  }
}

/** `file` relative to the workflow's folder, `/`-separated (how the resolver names files). */
export function rootRelative(workflowFile: string, file: string): string {
  return relative(dirname(workflowFile), file).split(sep).join("/");
}
