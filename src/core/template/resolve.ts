/**
 * The resolver's entry points (engine.md §5.2, §5.4): `resolveString` with the pure-expression path
 * and native values, plain rendering, and `resolveWithSchema` over module inputs.
 */
import { WfvError } from "../errors";
import type { Expr, TemplateAst } from "./ast";
import { Interpreter, type TemplateContext } from "./interpreter";
import { validateNames } from "./validate-names";
import { foldExpression, optimizeTemplate } from "./optimizer";
import { parseExpressionSource, parseTemplate } from "./parser";
import { TemplateError, wrapForResolver } from "./template-error";
import { fromHostError } from "../python/limits";
import { isStackOverflow, limitDetails, limitMessage } from "../limits";
import { isDate, isDict, NaiveDateTime, Namespace, PyCallable, PyFloat, PyIterator, PyMarkup, setOwn, Undef } from "../python/objects";

export type { TemplateContext };

const cacheLimit = 2000;
const templateCache = new Map<string, TemplateAst | TemplateError>();
const expressionCache = new Map<string, Expr | TemplateError>();

function cached<T>(cache: Map<string, T | TemplateError>, key: string, build: () => T): T {
  let entry = cache.get(key);
  if (entry === undefined) {
    try {
      entry = build();
    } catch (caught) {
      // A template nested deeper than the parser's stack holds is reported, not thrown as a RangeError.
      const error = fromHostError(caught);
      if (!(error instanceof TemplateError)) throw error;
      entry = error;
    }
    if (cache.size >= cacheLimit) cache.delete(cache.keys().next().value as string);
    cache.set(key, entry);
  }
  if (entry instanceof TemplateError) {
    // A fresh copy, so callers can wrap the message without touching the cached one.
    const copy = new TemplateError(entry.kind, entry.reason, entry.line, entry.column);
    copy.limit = entry.limit;
    throw copy;
  }
  return entry;
}

function buildTemplate(template: string): TemplateAst {
  const ast = parseTemplate(template);
  validateNames(ast);
  return optimizeTemplate(ast);
}

/** The parsed (and name-checked) template, cached by its text. */
export function compileTemplate(template: string): TemplateAst {
  return cached(templateCache, template, () => buildTemplate(template));
}

/**
 * {@link compileTemplate} without the cache, for a text rendered once: a preview compiles a new text
 * per keystroke, which would fill the cache (~40 KB per edit of a 5 KB prompt) and evict the run's.
 */
export function compileTemplateUncached(template: string): TemplateAst {
  try {
    return buildTemplate(template);
  } catch (caught) {
    throw fromHostError(caught);
  }
}

function compileExpression(source: string): Expr {
  return cached(expressionCache, source, () => {
    const expr = parseExpressionSource(source);
    validateNames(expr);
    return foldExpression(expr);
  });
}

/**
 * Problems the original reports when compiling (syntax, unknown filters and tests), with 1-based
 * positions, for editors. Empty when the template compiles.
 */
export function checkSyntax(template: string): Array<{ message: string; line: number; column: number }> {
  try {
    compileTemplate(template);
    return [];
  } catch (error) {
    if (error instanceof TemplateError) return [{ message: error.reason, line: error.line ?? 1, column: error.column ?? 1 }];
    throw error;
  }
}

/** Renders a template to text (no pure-expression path, no error wrapping). */
export function renderTemplate(template: string, context: TemplateContext): string {
  return new Interpreter(context).render(compileTemplate(template));
}

/** A value the engine can store: plain JSON-like data and Dates, sharing nothing with the state. */
export function toNative(value: unknown): unknown {
  if (value === null || value === undefined || value instanceof Undef) return null;
  if (typeof value === "bigint") return Number(value);
  if (typeof value !== "object") return value;
  if (value instanceof PyFloat) return value.value;
  if (value instanceof PyMarkup) return value.text;
  // Python would hand the module a generator object; a list of its items is what it would read.
  if (value instanceof PyIterator) return value.rest().map(toNative);
  if (Array.isArray(value)) return value.map(toNative);
  if (value instanceof NaiveDateTime) return value.toUtcDate();
  if (isDate(value)) return new Date((value as Date).getTime());
  if (isDict(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) setOwn(out, key, toNative(value[key]));
    return out;
  }
  if (value instanceof Namespace) return null;
  if (value instanceof PyCallable) return null;
  return null;
}

function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let current = 1; current < line; current++) offset = text.indexOf("\n", offset) + 1;
  return offset + column - 1;
}

function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line: before.split("\n").length, column: offset - lineStart + 1 };
}

/** Moves an error's position from the fallback text `{{ inner }}` back into the caller's template. */
function relocate(error: TemplateError, fallback: string, innerAt: number, original: string, originalInnerAt: number): TemplateError {
  if (error.line === undefined || error.column === undefined) return error;
  const offset = offsetOf(fallback, error.line, error.column) - innerAt + originalInnerAt;
  const { line, column } = positionOf(original, Math.max(0, Math.min(offset, original.length)));
  error.line = line;
  error.column = column;
  return error;
}

const pyWhitespace = /^[\s\u001c-\u001f\u0085]+|[\s\u001c-\u001f\u0085]+$/g;

/**
 * `_resolve_string` exactly: non-templates untouched, a lone `{{ expr }}` gives its native value,
 * everything else renders to text. Throws `TemplateError` (its `message` carries the original's
 * `Jinja2 syntax error:` / `Jinja2 undefined variable:` prefix on the render path).
 */
export function resolveString(template: string, context: TemplateContext): unknown {
  if (!template.includes("{{") && !template.includes("{%")) return template;
  const trimmed = template.replace(pyWhitespace, "");
  if (trimmed.startsWith("{{") && trimmed.endsWith("}}") && trimmed.length >= 4) {
    const inner = trimmed.slice(2, -2);
    if (!inner.includes("{{") && !inner.includes("}}")) {
      let value: unknown;
      try {
        const expr = compileExpression(inner.replace(pyWhitespace, ""));
        value = new Interpreter(context).evaluate(expr);
      } catch (error) {
        if (!(error instanceof TemplateError)) throw error;
        // The original falls back to rendering `{{ inner }}` outside its error wrapping.
        try {
          return renderTemplate(`{{ ${inner} }}`, context);
        } catch (fallbackError) {
          if (fallbackError instanceof TemplateError) {
            throw relocate(fallbackError, `{{ ${inner} }}`, 3, template, template.indexOf(trimmed) + 2);
          }
          throw fallbackError;
        }
      }
      return toNative(value);
    }
  }
  try {
    return renderTemplate(template, context);
  } catch (error) {
    if (error instanceof TemplateError) throw wrapForResolver(error);
    throw error;
  }
}

// ---------------------------------------------------------------- resolve_with_schema

function resolverOf(schema: unknown, key: string): unknown {
  if (!isDict(schema)) return undefined;
  const properties = schema.properties;
  if (!isDict(properties)) return undefined;
  const property = properties[key];
  return isDict(property) ? property.resolver : undefined;
}

/**
 * `resolve_with_schema` (engine.md §5.2): only keys the `resolver_schema` marks `server` (and
 * everything beneath them) are resolved; `client` keys stay raw; `resolver_schema` is dropped.
 * Throws `WfvError("resolution_failed", …, {input_path, template, line, column, reason})`.
 */
export function resolveWithSchema(inputs: Record<string, unknown>, context: TemplateContext): Record<string, unknown> {
  const resolveLeaf = (template: string, path: string): unknown => {
    try {
      return resolveString(template, context);
    } catch (error) {
      if (error instanceof TemplateError) {
        throw new WfvError("resolution_failed", `Failed to resolve ${path}: ${error.message}`, {
          input_path: path,
          template,
          line: error.line ?? null,
          column: error.column ?? null,
          reason: error.reason,
          error_kind: error.kind,
          exception: error.exception,
          ...(error.limit === undefined ? {} : { limit: error.limit }),
        });
      }
      throw error;
    }
  };
  const resolveField = (value: unknown, parentResolved: boolean, path: string): unknown => {
    if (typeof value === "string") return parentResolved ? resolveLeaf(value, path) : value;
    if (isDict(value)) return resolveObject(value, parentResolved, path);
    if (Array.isArray(value)) return value.map((item, i) => resolveField(item, parentResolved, `${path}[${i}]`));
    return toNative(value);
  };
  let deepest = "inputs";
  const resolveObject = (value: unknown, parentResolved: boolean, path: string): unknown => {
    deepest = path;
    if (!isDict(value)) {
      return parentResolved && typeof value === "string" ? resolveLeaf(value, path) : toNative(value);
    }
    const schema = value.resolver_schema;
    const result: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      if (key === "resolver_schema") continue;
      const resolver = resolverOf(schema, key);
      const childPath = `${path}.${key}`;
      const child = value[key];
      if (resolver === "server") setOwn(result, key, resolveField(child, true, childPath));
      else if (resolver === "client") setOwn(result, key, toNative(child));
      else setOwn(result, key, parentResolved ? resolveField(child, true, childPath) : toNative(child));
    }
    return result;
  };
  try {
    return resolveObject(inputs, false, "inputs") as Record<string, unknown>;
  } catch (error) {
    if (!isStackOverflow(error)) throw error;
    const reason = limitMessage("HOST_STACK", "the input");
    throw new WfvError("resolution_failed", `Failed to resolve ${deepest}: ${reason}`, { input_path: deepest, reason, ...limitDetails("HOST_STACK") });
  }
}
