/**
 * The story of one call, for the panel (wfv only, asked with `trace: true`): which modules ran, in
 * order, with their durations and how each ended; which interactions were answered, by whom and with
 * what; and the inputs of the module the call is about, as the engine resolved them, next to their
 * templates. Everything comes from the engine's own hooks (engine/context.ts ModuleObserver) and its
 * `auto_answers`: nothing is resolved a second time. Values are JSON-safe and capped in size.
 */
import type { ModuleObserver, ObservedModule } from "../engine/context";
import type { AutoAnswer, InteractionResponseData } from "../engine/types";
import { toExtendedJson } from "../json/extended-json";

/** How a traced module ended in this call (`running`: the call was cut short while it ran). */
export type TraceStatus = "running" | "completed" | "awaiting_input" | "error";

export interface TraceAnswer {
  /** Who answered: the caller (`user`), or up_to on its own (AutoAnswer's sources). */
  source: AutoAnswer["source"] | "user";
  /** For `mock_default`: which default. */
  rule?: string;
  interaction_type: string;
  response: unknown;
}

export interface TraceEntry {
  step_id: string;
  module_name: string;
  module_id: string;
  status: TraceStatus;
  /** From the module's start until it finished, or, for an interaction answered in this call, until the run went on. */
  duration_ms: number;
  answer?: TraceAnswer;
}

/** Where a resolved value is missing: a templated string that came out null, undefined or empty. */
export interface InputFlag {
  /** Dotted path inside the input (`""`: the input itself). */
  path: string;
  result: "undefined" | "null" | "empty";
}

export interface ResolvedInput {
  name: string;
  /** The value as written in the workflow (its template). */
  template: unknown;
  /** As the engine resolved it; absent when the resolution left the input out. */
  value?: unknown;
  flags: InputFlag[];
  /** A value was cut to fit the response (the cut parts say `…`). */
  truncated?: boolean;
}

export interface ModuleInputs {
  step_id: string;
  module_name: string;
  inputs: ResolvedInput[];
}

/** The caps on a value sent to the panel. */
export const VALUE_CAPS = { string: 2000, items: 50, depth: 8 } as const;

/** A JSON-safe copy of `value` within VALUE_CAPS (dates as `{"$date"}`); `cut` says whether anything was cut. */
export function capValue(value: unknown): { value: unknown; cut: boolean } {
  let cut = false;
  const walk = (node: unknown, depth: number): unknown => {
    if (typeof node === "string") {
      if (node.length <= VALUE_CAPS.string) return node;
      cut = true;
      return `${node.slice(0, VALUE_CAPS.string)}… (${node.length - VALUE_CAPS.string} more characters)`;
    }
    if (node === null || typeof node !== "object") return typeof node === "number" && !Number.isFinite(node) ? String(node) : node;
    if (depth >= VALUE_CAPS.depth) {
      cut = true;
      return Array.isArray(node) ? `… (an array of ${node.length})` : "… (an object)";
    }
    if (Array.isArray(node)) {
      const items = node.slice(0, VALUE_CAPS.items).map((item) => walk(item, depth + 1));
      if (node.length > VALUE_CAPS.items) {
        cut = true;
        items.push(`… (${node.length - VALUE_CAPS.items} more items)`);
      }
      return items;
    }
    const entries = Object.entries(node as Record<string, unknown>);
    const out: Record<string, unknown> = {};
    for (const [key, item] of entries.slice(0, VALUE_CAPS.items)) out[key] = item === undefined ? null : walk(item, depth + 1);
    if (entries.length > VALUE_CAPS.items) {
      cut = true;
      out["…"] = `${entries.length - VALUE_CAPS.items} more keys`;
    }
    return out;
  };
  const json = toExtendedJson(value === undefined ? null : value);
  return { value: walk(json, 0), cut };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The places where a templated string of `template` resolved to nothing in `value`. */
export function inputFlags(template: unknown, value: unknown, path = ""): InputFlag[] {
  if (typeof template === "string") {
    if (!template.includes("{{") && !template.includes("{%")) return [];
    if (value === undefined) return [{ path, result: "undefined" }];
    if (value === null) return [{ path, result: "null" }];
    return value === "" ? [{ path, result: "empty" }] : [];
  }
  const at = (key: string | number) => (path === "" ? String(key) : `${path}.${key}`);
  if (Array.isArray(template)) {
    if (!Array.isArray(value)) return [];
    return template.flatMap((item, i) => (i < value.length ? inputFlags(item, value[i], at(i)) : []));
  }
  if (isRecord(template)) {
    if (!isRecord(value)) return value === undefined ? [{ path, result: "undefined" }] : [];
    return Object.keys(template).flatMap((key) => inputFlags(template[key], value[key], at(key)));
  }
  return [];
}

/** The module's inputs as written in `workflow` (the resolved workflow the call ran), or null. */
export function moduleTemplates(workflow: unknown, stepId: string, moduleName: string): Record<string, unknown> | null {
  const steps = isRecord(workflow) && Array.isArray(workflow.steps) ? workflow.steps : [];
  const step = steps.find((s): s is Record<string, unknown> => isRecord(s) && s.step_id === stepId);
  const modules = step && Array.isArray(step.modules) ? step.modules : [];
  const module = modules.find((m): m is Record<string, unknown> => isRecord(m) && (m.name ?? m.module_id) === moduleName);
  return module && isRecord(module.inputs) ? module.inputs : module ? {} : null;
}

/** Templates beside their resolved values, in the workflow's order (then inputs only the engine added). */
export function pairInputs(templates: Record<string, unknown>, resolved: Record<string, unknown>): ResolvedInput[] {
  const names = [...Object.keys(templates).filter((name) => name !== "resolver_schema"), ...Object.keys(resolved).filter((name) => !(name in templates))];
  return names.map((name) => {
    const template = capValue(templates[name]);
    const row: ResolvedInput = { name, template: template.value, flags: inputFlags(templates[name], resolved[name]) };
    if (name in resolved && resolved[name] !== undefined) {
      const value = capValue(resolved[name]);
      row.value = value.value;
      if (value.cut) row.truncated = true;
    }
    if (template.cut) row.truncated = true;
    return row;
  });
}

interface Recording {
  entry: TraceEntry;
  started: number;
  inputs?: Record<string, unknown>;
}

/** The module the caller answered (the interaction pending when the call began). */
export interface PendingAnswer {
  step_id: string;
  module_name: string;
  module_id: string;
  interaction_type: string;
  response: InteractionResponseData;
}

/** Records a call through the engine's observer hooks; `finish` gives the trace and the inputs. */
export class RunTracer {
  private readonly recordings: Recording[] = [];
  private readonly began: number;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.began = now();
  }

  readonly observer: ModuleObserver = {
    moduleStarting: (module: ObservedModule) => {
      this.recordings.push({ entry: { step_id: module.stepId, module_name: module.moduleName, module_id: module.moduleId, status: "running", duration_ms: 0 }, started: this.now() });
    },
    inputsResolved: (module: ObservedModule, inputs: Record<string, unknown>) => {
      const recording = this.current(module);
      if (recording) recording.inputs = inputs;
    },
    moduleFinished: (module, outcome) => {
      const recording = this.current(module);
      if (!recording) return;
      // The target of an up_to run ends the run as `target_reached`: for the trace it completed.
      recording.entry.status = outcome.status === "target_reached" ? "completed" : outcome.status;
      recording.entry.duration_ms = round(this.now() - recording.started);
    },
  };

  private current(module: ObservedModule): Recording | undefined {
    const last = this.recordings[this.recordings.length - 1];
    return last && last.entry.step_id === module.stepId && last.entry.module_name === module.moduleName ? last : undefined;
  }

  /**
   * The trace and the inputs after the call. `autoAnswers` are the call's `auto_answers`; `pending` the
   * interaction the caller's answer went to; `ended` where the call stopped (awaiting input or failed),
   * so an answered module that asked or failed again keeps that status. `inputsOf` is the module the
   * call is about (its target, or the module it stopped at).
   */
  finish(options: {
    workflow: unknown;
    autoAnswers: readonly AutoAnswer[];
    pending: PendingAnswer | null;
    ended: { step_id: string; module_name: string; status: "awaiting_input" | "error" } | null;
    inputsOf: { step_id: string; module_name: string };
    /** `_resolved_inputs` stored with the module's interaction request, when this call did not resolve them. */
    storedInputs: (stepId: string, moduleName: string) => Record<string, unknown> | null;
  }): { trace: TraceEntry[]; resolved_inputs: ModuleInputs | null } {
    const end = this.now();
    const trace: TraceEntry[] = [];
    if (options.pending) {
      const { step_id, module_name, module_id, interaction_type, response } = options.pending;
      const first = this.recordings[0]?.started ?? end;
      trace.push({ step_id, module_name, module_id, status: "completed", duration_ms: round(first - this.began), answer: { source: "user", interaction_type, response: capValue(response).value } });
    }
    const answers = [...options.autoAnswers];
    this.recordings.forEach((recording, i) => {
      const entry = { ...recording.entry };
      const answerAt = entry.status === "awaiting_input" ? answers.findIndex((a) => a.step_id === entry.step_id && a.module_name === entry.module_name) : -1;
      if (answerAt >= 0) {
        const [answer] = answers.splice(answerAt, 1);
        entry.answer = { source: answer.source, ...(answer.rule ? { rule: answer.rule } : {}), interaction_type: answer.interaction_type, response: capValue(answer.response).value };
        // Answered, the module went on until the next module started (or the call ended).
        entry.duration_ms = round((this.recordings[i + 1]?.started ?? end) - recording.started);
        const last = i === this.recordings.length - 1;
        const endedHere = options.ended && options.ended.step_id === entry.step_id && options.ended.module_name === entry.module_name;
        entry.status = last && endedHere ? (options.ended?.status ?? "completed") : "completed";
      }
      trace.push(entry);
    });
    const { step_id, module_name } = options.inputsOf;
    const ran = this.recordings.filter((recording) => recording.entry.step_id === step_id && recording.entry.module_name === module_name);
    // Started in this call: its inputs from this call (none when they failed to resolve or validate),
    // never an older request's. Answered without starting again: the inputs stored with its request.
    const resolved = ran.length > 0 ? (ran.findLast((recording) => recording.inputs)?.inputs ?? null) : options.storedInputs(step_id, module_name);
    const templates = moduleTemplates(options.workflow, step_id, module_name);
    const resolvedInputs = resolved && templates ? { step_id, module_name, inputs: pairInputs(templates, resolved) } : null;
    return { trace, resolved_inputs: resolvedInputs };
  }
}

function round(ms: number): number {
  return Math.max(0, Math.round(ms * 10) / 10);
}
