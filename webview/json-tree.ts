/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/** A collapsible JSON tree (`<details>`), for outputs, state and DB documents. */
import { h } from "./dom";
import { prettyJsonString } from "./structured";

function summaryOf(value: unknown): string {
  if (Array.isArray(value)) return `[${value.length}]`;
  if (value !== null && typeof value === "object") return `{${Object.keys(value).length}}`;
  return "";
}

function leaf(value: unknown): HTMLElement {
  // A string holding a JSON document (an LLM's response_text) reads better indented.
  const pretty = typeof value === "string" ? prettyJsonString(value) : undefined;
  if (pretty !== undefined) return h("pre", { className: "json-string json-text", title: "A JSON string, shown indented" }, pretty);
  const kind = value === null ? "null" : typeof value;
  const text = typeof value === "string" ? JSON.stringify(value) : String(value);
  return h("span", { className: `json-${kind}` }, text);
}

/** `openDepth`: levels expanded at first (the rest open on click or Enter). */
export function jsonTree(value: unknown, openDepth = 2, label?: string): HTMLElement {
  return node(label, value, 0, openDepth);
}

function node(label: string | undefined, value: unknown, depth: number, openDepth: number): HTMLElement {
  const key = label !== undefined ? h("span", { className: "json-key" }, `${label}: `) : null;
  if (value === null || typeof value !== "object") return h("div", { className: "json-row" }, key, leaf(value));
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return h("div", { className: "json-row" }, key, h("span", { className: "json-empty" }, Array.isArray(value) ? "[]" : "{}"));
  const details = h("details", { className: "json-node", open: depth < openDepth });
  details.append(h("summary", {}, key, h("span", { className: "json-count" }, summaryOf(value))));
  const body = h("div", { className: "json-children" });
  for (const [k, v] of entries) body.append(node(k, v, depth + 1, openDepth));
  details.append(body);
  return details;
}
