/**
 * State flow: which state keys each module produces (`outputs_to_state`, its name, a sub-action's
 * `result_mapping`), which ones a module sees in workflow order, and the checks of every
 * `state.<key>` a rendered template reads (not produced, produced only later, not yet visible, a
 * `state.<module>.<field>` typo against the declared outputs).
 */
import { closeMatches } from "../../core/modules";
import { EXECUTION_GROUPS_MODULE_ID } from "../../core/repositories/execution-groups";
import { DiagnosticCodes } from "../../shared/lsp";
import { nodeRange, renameFix, Severity, type DiagnosticList, type FileRange } from "./diagnostics";
import { propertyValue, stringValue } from "./json-tree";
import type { Loc, RefResolver } from "./refs";
import type { TemplateSite } from "./template-sites";
import type { StateRef } from "./templates";
import type { ModuleInfo } from "./workflow-model";

export type ProducerVia = "outputs_to_state" | "module_name" | "result_mapping";

export interface Producer extends FileRange {
  key: string;
  module: ModuleInfo;
  via: ProducerVia;
}

/** One `state.<key>` reference in a rendered template. */
export interface StateUse {
  key: string;
  site: TemplateSite;
  ref: StateRef;
}

export interface StateFlow {
  /** Producers by state key, keys in first-production order, each list in workflow order. */
  producers: Map<string, Producer[]>;
  /** Keys the engine injects itself (`_retry_feedback`, sub-action feedback keys). */
  implicitKeys: Set<string>;
}

/** Keys the engine puts in state on its own during retries (engine.md §5.3). */
const ENGINE_KEYS = ["_retry_feedback", "_retry_conversation_history"];

/** The keys every workflow has before any module produces one. */
export function engineKeys(): Set<string> {
  return new Set(ENGINE_KEYS);
}

/** Who produces which state key, in workflow order. */
export function collectStateFlow(files: RefResolver, modules: readonly ModuleInfo[]): StateFlow {
  const flow: StateFlow = { producers: new Map(), implicitKeys: engineKeys() };
  const add = (producer: Producer) => {
    const list = flow.producers.get(producer.key);
    if (list) list.push(producer);
    else flow.producers.set(producer.key, [producer]);
  };
  for (const module of modules) {
    for (const mapping of module.outputs) {
      add({ key: mapping.stateKey, module, via: "outputs_to_state", ...nodeRange(mapping.file, mapping.valueNode) });
    }
    if (module.name !== undefined && module.moduleId !== EXECUTION_GROUPS_MODULE_ID) {
      add({ key: module.name, module, via: "module_name", ...nodeRange(module.file, module.nameNode ?? module.moduleIdNode ?? module.node) });
    }
    const moduleLoc: Loc = { file: module.file, node: module.node, chain: [] };
    for (const subAction of files.arrayItems(moduleLoc, "sub_actions")) {
      for (const mapping of files.arrayItems(subAction, "result_mapping")) {
        const targetNode = propertyValue(mapping.node, "target");
        const target = stringValue(targetNode);
        if (target) add({ key: target.split(".")[0]!, module, via: "result_mapping", ...nodeRange(mapping.file, targetNode!) });
      }
      const feedback = files.objectAt(subAction, "feedback");
      const stateKey = stringValue(propertyValue(feedback?.node, "state_key"));
      flow.implicitKeys.add(stateKey ?? "_retry_feedback");
    }
  }
  return flow;
}

/** Checks one `state.<key>` of a rendered template against what its module sees at that point. */
export function checkStateRef(diagnostics: DiagnosticList, flow: StateFlow, site: TemplateSite, ref: StateRef): void {
  const key = ref.key;
  if (flow.implicitKeys.has(key)) return;
  const user = site.module;
  const span = ref.spans[0]!;
  const at = () => ({ file: site.file, start: site.toFile(span.start), end: site.toFile(span.end) }); // only when reporting
  const where = user ? `module '${user.name ?? user.moduleId ?? "?"}'` : "status_display";
  const visible = producersVisibleTo(flow.producers, key, user);
  if (visible.length > 0) return checkOutputField(diagnostics, site, ref, visible);
  const all = flow.producers.get(key) ?? [];
  const before = user ? all.filter((p) => p.module.index < user.index) : all;
  if (before.length > 0) {
    const producer = before[before.length - 1]!;
    diagnostics.report({
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
    diagnostics.report({
      ...at(),
      severity: Severity.Warning,
      code: DiagnosticCodes.stateProducedLater,
      message: `state.${key} is not produced before ${where}: '${producer.module.name ?? "?"}' (step '${stepId}') produces it later`,
      related: [{ file: producer.file, start: producer.start, end: producer.end, message: `state key '${key}' is produced here` }],
    });
    return;
  }
  const available = [...flow.producers.keys()].filter((candidate) => producersVisibleTo(flow.producers, candidate, user).length > 0);
  const matches = closeMatches(key, available);
  const hint = matches.length > 0 ? `; did you mean '${matches[0]}'?` : "";
  diagnostics.report({
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
function checkOutputField(diagnostics: DiagnosticList, site: TemplateSite, ref: StateRef, visible: Producer[]): void {
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
  diagnostics.report({
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

/** Producers of `key` the module `user` sees (all of them for status_display, `user` undefined). */
export function visibleProducers(flow: Pick<StateFlow, "producers">, key: string, user: ModuleInfo | undefined): Producer[] {
  return producersVisibleTo(flow.producers, key, user);
}

/** Every state key the module `user` sees (all keys for status_display), in first-production order. */
export function availableKeys(flow: Pick<StateFlow, "producers">, user: ModuleInfo | undefined): Array<{ key: string; producer: Producer }> {
  const out: Array<{ key: string; producer: Producer }> = [];
  for (const key of flow.producers.keys()) {
    const visible = producersVisibleTo(flow.producers, key, user);
    if (visible.length > 0) out.push({ key, producer: visible[visible.length - 1]! });
  }
  return out;
}

function producersVisibleTo(producers: ReadonlyMap<string, Producer[]>, key: string, user: ModuleInfo | undefined): Producer[] {
  const all = producers.get(key) ?? [];
  if (!user) return all;
  return all.filter((p) => p.module.index < user.index && (p.via !== "module_name" || visibleByName(p.module, user)));
}

/**
 * A module's name is a state key only after state is reloaded: from a later step, or when an
 * interactive module lies between the producer and the user in the same step (engine.md §2.5).
 */
function visibleByName(producer: ModuleInfo, user: ModuleInfo): boolean {
  if (producer.step.index !== user.step.index) return producer.step.index < user.step.index;
  for (let i = producer.indexInStep + 1; i < user.indexInStep; i++) {
    if (user.step.modules[i]!.summary?.kind === "interactive") return true;
  }
  return false;
}
