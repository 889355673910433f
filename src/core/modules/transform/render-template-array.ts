/**
 * `transform.render_template_array` (modules.md 2.19): renders one Jinja2 template per item (plain
 * Jinja2: the default Undefined, values printed with Python `str()`), and joins the sections. The
 * `join` filter is the original's override: `sep.join(str(i) for i in x)` with `", "` as default
 * separator, and `str(x)` for anything that is not a list. A Jinja error in one item becomes that
 * item's section; other errors fail the module.
 */
import {
  type CallArgs,
  compileTemplateWithFilters,
  isTuple,
  renderTemplateWithFilters,
  TemplateError,
  type TemplateWithFilters,
  typeError,
  Undef,
} from "../../template";
import { errorText, isModuleExecutionError, ModuleExecutionError } from "../base";
import { isPlainObject, isTruthy, pythonTypeName } from "../../python/builtins";
import type { ExecutableModule, ModuleContext, ModuleInputDecl, ModuleOutputDecl } from "../types";
import { pyStr, pythonLen } from "../../python/values";

/** The names the resolver's templates see that a plain Jinja2 environment does not have. */
const RESOLVER_NAMES = ["state", "module", "step", "config", "now"];

/** Kinds that are Jinja2 `TemplateError`s in Python (the ones the per-item `except` catches). */
const JINJA_ERROR_KINDS = new Set(["syntax", "undefined", "security", "runtime"]);

/** The original's `lambda x, d=', ': d.join(str(i) for i in x) if isinstance(x, list) else str(x)`. */
function overriddenJoin(value: unknown, call: CallArgs): string {
  if (call.kwargs.size > 0) {
    const [name] = call.kwargs.keys();
    if (name !== "d") throw typeError(`<lambda>() got an unexpected keyword argument '${name}'`);
    if (call.args.length > 0) throw typeError("<lambda>() got multiple values for argument 'd'");
  }
  if (call.args.length > 1) throw typeError(`<lambda>() takes from 1 to 2 positional arguments but ${call.args.length + 1} were given`);
  const separator = call.args.length === 1 ? call.args[0] : call.kwargs.has("d") ? call.kwargs.get("d") : ", ";
  if (!(Array.isArray(value) && !isTuple(value))) return pyStr(value);
  // Python errors, not Jinja ones: they fail the module instead of one item.
  if (typeof separator !== "string") throw typeError(`'${pythonTypeName(separator)}' object has no attribute 'join'`);
  return value.map((item) => pyStr(item)).join(separator);
}

/** `env.from_string` in a plain Jinja2 environment with the original's `join` filter. */
function compileWithJoinOverride(template: string): TemplateWithFilters {
  return compileTemplateWithFilters(template, { join: overriddenJoin });
}

function inputOr(inputs: Record<string, unknown>, name: string, fallback: unknown): unknown {
  return Object.prototype.hasOwnProperty.call(inputs, name) ? inputs[name] : fallback;
}

export class RenderTemplateArrayModule implements ExecutableModule {
  readonly kind = "executable";
  readonly moduleId = "transform.render_template_array";

  readonly inputs: readonly ModuleInputDecl[] = [
    { name: "items", type: "array", required: true, description: "Array of items to iterate over" },
    { name: "template", type: "string", required: true, description: "Jinja2 template string to render for each item" },
    { name: "item_variable", type: "string", required: false, default: "item", description: "Variable name for current item in template" },
    { name: "index_variable", type: "string", required: false, default: "index", description: "Variable name for current index in template" },
    { name: "separator", type: "string", required: false, default: "\n\n", description: "String to insert between rendered items" },
    { name: "extra_context", type: "object", required: false, default: {}, description: "Additional variables to make available in template" },
  ];

  readonly outputs: readonly ModuleOutputDecl[] = [
    { name: "rendered", type: "string", description: "Concatenated rendered output" },
    { name: "sections", type: "array", description: "Array of individually rendered sections" },
    { name: "count", type: "number", description: "Number of items processed" },
  ];

  async execute(inputs: Record<string, unknown>, context: ModuleContext): Promise<Record<string, unknown>> {
    try {
      const items = inputOr(inputs, "items", []);
      const template = inputOr(inputs, "template", "");
      const itemVariable = inputOr(inputs, "item_variable", "item");
      const indexVariable = inputOr(inputs, "index_variable", "index");
      const separator = inputOr(inputs, "separator", "\n\n");
      const extraContext = inputOr(inputs, "extra_context", {});

      context.logger.info(`[RENDER_TEMPLATE_ARRAY] Received ${Array.isArray(items) ? items.length : "non-list"} items`);
      if (!isTruthy(template)) throw new ModuleExecutionError(this.moduleId, "Template string is required");
      if (!Array.isArray(items)) throw new ModuleExecutionError(this.moduleId, `Items must be an array, got ${pythonTypeName(items)}`);
      if (typeof template !== "string") throw new TypeError(`Can't compile non template nodes`);

      let ast;
      try {
        ast = compileWithJoinOverride(template);
      } catch (error) {
        if (error instanceof TemplateError) throw new ModuleExecutionError(this.moduleId, `Invalid template: ${error.reason}`, error);
        throw error;
      }
      if (!isPlainObject(extraContext)) throw new TypeError(`'${pythonTypeName(extraContext)}' object is not a mapping`);

      const sections: string[] = [];
      items.forEach((item, index) => {
        const variables: Record<string, unknown> = {};
        for (const name of RESOLVER_NAMES) variables[name] = new Undef(`'${name}' is undefined`);
        Object.assign(variables, {
          [String(itemVariable)]: item,
          [String(indexVariable)]: index,
          loop: { index: index + 1, index0: index, first: index === 0, last: index === items.length - 1, length: items.length },
          ...extraContext,
        });
        // An object item's own keys (not `_`-prefixed) override everything above.
        if (isPlainObject(item)) for (const [key, value] of Object.entries(item)) if (!key.startsWith("_")) variables[key] = value;
        try {
          sections.push(renderTemplateWithFilters(ast, { state: {}, extra: variables, undefinedMode: "default" }));
        } catch (error) {
          if (!(error instanceof TemplateError && JINJA_ERROR_KINDS.has(error.kind))) throw error;
          context.logger.warning(`Failed to render template for item ${index}: ${error.reason}`);
          sections.push(`[Error rendering item ${index}: ${error.reason}]`);
        }
      });

      if (typeof separator !== "string") throw new TypeError(`'${pythonTypeName(separator)}' object has no attribute 'join'`);
      const rendered = sections.join(separator);
      context.logger.info(`Rendered template for ${items.length} items, total length: ${pythonLen(rendered)} chars`);
      return { rendered, sections, count: items.length };
    } catch (error) {
      if (isModuleExecutionError(error)) throw error;
      throw new ModuleExecutionError(this.moduleId, `Failed to render template array: ${errorText(error)}`, error);
    }
  }
}
