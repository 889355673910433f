/**
 * Templates compiled in an environment whose `filters` dict replaces some standard filters (the
 * original's `env.filters["join"] = lambda …`): the official way for a module to do that, without
 * reaching into the parser, optimizer or interpreter.
 */
import type { TemplateAst } from "./ast";
import { Interpreter, type TemplateContext } from "./interpreter";
import { validateNames } from "./validate-names";
import { optimizeTemplate } from "./optimizer";
import { parseTemplate } from "./parser";
import type { CallArgs } from "../python/objects";

/** A replacement filter: the piped value and the call's arguments. */
export type FilterOverride = (value: unknown, call: CallArgs) => unknown;

export interface TemplateWithFilters {
  readonly ast: TemplateAst;
  readonly overrides: ReadonlyMap<string, FilterOverride>;
}

/**
 * Overridden filter nodes get this prefix after the names are checked, so that compile-time constant
 * folding (which uses the standard filters) leaves them to the override at render time.
 */
const OVERRIDE_PREFIX = "\u0000";

function renameFilters(node: unknown, names: ReadonlyMap<string, FilterOverride>): void {
  if (Array.isArray(node)) {
    for (const child of node) renameFilters(child, names);
    return;
  }
  if (node === null || typeof node !== "object") return;
  const record = node as Record<string, unknown>;
  if (record.type === "filter" && typeof record.name === "string" && names.has(record.name)) record.name = OVERRIDE_PREFIX + record.name;
  for (const child of Object.values(record)) if (child !== null && typeof child === "object") renameFilters(child, names);
}

class OverridingInterpreter extends Interpreter {
  constructor(
    context: TemplateContext,
    private readonly overrides: ReadonlyMap<string, FilterOverride>,
  ) {
    super(context);
  }

  override callFilter(name: string, value: unknown, call: CallArgs): unknown {
    const override = name.startsWith(OVERRIDE_PREFIX) ? this.overrides.get(name.slice(OVERRIDE_PREFIX.length)) : undefined;
    return override !== undefined ? override(value, call) : super.callFilter(name, value, call);
  }
}

/** `env.from_string(template)` with `overrides` in `env.filters`: parse, check names, then Jinja's optimizer. */
export function compileTemplateWithFilters(template: string, overrides: Readonly<Record<string, FilterOverride>>): TemplateWithFilters {
  const map = new Map(Object.entries(overrides));
  const ast = parseTemplate(template);
  validateNames(ast);
  renameFilters(ast, map);
  return { ast: optimizeTemplate(ast), overrides: map };
}

/** `template.render(...)` of a template compiled by `compileTemplateWithFilters`. */
export function renderTemplateWithFilters(compiled: TemplateWithFilters, context: TemplateContext): string {
  return new OverridingInterpreter(context, compiled.overrides).render(compiled.ast);
}
