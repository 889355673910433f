/**
 * Every failure while parsing or rendering a template is a Python exception of the value model
 * (python/errors.ts); the template engine knows the class as `TemplateError`. What only templates
 * have: syntax errors at a position, and the resolver's re-raise as `ValueError("Jinja2 ...: ")`.
 */
import { PyError, type PyErrorKind } from "../python/errors";

export { PyError as TemplateError, typeError, valueError } from "../python/errors";
export type TemplateErrorKind = PyErrorKind;

export function syntaxError(message: string, line: number, column: number): PyError {
  return new PyError("syntax", message, line, column);
}

/** The original resolver turns syntax and undefined errors into `ValueError("Jinja2 ...: msg")`. */
export function wrapForResolver(error: PyError): PyError {
  if (error.reraisedAs !== undefined) return error;
  if (error.kind === "syntax") error.message = `Jinja2 syntax error: ${error.reason}`;
  else if (error.kind === "undefined") error.message = `Jinja2 undefined variable: ${error.reason}`;
  else return error;
  error.reraisedAs = "ValueError";
  return error;
}
