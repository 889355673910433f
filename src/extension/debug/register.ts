/**
 * The debugger in VS Code (issue 14): debug type `wfv` runs inline, next to the workflow's live DB in
 * the engine's worker (the adapter itself is src/debug/, reached through a channel); its launch
 * configurations (./launch.ts); the "Debug up to here" command the lens runs; and what a session
 * leaves behind (./session.ts).
 */
import { existsSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import * as vscode from "vscode";
import { DEBUG_UP_TO_COMMAND } from "../codelens";
import type { VirtualEngine } from "../engine";
import { logAt } from "../log";
import { outline } from "../outline";
import { toJson } from "../run-view";
import type { PanelManager } from "../panel";
import type { WorkflowDbs } from "../workflow-dbs";
import type { WorkflowIndex } from "../workflow-index";
import { ChannelDebugAdapter } from "./adapter";
import { canDebug } from "./contract";
import { DEBUG_TYPE, hostContext, launchConfig, WfvDebugConfigurations, type WfvLaunchConfig } from "./launch";
import { DebugRun } from "./session";


export interface DebuggingTargets {
  index: WorkflowIndex;
  dbs: WorkflowDbs;
  engine: VirtualEngine;
  panels: PanelManager;
  changed: () => void;
  ensureIndexed: () => Promise<void>;
  /** Reset DB (to a seed file, or empty for null): a launch's `seed` starts from it. */
  resetTo?: (workflowFile: string, seed: string | null) => Promise<boolean>;
}

export function registerDebugging(context: vscode.ExtensionContext, targets: DebuggingTargets): void {
  const { index, dbs, engine, panels, changed, ensureIndexed } = targets;
  const configurations = new WfvDebugConfigurations(index, ensureIndexed);
  const runs = new Map<string, DebugRun>();

  const factory: vscode.DebugAdapterDescriptorFactory = {
    async createDebugAdapterDescriptor(session) {
      if (!canDebug(engine)) throw new Error("wfv: this engine cannot debug (no debug channel)");
      const config = session.configuration as WfvLaunchConfig;
      const workflowFile = String(config.workflow ?? "");
      const prepared = await hostContext(config, index, (file) => dbs.liveDb(file), context.secrets);
      if (!prepared.ok) throw new Error(`wfv: ${prepared.message}`);
      if (typeof config.seed === "string" && config.seed !== "") {
        const seed = isAbsolute(config.seed) ? config.seed : join(dirname(workflowFile), config.seed);
        if (!existsSync(seed)) throw new Error(`wfv: the seed ${config.seed} does not exist (a path beside the workflow, or absolute)`);
        if (!(await targets.resetTo?.(workflowFile, seed))) throw new Error("wfv: the DB could not be reset to the seed");
      }
      const stateNow = async () => toJson((await engine.state(dbs.liveDb(workflowFile))).state_mapped) as Record<string, unknown>;
      const run = new DebugRun(session, workflowFile, { index, dbs, panels, changed, stateNow }, config.fresh === true, new Set(Object.keys(prepared.host.pins ?? {})));
      runs.set(session.id, run);
      const adapter = new ChannelDebugAdapter(engine.openDebugChannel(), prepared.host, (message) => run.observe(message));
      return new vscode.DebugAdapterInlineImplementation(adapter);
    },
  };

  context.subscriptions.push(
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, configurations),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, { provideDebugConfigurations: () => configurations.perWorkflow() }, vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, factory),
    vscode.debug.onDidTerminateDebugSession((session) => {
      const run = runs.get(session.id);
      runs.delete(session.id);
      void run?.finish();
    }),
    vscode.commands.registerCommand(DEBUG_UP_TO_COMMAND, async (uri?: vscode.Uri, stepId?: string, moduleName?: string) => {
      const editor = vscode.window.activeTextEditor;
      const file = uri ?? editor?.document.uri;
      if (!file || file.scheme !== "file") {
        void vscode.window.showInformationMessage("wfv: open a workflow or step file to debug it.");
        return false;
      }
      // From the palette: up to the module at the cursor (none there: the whole workflow).
      const target = stepId && moduleName ? { stepId, moduleName } : !uri && editor ? moduleAt(editor) : undefined;
      const name = target ? `Debug up to ${target.moduleName}` : "Debug workflow";
      logAt("info", `debug: ${name} (${vscode.workspace.asRelativePath(file, false)})`);
      return vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(file), launchConfig(file.fsPath, name, target));
    }),
  );
}

/** The module the cursor is in (the innermost, for a group's modules). */
function moduleAt(editor: vscode.TextEditor): { stepId: string; moduleName: string } | undefined {
  const offset = editor.document.offsetAt(editor.selection.active);
  const around = outline(editor.document.getText()).modules.filter((m) => m.offset <= offset && offset <= m.offset + m.length);
  const module = around.sort((a, b) => a.length - b.length)[0];
  return module ? { stepId: module.stepId, moduleName: module.moduleName } : undefined;
}
