/** Jinja's compile-time name check: unknown filters and tests fail when a template is compiled. */
import type { Expr, TemplateAst } from "./ast";
import { environment } from "./environment";
import { TemplateError } from "./template-error";

const conditionalTypes = new Set(["if", "condexpr"]);

/** Jinja rejects unknown filters and tests when compiling, except inside conditionals (runtime). */
export function validateNames(ast: TemplateAst | Expr): void {
  const visit = (node: unknown, conditional: boolean): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child, conditional);
      return;
    }
    if (!node || typeof node !== "object") return;
    const record = node as Record<string, unknown> & { type?: string };
    if ((record.type === "filter" || record.type === "test") && !conditional) {
      const name = record.name as string;
      const known = Object.hasOwn(record.type === "filter" ? environment.filters : environment.tests, name);
      if (!known) {
        throw new TemplateError("syntax", `No ${record.type} named '${name}'.`, record.line as number, record.column as number);
      }
    }
    const inner = conditional || conditionalTypes.has(record.type ?? "");
    for (const key of Object.keys(record)) {
      const child = record[key];
      if (child && typeof child === "object") visit(child, inner);
    }
  };
  visit("body" in ast && Array.isArray(ast.body) ? ast.body : ast, false);
}
