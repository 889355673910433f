/**
 * `addons.compatibility` (modules.md §3.3): scores each option by how much its tags overlap the tags
 * of earlier picks (`source`), colours it by score and adds an "N% match" badge. Scores are not
 * capped (they can exceed 100), as in the original.
 */
import { isPlainObject, isTruthy } from "../../python/builtins";
import type { ModuleContext } from "../types";
import type { Addon, AddonResult, Json } from "./types";

const SOURCE = "compatibility";

/** `get_color_for_value`: the first rule with `value >= min`, `value <= max_hours`, or a bare colour. */
export function colorForValue(value: number | null, rules: unknown): unknown {
  if (value === null || !Array.isArray(rules) || rules.length === 0) return null;
  for (const rule of rules) {
    if (!isPlainObject(rule)) continue;
    if (Object.prototype.hasOwnProperty.call(rule, "min")) {
      if (value >= Number(rule.min)) return rule.color ?? null;
    } else if (Object.prototype.hasOwnProperty.call(rule, "max_hours")) {
      if (value <= Number(rule.max_hours)) return rule.color ?? null;
    } else if (Object.prototype.hasOwnProperty.call(rule, "color")) {
      return rule.color;
    }
  }
  return null;
}

/**
 * Python's `round(x, 1)`: decided on the exact binary value, exact ties to even. Only quarters are
 * exact ties at one decimal; `toFixed` rounds every other value on its exact binary expansion.
 */
export function pythonRound1(value: number): number {
  const scaled = value * 10;
  if (Number.isInteger(value * 4) && scaled - Math.floor(scaled) === 0.5) {
    const floor = Math.floor(scaled);
    return (floor % 2 === 0 ? floor : floor + 1) / 10;
  }
  return Number(value.toFixed(1));
}

type TagMap = Map<string, Map<string, number>>;

/** Per category and tag, the highest value over every source option. */
function aggregateTags(options: Json[]): TagMap {
  const aggregated: TagMap = new Map();
  for (const option of options) {
    if (!isPlainObject(option.tags)) continue;
    for (const [category, tags] of Object.entries(option.tags)) {
      if (!Array.isArray(tags)) continue;
      const byTag = aggregated.get(category) ?? new Map<string, number>();
      for (const entry of tags) {
        if (!isPlainObject(entry) || entry.tag === undefined) continue;
        const tag = String(entry.tag);
        const value = Number(entry.value ?? 0);
        byTag.set(tag, Math.max(byTag.get(tag) ?? -Infinity, value));
      }
      if (byTag.size > 0) aggregated.set(category, byTag);
    }
  }
  return aggregated;
}

/** The average over shared categories of the summed `min(source, item)` of shared tags. */
export function compatibilityScore(aggregated: TagMap, itemTags: Json): number {
  const scores: number[] = [];
  for (const [category, sourceTags] of aggregated) {
    const own = itemTags[category];
    if (!Array.isArray(own)) continue;
    const ownValues = new Map<string, number>();
    for (const entry of own) if (isPlainObject(entry) && entry.tag !== undefined) ownValues.set(String(entry.tag), Number(entry.value ?? 0));
    let sum = 0;
    for (const [tag, value] of sourceTags) if (ownValues.has(tag)) sum += Math.min(value, ownValues.get(tag)!);
    scores.push(sum);
  }
  return scores.length === 0 ? 0 : scores.reduce((a, b) => a + b, 0) / scores.length;
}

export class CompatibilityAddon implements Addon {
  readonly addonId = "addons.compatibility";

  process(items: Json[], inputs: Json, _context: ModuleContext, priority: number): Map<number, AddonResult> {
    const results = new Map<number, AddonResult>();
    const source = inputs.source;
    if (!isTruthy(source)) return results;
    const options: Json[] = [];
    for (const entry of Array.isArray(source) ? source : [source]) {
      if (Array.isArray(entry)) options.push(...entry.filter(isPlainObject));
      else if (isPlainObject(entry)) options.push(entry);
    }
    const aggregated = aggregateTags(options);
    if (aggregated.size === 0) return results;
    items.forEach((item, index) => {
      if (!isPlainObject(item) || !isPlainObject(item.tags)) return;
      const score = compatibilityScore(aggregated, item.tags);
      const color = colorForValue(score, inputs.colors);
      results.set(index, {
        data: { score: pythonRound1(score), color },
        decorators: [
          { type: "border", color, priority, source: SOURCE },
          { type: "swatch", color, priority, source: SOURCE },
          { type: "badge", text: `${Math.trunc(score)}% match`, priority, source: SOURCE },
        ],
      });
    });
    return results;
  }
}
