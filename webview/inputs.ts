/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The Inputs tab: each input of the module a run is about as the engine resolved it, next to its
 * template as written, with the templated parts that came out as nothing (undefined, null, empty)
 * flagged — the first thing to check when a module misbehaves.
 */
import type { ModuleInputsView, ResolvedInputView } from "../src/shared/run-story";
import { h } from "./dom";
import { valueCell } from "./story-values";

/** "metadata.missing is null" — what a flag says, for the input `name`. */
export function flagText(name: string, flag: ResolvedInputView["flags"][number]): string {
  const where = flag.path === "" ? name : `${name}.${flag.path}`;
  return flag.result === "empty" ? `${where} rendered as an empty string` : `${where} is ${flag.result}`;
}

/** The tab's one-line summary; `hints`: unproducedStateHints. */
export function inputsSummary(inputs: ModuleInputsView, hints: ReadonlyMap<string, readonly string[]> = new Map()): string {
  const flagged = inputs.inputs.filter((row) => row.flags.length > 0 || (hints.get(row.name)?.length ?? 0) > 0).length;
  const count = `${inputs.inputs.length} input${inputs.inputs.length === 1 ? "" : "s"}`;
  return flagged === 0 ? `${count}, every template resolved to a value` : `${count}, ${flagged} to check: a template resolved to nothing or reads state no module produces`;
}

/** Whether the template is literal (no `{{ }}` or `{% %}` anywhere in it): then the value column repeats it. */
export function isTemplated(template: unknown): boolean {
  if (typeof template === "string") return template.includes("{{") || template.includes("{%");
  if (Array.isArray(template)) return template.some(isTemplated);
  if (template !== null && typeof template === "object") return Object.values(template).some(isTemplated);
  return false;
}

/**
 * The engine's definition warnings about state keys no module produces (`state_key_produced`), per
 * input of the module: "state.customer_name: no module produces it" — why a template came out empty.
 */
export function unproducedStateHints(inputs: Pick<ModuleInputsView, "stepId" | "moduleName">, warnings: readonly unknown[]): Map<string, string[]> {
  const prefix = `${inputs.stepId}/${inputs.moduleName}.inputs.`;
  const hints = new Map<string, string[]>();
  for (const warning of warnings) {
    if (warning === null || typeof warning !== "object") continue;
    const { rule, field, id } = warning as Record<string, unknown>;
    if (rule !== "state_key_produced" || typeof field !== "string" || !field.startsWith(prefix) || typeof id !== "string") continue;
    const key = id.slice(id.lastIndexOf(":") + 1);
    const name = field.slice(prefix.length).split(".")[0];
    const hint = `state.${key}: no module produces it`;
    const list = hints.get(name) ?? [];
    if (!list.includes(hint)) list.push(hint);
    hints.set(name, list);
  }
  return hints;
}

function templateCell(template: unknown): HTMLElement {
  return typeof template === "string" ? h("code", { className: "input-template" }, template) : valueCell(template, 1);
}

function inputRow(row: ResolvedInputView, hints: readonly string[]): HTMLElement {
  const flagged = row.flags.length > 0 || hints.length > 0;
  return h(
    "tr",
    { className: `input-row${flagged ? " input-flagged" : ""}${isTemplated(row.template) ? "" : " input-literal"}`, dataset: { input: row.name } },
    h("th", { scope: "row" }, h("code", {}, row.name)),
    h("td", {}, templateCell(row.template)),
    h(
      "td",
      {},
      "value" in row ? valueCell(row.value, 1) : h("span", { className: "json-undefined" }, "undefined"),
      flagged
        ? h("ul", { className: "input-flags", role: "note" }, row.flags.map((flag) => h("li", {}, `⚠ ${flagText(row.name, flag)}`)), hints.map((hint) => h("li", { className: "input-hint" }, hint)))
        : null,
      row.truncated ? h("div", { className: "muted" }, "(large value, cut for display)") : null,
    ),
  );
}

/** `warnings`: the run's definition warnings (RunView.validationWarnings), for the hints on unproduced state. */
export function inputsTab(inputs: ModuleInputsView, warnings: readonly unknown[] = []): HTMLElement {
  const hints = unproducedStateHints(inputs, warnings);
  return h(
    "div",
    { className: "story-inputs" },
    h("p", { className: "muted" }, h("strong", {}, `${inputs.stepId} / ${inputs.moduleName}`), ` · ${inputsSummary(inputs, hints)}`),
    inputs.inputs.length === 0
      ? h("p", { className: "muted" }, "This module has no inputs.")
      : h(
          "table",
          { className: "story-table inputs-table" },
          h("thead", {}, h("tr", {}, h("th", {}, "Input"), h("th", {}, "Template"), h("th", {}, "Resolved"))),
          h("tbody", {}, inputs.inputs.map((row) => inputRow(row, hints.get(row.name) ?? []))),
        ),
  );
}
