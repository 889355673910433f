/** Jinja2-exact templates: the resolver API the engine and the CLI use. */
import { environment } from "./environment";

export { checkSyntax, compileTemplate, compileTemplateUncached, renderTemplate, resolveString, resolveWithSchema, toNative, type TemplateContext } from "./resolve";
export { TemplateError, type TemplateErrorKind } from "./template-error";
export { NaiveDateTime } from "../python/objects";
export { parseJsonKeepingFloats } from "./json-floats";
export { compileTemplateWithFilters, renderTemplateWithFilters, type FilterOverride, type TemplateWithFilters } from "./filter-overrides";
export { typeError } from "./template-error";
export { isTuple, Undef, type CallArgs } from "../python/objects";
export { tokenize, type Token, type TokenType } from "./lexer";

/** The names of the standard filters, sorted (for editors' completion). */
export function filterNames(): string[] {
  return Object.keys(environment.filters).sort();
}
