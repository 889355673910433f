/**
 * A template rendered for a preview: the text exactly as the engine renders it, the places where an
 * undefined value was output, and a failure with its position instead of a throw.
 *
 * Undefined outputs are found with the interpreter's `outputHook`, told every `{{ }}`'s value: before
 * one that printed an undefined value (or a value a filter or `~` made from an undefined path rooted
 * at `state`/`step`/`config`, looked up as Jinja does) it writes a marker (Unicode noncharacters
 * around an index), and the markers are then cut out of the text, leaving their offsets. A marker
 * could change what a template computes from its own output (`{% set x %}…{% endset %}{% if x %}`),
 * so the template is also rendered without the hook, and the spans are kept only when both texts agree.
 */
import { cloneValue } from "../db";
import { isStackOverflow, limitMessage } from "../limits";
import { getAttribute, getItem } from "../python/attributes";
import { pyStr } from "../python/format";
import { NaiveDateTime, Undef } from "../python/objects";
import type { Expr } from "../template/ast";
import { compileTemplateUncached, TemplateError, type TemplateContext } from "../template";
import type { TemplateAst } from "../template/ast";
import { Interpreter } from "../template/interpreter";
import { wrapForResolver } from "../template/template-error";

export interface UndefinedSpan {
  /**
   * Offsets in the output text (UTF-16, end exclusive). An undefined value prints "" (start === end);
   * a value made from one through filters or `~` (`{{ state.x | length }}` prints "0") covers what it printed.
   */
  start: number;
  end: number;
  /** The undefined expression as written, e.g. `state.user.name` (`…` for parts that are not names). */
  name: string;
}

export interface TemplatePreview {
  text: string;
  undefinedSpans: UndefinedSpan[];
  /** The render failed: `text` is "" then. Positions are 1-based, in the template text. */
  error?: { message: string; line: number | null; column: number | null; kind: string };
}

export interface TemplatePreviewOptions {
  /** Skip the undefined-span pass (one render instead of two). */
  spans?: boolean;
}

export type PreviewTemplateContext = Pick<TemplateContext, "state" | "step" | "config" | "now">;

const OPEN = "\uFDD0";
const CLOSE = "\uFDD1";
const MARKER = /\uFDD0(\d+)\uFDD1/g;

/** `state.a.b`, `state["k"]`, `items[0]` … as the author wrote them, for a span's name. */
export function expressionName(expr: Expr): string {
  switch (expr.type) {
    case "name":
      return expr.name;
    case "getattr":
      return `${expressionName(expr.target)}.${expr.attr}`;
    case "getitem":
      return `${expressionName(expr.target)}[${expr.index.type === "const" ? JSON.stringify(expr.index.value) : "…"}]`;
    case "filter":
      return expr.target ? `${expressionName(expr.target)} | ${expr.name}` : "…";
    default:
      return "…";
  }
}

const PATH_ROOTS = ["state", "module", "step", "config"] as const;
type Roots = Record<(typeof PATH_ROOTS)[number], unknown>;

function pathRoots(context: TemplateContext): Roots {
  return { state: context.state, module: context.state, step: context.step, config: context.config };
}

/** The value of `state.a["b"]`-like expressions (rooted at the context's variables), else undefined when it is no such path. */
function pathValue(expr: Expr, roots: Roots): unknown {
  switch (expr.type) {
    case "name":
      return (PATH_ROOTS as readonly string[]).includes(expr.name) ? roots[expr.name as keyof Roots] : undefined;
    case "getattr": {
      const target = pathValue(expr.target, roots);
      return target === undefined ? undefined : getAttribute(target, expr.attr);
    }
    case "getitem": {
      if (expr.index.type !== "const") return undefined;
      const target = pathValue(expr.target, roots);
      return target === undefined ? undefined : getItem(target, expr.index.value);
    }
    default:
      return undefined;
  }
}

function isUndefinedPath(expr: Expr, roots: Roots): boolean {
  try {
    return pathValue(expr, roots) instanceof Undef;
  } catch {
    return false;
  }
}

/** The undefined path a filtered or joined output was made from (`state.x | join`, `"a" ~ state.x`); none through `default`. */
function undefinedSource(expr: Expr, roots: Roots): string | undefined {
  if (expr.type === "filter") {
    if (expr.name === "default" || expr.name === "d" || !expr.target) return undefined;
    return isUndefinedPath(expr.target, roots) ? expressionName(expr.target) : undefinedSource(expr.target, roots);
  }
  if (expr.type === "concat") {
    for (const part of expr.parts) {
      const name = isUndefinedPath(part, roots) ? expressionName(part) : undefinedSource(part, roots);
      if (name !== undefined) return name;
    }
  }
  return undefined;
}

/** An output that printed an undefined value, or a value made from one: its name and (in `end`) the printed length. */
function undefinedOutput(expr: Expr, value: unknown, roots: Roots): UndefinedSpan | undefined {
  if (value instanceof Undef) return { start: 0, end: 0, name: expressionName(expr) };
  if (expr.type !== "filter" && expr.type !== "concat") return undefined;
  const name = undefinedSource(expr, roots);
  if (name === undefined) return undefined;
  return { start: 0, end: (typeof value === "string" ? value : pyStr(value)).length, name };
}

function failure(error: unknown): TemplatePreview {
  if (error instanceof TemplateError) {
    const wrapped = wrapForResolver(error);
    return { text: "", undefinedSpans: [], error: { message: wrapped.message, line: error.line ?? null, column: error.column ?? null, kind: error.kind } };
  }
  if (isStackOverflow(error)) {
    return { text: "", undefinedSpans: [], error: { message: limitMessage("HOST_STACK", "the template"), line: null, column: null, kind: "runtime" } };
  }
  throw error;
}

/**
 * Renders `source` as the engine renders a module input's text: a string with no `{{` and no `{%` is
 * the text itself (comments included), anything else goes through Jinja2 (no loader: `{% include %}`
 * fails as it does in a run). A `$ref`'d prompt file is its text verbatim in the resolved workflow, so
 * previewing the file's (edited) text is previewing the input. The caps of core/limits apply.
 */
export function previewTemplate(source: string, context: PreviewTemplateContext, options: TemplatePreviewOptions = {}): TemplatePreview {
  if (!source.includes("{{") && !source.includes("{%")) return { text: source, undefinedSpans: [] };
  // Both renders must see the same now().
  let frozen: Date | NaiveDateTime | undefined;
  const now = () => (frozen ??= context.now ? context.now() : new Date());
  // Each render gets its own copy: a template may change what it is given (`state.items.append(…)`),
  // and neither the caller's context nor the second render may see that.
  const base = (): TemplateContext => ({ state: cloneValue(context.state), step: cloneValue(context.step ?? {}), config: cloneValue(context.config ?? {}), now });
  // Compiled once for both renders, outside the engine's cache (see compileTemplateUncached).
  let ast: TemplateAst;
  let plain: string;
  try {
    ast = compileTemplateUncached(source);
    plain = new Interpreter(base()).render(ast);
  } catch (error) {
    return failure(error);
  }
  if (options.spans === false || !source.includes("{{")) return { text: plain, undefinedSpans: [] };
  const found: UndefinedSpan[] = [];
  const roots = pathRoots(base());
  let marked: string;
  try {
    marked = new Interpreter({
      ...base(),
      outputHook: (expr, value) => {
        const printed = undefinedOutput(expr, value, roots);
        if (printed === undefined) return "";
        found.push(printed);
        return `${OPEN}${found.length - 1}${CLOSE}`;
      },
    }).render(ast);
  } catch {
    return { text: plain, undefinedSpans: [] };
  }
  if (found.length === 0) return { text: plain, undefinedSpans: [] };
  const spans: UndefinedSpan[] = [];
  let text = "";
  let last = 0;
  for (const match of marked.matchAll(MARKER)) {
    text += marked.slice(last, match.index);
    last = match.index + match[0].length;
    const printed = found[Number(match[1])];
    // `end` holds the printed length until here.
    if (printed !== undefined) spans.push({ start: text.length, end: text.length + printed.end, name: printed.name });
  }
  text += marked.slice(last);
  return text === plain ? { text: plain, undefinedSpans: spans } : { text: plain, undefinedSpans: [] };
}
