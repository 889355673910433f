/**
 * `io.render_template` (modules.md §2.12): a pass-through. The engine already rendered the template
 * (a jinja2 `$ref` marked `resolver: server`); the module returns it as `rendered`. Like the original
 * it takes `len()` of the value for its log, so a null or a number fails.
 */
import { errorText, ModuleExecutionError } from "../base";
import { pythonTypeName } from "../../python/builtins";
import type { ExecutableModule, ModuleContext, ModuleInputDecl, ModuleOutputDecl } from "../types";

/** Python `len()` of a JSON value; TypeError for values without a length. */
function pythonLen(value: unknown): number {
  if (typeof value === "string" || Array.isArray(value)) return value.length;
  if (value !== null && typeof value === "object" && !(value instanceof Date)) return Object.keys(value).length;
  throw new TypeError(`object of type '${pythonTypeName(value)}' has no len()`);
}

export class RenderTemplateModule implements ExecutableModule {
  readonly kind = "executable";
  readonly moduleId = "io.render_template";
  readonly inputs: readonly ModuleInputDecl[] = [
    { name: "template", type: "string", required: true, description: "Template content (pre-rendered by parameter resolver)" },
  ];
  readonly outputs: readonly ModuleOutputDecl[] = [{ name: "rendered", type: "string", description: "The rendered template string" }];

  async execute(inputs: Record<string, unknown>, context: ModuleContext): Promise<Record<string, unknown>> {
    try {
      const template = Object.prototype.hasOwnProperty.call(inputs, "template") ? inputs.template : "";
      context.logger.debug(`Template rendered, length: ${pythonLen(template)} chars`);
      return { rendered: template };
    } catch (error) {
      throw new ModuleExecutionError(this.moduleId, `Failed to process template: ${errorText(error)}`, error);
    }
  }
}
