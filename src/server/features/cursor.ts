/**
 * What is under the cursor in a workflow, step or template file: a `module_id` value, an input name,
 * a `$ref` path, an `outputs_to_state` key, or a place inside a template (JSON string or text file).
 * Completion, hover and definition all start here.
 */
import { extname } from "node:path";
import { getLocation } from "jsonc-parser";
import {
  isObjectNode,
  isStringNode,
  mapStringLiteral,
  nodeAt,
  propertyKey,
  propertyValue,
  properties,
  stringValue,
  type Node,
  type StringMap,
} from "../analysis/json-tree";
import type { ModuleInfo, WorkflowAnalysis } from "../analysis/workflow";
import type { Session } from "../session";

export interface TemplateCursor {
  kind: "template";
  /** The template source and the cursor's index in it. */
  source: string;
  index: number;
  toFile(index: number): number;
  /** The module whose inputs hold the template (undefined: status_display or unknown). */
  module: ModuleInfo | undefined;
}

export type Cursor =
  | { kind: "moduleId"; value: string; start: number; end: number; quote: boolean }
  | { kind: "inputKey"; moduleId: string | undefined; key: string | undefined; present: Set<string>; start: number; end: number; hasValue: boolean }
  | { kind: "ref"; value: string; refType: string; start: number; end: number }
  | { kind: "outputKey"; moduleId: string | undefined; key: string; start: number; end: number }
  | { kind: "stateKey"; key: string; start: number; end: number }
  | { kind: "target"; field: "step" | "module"; value: string; stepId: string | undefined; nodeOffset: number; start: number; end: number }
  | TemplateCursor;

export interface FileContext {
  path: string;
  text: string;
  analysis: WorkflowAnalysis | undefined;
}

export function fileContext(session: Session, path: string): FileContext | undefined {
  const text = session.source.read(path);
  if (text === undefined) return undefined;
  return { path, text, analysis: session.analysisOf(path) };
}

export function cursorAt(session: Session, context: FileContext, offset: number): Cursor | undefined {
  const { path, text, analysis } = context;
  if (extname(path).toLowerCase() !== ".json") {
    if (!analysis) return undefined;
    const site = analysis.sites.find((candidate) => candidate.file === path);
    if (!site) return undefined;
    return { kind: "template", source: text, index: offset, toFile: (i) => i, module: site.module };
  }
  const root = session.parseCache.get(path, text).root;
  const node = nodeAt(root, offset);
  const location = getLocation(text, offset);
  const last = location.path[location.path.length - 1];
  const parent = node?.parent;
  const parentKey = parent?.type === "property" ? propertyKey(parent) : undefined;
  const isValue = parent?.type === "property" ? parent.children?.[1] === node : parent?.type === "array";
  const insideString = isStringNode(node) && offset > node.offset && offset <= stringEnd(text, node);

  // `"module_id": "…"` and `"module_id": |`
  if (insideString && isValue && parentKey === "module_id") {
    return { kind: "moduleId", value: node.value, start: node.offset + 1, end: stringEnd(text, node), quote: false };
  }
  if (!location.isAtPropertyKey && last === "module_id" && !insideString && (!node || node.type !== "string")) {
    return { kind: "moduleId", value: "", start: offset, end: offset, quote: true };
  }
  // `"$ref": "…"`
  if (insideString && isValue && parentKey === "$ref") {
    const refObject = parent?.parent;
    const refType = stringValue(propertyValue(refObject, "type")) ?? "text";
    return { kind: "ref", value: node.value, refType, start: node.offset + 1, end: stringEnd(text, node) };
  }
  // a step id or module name in a retry/jump option or a sub-action ref
  if (insideString && isValue && parent?.type === "property" && parentKey !== undefined) {
    const holder = parent.parent;
    const inRef = holder?.parent?.type === "property" && propertyKey(holder.parent) === "ref";
    const field =
      parentKey === "target_step" || (inRef && parentKey === "step_id") ? "step" : parentKey === "target_module" || (inRef && parentKey === "module_name") ? "module" : undefined;
    if (field) {
      const stepId = stringValue(propertyValue(holder, inRef ? "step_id" : "target_step"));
      return { kind: "target", field, value: node.value, stepId, nodeOffset: node.offset, start: node.offset + 1, end: stringEnd(text, node) };
    }
  }
  // a property name inside `inputs` or `outputs_to_state` of a module
  if (location.isAtPropertyKey && location.path.length >= 2) {
    const container = location.path[location.path.length - 2];
    const objectNode = enclosingObject(node);
    const owner = objectNode?.parent?.type === "property" ? objectNode.parent : undefined;
    const moduleNode = owner?.parent;
    if (objectNode && owner && isObjectNode(moduleNode) && propertyKey(owner) === container && hasModuleShape(moduleNode)) {
      const moduleId = stringValue(propertyValue(moduleNode, "module_id"));
      const keyNode = isStringNode(node) && node.parent?.type === "property" && node.parent.children?.[0] === node ? node : undefined;
      const start = keyNode ? keyNode.offset : offset;
      const end = keyNode ? keyNode.offset + keyNode.length : offset;
      if (container === "inputs") {
        const present = new Set(properties(objectNode).map(propertyKey).filter((key): key is string => key !== undefined && key !== keyNode?.value));
        return { kind: "inputKey", moduleId, key: keyNode?.value, present, start, end, hasValue: keyNode?.parent?.colonOffset !== undefined };
      }
      if (container === "outputs_to_state" && keyNode) return { kind: "outputKey", moduleId, key: keyNode.value, start, end };
    }
  }
  // a state key: the value side of `outputs_to_state`
  if (insideString && isValue && parent?.type === "property" && parent.parent?.parent?.type === "property" && propertyKey(parent.parent.parent) === "outputs_to_state") {
    return { kind: "stateKey", key: node.value, start: node.offset + 1, end: stringEnd(text, node) };
  }
  // any other string value: maybe a template
  if (insideString && isValue) {
    const map: StringMap = mapStringLiteral(text, node);
    const index = indexOf(map, offset);
    const module = analysis?.modules.filter((m) => m.file === path && m.node.offset <= offset && offset <= m.node.offset + m.node.length).pop();
    return { kind: "template", source: map.value, index, toFile: (i) => map.offsets[Math.max(0, Math.min(i, map.offsets.length - 1))]!, module };
  }
  return undefined;
}

function hasModuleShape(node: Node): boolean {
  return propertyValue(node, "module_id") !== undefined;
}

function enclosingObject(node: Node | undefined): Node | undefined {
  let current = node;
  while (current && current.type !== "object") current = current.parent;
  return current;
}

/** The offset of a string literal's closing quote (or the end of an unterminated one). */
function stringEnd(text: string, node: Node): number {
  const end = node.offset + node.length;
  return text[end - 1] === '"' && end - 1 > node.offset ? end - 1 : end;
}

function indexOf(map: StringMap, offset: number): number {
  let lo = 0;
  let hi = map.offsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (map.offsets[mid]! < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
