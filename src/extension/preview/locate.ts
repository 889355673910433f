/**
 * What a preview is of (issue 15), as data (pure, no `vscode`): the module input a `$ref`'d prompt file
 * or a template string under the cursor feeds, and where the pipelines of `transform.query` /
 * `db.query` modules are in a workflow or step file (their stages' operator keys, for lenses and hovers).
 */
import { findNodeAtLocation, getLocation, parseTree, type Node } from "jsonc-parser";
import type { JsonPathSegment } from "../../core/workflow/json-path";
import type { ResolvedWorkflowSource } from "../../core/workflow/ref-resolver";
import { outline } from "../outline";

type Path = JsonPathSegment[];

/** The module input a template belongs to, in the resolved workflow. */
export interface ModuleInputRef {
  stepId: string;
  moduleName: string;
  moduleId: string;
  /** The input's name (`inputs.<input>`). */
  input: string;
  /** Where the template string sits inside the input's value ([] for the value itself). */
  subPath: Path;
}

/** `$ref` types whose file text lands in an input as a string a run may render: Jinja2 ones first, then plain text. */
const TEMPLATE_REF_TYPES = ["jinja2", "template", "text"];

/** `steps[i].modules[j].inputs.<name>…` in the resolved workflow → the module and input it names. */
export function moduleInputAt(workflow: unknown, path: readonly JsonPathSegment[]): ModuleInputRef | undefined {
  if (path.length < 6 || path[0] !== "steps" || path[2] !== "modules" || path[4] !== "inputs" || typeof path[5] !== "string") return undefined;
  const step = (workflow as { steps?: unknown[] } | null)?.steps?.[path[1] as number] as { step_id?: unknown; modules?: unknown[] } | undefined;
  const module = step?.modules?.[path[3] as number] as { name?: unknown; module_id?: unknown } | undefined;
  if (!step || !module) return undefined;
  const moduleId = typeof module.module_id === "string" ? module.module_id : "";
  const moduleName = typeof module.name === "string" && module.name !== "" ? module.name : moduleId;
  return { stepId: String(step.step_id ?? ""), moduleName, moduleId, input: path[5], subPath: path.slice(6) };
}

/** Every module input a prompt file (root-relative) is `$ref`'d into as text: `type: jinja2` ones first, then in resolution order. */
export function inputsUsingFile(source: ResolvedWorkflowSource, file: string): ModuleInputRef[] {
  const found: { target: ModuleInputRef; rank: number }[] = [];
  for (const ref of source.sources) {
    const rank = TEMPLATE_REF_TYPES.indexOf(ref.type);
    if (ref.file !== file || rank < 0) continue;
    const target = moduleInputAt(source.workflow, ref.path);
    if (target) found.push({ target, rank });
  }
  return found.sort((a, b) => a.rank - b.rank).map((entry) => entry.target);
}

/** The string under `offset` in a workflow or step file (root-relative `file`), and the module input it is in. */
export function templateStringAt(source: ResolvedWorkflowSource, file: string, text: string, offset: number): { target: ModuleInputRef; localPath: Path } | undefined {
  const location = getLocation(text, offset);
  const node = location.previousNode;
  if (!node || node.type !== "string" || location.isAtPropertyKey) return undefined;
  const localPath = location.path;
  const prefix = file === source.entry ? [] : source.sources.find((ref) => ref.file === file && ref.type === "json")?.path;
  if (!prefix) return undefined;
  const target = moduleInputAt(source.workflow, [...prefix, ...localPath]);
  return target ? { target, localPath } : undefined;
}

/** The string value at `localPath` in a JSON text (the live template of a string preview), or undefined. */
export function stringAt(text: string, localPath: Path): string | undefined {
  const root = parseTree(text, [], { allowTrailingComma: true });
  const node = root ? findNodeAtLocation(root, localPath) : undefined;
  return node?.type === "string" ? (node.value as string) : undefined;
}

/** Operators' key positions of a pipeline, and the module it belongs to. */
export interface PipelineAnchor {
  stepId: string;
  moduleName: string;
  moduleId: string;
  /** Offset of the `"pipeline"` key. */
  offset: number;
  stages: { operator: string; offset: number; length: number }[];
}

const QUERY_MODULES = new Set(["transform.query", "db.query"]);

/** The pipelines of the `transform.query` / `db.query` modules of a workflow or step file. */
export function pipelinesIn(text: string): PipelineAnchor[] {
  const shape = outline(text);
  if (shape.kind === "other") return [];
  const modules = shape.modules.filter((m) => QUERY_MODULES.has(m.moduleId));
  if (modules.length === 0) return [];
  const root = parseTree(text, [], { allowTrailingComma: true });
  if (!root) return [];
  const anchors: PipelineAnchor[] = [];
  for (const module of modules) {
    const pipeline = findNodeAtLocation(root, [...module.path, "inputs", "pipeline"]);
    if (!pipeline || pipeline.type !== "array" || !pipeline.parent) continue;
    anchors.push({
      stepId: module.stepId,
      moduleName: module.moduleName,
      moduleId: module.moduleId,
      offset: pipeline.parent.offset,
      stages: (pipeline.children ?? []).map(stageKey),
    });
  }
  return anchors;
}

function stageKey(stage: Node): { operator: string; offset: number; length: number } {
  const key = stage.type === "object" ? stage.children?.[0]?.children?.[0] : undefined;
  if (key && typeof key.value === "string") return { operator: key.value, offset: key.offset, length: key.length };
  return { operator: "", offset: stage.offset, length: stage.length };
}

/** The pipeline stage whose operator key covers `offset`: its pipeline and index. */
export function stageAt(anchors: readonly PipelineAnchor[], offset: number): { pipeline: PipelineAnchor; stage: number } | undefined {
  for (const pipeline of anchors) {
    const stage = pipeline.stages.findIndex((s) => s.operator !== "" && offset >= s.offset && offset <= s.offset + s.length);
    if (stage >= 0) return { pipeline, stage };
  }
  return undefined;
}
