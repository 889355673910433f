/**
 * Addons (modules.md §3): small plug-ins configured on a `user.select` instance that decorate its
 * items (`_metadata.addons` data and `_metadata.decorators`) and hear about the user's pick.
 */
import type { ModuleContext } from "../types";

export type Json = Record<string, unknown>;

/** What an addon says about one item. */
export interface AddonResult {
  data: Json;
  decorators: Json[];
}

export interface Addon {
  readonly addonId: string;
  /** Results by item index (an index may be missing: no metadata for that item). */
  process(items: Json[], inputs: Json, context: ModuleContext, priority: number): Promise<Map<number, AddonResult>> | Map<number, AddonResult>;
  onSelection?(selectedIndices: number[], items: Json[], inputs: Json, context: ModuleContext): Promise<void> | void;
}

/** One entry of a module's `addons` array, its inputs already resolved. */
export interface AddonConfig {
  addon_id: string;
  priority?: number;
  inputs?: Json;
}
