/**
 * Pipeline stages (issue 15.3): an "Inspect stages" lens above each `pipeline` of a `transform.query` /
 * `db.query` module opens a side view listing every stage with the number of documents after it and the
 * first few (expandable); a stage that errors shows its error there. The engine's worker runs the
 * pipeline's prefixes on the live DB (or the module's resolved input data), read-only. A hover on a
 * stage's operator key shows that stage's count (from the last inspection, or computed then).
 */
import * as vscode from "vscode";
import { logAt } from "../log";
import type { PreviewDeps } from "./deps";
import { pipelinesIn, stageAt } from "./locate";
import type { StagesAnswer } from "./ops";
import { PreviewPanel } from "./preview-panel";

export const STAGES_VIEW_TYPE = "wfv.pipelineStages";
export const INSPECT_STAGES_COMMAND = "wfv.inspectStages";
const SAMPLE_SIZE = 5;
const DEBOUNCE_MS = 150;

interface StagesSubject {
  workflowFile: string;
  document: vscode.Uri;
  stepId: string;
  moduleName: string;
}

export class PipelineStages implements vscode.Disposable, vscode.CodeLensProvider, vscode.HoverProvider {
  readonly panel: PreviewPanel;
  private subject: StagesSubject | undefined;
  /** The last inspection of each module (`workflowFile#stepId/moduleName`), for hovers. */
  private readonly last = new Map<string, StagesAnswer>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly lensEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensEmitter.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    extensionUri: vscode.Uri,
    private readonly deps: PreviewDeps,
  ) {
    this.panel = new PreviewPanel(extensionUri, STAGES_VIEW_TYPE);
    this.panel.onClose = () => (this.subject = undefined);
    this.subscriptions.push(
      deps.onDbChanged(() => {
        this.last.clear();
        this.lensEmitter.fire();
        this.schedule();
      }),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length > 0 && this.subject && this.deps.index.workflowFor(event.document.uri.fsPath) === this.subject.workflowFile) this.schedule();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.lensEmitter.fire()),
    );
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.subscriptions.forEach((d) => d.dispose());
    this.lensEmitter.dispose();
    this.panel.dispose();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.isTrusted || !vscode.workspace.getConfiguration("wfv").get<boolean>("codeLens.enabled", true)) return [];
    const text = document.getText();
    if (!text.includes("pipeline")) return [];
    return pipelinesIn(text).map((pipeline) => {
      const position = document.positionAt(pipeline.offset);
      return new vscode.CodeLens(new vscode.Range(position, position), {
        title: "$(list-tree) Inspect stages",
        command: INSPECT_STAGES_COMMAND,
        arguments: [document.uri, pipeline.stepId, pipeline.moduleName],
        tooltip: `Run ${pipeline.moduleName}'s pipeline stage by stage on the virtual DB (read-only): the documents after each stage`,
      });
    });
  }

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    if (!vscode.workspace.isTrusted) return undefined;
    const text = document.getText();
    if (!text.includes("pipeline")) return undefined;
    const at = stageAt(pipelinesIn(text), document.offsetAt(position));
    if (!at) return undefined;
    await this.deps.indexed();
    const workflowFile = this.deps.index.workflowFor(document.uri.fsPath);
    if (!workflowFile) return undefined;
    const subject = { workflowFile, document: document.uri, stepId: at.pipeline.stepId, moduleName: at.pipeline.moduleName };
    const answer = this.last.get(keyOf(subject)) ?? (await this.inspect(subject).catch(() => undefined));
    const row = answer?.stages[at.stage];
    const operator = at.pipeline.stages[at.stage].operator;
    const markdown = new vscode.MarkdownString();
    if (answer?.problem) markdown.appendText(`${operator}: ${answer.problem}`);
    else if (!row) return undefined;
    else if (row.error !== undefined) markdown.appendMarkdown(`**${operator}** (stage ${at.stage + 1}): `).appendText(`error: ${row.error}`);
    else markdown.appendMarkdown(`**${operator}** (stage ${at.stage + 1}): ${row.count} document${row.count === 1 ? "" : "s"} after it`);
    const key = at.pipeline.stages[at.stage];
    return new vscode.Hover(markdown, new vscode.Range(document.positionAt(key.offset), document.positionAt(key.offset + key.length)));
  }

  /** The lens's command: inspects the module's pipeline and shows it in the side view. */
  async show(uri: vscode.Uri, stepId: string, moduleName: string): Promise<StagesAnswer | undefined> {
    await this.deps.indexed();
    const workflowFile = this.deps.index.workflowFor(uri.fsPath);
    if (!workflowFile) {
      void vscode.window.showInformationMessage("wfv: this file is not part of a workflow.");
      return undefined;
    }
    this.subject = { workflowFile, document: uri, stepId, moduleName };
    this.panel.open(`Stages: ${moduleName}`);
    return this.refresh();
  }

  private schedule(): void {
    if (!this.subject) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), DEBOUNCE_MS);
  }

  private async refresh(): Promise<StagesAnswer | undefined> {
    const subject = this.subject;
    if (!subject) return undefined;
    let answer: StagesAnswer;
    try {
      answer = await this.inspect(subject);
    } catch (error) {
      logAt("warn", `inspecting the stages of ${subject.moduleName} failed: ${(error as Error)?.message ?? error}`);
      answer = { stages: [], problem: (error as Error)?.message ?? String(error) };
    }
    if (this.subject !== subject) return answer;
    this.panel.post({
      type: "stages/show",
      seq: this.panel.nextSeq(),
      title: `${subject.moduleName}: pipeline stages`,
      subtitle: [
        `${vscode.workspace.asRelativePath(subject.document, false)} → step ${subject.stepId}, module ${subject.moduleName}`,
        answer.source ? `, run on ${answer.source}` : "",
        " (the virtual DB, read-only)",
        answer.note ? `. ${answer.note}` : "",
      ].join(""),
      stages: answer.stages.map((s) => ({
        stage: s.stage,
        operator: s.operator,
        count: s.count,
        sample: s.sample,
        ...(s.error !== undefined ? { error: s.error } : {}),
        ...(s.skipped !== undefined ? { skipped: s.skipped } : {}),
      })),
      problem: answer.problem,
    });
    return answer;
  }

  private async inspect(subject: StagesSubject): Promise<StagesAnswer> {
    const resolved = this.deps.index.resolve(subject.workflowFile);
    if (!resolved.ok) return { stages: [], problem: `the workflow does not resolve: ${resolved.message}` };
    const answer = await this.deps.engine.stages(this.deps.dbs.liveDb(subject.workflowFile), resolved.source.workflow, {
      step_id: subject.stepId,
      module_name: subject.moduleName,
      sample_size: SAMPLE_SIZE,
    });
    this.last.set(keyOf(subject), answer);
    return answer;
  }
}

function keyOf(subject: StagesSubject): string {
  return `${subject.workflowFile}#${subject.stepId}/${subject.moduleName}`;
}
