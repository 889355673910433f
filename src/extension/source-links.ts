/**
 * "Go to source": where in the workspace a place in the resolved workflow was written. A resolved
 * workflow has every `$ref` replaced, so a path in it (`steps[2].modules[0].inputs.prompt`) is mapped
 * back to the file and in-file path it came from (the resolver's source map). Pure: the caller gives
 * the workspace-relative naming of files.
 */
import { dirname, join } from "node:path";
import { moduleSourcePath } from "../core/workflow/error-source";
import { sourceLocation, type ResolvedWorkflowSource } from "../core/workflow/ref-resolver";
import type { SourceLink } from "../shared/protocol";

/** A resolved workflow and the (absolute) workflow file it was resolved from. */
export interface ResolvedWorkflow {
  source: ResolvedWorkflowSource;
  workflowFile: string;
}

/** Names an absolute path as the panel shows it (workspace-relative). */
export type RelativePath = (absolute: string) => string;

type JsonPath = (string | number)[];

/** A resolved-workflow path → the file and in-file path where it was written. */
export function linkFor(resolved: ResolvedWorkflow, path: JsonPath, relative: RelativePath, label?: string): SourceLink {
  const location = sourceLocation(resolved.source, path);
  const root = dirname(resolved.workflowFile);
  return { file: relative(join(root, ...location.file.split("/"))), path: location.path, ...(label ? { label } : {}) };
}

/** The same for a path written as the workflow model's issues write it (`.steps[0].modules[1]["a.b"]`). */
export function linkForPathString(resolved: ResolvedWorkflow, jsonPath: string, relative: RelativePath): SourceLink {
  const path: JsonPath = [];
  for (const m of jsonPath.matchAll(/\.([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g)) {
    if (m[1] !== undefined) path.push(m[1]);
    else if (m[2] !== undefined) path.push(Number(m[2]));
    else if (m[3] !== undefined) path.push(JSON.parse(`"${m[3]}"`) as string);
  }
  return linkFor(resolved, path, relative);
}

/**
 * The module's path in the resolved workflow (`steps[i].modules[j]`; a module of an execution group's
 * path, `steps[i].modules[j].groups[k].modules[m]`: core's moduleSourcePath), or undefined.
 */
export function modulePath(workflow: unknown, stepId: string, moduleName: string): JsonPath | undefined {
  const path = moduleSourcePath(workflow, stepId, moduleName);
  return path && path.length > 2 ? path : undefined; // ["steps", i] alone: the step has no such module
}

export interface ModuleRef {
  stepId: string;
  moduleName: string;
}

/**
 * Where a run's error points: a `$ref`'s file, an input of the module that failed, or that module
 * (the one the error names, else the one an up_to run stopped at, else the target).
 */
export function errorSource(
  resolved: ResolvedWorkflow,
  target: ModuleRef,
  details: Record<string, unknown>,
  stoppedAt: ModuleRef | null,
  relative: RelativePath,
): SourceLink | null {
  if (typeof details.file === "string" && Array.isArray(details.path)) {
    return { file: relative(join(dirname(resolved.workflowFile), details.file)), path: details.path as JsonPath };
  }
  const workflow = resolved.source.workflow;
  const stepId = typeof details.step_id === "string" ? details.step_id : (stoppedAt?.stepId ?? target.stepId);
  const moduleName = typeof details.module_name === "string" ? details.module_name : (stoppedAt?.moduleName ?? target.moduleName);
  const module = modulePath(workflow, stepId, moduleName) ?? modulePath(workflow, target.stepId, target.moduleName);
  if (!module) return null;
  const input = inputPathOf(details);
  const link = linkFor(resolved, input ? [...module, "inputs", ...input] : module, relative, `${stepId}/${moduleName}`);
  // A template that failed to resolve: its line and column inside the input's string.
  const { template, line, column } = details;
  if (input && typeof template === "string" && Number.isInteger(line) && Number.isInteger(column)) link.template = { line: line as number, column: column as number };
  return link;
}

/** The input path an error names (`input_path: "a.b[0]"`, `input: "name"`, `path: [...]`). */
function inputPathOf(details: Record<string, unknown>): JsonPath | undefined {
  const raw = details.input_path ?? details.input ?? details.input_name;
  if (Array.isArray(raw)) return raw as JsonPath;
  if (typeof raw !== "string" || raw === "") return undefined;
  const path: JsonPath = [];
  for (const m of raw.replace(/^inputs\.?/, "").matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (m[2] !== undefined) path.push(Number(m[2]));
    else if (m[1] !== undefined) path.push(m[1]);
  }
  return path.length > 0 ? path : undefined;
}
