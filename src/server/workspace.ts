/**
 * The files the server sees: open editors (their live text wins) over the disk, with disk reads cached
 * by modification time, and the workflow files found in the workspace folders.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { workflowFileText } from "../node/file-text";

/** Folders never searched for workflows or offered as `$ref` targets. */
const SKIPPED_FOLDERS = new Set(["node_modules", ".git", "dist", "out", ".vscode-test", ".test-artifacts"]);
const MAX_FILES = 5000;
const MAX_WORKFLOW_BYTES = 20 * 1024 * 1024;

export interface OpenDocument {
  uri: string;
  text: string;
  version: number;
}

export class FileSource {
  private readonly open = new Map<string, OpenDocument>();
  private readonly disk = new Map<string, { mtimeMs: number; size: number; text: string | undefined }>();

  setOpen(path: string, document: OpenDocument): void {
    this.open.set(path, document);
  }

  closeOpen(path: string): void {
    this.open.delete(path);
  }

  openDocument(path: string): OpenDocument | undefined {
    return this.open.get(path);
  }

  openPaths(): string[] {
    return [...this.open.keys()];
  }

  /** Forgets cached disk content (a watched file changed). */
  invalidate(path?: string): void {
    if (path === undefined) this.disk.clear();
    else this.disk.delete(path);
  }

  /** The live text of an open editor, else the file on disk (undefined when missing or not a file). */
  read(path: string): string | undefined {
    const document = this.open.get(path);
    if (document) return document.text;
    let stat;
    try {
      stat = statSync(path);
    } catch {
      this.disk.delete(path);
      return undefined;
    }
    if (!stat.isFile()) return undefined;
    const hit = this.disk.get(path);
    if (hit && hit.mtimeMs === stat.mtimeMs && hit.size === stat.size) return hit.text;
    let text: string | undefined;
    try {
      text = workflowFileText(readFileSync(path));
    } catch {
      text = undefined;
    }
    this.disk.set(path, { mtimeMs: stat.mtimeMs, size: stat.size, text });
    return text;
  }
}

/** Every file under `folder` (depth-first, sorted, skipping build and VCS folders and dot-folders). */
export function listFiles(folder: string, accept: (name: string) => boolean = () => true, limit = MAX_FILES): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (out.length >= limit) return;
      if (entry.isDirectory()) {
        if (!entry.name.startsWith(".") && !SKIPPED_FOLDERS.has(entry.name)) walk(join(dir, entry.name));
      } else if (entry.isFile() && accept(entry.name)) out.push(join(dir, entry.name));
    }
  };
  walk(folder);
  return out;
}

/** JSON files under the folders whose text mentions `"steps"` (candidates for workflow files). */
export function findWorkflowCandidates(folders: readonly string[], source: FileSource): string[] {
  const found: string[] = [];
  for (const folder of folders) {
    for (const file of listFiles(folder, (name) => name.endsWith(".json"))) {
      let size = 0;
      try {
        size = statSync(file).size;
      } catch {
        continue;
      }
      if (size > MAX_WORKFLOW_BYTES) continue;
      const text = source.read(file);
      if (text !== undefined && text.includes('"steps"')) found.push(file);
    }
  }
  return found;
}

/** JSON files mentioning `"steps"` directly in the folders above `file` (at most `levels` up). */
export function ancestorCandidates(file: string, source: FileSource, levels = 4): string[] {
  const found: string[] = [];
  let dir = dirname(file);
  for (let level = 0; level < levels; level++) {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      break;
    }
    for (const entry of entries) {
      if (!entry.isFile() || !entry.name.endsWith(".json")) continue;
      const path = join(dir, entry.name);
      if (path === file) continue;
      const text = source.read(path);
      if (text !== undefined && text.length <= MAX_WORKFLOW_BYTES && text.includes('"steps"')) found.push(path);
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return found;
}
