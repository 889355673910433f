/** Jinja2-exact templates: the resolver API the engine and the CLI use. */
export { resolveString, resolveWithSchema, renderTemplate, compileTemplate, toNative, type TemplateContext } from "./resolve";
export { checkSyntax } from "./parser";
export { TemplateError, type TemplateErrorKind } from "./template-error";
export { NaiveDateTime } from "./values";
export { parseJsonKeepingFloats } from "./json-floats";
