/**
 * Analysis of one workflow (or a step file on its own) across its `$ref`s, on jsonc-parser trees so
 * every finding has an offset in the file that holds it.
 *
 * `$ref`s follow the engine's resolver exactly (paths, types, cycles, the root the refs may not leave:
 * each node goes through core's `checkRef`), but a failure does not stop the walk: each bad ref
 * becomes a diagnostic at the ref and the rest of the workflow is still analysed.
 */
import { dirname, join, relative, sep } from "node:path";
import { getNodePath } from "jsonc-parser";
import type { ModuleSummary } from "../../core/modules";
import { checkRef } from "../../core/workflow/ref-resolver";
import { EXECUTION_GROUPS_MODULE_ID } from "../../core/repositories/execution-groups";
import { INPUTS_READ_UNDECLARED } from "../../core/engine/definition-warnings";
import { z } from "zod";
import { stepSchema, workflowSchema } from "../../core/workflow/model";
import { formatJsonPath } from "../../core/workflow/json-path";
import { DiagnosticCodes, type DiagnosticCode, type FixData } from "../../shared/lsp";
import {
  findProperty,
  hasProperty,
  isArrayNode,
  isObjectNode,
  isStringNode,
  mapStringLiteral,
  nodeValue,
  hasTemplateMarker,
  parseJson,
  plainValue,
  nodeVersion,
  refObjects,
  reparseJson,
  properties,
  propertyKey,
  propertyValue,
  stringValue,
  type Node,
  type ParsedJson,
  type StringMap,
} from "./json-tree";
import type { ModuleCatalog } from "./module-catalog";
import { analyzeTemplate, isTemplate, type StateRef } from "./templates";
import { closeMatches } from "../../core/modules";

export const enum Severity {
  Error = 1,
  Warning = 2,
  Information = 3,
  Hint = 4,
}

export interface FileRange {
  file: string;
  start: number;
  end: number;
}

export interface FileDiagnostic extends FileRange {
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  related?: Array<FileRange & { message: string }>;
  data?: unknown;
}

/** Where the analysis reads files (absolute paths): open editors first, then the disk. */
export interface AnalysisHost {
  read(path: string): string | undefined;
}

/** Parse trees by file, reused while a file's text is unchanged. */
export class ParseCache {
  private readonly entries = new Map<string, ParsedJson>();

  get(file: string, text: string): ParsedJson {
    const hit = this.entries.get(file);
    if (hit && hit.text === text) return hit;
    const parsed = hit ? reparseJson(hit, text) : parseJson(text);
    this.entries.set(file, parsed);
    return parsed;
  }

  delete(file: string): void {
    this.entries.delete(file);
  }
}

/** A node in some file, with the chain of json `$ref` files that led to it (for cycle detection). */
export interface Loc {
  file: string;
  node: Node;
  chain: readonly string[];
}

export type Deref =
  | { kind: "node"; loc: Loc }
  | { kind: "text"; file: string; text: string; refLoc: Loc }
  | { kind: "failed" };

export interface RefInfo {
  /** The file holding the `{"$ref": …}` node, the node, and its `$ref` value node. */
  file: string;
  node: Node;
  refNode: Node | undefined;
  ref: unknown;
  type: string;
  /** Absolute path of the referenced file, when the path is valid. */
  target?: string;
  ok: boolean;
}

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

export type ProducerVia = "outputs_to_state" | "module_name" | "result_mapping";

export interface Producer extends FileRange {
  key: string;
  module: ModuleInfo;
  via: ProducerVia;
}

/** A string the engine (or the client) may render as a template, and where it sits. */
export interface TemplateSite {
  file: string;
  /** The template source: a decoded JSON string, or a referenced text file's content. */
  source: string;
  /** File offsets the site covers (a JSON string literal incl. quotes, or the whole text file). */
  start: number;
  end: number;
  /** Rendered by the engine (server-resolved input or status_display), so state references count. */
  resolved: boolean;
  /** The module whose inputs hold it; undefined for status_display fields. */
  module: ModuleInfo | undefined;
  /** Template index → file offset, and back. */
  toFile(index: number): number;
  fromFile(offset: number): number;
}

/** A string naming a step or a module (`retryable` options, sub-action refs), and what it names. */
export interface TargetRef {
  file: string;
  node: Node;
  kind: "step" | "module";
  target: StepInfo | ModuleInfo | undefined;
  /** For a module name: the step it is looked up in (undefined: the whole workflow). */
  step: StepInfo | undefined;
}

/** One `state.<key>` reference in a rendered template. */
export interface StateUse {
  key: string;
  site: TemplateSite;
  ref: StateRef;
}

export interface WorkflowAnalysis {
  entry: string;
  root: string;
  /** A step file analysed on its own (no workflow includes it). */
  standaloneStep: boolean;
  /** Every file read, entry first. */
  files: string[];
  texts: Map<string, string>;
  diagnostics: FileDiagnostic[];
  steps: StepInfo[];
  modules: ModuleInfo[];
  producers: Map<string, Producer[]>;
  /** Keys the engine injects itself (`_retry_feedback`, sub-action feedback keys). */
  implicitKeys: Set<string>;
  refs: RefInfo[];
  sites: TemplateSite[];
  /** Step ids and module names referenced by retry/jump options and sub-action refs. */
  targets: TargetRef[];
  /** Every `state.<key>` in a template the engine renders. */
  uses: StateUse[];
}

const FAILED = Symbol("failed ref");

/** Keys the engine puts in state on its own during retries (engine.md §5.3). */
const ENGINE_KEYS = ["_retry_feedback", "_retry_conversation_history"];

/** True when the JSON tree looks like a workflow file (`workflow_id` or a `steps` array). */
export function looksLikeWorkflow(root: Node | undefined): boolean {
  return isObjectNode(root) && (hasProperty(root, "workflow_id") || isArrayNode(propertyValue(root, "steps")));
}

/** True when the JSON tree looks like a step file (`step_id` and `modules`). */
export function looksLikeStep(root: Node | undefined): boolean {
  return isObjectNode(root) && hasProperty(root, "step_id") && hasProperty(root, "modules") && !hasProperty(root, "steps");
}

export function analyzeWorkflow(
  entry: string,
  host: AnalysisHost,
  catalog: ModuleCatalog,
  cache: ParseCache = new ParseCache(),
  options: { standaloneStep?: boolean } = {},
): WorkflowAnalysis {
  return new Analyzer(entry, host, catalog, cache, options.standaloneStep ?? false).run();
}

class Analyzer {
  readonly root: string;
  readonly texts = new Map<string, string>();
  readonly diagnostics: FileDiagnostic[] = [];
  private readonly seenDiagnostics = new Set<string>();
  readonly refs: RefInfo[] = [];
  private readonly derefMemo = new WeakMap<Node, Map<string, Deref>>();
  readonly steps: StepInfo[] = [];
  readonly modules: ModuleInfo[] = [];
  readonly producers = new Map<string, Producer[]>();
  readonly implicitKeys = new Set<string>(ENGINE_KEYS);
  readonly sites: TemplateSite[] = [];
  readonly targets: TargetRef[] = [];
  readonly uses: StateUse[] = [];

  constructor(
    readonly entry: string,
    private readonly host: AnalysisHost,
    private readonly catalog: ModuleCatalog,
    private readonly cache: ParseCache,
    private readonly standaloneStep: boolean,
  ) {
    this.root = dirname(entry);
  }

  run(): WorkflowAnalysis {
    const result = (): WorkflowAnalysis => ({
      entry: this.entry,
      root: this.root,
      standaloneStep: this.standaloneStep,
      files: [...this.texts.keys()],
      texts: this.texts,
      diagnostics: this.diagnostics,
      steps: this.steps,
      modules: this.modules,
      producers: this.producers,
      implicitKeys: this.implicitKeys,
      refs: this.refs,
      sites: this.sites,
      targets: this.targets,
      uses: this.uses,
    });
    const parsed = this.parse(this.entry);
    if (!parsed?.root) return result();
    if (parsed.errors.length > 0) this.reportParseError(this.entry, parsed, "The engine refuses this file");
    const rootLoc: Loc = { file: this.entry, node: parsed.root, chain: [] };

    // Schema (zod model) on the resolved value; the walk also resolves, and so checks, every $ref.
    for (const issue of this.schemaCheck(rootLoc)) this.reportSchemaIssue(rootLoc, issue.segments, issue.message);

    this.collectModel(rootLoc);
    this.checkNames();
    this.checkTargets();
    for (const module of this.modules) this.checkModule(module);
    this.collectProducers();
    this.collectSites(rootLoc);
    for (const site of this.sites) this.checkSite(site);
    return result();
  }

  // ---- files and refs -------------------------------------------------------------------------

  private parse(file: string): ParsedJson | undefined {
    const text = this.read(file);
    return text === undefined ? undefined : this.cache.get(file, text);
  }

  private read(file: string): string | undefined {
    if (this.texts.has(file)) return this.texts.get(file);
    const text = this.host.read(file);
    if (text !== undefined) this.texts.set(file, text);
    return text;
  }

  /** Root-relative, `/`-separated path of a file under the root. */
  private rel(file: string): string {
    return relative(this.root, file).split(sep).join("/");
  }

  deref(loc: Loc): Deref {
    let current = loc;
    for (let depth = 0; depth < 64; depth++) {
      if (current.node.type !== "object" || !refObjects.has(current.node)) return { kind: "node", loc: current };
      const step = this.resolveRef(current);
      if (step.kind !== "node") return step;
      current = step.loc;
    }
    return { kind: "failed" };
  }

  private resolveRef(loc: Loc): Deref {
    const chainKey = loc.chain.join("\n");
    let memo = this.derefMemo.get(loc.node);
    const hit = memo?.get(chainKey);
    if (hit) return hit;
    const result = this.resolveRefUncached(loc);
    if (!memo) this.derefMemo.set(loc.node, (memo = new Map()));
    memo.set(chainKey, result);
    return result;
  }

  private resolveRefUncached(loc: Loc): Deref {
    const node = loc.node;
    const refNode = propertyValue(node, "$ref");
    const ref = nodeValue(refNode);
    const typeNode = propertyValue(node, "type");
    const type = typeNode === undefined ? "text" : nodeValue(typeNode);
    const info: RefInfo = { file: loc.file, node, refNode, ref, type: typeof type === "string" ? type : String(type), ok: false };
    this.refs.push(info);
    const at = refNode ?? node;
    const fail = (code: DiagnosticCode, message: string, range: Node = at, related?: FileDiagnostic["related"]): Deref => {
      this.report({ file: loc.file, start: range.offset, end: range.offset + range.length, severity: Severity.Error, code, message, related });
      return { kind: "failed" };
    };
    const baseDir = dirname(this.rel(loc.file));
    const checked = checkRef(ref, type, baseDir === "." ? "" : baseDir);
    if (!checked.ok) {
      if (checked.reason === "bad_ref_type") return fail(DiagnosticCodes.refBadType, checked.message, typeNode ?? at);
      return fail(checked.reason === "bad_ref_value" ? DiagnosticCodes.refBadValue : DiagnosticCodes.refOutsideRoot, checked.message);
    }
    const target = checked.target;
    const targetFile = join(this.root, ...target.split("/"));
    info.target = targetFile;
    if (loc.chain.includes(targetFile)) {
      const chain = [...loc.chain, targetFile].map((file) => this.rel(file)).join(" → ");
      return fail(DiagnosticCodes.refCycle, `Circular reference detected: ${target} (${chain})`, at, [
        { file: targetFile, start: 0, end: 0, message: `${target} is already being resolved` },
      ]);
    }
    const text = target === "" ? undefined : this.read(targetFile);
    if (text === undefined) {
      return fail(DiagnosticCodes.refMissingFile, `Referenced file not found: ${ref} (resolved to: ${target})`);
    }
    if (type !== "json") {
      info.ok = true;
      return { kind: "text", file: targetFile, text, refLoc: loc };
    }
    const parsed = this.cache.get(targetFile, text);
    if (parsed.errors.length > 0 || !parsed.root) {
      const first = parsed.errors[0];
      const where = first ? ` at line ${lineOf(text, first.offset)} column ${columnOf(text, first.offset)}: ${first.code}` : "";
      this.reportParseError(targetFile, parsed, `Invalid JSON behind $ref '${ref}'`);
      return fail(DiagnosticCodes.refInvalidJson, `Invalid JSON in '${ref}' (${target}${where})`, at, [
        { file: targetFile, start: first?.offset ?? 0, end: (first?.offset ?? 0) + Math.max(first?.length ?? 0, 1), message: "first JSON error" },
      ]);
    }
    info.ok = true;
    return { kind: "node", loc: { file: targetFile, node: parsed.root, chain: [...loc.chain, targetFile] } };
  }

  private reportParseError(file: string, parsed: ParsedJson, prefix: string): void {
    const first = parsed.errors[0];
    if (!first) return;
    this.report({
      file,
      start: first.offset,
      end: first.offset + Math.max(first.length, 1),
      severity: Severity.Error,
      code: DiagnosticCodes.invalidJson,
      message: `${prefix}: invalid JSON (${first.code})`,
    });
  }

  /** The value the engine's resolver would produce (failed refs become a marker). */
  private resolveValue(loc: Loc): unknown {
    const d = this.deref(loc);
    if (d.kind === "failed") return FAILED;
    if (d.kind === "text") return d.text;
    const node = d.loc.node;
    if (node.type !== "object" && node.type !== "array") return nodeValue(node);
    const parsed = this.parse(d.loc.file);
    if (parsed && !parsed.refAncestors.has(node)) return plainValue(parsed, node);
    if (node.type === "array") return (node.children ?? []).map((child) => this.resolveValue({ ...d.loc, node: child }));
    const out: Record<string, unknown> = {};
    for (const property of properties(node)) {
      const key = propertyKey(property);
      const child = property.children?.[1];
      if (key === undefined || !child) continue;
      const value = this.resolveValue({ ...d.loc, node: child });
      if (key === "__proto__") Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
    }
    return out;
  }

  // ---- schema issues --------------------------------------------------------------------------

  /**
   * The zod model's issues. Steps are checked one by one (as the workflow schema would) so that a
   * step an edit did not touch reuses its result.
   */
  private schemaCheck(rootLoc: Loc): SchemaIssue[] {
    if (this.standaloneStep) return this.stepIssues(rootLoc);
    const root = this.deref(rootLoc);
    if (root.kind !== "node" || root.loc.node.type !== "object") return schemaIssues(workflowSchema, this.resolveValue(rootLoc));
    const top: Record<string, unknown> = {};
    let stepItems: Node[] | undefined;
    let stepsLoc: Loc | undefined;
    for (const property of properties(root.loc.node)) {
      const key = propertyKey(property);
      const child = property.children?.[1];
      if (key === undefined || !child) continue;
      const childLoc: Loc = { file: root.loc.file, node: child, chain: root.loc.chain };
      if (key === "steps") {
        const d = this.deref(childLoc);
        if (d.kind === "node" && d.loc.node.type === "array") {
          stepItems = d.loc.node.children ?? [];
          stepsLoc = d.loc;
          top.steps = stepItems.map(() => null);
          continue;
        }
      }
      const value = this.resolveValue(childLoc);
      if (key === "__proto__") Object.defineProperty(top, key, { value, enumerable: true, writable: true, configurable: true });
      else top[key] = value;
    }
    const issues = schemaIssues(topLevelSchema, top);
    stepItems?.forEach((item, index) => {
      for (const issue of this.stepIssues({ file: stepsLoc!.file, node: item, chain: stepsLoc!.chain })) {
        issues.push({ segments: ["steps", index, ...issue.segments], message: issue.message });
      }
    });
    return issues;
  }

  private stepIssues(loc: Loc): SchemaIssue[] {
    const d = this.deref(loc);
    if (d.kind === "failed") return [];
    const parsed = d.kind === "node" ? this.parse(d.loc.file) : undefined;
    // A step node with no refs below: its issues stand while the node is unchanged (same object, same version).
    const node = d.kind === "node" && parsed !== undefined && parsed.errors.length === 0 && !parsed.refAncestors.has(d.loc.node) ? d.loc.node : undefined;
    const hit = node ? stepIssueCache.get(node) : undefined;
    if (hit && hit.version === nodeVersion(node!)) return hit.issues;
    const issues = schemaIssues(stepSchema, this.resolveValue(loc));
    if (node) stepIssueCache.set(node, { version: nodeVersion(node), issues });
    return issues;
  }

  private reportSchemaIssue(rootLoc: Loc, segments: PropertyKey[], message: string): void {
    let current = rootLoc;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i]!;
      const d = this.deref(current);
      if (d.kind === "failed") return; // already reported at the ref
      if (d.kind === "text") return this.schemaAt(d.refLoc.file, d.refLoc.node, segments, message);
      const node = d.loc.node;
      if (typeof segment === "number") {
        const child = isArrayNode(node) ? node.children?.[segment] : undefined;
        if (!child) return this.schemaAt(d.loc.file, node, segments, message);
        current = { ...d.loc, node: child };
      } else {
        const property = findProperty(node, String(segment));
        if (!property) {
          const what = message.includes("received undefined") ? `Missing required property '${String(segment)}'` : `'${String(segment)}': ${message}`;
          return this.schemaAt(d.loc.file, node, segments, what, true);
        }
        current = { ...d.loc, node: property.children?.[1] ?? property };
      }
    }
    if (this.deref(current).kind === "failed") return;
    const last = segments[segments.length - 1];
    const label = last === undefined ? message : `'${String(last)}': ${message}`;
    this.schemaAt(current.file, current.node, segments, label);
  }

  private schemaAt(file: string, node: Node, segments: PropertyKey[], message: string, opening = false): void {
    const end = opening ? node.offset + 1 : node.offset + node.length;
    this.report({ file, start: node.offset, end, severity: Severity.Error, code: DiagnosticCodes.schema, message: `${message} (${formatJsonPath(segments)})` });
  }

  // ---- the model ------------------------------------------------------------------------------

  private collectModel(rootLoc: Loc): void {
    const root = this.deref(rootLoc);
    if (root.kind !== "node") return;
    const stepLocs: Loc[] = [];
    if (this.standaloneStep) stepLocs.push(root.loc);
    else {
      for (const item of this.arrayItems(root.loc, "steps")) stepLocs.push(item);
    }
    for (const stepLoc of stepLocs) {
      const stepNode = stepLoc.node;
      const idNode = propertyValue(stepNode, "step_id");
      const step: StepInfo = { index: this.steps.length, stepId: stringValue(idNode), idNode, file: stepLoc.file, node: stepNode, modules: [] };
      this.steps.push(step);
      const addModule = (moduleLoc: Loc, group?: ModuleInfo["group"]): ModuleInfo => {
        const node = moduleLoc.node;
        const moduleIdNode = propertyValue(node, "module_id");
        const moduleId = stringValue(moduleIdNode);
        const nameProperty = findProperty(node, "name");
        const nameNode = nameProperty?.children?.[1];
        const name = nameProperty ? stringValue(nameNode) : moduleId;
        const inputsProperty = findProperty(node, "inputs");
        let inputs: Loc | undefined;
        if (inputsProperty?.children?.[1]) {
          const d = this.deref({ ...moduleLoc, node: inputsProperty.children[1] });
          if (d.kind === "node" && isObjectNode(d.loc.node)) inputs = d.loc;
        }
        const module: ModuleInfo = {
          index: this.modules.length,
          indexInStep: step.modules.length,
          step,
          file: moduleLoc.file,
          node,
          moduleId,
          moduleIdNode,
          name,
          nameNode,
          summary: moduleId === undefined ? undefined : this.catalog.get(moduleId),
          inputs,
          inputsProperty,
          outputs: [],
          ...(group ? { group } : {}),
        };
        const mapping = this.objectAt(moduleLoc, "outputs_to_state");
        for (const property of properties(mapping?.node)) {
          const keyNode = property.children?.[0];
          const valueNode = property.children?.[1];
          const outKey = propertyKey(property);
          if (!keyNode || !valueNode || outKey === undefined || !isStringNode(valueNode)) continue;
          module.outputs.push({ outKey, stateKey: valueNode.value, file: mapping!.file, keyNode, valueNode });
        }
        step.modules.push(module);
        this.modules.push(module);
        return module;
      };
      for (const moduleLoc of this.arrayItems(stepLoc, "modules")) {
        const module = addModule(moduleLoc);
        if (module.moduleId !== EXECUTION_GROUPS_MODULE_ID) continue;
        // The engine inlines one path's modules in the group's place (docs/engine.md §1.10): every
        // path's modules are modules of the step here, so targets, state keys and inputs are checked.
        for (const path of this.arrayItems(moduleLoc, "groups")) {
          const pathName = stringValue(propertyValue(path.node, "name"));
          for (const inner of this.arrayItems(path, "modules")) addModule(inner, { name: module.name ?? "", path: pathName ?? "" });
        }
      }
    }
  }

  /** The items of the array under `key` of the object at `loc`, each with its refs followed. */
  private arrayItems(loc: Loc, key: string): Loc[] {
    const value = propertyValue(loc.node, key);
    if (!value) return [];
    const d = this.deref({ ...loc, node: value });
    if (d.kind !== "node" || !isArrayNode(d.loc.node)) return [];
    const items: Loc[] = [];
    for (const child of d.loc.node.children ?? []) {
      const item = this.deref({ ...d.loc, node: child });
      if (item.kind === "node" && isObjectNode(item.loc.node)) items.push(item.loc);
    }
    return items;
  }

  private objectAt(loc: Loc, key: string): Loc | undefined {
    const value = propertyValue(loc.node, key);
    if (!value) return undefined;
    const d = this.deref({ ...loc, node: value });
    return d.kind === "node" && isObjectNode(d.loc.node) ? d.loc : undefined;
  }

  // ---- checks ---------------------------------------------------------------------------------

  private checkNames(): void {
    const firstByName = new Map<string, ModuleInfo>();
    for (const module of this.modules) {
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
      this.report({
        ...this.range(module.file, at),
        severity: Severity.Error,
        code: DiagnosticCodes.duplicateModuleName,
        message: `Duplicate module name '${module.name}': module names must be unique in a workflow (state, events, targets and sub-actions use them)`,
        related: [{ ...this.range(first.file, firstAt), message: `'${module.name}' is first used here (step '${first.step.stepId ?? "?"}')` }],
      });
    }
    const firstStep = new Map<string, StepInfo>();
    for (const step of this.steps) {
      if (step.stepId === undefined || !step.idNode) continue;
      const first = firstStep.get(step.stepId);
      if (!first) {
        firstStep.set(step.stepId, step);
        continue;
      }
      this.report({
        ...this.range(step.file, step.idNode),
        severity: Severity.Error,
        code: DiagnosticCodes.duplicateStepId,
        message: `Duplicate step_id '${step.stepId}': step ids must be unique`,
        related: first.idNode ? [{ ...this.range(first.file, first.idNode), message: "first defined here" }] : undefined,
      });
    }
  }

  /**
   * Retry/jump options and sub-action refs name steps and modules; a name that is not there fails
   * only when the option is used (engine.md §2.6, §4.6), so it is worth a warning now.
   */
  private checkTargets(): void {
    const steps = new Map<string, StepInfo>();
    for (const step of this.steps) if (step.stepId !== undefined && !steps.has(step.stepId)) steps.set(step.stepId, step);
    const inStep = (step: StepInfo, name: string) =>
      step.modules.find((m) => m.name === name) ?? step.modules.find((m) => !m.name && m.moduleId?.split(".").pop() === name);
    const anywhere = (name: string) => this.modules.find((m) => m.name === name || m.moduleId === name);
    const warn = (file: string, node: Node, message: string) =>
      this.report({ ...this.range(file, node), severity: Severity.Warning, code: DiagnosticCodes.unknownTarget, message });
    const check = (file: string, stepNode: Node | undefined, moduleNode: Node | undefined, lookup: "jump" | "retry") => {
      let step: StepInfo | undefined;
      const stepId = stringValue(stepNode);
      if (stepNode && stepId !== undefined) {
        step = steps.get(stepId);
        this.targets.push({ file, node: stepNode, kind: "step", target: step, step: undefined });
        if (!step) {
          const hint = closeMatches(stepId, [...steps.keys()]);
          warn(file, stepNode, `Step '${stepId}' not found in the workflow${hint.length > 0 ? `; did you mean '${hint[0]}'?` : ""}`);
        }
      }
      const name = stringValue(moduleNode);
      if (!moduleNode || name === undefined || (stepNode && !step)) return;
      const module = step ? inStep(step, name) : lookup === "retry" ? anywhere(name) : undefined;
      this.targets.push({ file, node: moduleNode, kind: "module", target: module, step });
      if (module || (!step && lookup !== "retry")) return;
      const names = (step ? step.modules : this.modules).map((m) => m.name).filter((n): n is string => n !== undefined);
      const hint = closeMatches(name, names);
      warn(file, moduleNode, `Module '${name}' not found ${step ? `in step '${step.stepId}'` : "in the workflow"}${hint.length > 0 ? `; did you mean '${hint[0]}'?` : ""}`);
    };
    for (const module of this.modules) {
      const moduleLoc: Loc = { file: module.file, node: module.node, chain: [] };
      const retryable = this.objectAt(moduleLoc, "retryable");
      if (retryable) {
        for (const option of this.arrayItems(retryable, "options")) {
          const mode = stringValue(propertyValue(option.node, "mode"));
          const stepNode = propertyValue(option.node, "target_step");
          const lookup = mode === "jump" || stepNode ? "jump" : "retry";
          check(option.file, stepNode, propertyValue(option.node, "target_module"), lookup);
        }
      }
      for (const subAction of this.arrayItems(moduleLoc, "sub_actions")) {
        for (const action of this.arrayItems(subAction, "actions")) {
          const ref = this.objectAt(action, "ref");
          if (ref) check(ref.file, propertyValue(ref.node, "step_id"), propertyValue(ref.node, "module_name"), "jump");
        }
      }
    }
  }

  private checkModule(module: ModuleInfo): void {
    if (module.moduleId === undefined || !module.moduleIdNode) return;
    if (module.moduleId === EXECUTION_GROUPS_MODULE_ID) return; // expanded by the engine, never run itself
    const summary = module.summary;
    if (!summary) {
      const matches = this.catalog.closeMatches(module.moduleId);
      const hint = matches.length > 0 ? `; did you mean ${matches.map((m) => `'${m}'`).join(" or ")}?` : "";
      this.report({
        ...this.range(module.file, module.moduleIdNode),
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
        this.report({
          ...this.range(anchorFile, anchor),
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
        this.report({
          ...this.range(module.inputs.file, keyNode),
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
        this.report({
          ...this.range(mapping.file, mapping.keyNode),
          severity: Severity.Warning,
          code: DiagnosticCodes.unknownOutput,
          message: `'${first}' is not an output of ${summary.module_id} (outputs: ${outputs.join(", ")})${hint}`,
          data: renameFix(matches, (m) => JSON.stringify(m + mapping.outKey.slice(first.length))),
        });
      }
    }
  }

  // ---- state keys ---------------------------------------------------------------------------

  private collectProducers(): void {
    const add = (producer: Producer) => {
      const list = this.producers.get(producer.key);
      if (list) list.push(producer);
      else this.producers.set(producer.key, [producer]);
    };
    for (const module of this.modules) {
      for (const mapping of module.outputs) {
        add({ key: mapping.stateKey, module, via: "outputs_to_state", ...this.range(mapping.file, mapping.valueNode) });
      }
      if (module.name !== undefined && module.moduleId !== EXECUTION_GROUPS_MODULE_ID) {
        add({ key: module.name, module, via: "module_name", ...this.range(module.file, module.nameNode ?? module.moduleIdNode ?? module.node) });
      }
      const moduleLoc: Loc = { file: module.file, node: module.node, chain: [] };
      for (const subAction of this.arrayItems(moduleLoc, "sub_actions")) {
        for (const mapping of this.arrayItems(subAction, "result_mapping")) {
          const targetNode = propertyValue(mapping.node, "target");
          const target = stringValue(targetNode);
          if (target) add({ key: target.split(".")[0]!, module, via: "result_mapping", ...this.range(mapping.file, targetNode!) });
        }
        const feedback = this.objectAt(subAction, "feedback");
        const stateKey = stringValue(propertyValue(feedback?.node, "state_key"));
        this.implicitKeys.add(stateKey ?? "_retry_feedback");
      }
    }
  }

  // ---- templates ------------------------------------------------------------------------------

  private collectSites(rootLoc: Loc): void {
    for (const module of this.modules) {
      if (module.inputs) this.resolveObjectSites(module.inputs, false, module);
      const moduleLoc: Loc = { file: module.file, node: module.node, chain: [] };
      for (const addon of this.arrayItems(moduleLoc, "addons")) {
        const inputs = this.objectAt(addon, "inputs");
        if (inputs) this.resolveObjectSites(inputs, false, module);
      }
    }
    if (this.standaloneStep) return;
    const root = this.deref(rootLoc);
    if (root.kind !== "node") return;
    const statusDisplay = this.objectAt(root.loc, "status_display");
    if (!statusDisplay) return;
    for (const field of this.arrayItems(statusDisplay, "fields")) {
      const value = propertyValue(field.node, "value");
      if (value) this.fieldSites({ ...field, node: value }, true, undefined);
    }
  }

  /** `resolve_with_schema`'s walk (engine.md §5.2): which strings the engine renders. */
  private resolveObjectSites(loc: Loc, parentResolved: boolean, module: ModuleInfo | undefined): void {
    const resolvers = new Map<string, string>();
    const schema = this.objectAt(loc, "resolver_schema");
    const props = schema ? this.objectAt(schema, "properties") : undefined;
    for (const property of properties(props?.node)) {
      const key = propertyKey(property);
      const value = property.children?.[1];
      if (key === undefined || !value) continue;
      const d = this.deref({ file: props!.file, node: value, chain: props!.chain });
      const resolver = d.kind === "node" ? stringValue(propertyValue(d.loc.node, "resolver")) : undefined;
      if (resolver !== undefined) resolvers.set(key, resolver);
    }
    for (const property of properties(loc.node)) {
      const key = propertyKey(property);
      const child = property.children?.[1];
      if (key === undefined || !child || key === "resolver_schema") continue;
      const resolver = resolvers.get(key);
      const childLoc: Loc = { file: loc.file, node: child, chain: loc.chain };
      if (resolver === "server") this.fieldSites(childLoc, true, module);
      else if (resolver === "client") this.untouchedSites(childLoc, module);
      else if (parentResolved) this.fieldSites(childLoc, true, module);
      else this.untouchedSites(childLoc, module);
    }
  }

  /** True when nothing under `loc` can be a template: no `$ref` below and no `{{`/`{%` in its text. */
  private plainSubtree(loc: Loc): boolean {
    const parsed = this.parse(loc.file);
    if (!parsed || parsed.errors.length > 0 || parsed.refAncestors.has(loc.node)) return false;
    return !hasTemplateMarker(parsed, loc.node.offset, loc.node.offset + loc.node.length);
  }

  private fieldSites(loc: Loc, resolved: boolean, module: ModuleInfo | undefined): void {
    if (loc.node.type !== "string" && this.plainSubtree(loc)) return;
    const d = this.deref(loc);
    if (d.kind === "failed") return;
    if (d.kind === "text") return this.addTextSite(d.file, d.text, resolved, module);
    const node = d.loc.node;
    if (node.type === "string") this.addStringSite(d.loc.file, node, resolved, module);
    else if (node.type === "object") this.resolveObjectSites(d.loc, resolved, module);
    else if (node.type === "array") {
      for (const child of node.children ?? []) this.fieldSites({ file: d.loc.file, node: child, chain: d.loc.chain }, resolved, module);
    }
  }

  private untouchedSites(loc: Loc, module: ModuleInfo | undefined): void {
    if (loc.node.type !== "string" && this.plainSubtree(loc)) return;
    const d = this.deref(loc);
    if (d.kind === "failed") return;
    if (d.kind === "text") return this.addTextSite(d.file, d.text, false, module);
    const node = d.loc.node;
    if (node.type === "string") this.addStringSite(d.loc.file, node, false, module);
    else if (node.type === "object") {
      for (const p of properties(node)) if (p.children?.[1]) this.untouchedSites({ file: d.loc.file, node: p.children[1], chain: d.loc.chain }, module);
    } else if (node.type === "array") {
      for (const child of node.children ?? []) this.untouchedSites({ file: d.loc.file, node: child, chain: d.loc.chain }, module);
    }
  }

  private addStringSite(file: string, node: Node, resolved: boolean, module: ModuleInfo | undefined): void {
    const source = node.value as string;
    if (!isTemplate(source)) return; // the engine passes it through unchanged
    const text = this.texts.get(file) ?? "";
    let map: StringMap | undefined;
    const getMap = () => (map ??= mapStringLiteral(text, node));
    this.sites.push({
      file,
      source,
      start: node.offset,
      end: node.offset + node.length,
      resolved,
      module,
      toFile: (index) => getMap().offsets[Math.max(0, Math.min(index, getMap().offsets.length - 1))]!,
      fromFile: (offset) => {
        const offsets = getMap().offsets;
        let lo = 0;
        let hi = offsets.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (offsets[mid]! < offset) lo = mid + 1;
          else hi = mid;
        }
        return lo;
      },
    });
  }

  private addTextSite(file: string, text: string, resolved: boolean, module: ModuleInfo | undefined): void {
    this.sites.push({ file, source: text, start: 0, end: text.length, resolved, module, toFile: (i) => i, fromFile: (o) => o });
  }

  private checkSite(site: TemplateSite): void {
    if (!isTemplate(site.source)) return; // a text file without template syntax
    const info = analyzeTemplate(site.source);
    for (const problem of info.problems) {
      this.report({
        file: site.file,
        start: site.toFile(problem.start),
        end: site.toFile(problem.end),
        severity: site.resolved ? Severity.Error : Severity.Warning,
        code: DiagnosticCodes.templateSyntax,
        message: site.resolved
          ? `Jinja2 syntax error: ${problem.message}`
          : `Jinja2 syntax error: ${problem.message} (this value is not resolved by the engine; a client may still render it)`,
      });
    }
    if (!site.resolved) return;
    for (const ref of info.stateRefs) {
      this.uses.push({ key: ref.key, site, ref });
      this.checkStateRef(site, ref);
    }
  }

  private checkStateRef(site: TemplateSite, ref: StateRef): void {
    const key = ref.key;
    if (this.implicitKeys.has(key)) return;
    const user = site.module;
    const span = ref.spans[0]!;
    const at = () => ({ file: site.file, start: site.toFile(span.start), end: site.toFile(span.end) }); // only when reporting
    const where = user ? `module '${user.name ?? user.moduleId ?? "?"}'` : "status_display";
    const visible = producersVisibleTo(this.producers, key, user);
    if (visible.length > 0) return this.checkOutputField(site, ref, visible);
    const all = this.producers.get(key) ?? [];
    const before = user ? all.filter((p) => p.module.index < user.index) : all;
    if (before.length > 0) {
      const producer = before[before.length - 1]!;
      this.report({
        ...at(),
        severity: Severity.Warning,
        code: DiagnosticCodes.stateNotYetVisible,
        message:
          `state.${key} refers to the raw outputs of module '${key}' in the same step; they become visible only after state ` +
          `is reloaded (the next step, or after an interaction), so here it is undefined. Map the outputs you need with outputs_to_state.`,
        related: [{ file: producer.file, start: producer.start, end: producer.end, message: `module '${key}'` }],
      });
      return;
    }
    const later = all.filter((p) => !user || p.module.index >= user.index);
    if (later.length > 0) {
      const producer = later[0]!;
      const stepId = producer.module.step.stepId ?? "?";
      this.report({
        ...at(),
        severity: Severity.Warning,
        code: DiagnosticCodes.stateProducedLater,
        message: `state.${key} is not produced before ${where}: '${producer.module.name ?? "?"}' (step '${stepId}') produces it later`,
        related: [{ file: producer.file, start: producer.start, end: producer.end, message: `state key '${key}' is produced here` }],
      });
      return;
    }
    const available = [...this.producers.keys()].filter((candidate) => producersVisibleTo(this.producers, candidate, user).length > 0);
    const matches = closeMatches(key, available);
    const hint = matches.length > 0 ? `; did you mean '${matches[0]}'?` : "";
    this.report({
      ...at(),
      severity: Severity.Warning,
      code: DiagnosticCodes.stateNotProduced,
      message: user
        ? `No module before ${where} produces state key '${key}' (through outputs_to_state or its name)${hint}`
        : `No module produces state key '${key}'${hint}`,
      data: renameFix(matches.filter((m) => /^[A-Za-z_]\w*$/.test(m)), (m) => m),
    });
  }

  /** `state.<module>.<field>` where the module's declared outputs have no `field` but a close one. */
  private checkOutputField(site: TemplateSite, ref: StateRef, visible: Producer[]): void {
    if (ref.path.length < 2) return;
    if (visible.some((p) => p.via !== "module_name")) return; // a mapped key: its shape is not declared
    const producer = visible[visible.length - 1]!;
    const summary = producer.module.summary;
    if (!summary || summary.outputs.length === 0) return;
    const field = ref.path[1]!;
    const outputs = summary.outputs.map((output) => output.name);
    if (outputs.includes(field)) return;
    const matches = closeMatches(field, outputs);
    if (matches.length === 0) return;
    const span = ref.spans[1]!;
    this.report({
      file: site.file,
      start: site.toFile(span.start),
      end: site.toFile(span.end),
      severity: Severity.Warning,
      code: DiagnosticCodes.unknownOutputField,
      message: `'${field}' is not an output of ${summary.module_id} (module '${producer.key}'); did you mean '${matches[0]}'? This renders empty.`,
      data: renameFix(matches.slice(0, 1), (m) => m),
      related: [{ file: producer.file, start: producer.start, end: producer.end, message: `module '${producer.key}'` }],
    });
  }

  // ---- helpers --------------------------------------------------------------------------------

  private range(file: string, node: Node): FileRange {
    return { file, start: node.offset, end: node.offset + node.length };
  }

  private report(diagnostic: FileDiagnostic): void {
    const id = `${diagnostic.file}\0${diagnostic.start}\0${diagnostic.end}\0${diagnostic.code}\0${diagnostic.message}`;
    if (this.seenDiagnostics.has(id)) return;
    this.seenDiagnostics.add(id);
    this.diagnostics.push(diagnostic);
  }
}

interface SchemaIssue {
  segments: PropertyKey[];
  message: string;
}

/** The workflow schema with steps left to {@link stepSchema}, one step at a time. */
const topLevelSchema = workflowSchema.extend({ steps: z.array(z.unknown()).min(1) });
const stepIssueCache = new WeakMap<Node, { version: number; issues: SchemaIssue[] }>();

function schemaIssues(schema: z.ZodType, value: unknown): SchemaIssue[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ segments: issue.path, message: issue.message }));
}

function renameFix(matches: readonly string[], newText: (match: string) => string): FixData | undefined {
  if (matches.length === 0) return undefined;
  return { fixes: matches.slice(0, 3).map((m) => ({ title: `Change to '${m}'`, newText: newText(m) })) };
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

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf("\n", offset - 1) + 1) + 1;
}

/** Producers of `key` the module `user` sees (all of them for status_display, `user` undefined). */
export function visibleProducers(analysis: WorkflowAnalysis, key: string, user: ModuleInfo | undefined): Producer[] {
  return producersVisibleTo(analysis.producers, key, user);
}

function producersVisibleTo(producers: ReadonlyMap<string, Producer[]>, key: string, user: ModuleInfo | undefined): Producer[] {
  const all = producers.get(key) ?? [];
  if (!user) return all;
  return all.filter((p) => p.module.index < user.index && (p.via !== "module_name" || visibleByName(p.module, user)));
}

/** Every state key the module `user` sees (all keys for status_display), in first-production order. */
export function availableKeys(analysis: WorkflowAnalysis, user: ModuleInfo | undefined): Array<{ key: string; producer: Producer }> {
  const out: Array<{ key: string; producer: Producer }> = [];
  for (const key of analysis.producers.keys()) {
    const visible = visibleProducers(analysis, key, user);
    if (visible.length > 0) out.push({ key, producer: visible[visible.length - 1]! });
  }
  return out;
}

function visibleByName(producer: ModuleInfo, user: ModuleInfo): boolean {
  if (producer.step.index !== user.step.index) return producer.step.index < user.step.index;
  for (let i = producer.indexInStep + 1; i < user.indexInStep; i++) {
    if (user.step.modules[i]!.summary?.kind === "interactive") return true;
  }
  return false;
}
