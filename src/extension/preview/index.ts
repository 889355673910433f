/**
 * The live template preview and the pipeline stages (issue 15): their commands, the "Inspect stages"
 * lenses, the stage hover, and the editor title button's context key (`wfv.templatePreviewable`).
 */
import * as vscode from "vscode";
import type { PreviewDeps } from "./deps";
import type { PreviewPanel } from "./preview-panel";
import { INSPECT_STAGES_COMMAND, PipelineStages } from "./stages";
import { TemplatePreview } from "./template-preview";

export const PREVIEW_TEMPLATE_COMMAND = "wfv.previewTemplate";
const PROMPT_FILE = /\.(txt|j2|jinja2?|md)$/i;

/** What the in-host tests read: the two side views, each with the last message its webview drew. */
export interface PreviewApi {
  template: PreviewPanel;
  stages: PreviewPanel;
}

export function registerPreview(context: vscode.ExtensionContext, deps: PreviewDeps): PreviewApi {
  const templates = new TemplatePreview(context.extensionUri, deps);
  const stages = new PipelineStages(context.extensionUri, deps);
  const selector: vscode.DocumentSelector = [
    { language: "json", scheme: "file" },
    { language: "jsonc", scheme: "file" },
  ];
  const previewable = (editor: vscode.TextEditor | undefined): void => {
    const file = editor?.document.uri.scheme === "file" ? editor.document.uri.fsPath : undefined;
    let value = false;
    if (file && /\.json$/i.test(file)) value = deps.index.workflowFor(file) !== undefined;
    else if (file && PROMPT_FILE.test(file)) {
      // A prompt file is shown before any workflow file was: its button needs the workspace's workflows.
      void deps.indexed().then(() => {
        if (vscode.window.activeTextEditor === editor) void vscode.commands.executeCommand("setContext", "wfv.templatePreviewable", templates.isTemplateFile(file));
      });
      return;
    }
    void vscode.commands.executeCommand("setContext", "wfv.templatePreviewable", value);
  };
  context.subscriptions.push(
    templates,
    stages,
    vscode.commands.registerCommand(PREVIEW_TEMPLATE_COMMAND, (uri?: vscode.Uri) => templates.open(uri instanceof vscode.Uri ? uri : undefined)),
    vscode.commands.registerCommand(INSPECT_STAGES_COMMAND, (uri: vscode.Uri, stepId: string, moduleName: string) => stages.show(uri, stepId, moduleName)),
    vscode.languages.registerCodeLensProvider(selector, stages),
    vscode.languages.registerHoverProvider(selector, stages),
    vscode.window.onDidChangeActiveTextEditor(previewable),
    deps.onDbChanged(() => previewable(vscode.window.activeTextEditor)),
  );
  previewable(vscode.window.activeTextEditor);
  return { template: templates.panel, stages: stages.panel };
}
