/**
 * Pinned outputs (tracker issue 13.3): a pinned module does not run; the outputs pinned for it are
 * used instead, until it is unpinned. Pins live in `.wfv/pins.json` beside the workflow, keyed
 * `step_id/module_name`, and apply to every workflow of that folder that has the module.
 *
 * How: before a run the definition's pinned modules are replaced by a `wfv.pinned` module of the same
 * name and `outputs_to_state`, which the registry (wrapRegistry) answers with the pinned outputs. So
 * the run stores ordinary `module_completed` events with those outputs (state, later templates and
 * the DB see them as if the module had run) and its `module_started` names `wfv.pinned`: the trace and
 * a recorded test can tell the module was pinned.
 */
import * as z from "zod";
import { WfvError } from "../errors";
import { fromExtendedJson } from "../json/extended-json";
import { moduleName, type WorkflowModule } from "../workflow/model";
import type { ExecutableModule, ModuleContext } from "../modules/types";
import { moduleKeyOf, pinSchema, type Pin } from "./test-file";

export const PINNED_MODULE_ID = "wfv.pinned";

/** Where pins live, relative to the workflow file's folder. */
export const PINS_FILE = ".wfv/pins.json";

export type Pins = Record<string, Pin>;

export const pinsFileSchema = z.object({ pins: z.record(z.string(), pinSchema) });

/** Reads a pins file's text (`{"pins": {"step/module": {"module_outputs": {…}}}}`). */
export function parsePinsFile(text: string, file = PINS_FILE): Pins {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new WfvError("bad_request", `${file} is not valid JSON: ${(error as Error).message}`, { file });
  }
  const parsed = pinsFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(file)"}: ${issue.message}`);
    throw new WfvError("bad_request", `${file} is not a pins file: ${problems.join("; ")}`, { file, problems });
  }
  return parsed.data.pins;
}

export interface PinnedWorkflow {
  /** The definition with its pinned modules replaced (the input is not changed). */
  workflow: unknown;
  /** The pins that matched a module, `step/module`. */
  applied: string[];
  /** Pins that match no module of this workflow. */
  unmatched: string[];
}

/** Replaces the pinned modules of a resolved workflow by `wfv.pinned` stand-ins. */
export function applyPins(workflow: unknown, pins: Pins): PinnedWorkflow {
  const keys = Object.keys(pins);
  if (keys.length === 0 || workflow === null || typeof workflow !== "object") return { workflow, applied: [], unmatched: keys };
  const given = workflow as { steps?: unknown };
  if (!Array.isArray(given.steps)) return { workflow, applied: [], unmatched: keys };
  const applied: string[] = [];
  const steps = given.steps.map((step) => {
    if (step === null || typeof step !== "object" || !Array.isArray((step as { modules?: unknown }).modules)) return step;
    const { step_id: stepId, modules } = step as { step_id?: unknown; modules: unknown[] };
    let changed = false;
    const replaced = modules.map((module) => {
      if (module === null || typeof module !== "object" || typeof (module as { module_id?: unknown }).module_id !== "string") return module;
      const config = module as WorkflowModule;
      const key = moduleKeyOf(String(stepId), moduleName(config));
      if (!Object.prototype.hasOwnProperty.call(pins, key)) return module;
      applied.push(key);
      changed = true;
      const stand: Record<string, unknown> = { module_id: PINNED_MODULE_ID, name: moduleName(config), inputs: {}, pinned_module_id: config.module_id };
      if (config.outputs_to_state !== undefined) stand.outputs_to_state = config.outputs_to_state;
      return stand;
    });
    return changed ? { ...(step as object), modules: replaced } : step;
  });
  return { workflow: { ...given, steps }, applied, unmatched: keys.filter((key) => !applied.includes(key)) };
}

/** The `wfv.pinned` module: answers with the pins of its step and name. */
export class PinnedModule implements ExecutableModule {
  readonly kind = "executable";
  readonly moduleId = PINNED_MODULE_ID;
  readonly inputs = [];
  readonly outputs = [];

  constructor(private readonly pins: Pins) {}

  async execute(_inputs: Record<string, unknown>, context: ModuleContext): Promise<Record<string, unknown>> {
    const key = moduleKeyOf(context.stepId, context.currentModuleName);
    const pin = this.pins[key];
    if (pin === undefined) throw new WfvError("execution_failed", `${key} is a pinned stand-in but has no pinned outputs`, { module: key });
    // A fresh copy each time, `{"$date"}` back to dates.
    return fromExtendedJson(pin.module_outputs) as Record<string, unknown>;
  }
}
