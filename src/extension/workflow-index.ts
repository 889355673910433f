/**
 * The workspace's workflows: which JSON files are workflows, which workflow a step file runs against
 * (the catalog), and each workflow resolved (`$ref`s replaced) and checked with the open editors'
 * text, cached until the next edit. The lenses and the runs both read it.
 */
import { readdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import * as vscode from "vscode";
import { isWfvError } from "../core/errors";
import { resolveWorkflow, type ResolvedWorkflowSource } from "../core/workflow/ref-resolver";
import type { SourceLink } from "../shared/protocol";
import { layeredReader, readText } from "./documents";
import { logAt } from "./log";
import { linkForPathString, type ResolvedWorkflow } from "./source-links";
import { moduleFingerprints, moduleKey } from "./staleness";
import { indexAncestors, isWorkflowText, WorkflowCatalog, type FolderReader } from "./workflow-catalog";
import { relativePath } from "./workspace-paths";

export interface ResolvedForRun extends ResolvedWorkflow {
  ok: true;
  source: ResolvedWorkflowSource;
  /** Each module's chained fingerprint (staleness.ts), by `stepId/moduleName`. */
  fingerprints: Map<string, string>;
}

export interface ResolveFailure {
  ok: false;
  message: string;
  errorType: string;
  details: Record<string, unknown>;
  source: SourceLink | null;
}

export class WorkflowIndex {
  readonly catalog = new WorkflowCatalog();
  private readonly resolved = new Map<string, ResolvedForRun | ResolveFailure>();
  /** The folders the ancestor lookup listed (workflowNear), each once. */
  private readonly scannedFolders = new Map<string, Promise<void>>();

  /** `changed` refreshes the lenses: a workflow, or a file of one, changed. */
  constructor(private readonly changed: () => void) {}

  /** Finds the workflow files in the workspace (texts with `workflow_id` + `steps`) and indexes them. */
  async indexWorkspace(): Promise<void> {
    const uris = await vscode.workspace.findFiles("**/*.json", "{**/node_modules/**,**/.git/**}", 5000);
    for (const uri of uris) this.indexFile(uri.fsPath, false);
    this.resolved.clear();
    logAt("info", `indexed ${this.catalog.workflows().length} workflow(s) in ${uris.length} JSON file(s)`);
  }

  /**
   * (Re)indexes one file after it was opened, edited, created or deleted. Lenses and cached resolutions
   * are refreshed only when the file is (or was) a workflow or part of one: edits to unrelated JSON
   * (settings, package.json, build output) cost a text check and nothing more.
   */
  indexFile(absolute: string, notify = true): void {
    const known = this.catalog.has(absolute) || this.catalog.isIncluded(absolute);
    const text = readText(absolute);
    if (text !== undefined && isWorkflowText(text)) this.catalog.update(absolute, readText);
    else this.catalog.remove(absolute);
    // a step file's edit may add or drop refs of the workflows that include it
    for (const workflow of this.catalog.workflowsFor(absolute)) if (workflow !== absolute) this.catalog.update(workflow, readText);
    if (notify && (known || this.catalog.has(absolute))) this.invalidate();
  }

  invalidate(): void {
    this.resolved.clear();
    this.changed();
  }

  /**
   * The workflow a file runs against, found without the workspace index: only the file's ancestor
   * folders (up to its workspace folder) can hold it, so only they are listed, each once. The lenses use
   * it, so their first answer costs what the open file's folders hold, not what the workspace holds.
   */
  async workflowNear(absolute: string): Promise<string | undefined> {
    const top = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(absolute))?.uri.fsPath;
    if (top !== undefined) await indexAncestors(absolute, top, this.catalog, folderReader, this.scannedFolders);
    return this.workflowFor(absolute);
  }

  /** The workflow a file runs against: itself, or the first workflow that includes it. */
  workflowFor(absolute: string): string | undefined {
    return this.catalog.workflowsFor(absolute)[0];
  }

  /** Resolves the workflow with the open editors' text; cached until the next edit. */
  resolve(workflowFile: string): ResolvedForRun | ResolveFailure {
    const cached = this.resolved.get(workflowFile);
    if (cached) return cached;
    const result = resolveNow(workflowFile);
    this.resolved.set(workflowFile, result);
    return result;
  }

  /** Resolves afresh, for a run: unsaved text is what runs. */
  resolveForRun(workflowFile: string): ResolvedForRun | ResolveFailure {
    this.resolved.delete(workflowFile);
    return this.resolve(workflowFile);
  }

  workflowName(workflowFile: string): string {
    const resolved = this.resolve(workflowFile);
    if (resolved.ok) {
      const wf = resolved.source.workflow as { name?: unknown; workflow_id?: unknown };
      return String(wf.name ?? wf.workflow_id ?? basename(workflowFile));
    }
    return basename(workflowFile);
  }

  /** The module's fingerprint in the workflow as it is now (a status lens is stale when it differs). */
  fingerprint(workflowFile: string, stepId: string, moduleName: string): string | undefined {
    const resolved = this.resolve(workflowFile);
    return resolved.ok ? resolved.fingerprints.get(moduleKey(stepId, moduleName)) : undefined;
  }
}

const folderReader: FolderReader = {
  async jsonFiles(folder) {
    try {
      const entries = await readdir(folder, { withFileTypes: true });
      return entries.filter((e) => e.isFile() && /\.json$/i.test(e.name)).map((e) => join(folder, e.name));
    } catch {
      return [];
    }
  },
  read: readText,
};

type WorkflowModel = typeof import("../core/workflow/model");
let model: WorkflowModel | undefined;

/**
 * The workflow's schema issues. The schema (zod, classic API) is built on the first check, not when
 * the extension activates: building it is most of what evaluating the activation bundle would cost.
 */
function workflowIssues(workflow: unknown): ReturnType<WorkflowModel["workflowIssues"]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- evaluated on first use, within this bundle
  model ??= require("../core/workflow/model") as WorkflowModel;
  return model.workflowIssues(workflow);
}

function resolveNow(workflowFile: string): ResolvedForRun | ResolveFailure {
  const root = dirname(workflowFile);
  try {
    const source = resolveWorkflow(basename(workflowFile), layeredReader(root));
    const issues = workflowIssues(source.workflow);
    if (issues.length > 0) {
      const first = issues[0];
      return {
        ok: false,
        errorType: "workflow_invalid",
        message: `${first.path}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ""}`,
        details: { issues },
        source: linkForPathString({ source, workflowFile }, first.path, relativePath),
      };
    }
    return { ok: true, source, workflowFile, fingerprints: moduleFingerprints(source.workflow) };
  } catch (error) {
    if (!isWfvError(error)) throw error;
    const file = typeof error.details.file === "string" ? relativePath(join(root, error.details.file)) : relativePath(workflowFile);
    const path = Array.isArray(error.details.path) ? (error.details.path as (string | number)[]) : [];
    return { ok: false, errorType: error.errorType, message: error.message, details: error.details, source: { file, path } };
  }
}
