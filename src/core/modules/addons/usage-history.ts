/**
 * `addons.usage_history` (modules.md §3.2): colours and a "3d ago" badge from when each option was
 * last picked, and records the pick. History lives in `option_usage` on the virtual DB; times come
 * from the DB clock (UTC), and the stored `updated_at` is a real Date that survives export/import.
 */
import { isPlainObject } from "../../python/builtins";
import { pyStr } from "../../python/format";
import type { ModuleContext } from "../types";
import { getOptionUsage, updateOptionUsage } from "./option-usage";
import type { Addon, AddonResult, Json } from "./types";

const UNIT_HOURS: Record<string, number> = {
  minute: 1 / 60,
  minutes: 1 / 60,
  hour: 1,
  hours: 1,
  day: 24,
  days: 24,
  week: 24 * 7,
  weeks: 24 * 7,
  month: 24 * 30,
  months: 24 * 30,
};

const SOURCE = "usage_history";

function has(rule: Json, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(rule, key);
}

function unitHours(unit: unknown): number {
  return typeof unit === "string" && Object.prototype.hasOwnProperty.call(UNIT_HOURS, unit) ? UNIT_HOURS[unit] : 1;
}

function bound(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** The first rule that matches `hours`: `[min, max)` in its unit, legacy `<= max_hours`, or a bare colour. */
export function colorForHours(hours: number | null, colors: unknown): unknown {
  if (!Array.isArray(colors) || colors.length === 0 || hours === null) return null;
  for (const rule of colors) {
    if (!isPlainObject(rule)) continue;
    const color = rule.color ?? null;
    if (has(rule, "unit")) {
      const multiplier = unitHours(rule.unit);
      const min = bound(rule.min);
      const max = bound(rule.max);
      if ((min === null || hours >= min * multiplier) && (max === null || hours < max * multiplier)) return color;
    } else if (has(rule, "max_hours")) {
      if (hours <= Number(rule.max_hours)) return color;
    } else if (color) {
      return color;
    }
  }
  return null;
}

/** The colour of never-used options: the open-ended rule with the highest minimum, or a legacy fallback. */
export function neverUsedColor(colors: unknown): unknown {
  if (!Array.isArray(colors) || colors.length === 0) return null;
  let best: unknown = null;
  let bestMinHours = -1;
  for (const rule of colors) {
    if (!isPlainObject(rule)) continue;
    const color = rule.color ?? null;
    if (has(rule, "unit")) {
      const min = bound(rule.min);
      if (min !== null && bound(rule.max) === null && min * unitHours(rule.unit) > bestMinHours) {
        bestMinHours = min * unitHours(rule.unit);
        best = color;
      }
    } else if (!has(rule, "max_hours") && color) {
      return color;
    }
  }
  return best;
}

/** `{field}` placeholders of the format replaced by the item's values (`str(item)` for non-objects). */
export function optionKey(item: unknown, keyFormat: string): string {
  if (!isPlainObject(item)) return pyStr(item);
  let key = keyFormat;
  for (const [field, value] of Object.entries(item)) {
    const placeholder = `{${field}}`;
    if (key.includes(placeholder)) key = key.split(placeholder).join(pyStr(value));
  }
  return key;
}

/** The Python timedelta of `now - timestamp` as (days, seconds), or null when unparsable. */
function elapsed(timestamp: string, now: Date): { days: number; seconds: number; hours: number } | null {
  const hasZone = /(Z|[+-]\d\d:?\d\d)$/.test(timestamp);
  const parsed = Date.parse(hasZone ? timestamp : `${timestamp}Z`);
  if (!/^\d{4}-\d\d-\d\d/.test(timestamp) || Number.isNaN(parsed)) return null;
  const totalMs = now.getTime() - parsed;
  const days = Math.floor(totalMs / 86_400_000);
  const seconds = Math.floor((totalMs - days * 86_400_000) / 1000);
  return { days, seconds, hours: totalMs / 3_600_000 };
}

/** "3mo ago", "5d ago", "2h ago", "7m ago" or "just now", from the timedelta's days and seconds. */
export function timeAgoText(days: number, seconds: number): string {
  if (days > 30) return `${Math.floor(days / 30)}mo ago`;
  if (days > 0) return `${days}d ago`;
  if (seconds > 3600) return `${Math.floor(seconds / 3600)}h ago`;
  if (seconds > 60) return `${Math.floor(seconds / 60)}m ago`;
  return "just now";
}

interface Required {
  stepId: string;
  templateName: string;
  userId: string;
}

function requireContext(context: ModuleContext, where: string): Required {
  if (!context.stepId) throw new Error(`${where}: context.step_id is required`);
  if (!context.db) throw new Error(`${where}: context.db is required`);
  if (!context.workflowTemplateName) throw new Error(`${where}: context.workflow_template_name is required`);
  if (!context.userId) throw new Error(`${where}: context.user_id is required`);
  return { stepId: context.stepId, templateName: context.workflowTemplateName, userId: context.userId };
}

function keyFormatOf(inputs: Json): string {
  return has(inputs, "track_key_format") ? String(inputs.track_key_format) : "{label}";
}

export class UsageHistoryAddon implements Addon {
  readonly addonId = "addons.usage_history";

  process(items: Json[], inputs: Json, context: ModuleContext, priority: number): Map<number, AddonResult> {
    const colors = has(inputs, "colors") ? inputs.colors : [];
    const { stepId, templateName, userId } = requireContext(context, "UsageHistoryAddon");
    const now = context.now();
    const history = getOptionUsage(context.db, templateName, stepId, context.currentModuleName || null, userId, now);
    const results = new Map<number, AddonResult>();
    items.forEach((item, index) => {
      const key = optionKey(item, keyFormatOf(inputs));
      const lastUsed = Object.prototype.hasOwnProperty.call(history, key) ? history[key] : null;
      if (lastUsed) {
        const delta = elapsed(lastUsed, now);
        const color = colorForHours(delta?.hours ?? null, colors);
        const decorators: Json[] = [
          { type: "border", color, priority, source: SOURCE },
          { type: "swatch", color, priority, source: SOURCE },
        ];
        if (delta !== null) decorators.push({ type: "badge", text: timeAgoText(delta.days, delta.seconds), priority, source: SOURCE });
        results.set(index, { data: { last_used: lastUsed, color }, decorators });
      } else {
        const color = neverUsedColor(colors);
        const decorators: Json[] = color
          ? [
              { type: "border", color, priority, source: SOURCE },
              { type: "swatch", color, priority, source: SOURCE },
            ]
          : [];
        results.set(index, { data: { last_used: null, color }, decorators });
      }
    });
    return results;
  }

  onSelection(selectedIndices: number[], items: Json[], inputs: Json, context: ModuleContext): void {
    const { stepId, templateName, userId } = requireContext(context, "UsageHistoryAddon.on_selection");
    const now = context.now();
    for (const index of selectedIndices) {
      if (index < items.length) {
        // Python indexing: a negative index counts from the end; past the start it raises.
        const item = items.at(index);
        if (item === undefined) throw new RangeError("list index out of range");
        const key = optionKey(item, keyFormatOf(inputs));
        updateOptionUsage(context.db, templateName, stepId, context.currentModuleName || null, key, now, userId);
      }
    }
  }
}
