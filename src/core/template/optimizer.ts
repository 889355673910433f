/**
 * Jinja's optimizer (jinja2/optimizer.py) and its compile-time output folding, which decide some
 * results: constant sub-expressions are evaluated once with `as_const` and kept when their value
 * has a safe repr; a constant `{{ expr }}` is turned into text at compile time, whatever its value.
 */
import type { Expr, Stmt, TemplateAst } from "./ast";
import { Interpreter } from "./interpreter";
import { pyStr } from "../python/format";
import { dictViewKind, isDict, isGroupTuple, PyFloat, PyMarkup, rangeInfo } from "../python/objects";

/** Jinja's `has_safe_repr`: values the compiler can write back as literals. */
function hasSafeRepr(value: unknown): boolean {
  if (value === null || typeof value === "boolean" || typeof value === "number" || typeof value === "string" || typeof value === "bigint") return true;
  if (value instanceof PyFloat || value instanceof PyMarkup) return true;
  if (Array.isArray(value)) {
    // groupby's namedtuples and dict views are not plain tuples or lists for has_safe_repr.
    if (isGroupTuple(value) || dictViewKind(value)) return false;
    if (rangeInfo(value)) return true;
    return value.every(hasSafeRepr);
  }
  if (isDict(value)) return Object.values(value).every(hasSafeRepr);
  return false;
}

const folder = new Interpreter({ state: {} });

/**
 * A cheap structural pre-check: names and calls in eagerly evaluated positions make folding
 * impossible. Conditional parts (`if`/`and`/`or` branches) may be skipped by as_const, so only
 * their first operand counts here.
 */
function mayFold(expr: Expr | null | undefined): boolean {
  if (!expr) return true;
  switch (expr.type) {
    case "const": return true;
    case "name": case "call": case "nsref": return false;
    case "list": case "tuple": return expr.items.every(mayFold);
    case "dict": return expr.pairs.every((pair) => mayFold(pair.key) && mayFold(pair.value));
    case "binary": return mayFold(expr.left) && mayFold(expr.right);
    case "and": case "or": return mayFold(expr.left);
    case "unary": return mayFold(expr.operand);
    case "concat": return expr.parts.every(mayFold);
    case "compare": return mayFold(expr.first);
    case "condexpr": return mayFold(expr.test);
    case "getattr": return mayFold(expr.target);
    case "getitem": return mayFold(expr.target) && mayFold(expr.index);
    case "slice": return mayFold(expr.start) && mayFold(expr.stop) && mayFold(expr.step);
    case "filter": case "test":
      return mayFold(expr.target) && expr.signature.args.every(mayFold) && expr.signature.kwargs.every((keyword) => mayFold(keyword.value));
  }
}

function tryFold(expr: Expr): { ok: true; value: unknown } | { ok: false } {
  if (!mayFold(expr)) return { ok: false };
  try {
    return { ok: true, value: folder.fold(expr) };
  } catch {
    return { ok: false };
  }
}

const childKeys = ["target", "index", "start", "stop", "step", "callee", "left", "right", "operand", "first", "test", "then", "otherwise"] as const;

/** Folds `expr` bottom-up, as the optimizer's generic_visit does, returning the new node. */
export function foldExpression(expr: Expr): Expr {
  const node = expr as Record<string, unknown> & Expr;
  for (const key of childKeys) {
    const child = node[key];
    if (child && typeof child === "object") node[key] = foldExpression(child as Expr);
  }
  if (node.type === "list" || node.type === "tuple") node.items = node.items.map(foldExpression);
  if (node.type === "concat") node.parts = node.parts.map(foldExpression);
  if (node.type === "dict") node.pairs = node.pairs.map((pair) => ({ key: foldExpression(pair.key), value: foldExpression(pair.value) }));
  if (node.type === "compare") node.ops = node.ops.map((op) => ({ op: op.op, expr: foldExpression(op.expr) }));
  if (node.type === "call" || node.type === "filter" || node.type === "test") {
    node.signature.args = node.signature.args.map(foldExpression);
    node.signature.kwargs = node.signature.kwargs.map((keyword) => ({ name: keyword.name, value: foldExpression(keyword.value) }));
  }
  if (node.type === "const" || node.type === "slice" || node.type === "name" || node.type === "nsref") return node;
  const folded = tryFold(node);
  if (!folded.ok || !hasSafeRepr(folded.value)) return node;
  return { type: "const", value: folded.value, folded: true, line: node.line, column: node.column };
}

function optimizeBody(body: Stmt[]): Stmt[] {
  return body.map((stmt): Stmt => {
    const node = stmt as Record<string, unknown> & Stmt;
    if (node.type === "output") {
      // The compiler turns a constant output into text (any value, str() of it); if that fails
      // it is evaluated at run time, after the optimizer's folding.
      const folded = tryFold(node.expr);
      if (folded.ok) return { type: "data", text: pyStr(folded.value), line: node.line, column: node.column };
      return { ...node, expr: foldExpression(node.expr) };
    }
    for (const key of ["body", "otherwise"] as const) {
      if (Array.isArray(node[key])) node[key] = optimizeBody(node[key] as Stmt[]);
    }
    if (node.type === "if") {
      node.test = foldExpression(node.test);
      node.elifs = node.elifs.map((branch) => ({ test: foldExpression(branch.test), body: optimizeBody(branch.body) }));
    }
    if (node.type === "for") {
      node.iter = foldExpression(node.iter);
      if (node.filter) node.filter = foldExpression(node.filter);
    }
    if (node.type === "assign") node.value = foldExpression(node.value);
    if (node.type === "with") node.values = node.values.map(foldExpression);
    if (node.type === "macro" || node.type === "call_block") node.defaults = node.defaults.map(foldExpression);
    return node;
  });
}

export function optimizeTemplate(ast: TemplateAst): TemplateAst {
  return { body: optimizeBody(ast.body) };
}
