/**
 * Where each module of a workflow was written: its file (the workflow file, or the step file a `$ref`
 * brought in) and its line range there, so a line breakpoint finds its module and a stack frame
 * highlights it. Lines are 0-based here; the session converts them for the client.
 */
import { findNodeAtLocation, parseTree, type Node } from "jsonc-parser";
import { moduleName, type Workflow, type WorkflowModule } from "../core/workflow/model";
import { sourceLocation, type ResolvedWorkflowSource } from "../core/workflow/ref-resolver";
import type { JsonPathSegment } from "../core/workflow/json-path";

/** A module's place in its file (0-based lines, inclusive). */
export interface ModuleRange {
  stepId: string;
  moduleName: string;
  /** Root-relative file. */
  file: string;
  startLine: number;
  endLine: number;
}

export interface SourceMap {
  /** Every module with a place, in workflow order. */
  modules: ModuleRange[];
  /** The module a line of a file belongs to (the innermost, for a group's members), or undefined. */
  moduleAt(file: string, line: number): ModuleRange | undefined;
  /** Where a module was written, or undefined. */
  rangeOf(stepId: string, name: string): ModuleRange | undefined;
}

/** The module paths of the resolved workflow: `steps[i].modules[j]` and each group's `groups[k].modules[m]`. */
function modulePaths(workflow: Workflow): Array<{ stepId: string; name: string; path: JsonPathSegment[] }> {
  const out: Array<{ stepId: string; name: string; path: JsonPathSegment[] }> = [];
  workflow.steps.forEach((step, i) => {
    (step.modules ?? []).forEach((module, j) => {
      out.push({ stepId: step.step_id, name: moduleName(module), path: ["steps", i, "modules", j] });
      const groups = Array.isArray(module.groups) ? (module.groups as unknown[]) : [];
      groups.forEach((group, k) => {
        const members = group !== null && typeof group === "object" && Array.isArray((group as { modules?: unknown }).modules) ? ((group as { modules: unknown[] }).modules) : [];
        members.forEach((member, m) => {
          if (member === null || typeof member !== "object") return;
          out.push({ stepId: step.step_id, name: moduleName(member as WorkflowModule), path: ["steps", i, "modules", j, "groups", k, "modules", m] });
        });
      });
    });
  });
  return out;
}

function lineOf(starts: number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid] <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** Builds the map from the resolved source and the texts of its files (root-relative path → text). */
export function buildSourceMap(source: Pick<ResolvedWorkflowSource, "entry" | "sources">, workflow: Workflow, fileText: (file: string) => string | undefined): SourceMap {
  const trees = new Map<string, { root: Node | undefined; starts: number[] } | null>();
  const treeOf = (file: string) => {
    if (!trees.has(file)) {
      const text = fileText(file);
      trees.set(file, text === undefined ? null : { root: parseTree(text, [], { allowTrailingComma: true }), starts: lineStarts(text) });
    }
    return trees.get(file) ?? null;
  };
  const modules: ModuleRange[] = [];
  for (const { stepId, name, path } of modulePaths(workflow)) {
    const location = sourceLocation(source, path);
    const tree = treeOf(location.file);
    if (!tree?.root) continue;
    const node = findNodeAtLocation(tree.root, location.path);
    if (!node || node.type !== "object") continue;
    modules.push({ stepId, moduleName: name, file: location.file, startLine: lineOf(tree.starts, node.offset), endLine: lineOf(tree.starts, node.offset + node.length - 1) });
  }
  const byName = new Map(modules.map((range) => [`${range.stepId}/${range.moduleName}`, range]));
  return {
    modules,
    moduleAt(file, line) {
      let best: ModuleRange | undefined;
      for (const range of modules) {
        if (range.file !== file || line < range.startLine || line > range.endLine) continue;
        if (!best || range.endLine - range.startLine < best.endLine - best.startLine) best = range;
      }
      return best;
    },
    rangeOf: (stepId, name) => byName.get(`${stepId}/${name}`),
  };
}
