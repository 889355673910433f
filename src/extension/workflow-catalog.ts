/**
 * Which workflow a file belongs to: a workflow file is its own; a step file runs against the workflows
 * whose `$ref`s (transitively, `type: "json"` only) pull it in. Pure: the caller gives a reader over
 * absolute paths (the open editors' text over the disk), so this is tested without VS Code.
 */
import { dirname, join, parse, relative, sep } from "node:path";
import { normalizeRefPath } from "../core/workflow/ref-resolver";
import { jsonRefs, outline } from "./outline";

export type ReadText = (absolutePath: string) => string | undefined;

/** The workflow file itself and every file its json `$ref`s reach (absolute paths), entry first. */
export function workflowFiles(workflowFile: string, read: ReadText): string[] {
  const root = dirname(workflowFile);
  const seen = new Set<string>([workflowFile]);
  const queue = [workflowFile];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    const text = read(file);
    if (text === undefined) continue;
    const relDir = relative(root, dirname(file)).split(sep).filter(Boolean).join("/");
    for (const ref of jsonRefs(text)) {
      const joined = ref.startsWith("/") ? ref.slice(1) : relDir ? `${relDir}/${ref}` : ref;
      const target = normalizeRefPath(joined);
      if (target === undefined) continue;
      const absolute = join(root, ...target.split("/"));
      if (!seen.has(absolute)) {
        seen.add(absolute);
        queue.push(absolute);
      }
    }
  }
  return [...seen];
}

/** Cheap check on a text: is it a workflow file (`workflow_id` + `steps`)? */
export function isWorkflowText(text: string): boolean {
  if (!text.includes("workflow_id")) return false;
  return outline(text).kind === "workflow";
}

/** Workflow files → the files each one includes; answers "which workflows run this step file?". */
export class WorkflowCatalog {
  private readonly includes = new Map<string, Set<string>>();

  /** (Re)indexes one workflow file. */
  update(workflowFile: string, read: ReadText): void {
    this.includes.set(workflowFile, new Set(workflowFiles(workflowFile, read)));
  }

  remove(workflowFile: string): void {
    this.includes.delete(workflowFile);
  }

  workflows(): string[] {
    return [...this.includes.keys()].sort();
  }

  has(workflowFile: string): boolean {
    return this.includes.has(workflowFile);
  }

  /** The workflows that include `file` (a workflow file maps to itself), sorted for a stable choice. */
  workflowsFor(file: string): string[] {
    if (this.includes.has(file)) return [file];
    const found: string[] = [];
    for (const [workflow, files] of this.includes) if (files.has(file)) found.push(workflow);
    return found.sort();
  }

  /** Every file some workflow includes (for activation of step files and watching). */
  isIncluded(file: string): boolean {
    for (const files of this.includes.values()) if (files.has(file)) return true;
    return false;
  }
}

/**
 * The folders that can hold the workflow of `file`: a `$ref` never leaves its workflow's folder, so a
 * workflow including `file` sits in one of `file`'s ancestors. Nearest first, up to `top` (the
 * workspace folder) inclusive; none when `file` is not under `top`. Folders inside node_modules or
 * .git are left out, as the workspace index leaves them out.
 */
export function ancestorFolders(file: string, top: string): string[] {
  const rel = relative(top, dirname(file));
  if (rel.startsWith("..") || parse(rel).root !== "") return [];
  const folders: string[] = [];
  for (let folder = dirname(file); ; folder = dirname(folder)) {
    const inside = relative(top, folder).split(sep);
    if (!inside.includes("node_modules") && !inside.includes(".git")) folders.push(folder);
    if (folder === top || dirname(folder) === folder) break;
  }
  return folders;
}

/** What the ancestor lookup reads: a folder's JSON files (not recursive), and a file's text. */
export interface FolderReader {
  jsonFiles(folder: string): Promise<string[]>;
  read: ReadText;
}

/**
 * Finds the workflows of one file by looking only at its ancestor folders, each folder listed once
 * (`scanned` keeps each folder's scan, so concurrent callers wait for the same one; later creations
 * reach the catalog through the file watcher). The workflows found go into `catalog`, so the answer is
 * `catalog.workflowsFor(file)`, as after the full index.
 */
export async function indexAncestors(file: string, top: string, catalog: WorkflowCatalog, reader: FolderReader, scanned: Map<string, Promise<void>>): Promise<void> {
  const scanFolder = async (folder: string) => {
    for (const candidate of await reader.jsonFiles(folder)) {
      if (catalog.has(candidate)) continue;
      const text = reader.read(candidate);
      if (text !== undefined && isWorkflowText(text)) catalog.update(candidate, reader.read);
    }
  };
  await Promise.all(
    ancestorFolders(file, top).map((folder) => {
      let scan = scanned.get(folder);
      if (!scan) {
        scan = scanFolder(folder);
        scanned.set(folder, scan);
      }
      return scan;
    }),
  );
}
