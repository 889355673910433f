/**
 * Strings that name a step or a module: `retryable` options' `target_step` / `target_module` and
 * sub-action refs (`step_id`, `module_name`). A name that is not there fails only when the option is
 * used (engine.md §2.6, §4.6), so it is worth a warning now.
 */
import { closeMatches } from "../../core/modules";
import { DiagnosticCodes } from "../../shared/lsp";
import { nodeRange, Severity, type DiagnosticList } from "./diagnostics";
import { propertyValue, stringValue, type Node } from "./json-tree";
import type { Loc, RefResolver } from "./refs";
import type { ModuleInfo, StepInfo } from "./workflow-model";

/** A string naming a step or a module (`retryable` options, sub-action refs), and what it names. */
export interface TargetRef {
  file: string;
  node: Node;
  kind: "step" | "module";
  target: StepInfo | ModuleInfo | undefined;
  /** For a module name: the step it is looked up in (undefined: the whole workflow). */
  step: StepInfo | undefined;
}

/** Every target of the workflow's modules, in workflow order; a name that finds nothing is warned about. */
export function collectTargets(files: RefResolver, diagnostics: DiagnosticList, steps: readonly StepInfo[], modules: readonly ModuleInfo[]): TargetRef[] {
  const targets: TargetRef[] = [];
  const stepsById = new Map<string, StepInfo>();
  for (const step of steps) if (step.stepId !== undefined && !stepsById.has(step.stepId)) stepsById.set(step.stepId, step);
  const inStep = (step: StepInfo, name: string) =>
    step.modules.find((m) => m.name === name) ?? step.modules.find((m) => !m.name && m.moduleId?.split(".").pop() === name);
  const anywhere = (name: string) => modules.find((m) => m.name === name || m.moduleId === name);
  const warn = (file: string, node: Node, message: string) =>
    diagnostics.report({ ...nodeRange(file, node), severity: Severity.Warning, code: DiagnosticCodes.unknownTarget, message });
  const check = (file: string, stepNode: Node | undefined, moduleNode: Node | undefined, lookup: "jump" | "retry") => {
    let step: StepInfo | undefined;
    const stepId = stringValue(stepNode);
    if (stepNode && stepId !== undefined) {
      step = stepsById.get(stepId);
      targets.push({ file, node: stepNode, kind: "step", target: step, step: undefined });
      if (!step) {
        const hint = closeMatches(stepId, [...stepsById.keys()]);
        warn(file, stepNode, `Step '${stepId}' not found in the workflow${hint.length > 0 ? `; did you mean '${hint[0]}'?` : ""}`);
      }
    }
    const name = stringValue(moduleNode);
    if (!moduleNode || name === undefined || (stepNode && !step)) return;
    const module = step ? inStep(step, name) : lookup === "retry" ? anywhere(name) : undefined;
    targets.push({ file, node: moduleNode, kind: "module", target: module, step });
    if (module || (!step && lookup !== "retry")) return;
    const names = (step ? step.modules : modules).map((m) => m.name).filter((n): n is string => n !== undefined);
    const hint = closeMatches(name, names);
    warn(file, moduleNode, `Module '${name}' not found ${step ? `in step '${step.stepId}'` : "in the workflow"}${hint.length > 0 ? `; did you mean '${hint[0]}'?` : ""}`);
  };
  for (const module of modules) {
    const moduleLoc: Loc = { file: module.file, node: module.node, chain: [] };
    const retryable = files.objectAt(moduleLoc, "retryable");
    if (retryable) {
      for (const option of files.arrayItems(retryable, "options")) {
        const mode = stringValue(propertyValue(option.node, "mode"));
        const stepNode = propertyValue(option.node, "target_step");
        const lookup = mode === "jump" || stepNode ? "jump" : "retry";
        check(option.file, stepNode, propertyValue(option.node, "target_module"), lookup);
      }
    }
    for (const subAction of files.arrayItems(moduleLoc, "sub_actions")) {
      for (const action of files.arrayItems(subAction, "actions")) {
        const ref = files.objectAt(action, "ref");
        if (ref) check(ref.file, propertyValue(ref.node, "step_id"), propertyValue(ref.node, "module_name"), "jump");
      }
    }
  }
  return targets;
}
