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

/** The tab's one-line summary. */
export function inputsSummary(inputs: ModuleInputsView): string {
  const flagged = inputs.inputs.filter((row) => row.flags.length > 0).length;
  const count = `${inputs.inputs.length} input${inputs.inputs.length === 1 ? "" : "s"}`;
  return flagged === 0 ? `${count}, every template resolved to a value` : `${count}, ${flagged} with a template that resolved to nothing`;
}

/** Whether the template is literal (no `{{ }}` or `{% %}` anywhere in it): then the value column repeats it. */
export function isTemplated(template: unknown): boolean {
  if (typeof template === "string") return template.includes("{{") || template.includes("{%");
  if (Array.isArray(template)) return template.some(isTemplated);
  if (template !== null && typeof template === "object") return Object.values(template).some(isTemplated);
  return false;
}

function templateCell(template: unknown): HTMLElement {
  return typeof template === "string" ? h("code", { className: "input-template" }, template) : valueCell(template);
}

function inputRow(row: ResolvedInputView): HTMLElement {
  const flagged = row.flags.length > 0;
  return h(
    "tr",
    { className: `input-row${flagged ? " input-flagged" : ""}${isTemplated(row.template) ? "" : " input-literal"}`, dataset: { input: row.name } },
    h("th", { scope: "row" }, h("code", {}, row.name)),
    h("td", {}, templateCell(row.template)),
    h(
      "td",
      {},
      "value" in row ? valueCell(row.value, 1) : h("span", { className: "json-undefined" }, "undefined"),
      flagged ? h("ul", { className: "input-flags", role: "note" }, row.flags.map((flag) => h("li", {}, `⚠ ${flagText(row.name, flag)}`))) : null,
      row.truncated ? h("div", { className: "muted" }, "(large value, cut for display)") : null,
    ),
  );
}

export function inputsTab(inputs: ModuleInputsView): HTMLElement {
  return h(
    "div",
    { className: "story-inputs" },
    h("p", { className: "muted" }, h("strong", {}, `${inputs.stepId} / ${inputs.moduleName}`), ` · ${inputsSummary(inputs)}`),
    inputs.inputs.length === 0
      ? h("p", { className: "muted" }, "This module has no inputs.")
      : h(
          "table",
          { className: "story-table inputs-table" },
          h("thead", {}, h("tr", {}, h("th", {}, "Input"), h("th", {}, "Template"), h("th", {}, "Resolved"))),
          h("tbody", {}, inputs.inputs.map(inputRow)),
        ),
  );
}
