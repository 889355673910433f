/**
 * The AddonProcessor (modules.md §3.1): runs a module instance's configured addons over its items.
 * Results are embedded in place as `item._metadata = {addons: {...flat-merged data}, decorators:
 * [...]}` (later addons overwrite shared data keys such as `color`; decorators accumulate). An addon
 * that fails only logs a warning, as in the original; unknown addon ids are skipped.
 */
import { errorText } from "../base";
import { isPlainObject } from "../../python/builtins";
import type { AddonProcessor, ModuleContext } from "../types";
import { CompatibilityAddon } from "./compatibility";
import type { Addon, AddonConfig, Json } from "./types";
import { UsageHistoryAddon } from "./usage-history";

const ADDONS: Record<string, () => Addon> = {
  "addons.usage_history": () => new UsageHistoryAddon(),
  "addons.compatibility": () => new CompatibilityAddon(),
};

export const ADDON_IDS: readonly string[] = Object.keys(ADDONS);

/** A new addon instance, or null for an unknown id (skipped silently, as the original does). */
export function createAddon(addonId: string): Addon | null {
  return Object.prototype.hasOwnProperty.call(ADDONS, addonId) ? ADDONS[addonId]() : null;
}

function embed(item: Json, data: Json, decorators: Json[]): void {
  const metadata = isPlainObject(item._metadata) ? item._metadata : (item._metadata = {});
  if (!isPlainObject(metadata.addons)) metadata.addons = {};
  if (!Array.isArray(metadata.decorators)) metadata.decorators = [];
  Object.assign(metadata.addons as Json, data);
  (metadata.decorators as Json[]).push(...decorators);
}

/** Builds the processor `user.select` receives through `setAddonProcessor`. */
export function createAddonProcessor(configs: readonly AddonConfig[], context: ModuleContext): AddonProcessor {
  const active: Array<{ config: AddonConfig; addon: Addon }> = [];
  for (const config of configs) {
    const addon = isPlainObject(config) ? createAddon(String(config.addon_id)) : null;
    if (addon !== null) active.push({ config, addon });
  }

  return {
    async processItems(items) {
      if (active.length === 0 || items.length === 0) return;
      for (const { config, addon } of active) {
        try {
          const results = await addon.process(items, config.inputs ?? {}, context, config.priority || 0);
          for (const [index, result] of results) {
            if (index < items.length) embed(items[index], result.data, result.decorators);
          }
        } catch (error) {
          context.logger.warning(`Addon ${addon.addonId} failed: ${errorText(error)}`);
        }
      }
    },
    async callOnSelection(flatIndices, items) {
      for (const { config, addon } of active) {
        if (typeof addon.onSelection !== "function") continue;
        try {
          await addon.onSelection(flatIndices, items, config.inputs ?? {}, context);
        } catch (error) {
          context.logger.warning(`Addon ${addon.addonId} on_selection failed: ${errorText(error)}`);
        }
      }
    },
  };
}
