/**
 * `transform.reshape` (modules.md 2.18): rebuilds data from a template object whose strings (and
 * keys) are Jinja2 templates. `{_for_each: "$item", _output: {...}}` maps every source item; any other
 * template is applied once with `source`/`$source`. `$name` variables are rewritten to `_name` in the
 * template text (Jinja names cannot start with `$`). A lone `{{ expr }}` gives its native value; a
 * string that fails to resolve is kept unchanged, with a warning.
 */
import { resolveString } from "../../template";
import { Undef } from "../../python/objects";
import { pythonNumber } from "../../python/json-dumps";
import { errorText, getInputValue, ModuleExecutionError } from "../base";
import { isPlainObject, isTruthy, pythonTypeName } from "../../python/builtins";
import type { ExecutableModule, ModuleContext, ModuleInputDecl, ModuleOutputDecl } from "../types";
import { pythonGet } from "../../python/values";

/** Names the resolver's templates have that reshape's plain environment does not. */
const RESOLVER_NAMES = ["state", "module", "step", "config", "now"];

/** `$item` → `_item`, anywhere in the text (also inside quoted literals, as in the original). */
function sanitizeTemplate(template: string): string {
  return template.replace(/\$([a-zA-Z_][a-zA-Z0-9_]*)/g, "_$1");
}

/** Each variable under its sanitised name (`$item` → `_item`) and, when different, its own name. */
function jinjaVariables(variables: Array<[string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of RESOLVER_NAMES) out[name] = new Undef(`'${name}' is undefined`);
  for (const [name, value] of variables) {
    const sanitized = name.startsWith("$") ? `_${name.slice(1)}` : name;
    out[sanitized] = value;
    if (sanitized !== name) out[name] = value;
  }
  return out;
}

/** A resolved dict key as Python would have it once the outputs are JSON: `0` → "0", `True` → "true". */
function keyText(key: unknown): string {
  if (typeof key === "string") return key;
  if (typeof key === "number") return pythonNumber(key);
  if (typeof key === "boolean") return key ? "true" : "false";
  if (key === null || key === undefined) return "null";
  throw new TypeError(`unhashable type: '${pythonTypeName(key)}'`);
}

/** `"_for_each" in template` for whatever the template is. */
function hasForEach(template: unknown): boolean {
  if (isPlainObject(template)) return Object.prototype.hasOwnProperty.call(template, "_for_each");
  if (Array.isArray(template)) return template.includes("_for_each");
  if (typeof template === "string") return template.includes("_for_each");
  throw new TypeError(`argument of type '${pythonTypeName(template)}' is not iterable`);
}

function mapping(value: unknown): Array<[string, unknown]> {
  if (!isPlainObject(value)) throw new TypeError(`'${pythonTypeName(value)}' object is not a mapping`);
  return Object.entries(value);
}

export class ReshapeModule implements ExecutableModule {
  readonly kind = "executable";
  readonly moduleId = "transform.reshape";

  readonly inputs: readonly ModuleInputDecl[] = [
    { name: "source", type: "any", required: true, description: "Source data to transform (object or array)" },
    { name: "template", type: "object", required: true, description: "Transformation template with optional _for_each for arrays" },
    { name: "context_vars", type: "object", required: false, default: {}, description: "Additional variables available in templates" },
  ];

  readonly outputs: readonly ModuleOutputDecl[] = [{ name: "result", type: "any", description: "Transformed data" }];

  async execute(inputs: Record<string, unknown>, context: ModuleContext): Promise<Record<string, unknown>> {
    try {
      const source = inputs.source;
      const template = inputs.template;
      const contextVarsInput = getInputValue(this, inputs, "context_vars");
      const contextVars = isTruthy(contextVarsInput) ? contextVarsInput : {};

      let result: unknown;
      if (hasForEach(template)) {
        const itemVariable = pythonGet(template, "_for_each", "$item");
        const output = pythonGet(template, "_output", {});
        const items = Array.isArray(source) ? source : [source];
        result = items.map((item, index) =>
          this.apply(output, [...mapping(contextVars), [String(itemVariable), item], ["$index", index]], context),
        );
      } else {
        result = this.apply(template, [...mapping(contextVars), ["$source", source], ["source", source]], context);
      }
      context.logger.debug(`Reshaped data: ${pythonTypeName(source)} -> ${pythonTypeName(result)}`);
      return { result };
    } catch (error) {
      throw new ModuleExecutionError(this.moduleId, `Transformation failed: ${errorText(error)}`, error);
    }
  }

  private apply(template: unknown, variables: Array<[string, unknown]>, context: ModuleContext): unknown {
    if (typeof template === "string") {
      return template.includes("{{") || template.includes("{%") ? this.resolve(template, variables, context) : template;
    }
    if (isPlainObject(template)) {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(template)) {
        if (key === "_for_each" || key === "_output") continue;
        const resolvedKey = key.includes("{{") || key.includes("{%") ? keyText(this.resolve(key, variables, context)) : key;
        out[resolvedKey] = this.apply(value, variables, context);
      }
      return out;
    }
    if (Array.isArray(template)) return template.map((item) => this.apply(item, variables, context));
    return template;
  }

  private resolve(template: string, variables: Array<[string, unknown]>, context: ModuleContext): unknown {
    try {
      // resolveString is the same recipe: a lone `{{ expr }}` evaluated to its native value (a
      // failing expression falls back to rendering), anything else rendered, undefined silent.
      return resolveString(sanitizeTemplate(template), { state: {}, extra: jinjaVariables(variables) });
    } catch (error) {
      context.logger.warning(`Template resolution failed for '${[...template].slice(0, 50).join("")}...': ${errorText(error)}`);
      return template;
    }
  }
}
