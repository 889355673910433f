/**
 * Where a runtime error comes from in the files the author wrote (tracker issue 18, item 4): the
 * error's details name a step and module (and often an input path, a template line, a `$ref` file),
 * the resolver's `$ref` map (ref-resolver.ts `sourceLocation`) turns the place in the resolved
 * workflow into a file and a JSON path inside it, and the file's text gives the line and column.
 * Hosts that know the workflow's files (the CLI, the extension, the HTTP API when a request carries
 * them) add the result to the error as `details.source`. Pure: the caller reads the files.
 */
import { findNodeAtLocation, parseTree, type Node } from "jsonc-parser";
import { isStackOverflow } from "../limits";
import { formatJsonPath, parseJsonPath, type JsonPathSegment } from "./json-path";
import { sourceLocation, type ResolvedWorkflowSource } from "./ref-resolver";

/** `details.source`: a root-relative file, the JSON path inside it (`$` for a text file), 1-based line and column. */
export interface ErrorSource {
  file: string;
  json_path: string;
  line: number | null;
  column: number | null;
}

type Json = Record<string, unknown>;

const asRecord = (value: unknown): Json => (value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : {});
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const nameOf = (module: Json): unknown => (module.name !== undefined ? module.name : module.module_id);

/**
 * The path of a module in the resolved (not yet expanded) workflow: `steps[i].modules[j]` by name;
 * a module of an execution group's path, `steps[i].modules[j].groups[k].modules[m]`; a group's
 * generated `_<group>_validator`, the group's `output_schema`; a name the step does not have, the
 * step. Undefined when there is no such step.
 */
export function moduleSourcePath(workflow: unknown, stepId: string, moduleName: string): JsonPathSegment[] | undefined {
  const steps = asArray(asRecord(workflow).steps);
  for (let i = 0; i < steps.length; i++) {
    const step = asRecord(steps[i]);
    if (step.step_id !== stepId) continue;
    const modules = asArray(step.modules);
    const direct = modules.findIndex((module) => nameOf(asRecord(module)) === moduleName);
    if (direct >= 0) return ["steps", i, "modules", direct];
    for (let j = 0; j < modules.length; j++) {
      const group = asRecord(modules[j]);
      const paths = asArray(group.groups);
      for (let k = 0; k < paths.length; k++) {
        const inner = asArray(asRecord(paths[k]).modules).findIndex((module) => nameOf(asRecord(module)) === moduleName);
        if (inner >= 0) return ["steps", i, "modules", j, "groups", k, "modules", inner];
      }
      if (paths.length > 0 && moduleName === `_${String(group.name)}_validator`) {
        return ["steps", i, "modules", j, ...(group.output_schema !== undefined ? ["output_schema"] : [])];
      }
    }
    return ["steps", i];
  }
  return undefined;
}

/** `inputs.system[2]` / `system[2]` / `["system", 2]` → path segments. */
function inputSegments(raw: unknown): JsonPathSegment[] {
  if (Array.isArray(raw)) return raw.filter((part): part is JsonPathSegment => typeof part === "string" || typeof part === "number");
  if (typeof raw !== "string" || raw === "") return [];
  const path = parseJsonPath(raw);
  return path[0] === "inputs" ? path.slice(1) : path;
}

/** 1-based line and column of an offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** The node at `path` in a JSON text, or its closest existing ancestor (a missing input points at `inputs`). */
function locateInJson(text: string, path: readonly JsonPathSegment[]): { line: number; column: number } | null {
  const root = parseTree(text, [], { disallowComments: true, allowTrailingComma: false });
  if (!root) return null;
  for (let n = path.length; n >= 0; n--) {
    const node: Node | undefined = findNodeAtLocation(root, path.slice(0, n) as JsonPathSegment[]);
    if (node) return lineColumn(text, node.parent?.type === "property" ? node.parent.offset : node.offset);
  }
  return null;
}

function isJsonFile(resolved: Pick<ResolvedWorkflowSource, "entry" | "sources">, file: string): boolean {
  return file === resolved.entry || resolved.sources.some((source) => source.file === file && source.type === "json");
}

const positive = (value: unknown): number | null => (typeof value === "number" && Number.isInteger(value) && value > 0 ? value : null);

/**
 * `details.source` for an error with these `details`, or null when they name no place: a `$ref`
 * failure's own `file`/`path`; else the module (`step_id`, `module_name`) and its input
 * (`input_path`, `input_name`); else the first schema issue (`issues[0].path`). A template error in
 * a text `$ref` keeps the template's own line and column.
 */
export function errorSource(
  resolved: Pick<ResolvedWorkflowSource, "entry" | "sources"> & { workflow: unknown },
  details: Record<string, unknown>,
  readText: (file: string) => string | undefined,
): ErrorSource | null {
  let file: string;
  let inner: JsonPathSegment[];
  if (typeof details.file === "string" && (Array.isArray(details.path) || typeof details.json_path === "string")) {
    file = details.file;
    inner = Array.isArray(details.path) ? inputSegments(details.path) : parseJsonPath(details.json_path as string);
    const line = positive(details.line);
    if (line !== null) return { file, json_path: formatJsonPath(inner), line, column: positive(details.column) };
  } else {
    let path: JsonPathSegment[] | undefined;
    if (typeof details.step_id === "string") {
      const moduleName = typeof details.module_name === "string" ? details.module_name : undefined;
      // A module the step does not have (or no module named) points at the step.
      path = moduleSourcePath(resolved.workflow, details.step_id, moduleName ?? "");
      const input = inputSegments(details.input_path ?? details.input_name);
      if (path && path[path.length - 2] === "modules" && input.length > 0) path = [...path, "inputs", ...input];
    } else {
      const firstIssue = asRecord(asArray(details.issues)[0]);
      if (typeof firstIssue.path === "string") path = parseJsonPath(firstIssue.path);
    }
    if (!path) return null;
    const location = sourceLocation(resolved, path);
    file = location.file;
    inner = location.path;
    if (!isJsonFile(resolved, file)) {
      // A text `$ref` (a prompt): a template error's line and column are the file's own.
      const template = typeof details.template === "string" ? details.template : undefined;
      const text = readText(file);
      const whole = template !== undefined && text !== undefined && text === template;
      return { file, json_path: "$", line: whole ? (positive(details.line) ?? 1) : 1, column: whole ? (positive(details.column) ?? 1) : 1 };
    }
  }
  const text = readText(file);
  let at: ReturnType<typeof locateInJson> = null;
  try {
    at = text === undefined ? null : locateInJson(text, inner);
  } catch (error) {
    // A file nested past the parser's stack (the error is likely about that): no line, not a crash.
    if (!isStackOverflow(error)) throw error;
  }
  return { file, json_path: formatJsonPath(inner), line: at?.line ?? null, column: at?.column ?? null };
}
