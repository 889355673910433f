/** What the preview features use of the extension: the workflows, their live DBs, and the engine's read-only preview calls. */
import type * as vscode from "vscode";
import type { WorkerEngine } from "../worker-engine";
import type { WorkflowDbs } from "../workflow-dbs";
import type { WorkflowIndex } from "../workflow-index";

export interface PreviewDeps {
  index: WorkflowIndex;
  dbs: Pick<WorkflowDbs, "liveDb">;
  engine: Pick<WorkerEngine, "preview" | "stages">;
  /** Resolves once the workspace's workflows are indexed. */
  indexed(): Promise<void>;
  /** A run finished, a DB was reset or imported, a workflow file changed. */
  onDbChanged: vscode.Event<void>;
}
