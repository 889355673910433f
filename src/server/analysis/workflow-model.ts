/**
 * The workflow model built from the jsonc trees: steps and their modules in workflow order (an
 * execution group's paths inlined), each with its instance name, catalog entry, inputs and
 * `outputs_to_state` mappings, every node kept for ranges.
 */
import type { ModuleSummary } from "../../core/modules";
import { EXECUTION_GROUPS_MODULE_ID } from "../../core/repositories/execution-groups";
import { findProperty, hasProperty, isArrayNode, isObjectNode, isStringNode, properties, propertyKey, propertyValue, stringValue, type Node } from "./json-tree";
import type { ModuleCatalog } from "./module-catalog";
import type { Loc, RefResolver } from "./refs";

export interface StepInfo {
  index: number;
  stepId: string | undefined;
  idNode: Node | undefined;
  file: string;
  node: Node;
  modules: ModuleInfo[];
}

export interface OutputMapping {
  outKey: string;
  stateKey: string;
  file: string;
  keyNode: Node;
  valueNode: Node;
}

export interface ModuleInfo {
  /** Position in workflow order (all steps flattened). */
  index: number;
  indexInStep: number;
  step: StepInfo;
  file: string;
  node: Node;
  moduleId: string | undefined;
  moduleIdNode: Node | undefined;
  /** The instance name: `name` when the key is there, else `module_id` (the executor's rule). */
  name: string | undefined;
  nameNode: Node | undefined;
  summary: ModuleSummary | undefined;
  inputs: Loc | undefined;
  /** The `"inputs"` property node of the module (for ranges). */
  inputsProperty: Node | undefined;
  outputs: OutputMapping[];
  /** A module of an execution group's path: the group's name and the path's. */
  group?: { name: string; path: string };
}

export interface WorkflowModel {
  steps: StepInfo[];
  /** Every module in workflow order (all steps flattened). */
  modules: ModuleInfo[];
}

/** True when the JSON tree looks like a workflow file (`workflow_id` or a `steps` array). */
export function looksLikeWorkflow(root: Node | undefined): boolean {
  return isObjectNode(root) && (hasProperty(root, "workflow_id") || isArrayNode(propertyValue(root, "steps")));
}

/** True when the JSON tree looks like a step file (`step_id` and `modules`). */
export function looksLikeStep(root: Node | undefined): boolean {
  return isObjectNode(root) && hasProperty(root, "step_id") && hasProperty(root, "modules") && !hasProperty(root, "steps");
}

/** The steps and modules of the workflow at `rootLoc` (or of the step there, for a lone step file). */
export function buildModel(files: RefResolver, catalog: ModuleCatalog, rootLoc: Loc, standaloneStep: boolean): WorkflowModel {
  const model: WorkflowModel = { steps: [], modules: [] };
  const root = files.deref(rootLoc);
  if (root.kind !== "node") return model;
  const stepLocs = standaloneStep ? [root.loc] : files.arrayItems(root.loc, "steps");
  for (const stepLoc of stepLocs) {
    const stepNode = stepLoc.node;
    const idNode = propertyValue(stepNode, "step_id");
    const step: StepInfo = { index: model.steps.length, stepId: stringValue(idNode), idNode, file: stepLoc.file, node: stepNode, modules: [] };
    model.steps.push(step);
    const addModule = (moduleLoc: Loc, group?: ModuleInfo["group"]): ModuleInfo => {
      const module = moduleInfo(files, catalog, moduleLoc, step, model.modules.length, group);
      step.modules.push(module);
      model.modules.push(module);
      return module;
    };
    for (const moduleLoc of files.arrayItems(stepLoc, "modules")) {
      const module = addModule(moduleLoc);
      if (module.moduleId !== EXECUTION_GROUPS_MODULE_ID) continue;
      // The engine inlines one path's modules in the group's place (docs/engine.md §1.10): every
      // path's modules are modules of the step here, so targets, state keys and inputs are checked.
      for (const path of files.arrayItems(moduleLoc, "groups")) {
        const pathName = stringValue(propertyValue(path.node, "name"));
        for (const inner of files.arrayItems(path, "modules")) addModule(inner, { name: module.name ?? "", path: pathName ?? "" });
      }
    }
  }
  return model;
}

function moduleInfo(files: RefResolver, catalog: ModuleCatalog, moduleLoc: Loc, step: StepInfo, index: number, group: ModuleInfo["group"]): ModuleInfo {
  const node = moduleLoc.node;
  const moduleIdNode = propertyValue(node, "module_id");
  const moduleId = stringValue(moduleIdNode);
  const nameProperty = findProperty(node, "name");
  const nameNode = nameProperty?.children?.[1];
  const name = nameProperty ? stringValue(nameNode) : moduleId;
  const inputsProperty = findProperty(node, "inputs");
  let inputs: Loc | undefined;
  if (inputsProperty?.children?.[1]) {
    const d = files.deref({ ...moduleLoc, node: inputsProperty.children[1] });
    if (d.kind === "node" && isObjectNode(d.loc.node)) inputs = d.loc;
  }
  const module: ModuleInfo = {
    index,
    indexInStep: step.modules.length,
    step,
    file: moduleLoc.file,
    node,
    moduleId,
    moduleIdNode,
    name,
    nameNode,
    summary: moduleId === undefined ? undefined : catalog.get(moduleId),
    inputs,
    inputsProperty,
    outputs: [],
    ...(group ? { group } : {}),
  };
  const mapping = files.objectAt(moduleLoc, "outputs_to_state");
  for (const property of properties(mapping?.node)) {
    const keyNode = property.children?.[0];
    const valueNode = property.children?.[1];
    const outKey = propertyKey(property);
    if (!keyNode || !valueNode || outKey === undefined || !isStringNode(valueNode)) continue;
    module.outputs.push({ outKey, stateKey: valueNode.value, file: mapping!.file, keyNode, valueNode });
  }
  return module;
}
