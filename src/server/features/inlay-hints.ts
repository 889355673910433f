/**
 * Inline values (issue 15.2): after each `{{ … state.x … }}` and `{% for … in state.x %}` of a template
 * the engine renders, the value in the live virtual state (`= "Cat"`, `= [3 items]`, `⚠ undefined`).
 * A `{{ … }}` with filters or operators over `state` alone is evaluated with the engine's resolver (its
 * caps apply) when it is cheap and cannot change anything: no calls but filter and test arguments, no
 * `*`/`**`/`%`, no sizing filters (`center`, `format`, …), no large integer literals, no name but `state`. Any other tag shows each state path's own value,
 * named (`state.x = …`), so it does not pass for the rendered result. No live state, no hints.
 */
import { MarkupKind, type InlayHint } from "vscode-languageserver";
import { resolveString, tokenize, type Token } from "../../core/template";
import type { StateUse, WorkflowAnalysis } from "../analysis/workflow";
import { previewValue } from "./features";
import { MISSING, shortValue, valueAt } from "./live-values";
import { positionAt } from "./positions";
import type { VirtualState } from "../session";

/** Where a tag holding a state reference ends, and what kind of tag it is. */
interface Tag {
  /** Template index just after the closing `}}` / `%}`. */
  end: number;
  /** The tag is the state path alone. */
  plain: boolean;
  /** A `{{ … }}` tag's expression (for evaluation when it is safe). */
  expression?: string;
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
  return { end: close + 2, plain, ...(statement ? {} : { expression }) };
}

const KEYWORDS = new Set(["and", "or", "not", "in", "is", "if", "else", "true", "false", "none", "True", "False", "None"]);
const MAX_LITERAL = 100_000;
/** Filters whose arguments size what they build (a width, a count): not run for a hint. */
const SIZING_FILTERS = new Set(["center", "indent", "format", "wordwrap", "batch", "slice", "random", "shuffle"]);

/** Whether evaluating `expression` reads only `state` and cannot mutate it or build anything large. */
function safeToEvaluate(expression: string): boolean {
  let tokens: Token[];
  try {
    tokens = tokenize(`{{ ${expression} }}`);
  } catch {
    return false;
  }
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const previous = tokens[i - 1];
    const afterOperator = (op: string) => previous?.type === "operator" && previous.value === op;
    if (token.type === "operator" && (token.value === "*" || token.value === "**" || token.value === "%")) return false;
    if (token.type === "name" && afterOperator("|") && SIZING_FILTERS.has(token.value)) return false;
    if (token.type === "operator" && token.value === "(") {
      // Only a filter's or a test's arguments: `| name(` or `is name(`.
      const before = tokens[i - 2];
      const filterCall = previous?.type === "name" && before?.type === "operator" && before.value === "|";
      const testCall = previous?.type === "name" && before?.type === "name" && (before.value === "is" || before.value === "not");
      if (!filterCall && !testCall) return false;
    }
    if ((token.type === "integer" || token.type === "float") && Math.abs(Number(token.number ?? 0)) > MAX_LITERAL) return false;
    if (token.type !== "name" || KEYWORDS.has(token.value) || afterOperator(".") || afterOperator("|")) continue;
    if (previous?.type === "name" && (previous.value === "is" || previous.value === "not") && tokens[i - 2]?.value !== "(") continue; // a test name
    const next = tokens[i + 1];
    if (next?.type === "operator" && next.value === "=") continue; // a keyword argument
    if (token.value !== "state") return false;
  }
  return true;
}

/** Rendered values by expression, per live state object (refreshed when new state arrives). */
const evaluated = new WeakMap<object, Map<string, { value: unknown } | null>>();

function evaluate(expression: string, state: Record<string, unknown>): { value: unknown } | null {
  let cache = evaluated.get(state);
  if (!cache) evaluated.set(state, (cache = new Map()));
  const hit = cache.get(expression);
  if (hit !== undefined) return hit;
  let result: { value: unknown } | null = null;
  if (safeToEvaluate(expression)) {
    try {
      result = { value: resolveString(`{{ ${expression} }}`, { state }) };
    } catch {
      result = null;
    }
  }
  cache.set(expression, result);
  return result;
}

export function inlayHints(analysis: WorkflowAnalysis, path: string, text: string, live: VirtualState, range: { start: number; end: number }): InlayHint[] {
  const byEnd = new Map<number, Array<{ use: StateUse; tag: Tag }>>();
  for (const use of analysis.uses) {
    const site = use.site;
    if (site.file !== path || site.end < range.start || site.start > range.end) continue;
    const tag = tagOf(site.source, use);
    if (!tag) continue;
    const at = site.toFile(tag.end);
    if (at < range.start || at > range.end) continue;
    const list = byEnd.get(at) ?? [];
    // A `$ref`'d template reached by several modules lists its uses once per module.
    if (!list.some((entry) => entry.use.ref.start === use.ref.start && entry.use.site.source === use.site.source)) list.push({ use, tag });
    byEnd.set(at, list);
  }
  const hints: InlayHint[] = [];
  for (const [at, entries] of [...byEnd].sort((a, b) => a[0] - b[0])) {
    const values = entries.map(({ use }) => ({ path: use.ref.path, value: valueAt(live.state, use.ref.path) }));
    const expression = entries[0]!.tag.expression;
    // Undefined paths are flagged, not hidden behind what a `default` filter makes of them.
    const rendered = !entries[0]!.tag.plain && expression !== undefined && values.every((v) => v.value !== MISSING) ? evaluate(expression, live.state) : null;
    if (rendered) {
      hints.push({
        position: positionAt(path, text, at),
        label: `= ${shortValue(rendered.value)}`,
        paddingLeft: true,
        tooltip: { kind: MarkupKind.Markdown, value: `\`{{ ${expression} }}\`${live.label ? ` (${live.label})` : ""}:\n\n\`\`\`json\n${previewValue(rendered.value)}\n\`\`\`` },
      });
      continue;
    }
    const single = entries.length === 1 && entries[0]!.tag.plain;
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
