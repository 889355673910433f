/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/** Small shared pieces of the run-story tabs (inputs, trace, DB diff): one value shown compactly. */
import { h } from "./dom";
import { jsonTree } from "./json-tree";

/** One line for a value: strings as they are, the rest as JSON, cut at `max` characters. */
export function shortText(value: unknown, max = 80): string {
  const text = typeof value === "string" ? value : value === undefined ? "undefined" : (JSON.stringify(value) ?? String(value));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A value in a cell: scalars inline (strings quoted), objects and arrays as a collapsed tree. */
export function valueCell(value: unknown, openDepth = 0): HTMLElement {
  if (value === undefined) return h("span", { className: "json-undefined" }, "undefined");
  if (value !== null && typeof value === "object") {
    const date = (value as Record<string, unknown>).$date;
    if (typeof date === "string" && Object.keys(value).length === 1) return h("span", { className: "json-date" }, date);
    return jsonTree(value, openDepth);
  }
  const kind = value === null ? "null" : typeof value;
  return h("span", { className: `json-${kind} story-scalar` }, typeof value === "string" ? JSON.stringify(value) : String(value));
}
