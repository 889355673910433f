/**
 * CodeLens above every module, in two phases: `provideCodeLenses` places lenses from the jsonc-parser
 * outline (cheap), `resolveCodeLens` gives each its command and title (run records, staleness).
 */
import * as vscode from "vscode";
import { readText } from "./documents";
import { logAt } from "./log";
import { lensTitle, planLenses, type LensPlan } from "./lens-model";
import { outline } from "./outline";
import { readPins } from "./pins";
import type { WorkflowDbs } from "./workflow-dbs";
import type { WorkflowIndex } from "./workflow-index";

export const RUN_COMMAND = "wfv.runModuleVirtually";
export const RUN_UP_TO_COMMAND = "wfv.runUpToHere";
export const DEBUG_UP_TO_COMMAND = "wfv.debugUpToHere";

class ModuleLens extends vscode.CodeLens {
  constructor(
    range: vscode.Range,
    readonly plan: LensPlan,
    readonly document: vscode.Uri,
    readonly workflowFile: string | undefined,
  ) {
    super(range);
  }
}

export class ModuleLensProvider implements vscode.CodeLensProvider<ModuleLens> {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;

  constructor(
    private readonly index: WorkflowIndex,
    private readonly dbs: WorkflowDbs,
    private readonly ensureIndexed: () => Promise<void>,
  ) {}

  refresh(): void {
    this.emitter.fire();
  }

  dispose(): void {
    this.emitter.dispose();
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<ModuleLens[]> {
    if (!vscode.workspace.getConfiguration("wfv").get<boolean>("codeLens.enabled", true)) return [];
    const version = document.version;
    const text = document.getText();
    const shape = outline(text);
    if (shape.kind === "other") return [];
    // The workspace index goes on in the background (pickers, tests, edits' refreshes need it); the
    // lenses look only at the open file's ancestor folders, where its workflow must be.
    void this.ensureIndexed().catch((error: unknown) => logAt("error", `indexing failed: ${(error as Error)?.stack ?? error}`));
    const file = document.uri.fsPath;
    if (shape.kind === "workflow" && !this.index.catalog.has(file)) this.index.indexFile(file);
    const workflowFile = await this.index.workflowNear(file);
    // The run records of that one workflow, for the status lenses (the index loads every workflow's).
    if (workflowFile) await this.dbs.preload([workflowFile], false);
    if (document.version !== version) return [];
    const orphan = shape.kind === "step" && workflowFile === undefined;
    let workflowProblem: string | undefined;
    if (workflowFile && shape.problems.length === 0 && vscode.workspace.isTrusted) {
      const resolved = this.index.resolve(workflowFile);
      if (!resolved.ok) workflowProblem = resolved.message;
    }
    const runs = workflowFile ? this.dbs.runRecords(workflowFile) : {};
    const pinned = workflowFile ? new Set(Object.keys(readPins(workflowFile, readText).pins)) : undefined;
    const plans = planLenses(shape, { trusted: vscode.workspace.isTrusted, workflowProblem, orphan, runs, pinned, debug: true });
    return plans.map((plan) => {
      const position = document.positionAt(plan.offset);
      return new ModuleLens(new vscode.Range(position, position), plan, document.uri, workflowFile);
    });
  }

  resolveCodeLens(lens: ModuleLens): ModuleLens {
    const { plan, workflowFile } = lens;
    const runs = workflowFile ? this.dbs.runRecords(workflowFile) : {};
    const anchor = plan.anchor;
    const title = lensTitle(plan, runs, () => (workflowFile && anchor ? this.index.fingerprint(workflowFile, anchor.stepId, anchor.moduleName) : undefined));
    switch (plan.kind) {
      case "run":
      case "upTo":
        lens.command = {
          title,
          command: plan.kind === "run" ? RUN_COMMAND : RUN_UP_TO_COMMAND,
          arguments: [lens.document, anchor?.stepId, anchor?.moduleName],
          tooltip:
            plan.kind === "run"
              ? `Run only ${anchor?.moduleName} (step ${anchor?.stepId}) on the workflow's virtual DB`
              : `Run every module from the run's position through ${anchor?.moduleName} (step ${anchor?.stepId})`,
        };
        break;
      case "debug":
        lens.command = {
          title,
          command: DEBUG_UP_TO_COMMAND,
          arguments: [lens.document, anchor?.stepId, anchor?.moduleName],
          tooltip: `Debug every module from the run's position through ${anchor?.moduleName} (step ${anchor?.stepId}): breakpoints, stepping, state in the Variables view`,
        };
        break;
      case "status":
        lens.command = { title, command: "wfv.showPanel", arguments: [lens.document], tooltip: `Last run of ${anchor?.moduleName} (step ${anchor?.stepId}): show the panel` };
        break;
      case "pinned":
        lens.command = {
          title,
          command: "wfv.openPinnedOutput",
          arguments: [lens.document, anchor?.stepId, anchor?.moduleName],
          tooltip: `${anchor?.moduleName} (step ${anchor?.stepId}) is pinned: runs use its pinned outputs instead of running it. Open them (.wfv/pins.json)`,
        };
        break;
      case "blocked":
        lens.command = { title, command: "workbench.trust.manage", tooltip: "Manage Workspace Trust" };
        break;
      default:
        lens.command = { title, command: "wfv.revealOffset", arguments: [lens.document, plan.offset] };
    }
    return lens;
  }
}
