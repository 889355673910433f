/**
 * Checks of each module against the module catalog (unknown `module_id`, missing required and
 * undeclared inputs, `outputs_to_state` keys that are not outputs) and of names across the workflow
 * (duplicate module names and step ids).
 */
import { getNodePath } from "jsonc-parser";
import { closeMatches, type ModuleSummary } from "../../core/modules";
import { INPUTS_READ_UNDECLARED } from "../../core/engine/definition-warnings";
import { EXECUTION_GROUPS_MODULE_ID } from "../../core/repositories/execution-groups";
import { DiagnosticCodes, type FixData } from "../../shared/lsp";
import { nodeRange, renameFix, Severity, type DiagnosticList } from "./diagnostics";
import { isObjectNode, properties, propertyKey, type Node } from "./json-tree";
import type { ModuleCatalog } from "./module-catalog";
import type { ModuleInfo, StepInfo } from "./workflow-model";

/** Module names and step ids must be unique in a workflow. */
export function checkDuplicateNames(diagnostics: DiagnosticList, steps: readonly StepInfo[], modules: readonly ModuleInfo[]): void {
  const firstByName = new Map<string, ModuleInfo>();
  for (const module of modules) {
    if (module.name === undefined) continue;
    const first = firstByName.get(module.name);
    if (!first) {
      firstByName.set(module.name, module);
      continue;
    }
    // Two paths of one group are alternatives: only one of them is inlined at run time.
    if (first.group && module.group && first.group.name === module.group.name && first.group.path !== module.group.path) continue;
    const at = module.nameNode ?? module.moduleIdNode ?? module.node;
    const firstAt = first.nameNode ?? first.moduleIdNode ?? first.node;
    diagnostics.report({
      ...nodeRange(module.file, at),
      severity: Severity.Error,
      code: DiagnosticCodes.duplicateModuleName,
      message: `Duplicate module name '${module.name}': module names must be unique in a workflow (state, events, targets and sub-actions use them)`,
      related: [{ ...nodeRange(first.file, firstAt), message: `'${module.name}' is first used here (step '${first.step.stepId ?? "?"}')` }],
    });
  }
  const firstStep = new Map<string, StepInfo>();
  for (const step of steps) {
    if (step.stepId === undefined || !step.idNode) continue;
    const first = firstStep.get(step.stepId);
    if (!first) {
      firstStep.set(step.stepId, step);
      continue;
    }
    diagnostics.report({
      ...nodeRange(step.file, step.idNode),
      severity: Severity.Error,
      code: DiagnosticCodes.duplicateStepId,
      message: `Duplicate step_id '${step.stepId}': step ids must be unique`,
      related: first.idNode ? [{ ...nodeRange(first.file, first.idNode), message: "first defined here" }] : undefined,
    });
  }
}

/** The module's `module_id`, inputs and `outputs_to_state` keys against what the catalog declares. */
export function checkModule(diagnostics: DiagnosticList, catalog: ModuleCatalog, module: ModuleInfo): void {
  if (module.moduleId === undefined || !module.moduleIdNode) return;
  if (module.moduleId === EXECUTION_GROUPS_MODULE_ID) return; // expanded by the engine, never run itself
  const summary = module.summary;
  if (!summary) {
    const matches = catalog.closeMatches(module.moduleId);
    const hint = matches.length > 0 ? `; did you mean ${matches.map((m) => `'${m}'`).join(" or ")}?` : "";
    diagnostics.report({
      ...nodeRange(module.file, module.moduleIdNode),
      severity: Severity.Error,
      code: DiagnosticCodes.unknownModule,
      message: `Unknown module_id '${module.moduleId}'${hint}`,
      data: { closeMatches: matches, fixes: matches.map((m) => ({ title: `Change module_id to '${m}'`, newText: JSON.stringify(m) })) } satisfies FixData,
    });
    return;
  }
  const declared = declaredInputs(summary);
  const present = new Map<string, Node>();
  for (const property of properties(module.inputs?.node)) {
    const key = propertyKey(property);
    if (key !== undefined && property.children?.[0]) present.set(key, property.children[0]);
  }
  const inputsValue = module.inputsProperty?.children?.[1];
  const inputsIsObject = module.inputs !== undefined || module.inputsProperty === undefined;
  if (inputsIsObject || (inputsValue && isObjectNode(inputsValue))) {
    const anchor = module.inputsProperty?.children?.[0] ?? module.moduleIdNode;
    const anchorFile = module.file;
    for (const input of summary.inputs) {
      if (!input.required || present.has(input.name)) continue;
      diagnostics.report({
        ...nodeRange(anchorFile, anchor),
        severity: Severity.Error,
        code: DiagnosticCodes.missingInput,
        message: `Missing required input '${input.name}' of ${summary.module_id}${input.description ? ` (${input.description})` : ""}`,
        data: {
          insert: {
            path: [...getNodePath(module.inputs?.node ?? module.node), ...(module.inputs ? [] : ["inputs"]), input.name],
            value: input.default !== undefined && input.default !== null ? input.default : placeholderFor(input.type),
            title: `Add required input '${input.name}'`,
          },
        } satisfies FixData,
      });
    }
  }
  // A module that declares no inputs takes any (transform.extract passes every input through).
  if (module.inputs && summary.inputs.length > 0) {
    for (const [key, keyNode] of present) {
      if (key === "resolver_schema" || declared.has(key) || INPUTS_READ_UNDECLARED[summary.module_id]?.includes(key)) continue;
      const matches = closeMatches(key, [...declared.keys()]);
      const hint = matches.length > 0 ? `; did you mean '${matches[0]}'?` : "";
      diagnostics.report({
        ...nodeRange(module.inputs.file, keyNode),
        severity: Severity.Warning,
        code: DiagnosticCodes.unknownInput,
        message: `Input '${key}' is not declared by ${summary.module_id}${hint}`,
        data: renameFix(matches, (m) => JSON.stringify(m)),
      });
    }
  }
  if (summary.outputs.length > 0) {
    const outputs = summary.outputs.map((output) => output.name);
    for (const mapping of module.outputs) {
      const first = mapping.outKey.split(".")[0]!;
      if (outputs.includes(first)) continue;
      const matches = closeMatches(first, outputs);
      const hint = matches.length > 0 ? `; did you mean '${matches[0]}'?` : "";
      diagnostics.report({
        ...nodeRange(mapping.file, mapping.keyNode),
        severity: Severity.Warning,
        code: DiagnosticCodes.unknownOutput,
        message: `'${first}' is not an output of ${summary.module_id} (outputs: ${outputs.join(", ")})${hint}`,
        data: renameFix(matches, (m) => JSON.stringify(m + mapping.outKey.slice(first.length))),
      });
    }
  }
}

const declaredCache = new WeakMap<ModuleSummary, Map<string, ModuleSummary["inputs"][number]>>();

function declaredInputs(summary: ModuleSummary): Map<string, ModuleSummary["inputs"][number]> {
  let map = declaredCache.get(summary);
  if (!map) declaredCache.set(summary, (map = new Map(summary.inputs.map((input) => [input.name, input]))));
  return map;
}

/** A value to start a required input with, by its declared type. */
function placeholderFor(type: string | null): unknown {
  switch (type) {
    case "string":
      return "";
    case "array":
      return [];
    case "object":
      return {};
    case "boolean":
      return false;
    case "number":
    case "integer":
      return 0;
    default:
      return null;
  }
}
