/**
 * Launch configurations of type `wfv`: what F5 fills for the active workflow or step file, what the
 * "Debug up to here" lens starts, and the host's part of a launch (the resolved workflow, the live DB's
 * key, mock mode and provider keys), which the worker cannot know by itself.
 */
import { dirname, isAbsolute, join } from "node:path";
import * as vscode from "vscode";
import type { ProviderSettings } from "../../core/providers/types";
import { mockMode, PROVIDERS, secretKey } from "../secrets";
import type { WorkflowIndex } from "../workflow-index";
import { layeredReader } from "../documents";
import { pinsForRun } from "../runs";
import type { LiveDbRef } from "../engine";
import type { DebugHost } from "./contract";

export const DEBUG_TYPE = "wfv";

/** The launch configuration's own attributes (package.json `contributes.debuggers` documents them). */
export interface WfvLaunchConfig extends vscode.DebugConfiguration {
  workflow?: string;
  target?: { step_id?: string; module_name?: string };
  mock?: boolean;
  fresh?: boolean;
  seed?: string;
  stopOnEntry?: boolean;
  stopOnInteraction?: boolean;
}

/** A launch of `workflow` (a workflow or step file), up to `target` when given. */
export function launchConfig(workflow: string, name: string, target?: { stepId: string; moduleName: string }): WfvLaunchConfig {
  return {
    type: DEBUG_TYPE,
    request: "launch",
    name,
    workflow,
    ...(target ? { target: { step_id: target.stepId, module_name: target.moduleName } } : {}),
    mock: mockMode(),
    stopOnEntry: false,
    stopOnInteraction: true,
  };
}

export class WfvDebugConfigurations implements vscode.DebugConfigurationProvider {
  constructor(
    private readonly index: WorkflowIndex,
    private readonly ensureIndexed: () => Promise<void>,
  ) {}

  /** Dynamic configurations (the Run and Debug view's list): one per workflow of the workspace. */
  async perWorkflow(): Promise<WfvLaunchConfig[]> {
    await this.ensureIndexed();
    return this.index.catalog.workflows().map((file) => launchConfig(file, `Debug ${this.index.workflowName(file)}`));
  }

  /** F5 without a launch.json: the active editor's workflow. */
  async resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: WfvLaunchConfig): Promise<WfvLaunchConfig | undefined> {
    if (!config.type && !config.request && !config.name) {
      const editor = vscode.window.activeTextEditor;
      if (!editor || editor.document.uri.scheme !== "file") {
        void vscode.window.showInformationMessage("wfv: open a workflow or step file to debug it.");
        return undefined;
      }
      return launchConfig(editor.document.uri.fsPath, "Debug workflow");
    }
    return {
      ...config,
      type: DEBUG_TYPE,
      request: config.request ?? "launch",
      name: config.name ?? "Debug workflow",
      workflow: config.workflow ?? "${file}",
      stopOnEntry: config.stopOnEntry ?? false,
      stopOnInteraction: config.stopOnInteraction ?? true,
    };
  }

  /** After `${file}` and friends are substituted: the workflow file the given path runs against. */
  async resolveDebugConfigurationWithSubstitutedVariables(folder: vscode.WorkspaceFolder | undefined, config: WfvLaunchConfig): Promise<WfvLaunchConfig | undefined> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage("wfv: debugging is disabled in an untrusted workspace (workflows run templates and modules).");
      return undefined;
    }
    if (typeof config.workflow !== "string" || config.workflow === "") {
      void vscode.window.showErrorMessage('wfv: the launch configuration needs "workflow" (a workflow or step file).');
      return undefined;
    }
    await this.ensureIndexed();
    const base = folder?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? "";
    const given = isAbsolute(config.workflow) ? config.workflow : join(base, config.workflow);
    const workflowFile = this.index.workflowFor(given);
    if (!workflowFile) {
      void vscode.window.showErrorMessage(`wfv: ${vscode.workspace.asRelativePath(given, false)} is not a workflow, and no workflow in this workspace includes it.`);
      return undefined;
    }
    return { ...config, workflow: workflowFile };
  }
}

/** Provider keys for a launch: none in mock mode (the launch's own `mock`, else the setting). */
async function providersFor(mock: boolean, secrets: vscode.SecretStorage): Promise<ProviderSettings> {
  if (mock) return {};
  const out: ProviderSettings = {};
  for (const provider of PROVIDERS) {
    const key = await secrets.get(secretKey(provider));
    if (key) out[provider] = { apiKey: key };
  }
  return out;
}

export type HostContextResult = { ok: true; host: DebugHost } | { ok: false; message: string };

/**
 * The host's part of a launch: the workflow's live DB, and the texts of its files from the editors
 * (unsaved text is what runs, as for a run); the worker resolves the workflow from them.
 */
export async function hostContext(config: WfvLaunchConfig, index: WorkflowIndex, liveDb: (workflowFile: string) => LiveDbRef, secrets: vscode.SecretStorage): Promise<HostContextResult> {
  const workflowFile = String(config.workflow ?? "");
  const resolved = index.resolveForRun(workflowFile);
  if (!resolved.ok) return { ok: false, message: `the workflow cannot run: ${resolved.errorType}: ${resolved.message}` };
  const reader = layeredReader(dirname(workflowFile));
  const files: Record<string, string> = {};
  for (const path of resolved.source.files) {
    const text = reader.read(path);
    if (text !== undefined) files[path] = text;
  }
  const mock = typeof config.mock === "boolean" ? config.mock : mockMode();
  // Pinned modules do not run, as in "Run up to here".
  return { ok: true, host: { ...liveDb(workflowFile), workflow_file: workflowFile, files, providers: await providersFor(mock, secrets), mock, ...pinsForRun(workflowFile) } };
}
