/** Addons on `user.select` (modules.md §3): the processor the engine hands to the module, and the addons. */
export { ADDON_IDS, createAddon, createAddonProcessor } from "./processor";
export { UsageHistoryAddon, colorForHours, neverUsedColor, optionKey, timeAgoText } from "./usage-history";
export { CompatibilityAddon, colorForValue, compatibilityScore, pythonRound1 } from "./compatibility";
export { formatUsageTimestamp, getOptionUsage, getOrCreateWorkflowTemplate, updateOptionUsage } from "./option-usage";
export type { Addon, AddonConfig, AddonResult } from "./types";
export { attachAddons } from "./attach";
