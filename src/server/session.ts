/**
 * The server's state without the connection: open documents, the workflows of the workspace, cached
 * analyses (re-run only when a file they read changed), which analysis owns which file, and the live
 * virtual state the extension pushes. Everything here is synchronous and testable without LSP.
 */
import { dirname, extname, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { defaultModuleCatalog, type ModuleCatalog } from "./analysis/module-catalog";
import {
  analyzeWorkflow,
  looksLikeStep,
  looksLikeWorkflow,
  ParseCache,
  type FileDiagnostic,
  type WorkflowAnalysis,
} from "./analysis/workflow";
import { ancestorCandidates, FileSource, findWorkflowCandidates } from "./workspace";

interface CachedAnalysis {
  analysis: WorkflowAnalysis;
  /** Every path the analysis tried to read, and what it got (undefined: missing). */
  attempted: Map<string, string | undefined>;
}

export interface VirtualState {
  state: Record<string, unknown>;
  label?: string;
}

export interface Owner {
  entry: string;
  standaloneStep: boolean;
}

export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith("file:")) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

export class Session {
  readonly source = new FileSource();
  readonly parseCache = new ParseCache();
  private readonly analyses = new Map<string, CachedAnalysis>();
  private candidates: string[] | undefined;
  private readonly states = new Map<string, VirtualState>();
  folders: string[] = [];

  constructor(readonly catalog: ModuleCatalog = defaultModuleCatalog()) {}

  // ---- documents and files --------------------------------------------------------------------

  openDocument(uri: string, text: string, version: number): void {
    const path = uriToPath(uri);
    if (path) this.source.setOpen(path, { uri, text, version });
  }

  closeDocument(uri: string): void {
    const path = uriToPath(uri);
    if (path) this.source.closeOpen(path);
  }

  /** A file changed, appeared or disappeared on disk. */
  filesChanged(paths: readonly string[], created = true): void {
    for (const path of paths) this.source.invalidate(path);
    if (created) this.candidates = undefined;
  }

  uriOf(path: string): string {
    return this.source.openDocument(path)?.uri ?? pathToFileURL(path).href;
  }

  /** Open documents (paths) the server should publish diagnostics for. */
  openPaths(): string[] {
    return this.source.openPaths();
  }

  // ---- workflows and owners -------------------------------------------------------------------

  private kindOf(path: string): "workflow" | "step" | "other" {
    if (extname(path).toLowerCase() !== ".json") return "other";
    const text = this.source.read(path);
    if (text === undefined) return "other";
    const root = this.parseCache.get(path, text).root;
    if (looksLikeWorkflow(root)) return "workflow";
    if (looksLikeStep(root)) return "step";
    return "other";
  }

  /** Workflow files of the workspace and the open editors, nearest to `near` first. */
  workflowFiles(near?: string): string[] {
    this.candidates ??= findWorkflowCandidates(this.folders, this.source);
    const all = new Set([...this.candidates, ...this.source.openPaths()]);
    // No workspace folder (a single file opened): look in the folders above the file.
    if (this.folders.length === 0 && near) for (const file of ancestorCandidates(near, this.source)) all.add(file);
    const workflows = [...all].filter((path) => this.kindOf(path) === "workflow").sort();
    if (!near) return workflows;
    const depth = (workflow: string) => {
      const dir = dirname(workflow) + sep;
      return near.startsWith(dir) ? -dir.length : 0; // deeper ancestor folders first
    };
    return workflows.sort((a, b) => depth(a) - depth(b) || a.localeCompare(b));
  }

  /**
   * The analysis a file belongs to: a workflow file is its own entry; any other file belongs to the
   * first workflow (nearest folder first) whose `$ref`s reach it; a step file no workflow includes is
   * analysed alone. Undefined for files outside every workflow.
   */
  ownerOf(path: string): Owner | undefined {
    const kind = this.kindOf(path);
    if (kind === "workflow") return { entry: path, standaloneStep: false };
    for (const workflow of this.workflowFiles(path)) {
      if (this.analysis({ entry: workflow, standaloneStep: false }).texts.has(path)) return { entry: workflow, standaloneStep: false };
    }
    if (kind === "step") return { entry: path, standaloneStep: true };
    return undefined;
  }

  /** The (cached, re-validated) analysis of an owner. */
  analysis(owner: Owner): WorkflowAnalysis {
    const key = `${owner.standaloneStep ? "step" : "workflow"}:${owner.entry}`;
    const hit = this.analyses.get(key);
    if (hit && this.unchanged(hit)) return hit.analysis;
    const attempted = new Map<string, string | undefined>();
    const host = {
      read: (path: string) => {
        const text = this.source.read(path);
        attempted.set(path, text);
        return text;
      },
    };
    const analysis = analyzeWorkflow(owner.entry, host, this.catalog, this.parseCache, { standaloneStep: owner.standaloneStep });
    this.analyses.set(key, { analysis, attempted });
    return analysis;
  }

  private unchanged(cached: CachedAnalysis): boolean {
    for (const [path, text] of cached.attempted) if (this.source.read(path) !== text) return false;
    return true;
  }

  /** The analysis that owns `path`, up to date with the open editors. */
  analysisOf(path: string): WorkflowAnalysis | undefined {
    const owner = this.ownerOf(path);
    return owner ? this.analysis(owner) : undefined;
  }

  /**
   * Diagnostics of every file that belongs to the workflows of the open documents. Each file is
   * reported by one analysis only (the first that owns it), and every such file is listed, also with
   * no diagnostics, so stale ones are cleared.
   */
  diagnostics(): Map<string, { analysis: WorkflowAnalysis; diagnostics: FileDiagnostic[] }> {
    const owners = new Map<string, Owner>();
    for (const path of this.source.openPaths()) {
      const owner = this.ownerOf(path);
      if (owner) owners.set(`${owner.standaloneStep}:${owner.entry}`, owner);
    }
    const ordered = [...owners.values()].sort((a, b) => Number(a.standaloneStep) - Number(b.standaloneStep) || a.entry.localeCompare(b.entry));
    const out = new Map<string, { analysis: WorkflowAnalysis; diagnostics: FileDiagnostic[] }>();
    for (const owner of ordered) {
      const analysis = this.analysis(owner);
      const mine = new Set<string>();
      for (const file of analysis.files) {
        if (out.has(file)) continue;
        out.set(file, { analysis, diagnostics: [] });
        mine.add(file);
      }
      for (const diagnostic of analysis.diagnostics) if (mine.has(diagnostic.file)) out.get(diagnostic.file)!.diagnostics.push(diagnostic);
    }
    return out;
  }

  // ---- live virtual state ---------------------------------------------------------------------

  setVirtualState(uri: string, state: Record<string, unknown> | null, label?: string): void {
    const path = uriToPath(uri) ?? uri;
    if (state === null) this.states.delete(path);
    else this.states.set(path, { state, label });
  }

  /** The live state of the workflow `path` belongs to (pushed for the workflow or for the file itself). */
  virtualStateFor(path: string, analysis: WorkflowAnalysis | undefined): VirtualState | undefined {
    return (analysis && this.states.get(analysis.entry)) ?? this.states.get(path);
  }
}
