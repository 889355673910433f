/** Jinja2-exact templates: the resolver API the engine and the CLI use. */
export { checkSyntax, compileTemplate, renderTemplate, resolveString, resolveWithSchema, toNative, type TemplateContext } from "./resolve";
export { TemplateError, type TemplateErrorKind } from "./template-error";
export { NaiveDateTime } from "./values";
export { parseJsonKeepingFloats } from "./json-floats";
