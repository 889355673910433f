/**
 * Inline values (issue 15.2): after each `{{ … state.x … }}` and `{% for … in state.x %}` of a template
 * the engine renders, the value of the state path in the live virtual state (`= "Cat"`, `= [3 items]`,
 * `⚠ undefined`). Only the path's value: a filter chain is not evaluated (the hint then names the path,
 * `state.x = …`, so it does not pass for the rendered result). No live state, no hints.
 */
import { MarkupKind, type InlayHint } from "vscode-languageserver";
import type { StateUse, WorkflowAnalysis } from "../analysis/workflow";
import { previewValue } from "./features";
import { MISSING, shortValue, valueAt } from "./live-values";
import { positionAt } from "./positions";
import type { VirtualState } from "../session";

/** Where a tag holding a state reference ends, and what kind of tag it is. */
interface Tag {
  /** Template index just after the closing `}}` / `%}`. */
  end: number;
  /** The tag's expression after the state path: a filter, an operator… (then the hint names the path). */
  plain: boolean;
}

const TAG_OPEN = /\{\{|\{%/g;

/** The `{{ … }}` or `{% for … %}` tag around `use`'s reference, or undefined for other tags. */
function tagOf(source: string, use: StateUse): Tag | undefined {
  const refStart = use.ref.start;
  const refEnd = use.ref.spans[use.ref.spans.length - 1]?.end ?? refStart;
  let open = -1;
  TAG_OPEN.lastIndex = Math.max(0, refStart - 2000); // a tag longer than this gets no hint
  for (let m = TAG_OPEN.exec(source); m && m.index < refStart; m = TAG_OPEN.exec(source)) open = m.index;
  if (open < 0) return undefined;
  const statement = source[open + 1] === "%";
  const close = source.indexOf(statement ? "%}" : "}}", refEnd);
  if (close < 0) return undefined;
  const inner = source.slice(open + 2, close).replace(/^[-+]/, "").replace(/[-+]$/, "").trim();
  let expression = inner;
  if (statement) {
    const loop = /^for\b[\s\S]*?\bin\s+([\s\S]*)$/.exec(inner);
    if (!loop) return undefined;
    expression = loop[1]!.trim();
  }
  const refText = source.slice(refStart, refEnd);
  const plain = expression.startsWith(refText) && /^(['"]\])?$/.test(expression.slice(refText.length).trim());
  return { end: close + 2, plain };
}

export function inlayHints(analysis: WorkflowAnalysis, path: string, text: string, live: VirtualState, range: { start: number; end: number }): InlayHint[] {
  const byEnd = new Map<number, Array<{ use: StateUse; plain: boolean }>>();
  for (const use of analysis.uses) {
    const site = use.site;
    if (site.file !== path || site.end < range.start || site.start > range.end) continue;
    const tag = tagOf(site.source, use);
    if (!tag) continue;
    const at = site.toFile(tag.end);
    if (at < range.start || at > range.end) continue;
    const list = byEnd.get(at) ?? [];
    // A `$ref`'d template reached by several modules lists its uses once per module.
    if (!list.some((entry) => entry.use.ref.start === use.ref.start && entry.use.site.source === use.site.source)) list.push({ use, plain: tag.plain });
    byEnd.set(at, list);
  }
  const hints: InlayHint[] = [];
  for (const [at, entries] of [...byEnd].sort((a, b) => a[0] - b[0])) {
    const values = entries.map(({ use }) => ({ path: use.ref.path, value: valueAt(live.state, use.ref.path) }));
    const single = entries.length === 1 && entries[0]!.plain;
    const parts = values.map(({ path: statePath, value }) => {
      const shown = shortValue(value);
      if (single) return value === MISSING ? shown : `= ${shown}`;
      return `state.${statePath.join(".")} ${value === MISSING ? shown : `= ${shown}`}`;
    });
    const tooltip = values.map(({ path: statePath, value }) =>
      value === MISSING
        ? `\`state.${statePath.join(".")}\` is not in the virtual state${live.label ? ` (${live.label})` : ""}: it renders as undefined.`
        : `\`state.${statePath.join(".")}\`${live.label ? ` (${live.label})` : ""}:\n\n\`\`\`json\n${previewValue(value)}\n\`\`\``,
    );
    hints.push({
      position: positionAt(path, text, at),
      label: parts.join(", "),
      paddingLeft: true,
      tooltip: { kind: MarkupKind.Markdown, value: tooltip.join("\n\n") },
    });
  }
  return hints;
}
