/**
 * The module declarations the server checks against, taken from the engine's registry: every id, its
 * declared inputs and outputs, whether it is interactive. Nothing is hard-coded here, so modules added
 * to the registry are known to the editor at once.
 */
import { closeMatches, listModules, type ModuleSummary } from "../../core/modules";

export interface ModuleCatalog {
  get(moduleId: string): ModuleSummary | undefined;
  ids(): string[];
  all(): readonly ModuleSummary[];
  closeMatches(moduleId: string): string[];
}

export function createModuleCatalog(summaries: readonly ModuleSummary[]): ModuleCatalog {
  const byId = new Map(summaries.map((summary) => [summary.module_id, summary]));
  const ids = [...byId.keys()].sort();
  return {
    get: (moduleId) => byId.get(moduleId),
    ids: () => ids,
    all: () => summaries,
    closeMatches: (moduleId) => closeMatches(moduleId, ids),
  };
}

let registryCatalog: ModuleCatalog | undefined;

/** The catalog of every module the engine registers. */
export function defaultModuleCatalog(): ModuleCatalog {
  if (!registryCatalog) {
    let summaries: ModuleSummary[] = [];
    try {
      summaries = listModules();
    } catch (error) {
      // A broken module must not take the editor features down with it.
      console.error(`wfv: the module registry failed to load: ${error instanceof Error ? error.message : String(error)}`);
    }
    registryCatalog = createModuleCatalog(summaries);
  }
  return registryCatalog;
}

/** One-line description of a module for completion lists. */
export function moduleDetail(summary: ModuleSummary): string {
  const description = (summary as ModuleSummary & { description?: unknown }).description;
  if (typeof description === "string" && description) return description;
  const required = summary.inputs.filter((input) => input.required).map((input) => input.name);
  const kind = summary.kind === "interactive" ? "Interactive module" : "Executable module";
  return required.length > 0 ? `${kind}; requires ${required.join(", ")}` : kind;
}

/** Markdown documentation of a module: kind, inputs (type, required, default, description), outputs. */
export function moduleMarkdown(summary: ModuleSummary): string {
  const extra = summary as ModuleSummary & { description?: unknown; interaction_type?: unknown; interaction_types?: unknown };
  const lines: string[] = [`**${summary.module_id}** — ${summary.kind === "interactive" ? "interactive" : "executable"} module`];
  if (typeof extra.description === "string" && extra.description) lines.push("", extra.description);
  const interaction = extra.interaction_types ?? extra.interaction_type;
  if (interaction !== undefined) lines.push("", `Interaction type: \`${Array.isArray(interaction) ? interaction.join("` | `") : String(interaction)}\``);
  const flags: string[] = [];
  if (summary.has_mock_output) flags.push("mock output");
  if (summary.has_sub_action) flags.push("self sub-action");
  if (flags.length > 0) lines.push("", `Supports: ${flags.join(", ")}`);
  if (summary.inputs.length > 0) {
    lines.push("", "| input | type | required | default | description |", "|---|---|---|---|---|");
    for (const input of summary.inputs) {
      const fallback = input.default === undefined ? "" : `\`${short(JSON.stringify(input.default))}\``;
      lines.push(`| \`${input.name}\` | ${input.type ?? "any"} | ${input.required ? "yes" : "no"} | ${fallback} | ${cell(input.description)} |`);
    }
  }
  if (summary.outputs.length > 0) {
    lines.push("", "| output | type | description |", "|---|---|---|");
    for (const output of summary.outputs) lines.push(`| \`${output.name}\` | ${output.type} | ${cell(output.description)} |`);
  }
  return lines.join("\n");
}

/** Markdown for one input declaration. */
export function inputMarkdown(summary: ModuleSummary, name: string): string | undefined {
  const input = summary.inputs.find((candidate) => candidate.name === name);
  if (!input) return undefined;
  const lines = [`**${input.name}** (${input.type ?? "any"}, ${input.required ? "required" : "optional"}) — input of \`${summary.module_id}\``];
  if (input.default !== undefined) lines.push("", `Default: \`${short(JSON.stringify(input.default))}\``);
  if (input.description) lines.push("", input.description);
  return lines.join("\n");
}

function cell(text: string | undefined): string {
  return (text ?? "").replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function short(text: string | undefined): string {
  const value = text ?? "null";
  return value.length > 60 ? `${value.slice(0, 57)}...` : value;
}
