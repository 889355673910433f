/**
 * What the State view shows, without VS Code: each key of the flat state with the module that wrote it
 * last, and the children of a value, paged for large arrays and objects. The producer comes from the
 * events of the last run (each `module_completed` / `sub_action_completed` carries the keys it mapped
 * in `_state_mapped`; a module's own outputs sit under its name), and where they say nothing, from
 * the workflow's declarations (`outputs_to_state`, `name`, a sub-action's `result_mapping`), as the
 * language server's state flow reads them.
 */
import { modulePath } from "./source-links";

export type ProducerVia = "outputs_to_state" | "module_name" | "result_mapping";

export interface StateProducer {
  stepId: string;
  moduleName: string;
  via: ProducerVia;
}

export interface StateEntry {
  key: string;
  value: unknown;
  producer?: StateProducer;
}

type JsonPath = (string | number)[];
type JsonRecord = Record<string, unknown>;

const isRecord = (value: unknown): value is JsonRecord => value !== null && typeof value === "object" && !Array.isArray(value);
const ownKeys = (record: JsonRecord): string[] => Object.keys(record).filter((key) => key !== "_metadata");

/** The state's keys in order, each with its producer when the events or the workflow name one. */
export function stateEntries(flat: JsonRecord, steps: unknown, workflow: unknown): StateEntry[] {
  const fromEvents = producersFromEvents(steps);
  const declared = declaredProducers(workflow);
  return Object.keys(flat).map((key) => {
    const producer = fromEvents.get(key) ?? declared.get(key);
    return producer ? { key, value: flat[key], producer } : { key, value: flat[key] };
  });
}

/**
 * The last writer of each key in the hierarchical state (`steps.<step>.<module>.<event>`, events in
 * the order they were stored): a later event's `_state_mapped` overrides an earlier one's.
 */
export function producersFromEvents(steps: unknown): Map<string, StateProducer> {
  const producers = new Map<string, StateProducer>();
  if (!isRecord(steps)) return producers;
  for (const stepId of ownKeys(steps)) {
    const step = steps[stepId];
    if (!isRecord(step)) continue;
    for (const moduleName of ownKeys(step)) {
      const module = step[moduleName];
      if (!isRecord(module)) continue;
      for (const eventKey of ownKeys(module)) {
        const event = module[eventKey];
        if (!isRecord(event)) continue;
        const type = isRecord(event._metadata) ? event._metadata.event_type : undefined;
        if (type !== "module_completed" && type !== "sub_action_completed") continue;
        if (type === "module_completed") producers.set(moduleName, { stepId, moduleName, via: "module_name" });
        const mapped = event._state_mapped;
        if (!isRecord(mapped)) continue;
        const via: ProducerVia = type === "module_completed" ? "outputs_to_state" : "result_mapping";
        for (const key of Object.keys(mapped)) producers.set(key, { stepId, moduleName, via });
      }
    }
  }
  return producers;
}

interface DeclaredModule {
  stepId: string;
  module: JsonRecord;
}

/** Every module of the workflow in order, execution groups' modules included. */
function declaredModules(workflow: unknown): DeclaredModule[] {
  const found: DeclaredModule[] = [];
  const visit = (stepId: string, modules: unknown) => {
    if (!Array.isArray(modules)) return;
    for (const module of modules) {
      if (!isRecord(module)) continue;
      found.push({ stepId, module });
      if (Array.isArray(module.groups)) for (const group of module.groups) if (isRecord(group)) visit(stepId, group.modules);
    }
  };
  const steps = isRecord(workflow) && Array.isArray(workflow.steps) ? workflow.steps : [];
  for (const step of steps) if (isRecord(step) && typeof step.step_id === "string") visit(step.step_id, step.modules);
  return found;
}

/** The last module in workflow order that declares it writes each key. */
export function declaredProducers(workflow: unknown): Map<string, StateProducer> {
  const producers = new Map<string, StateProducer>();
  for (const { stepId, module } of declaredModules(workflow)) {
    if (typeof module.name !== "string") continue;
    const moduleName = module.name;
    producers.set(moduleName, { stepId, moduleName, via: "module_name" });
    if (isRecord(module.outputs_to_state)) {
      for (const key of Object.values(module.outputs_to_state)) if (typeof key === "string") producers.set(key, { stepId, moduleName, via: "outputs_to_state" });
    }
    for (const subAction of Array.isArray(module.sub_actions) ? module.sub_actions : []) {
      const mappings: unknown[] = isRecord(subAction) && Array.isArray(subAction.result_mapping) ? subAction.result_mapping : [];
      for (const mapping of mappings) {
        if (isRecord(mapping) && typeof mapping.target === "string") producers.set(mapping.target.split(".")[0]!, { stepId, moduleName, via: "result_mapping" });
      }
    }
  }
  return producers;
}

/**
 * Where the producer wrote the key in the resolved workflow: its `outputs_to_state` entry, its
 * sub-actions, its `name`, else the module itself; undefined when the module is gone from the workflow.
 */
export function producerPath(workflow: unknown, key: string, producer: StateProducer): JsonPath | undefined {
  const module = modulePath(workflow, producer.stepId, producer.moduleName);
  if (!module) return undefined;
  const node = valueAt(workflow, module);
  if (!isRecord(node)) return module;
  if (producer.via === "outputs_to_state" && isRecord(node.outputs_to_state)) {
    const output = Object.entries(node.outputs_to_state).find(([, stateKey]) => stateKey === key)?.[0];
    if (output !== undefined) return [...module, "outputs_to_state", output];
  }
  if (producer.via === "result_mapping" && Array.isArray(node.sub_actions)) return [...module, "sub_actions"];
  if (producer.via === "module_name" && typeof node.name === "string") return [...module, "name"];
  return module;
}

function valueAt(root: unknown, path: JsonPath): unknown {
  let current = root;
  for (const step of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}

/** At most this many children under one node; more are grouped into ranges. */
export const PAGE_SIZE = 100;

/** One child of a value: an entry, or a range of entries of a large array or object. */
export type ValueChild = { kind: "entry"; name: string; value: unknown } | { kind: "range"; start: number; end: number };

/** The children of `value` (an array or object) between `start` and `end`, paged by PAGE_SIZE. */
export function valueChildren(value: unknown, start = 0, end?: number): ValueChild[] {
  const names = Array.isArray(value) ? value.map((_v, i) => String(i)) : isRecord(value) ? Object.keys(value) : [];
  const stop = Math.min(end ?? names.length, names.length);
  const count = stop - start;
  if (count <= PAGE_SIZE) {
    return names.slice(start, stop).map((name) => ({ kind: "entry", name, value: (value as Record<string, unknown>)[name] }));
  }
  let span = PAGE_SIZE;
  while (count / span > PAGE_SIZE) span *= PAGE_SIZE;
  const ranges: ValueChild[] = [];
  for (let from = start; from < stop; from += span) ranges.push({ kind: "range", start: from, end: Math.min(from + span, stop) });
  return ranges;
}

/** How many children a value has (0 for a scalar). */
export function childCount(value: unknown): number {
  return Array.isArray(value) ? value.length : isRecord(value) ? Object.keys(value).length : 0;
}

/** A one-line preview: scalars as JSON, containers by size. */
export function preview(value: unknown, max = 80): string {
  if (Array.isArray(value)) return `[${value.length} item${value.length === 1 ? "" : "s"}]`;
  if (isRecord(value)) {
    const n = Object.keys(value).length;
    return `{${n} key${n === 1 ? "" : "s"}}`;
  }
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** What Copy Value puts on the clipboard: a string as it is, anything else as indented JSON. */
export function copyText(value: unknown): string {
  return typeof value === "string" ? value : (JSON.stringify(value, null, 2) ?? String(value));
}
