/**
 * Jinja2 in the debugger: Watch, the Debug Console, hovers, breakpoint conditions and logpoints
 * render with the project's template engine against the module's context (`state`, `step`, `config`,
 * as module inputs are resolved: engine/resolve.ts). An expression may be written with or without
 * `{{ }}`; a bare one is wrapped, so `state.scenes | length` gives its native value.
 */
import { isTruthy } from "../core/python/builtins";
import { renderTemplate, resolveString, toNative, type TemplateContext } from "../core/template";

export interface ExpressionScope {
  state: Record<string, unknown>;
  step: Record<string, unknown>;
  config: Record<string, unknown>;
}

const TEMPLATE_MARK = /\{\{|\{%|\{#/;

function contextOf(scope: ExpressionScope): TemplateContext {
  return { state: { ...scope.state }, step: scope.step, config: scope.config };
}

/** The value of an expression (`state.x | length`) or a template (`{{ state.x }} items`). */
export function evaluateExpression(expression: string, scope: ExpressionScope): unknown {
  const text = expression.trim();
  const template = TEMPLATE_MARK.test(text) ? text : `{{ ${text} }}`;
  return toNative(resolveString(template, contextOf(scope)));
}

/** A breakpoint condition: Python truthiness of the expression's value. */
export function conditionHolds(condition: string, scope: ExpressionScope): boolean {
  return isTruthy(evaluateExpression(condition, scope));
}

/** A logpoint's message with its `{{ }}` parts rendered (a message without any is printed as it is). */
export function logMessage(message: string, scope: ExpressionScope): string {
  if (!TEMPLATE_MARK.test(message)) return message;
  return renderTemplate(message, contextOf(scope));
}

/** A short, one-line rendering of a value for the Variables view and evaluate results. */
export function preview(value: unknown, budget = 120): string {
  if (value === undefined) return "undefined";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "string") return JSON.stringify(value.length > budget ? `${value.slice(0, budget)}…` : value);
  if (Array.isArray(value)) return `Array(${value.length}) ${clip(safeJson(value), budget)}`;
  if (value !== null && typeof value === "object") return clip(safeJson(value), budget);
  return String(value);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function clip(text: string, budget: number): string {
  return text.length > budget ? `${text.slice(0, budget)}…` : text;
}
