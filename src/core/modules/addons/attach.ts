/**
 * The engine's addon step (modules.md §1.8 item 3, §3.1), as one call: when a module config has an
 * `addons` array and the module takes a processor, resolve each addon's `inputs` (the engine's
 * `resolve_with_schema`, passed in) and hand the module a processor built over its context.
 */
import { isPlainObject } from "../../python/builtins";
import type { ModuleContext, WorkflowModule } from "../types";
import { createAddonProcessor } from "./processor";
import type { AddonConfig, Json } from "./types";

export function attachAddons(
  module: WorkflowModule,
  moduleConfig: { addons?: unknown },
  context: ModuleContext,
  resolveInputs: (inputs: Json) => Json,
): boolean {
  const addons = moduleConfig.addons;
  if (!Array.isArray(addons) || addons.length === 0) return false;
  if (module.kind !== "interactive" || typeof module.setAddonProcessor !== "function") return false;
  const configs: AddonConfig[] = addons.filter(isPlainObject).map((addon) => ({
    addon_id: String(addon.addon_id ?? ""),
    priority: typeof addon.priority === "number" ? addon.priority : 0,
    inputs: isPlainObject(addon.inputs) ? resolveInputs({ ...addon.inputs }) : {},
  }));
  module.setAddonProcessor(createAddonProcessor(configs, context));
  return true;
}
