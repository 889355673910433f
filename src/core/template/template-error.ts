/**
 * Every failure while parsing or rendering a template. `kind` says what went wrong in wfv's terms;
 * `exception` is the Python exception class the original would raise, so results can be compared
 * with the oracle by kind.
 */
export type TemplateErrorKind =
  | "syntax"
  | "undefined"
  | "type"
  | "value"
  | "zero_division"
  | "attribute"
  | "index"
  | "key"
  | "security"
  | "assertion"
  | "memory"
  | "overflow"
  | "runtime";

const exceptionByKind: Record<TemplateErrorKind, string> = {
  syntax: "TemplateSyntaxError",
  undefined: "UndefinedError",
  type: "TypeError",
  value: "ValueError",
  zero_division: "ZeroDivisionError",
  attribute: "AttributeError",
  index: "IndexError",
  key: "KeyError",
  security: "SecurityError",
  assertion: "AssertionError",
  memory: "MemoryError",
  overflow: "OverflowError",
  runtime: "TemplateRuntimeError",
};

export class TemplateError extends Error {
  readonly kind: TemplateErrorKind;
  /** 1-based line inside the template, when known. */
  line: number | undefined;
  /** 1-based column inside the template, when known. */
  column: number | undefined;
  /** The message without the `Jinja2 ...:` prefix the resolver adds. */
  readonly reason: string;

  constructor(kind: TemplateErrorKind, reason: string, line?: number, column?: number) {
    super(reason);
    this.name = "TemplateError";
    this.kind = kind;
    this.reason = reason;
    this.line = line;
    this.column = column;
  }

  /** Set once the resolver has wrapped the error as the original's `ValueError("Jinja2 ...: ")`. */
  private wrapped = false;

  /** The Python exception class name the original raises for this failure. */
  get exception(): string {
    return this.wrapped ? "ValueError" : exceptionByKind[this.kind];
  }

  /** The original resolver turns syntax and undefined errors into `ValueError("Jinja2 ...: msg")`. */
  wrapForResolver(): this {
    if (this.wrapped) return this;
    if (this.kind === "syntax") this.message = `Jinja2 syntax error: ${this.reason}`;
    else if (this.kind === "undefined") this.message = `Jinja2 undefined variable: ${this.reason}`;
    else return this;
    this.wrapped = true;
    return this;
  }

  /** Fills in a position once, from the innermost node that knows it. */
  at(line: number, column: number): this {
    if (this.line === undefined) {
      this.line = line;
      this.column = column;
    }
    return this;
  }
}

export function syntaxError(message: string, line: number, column: number): TemplateError {
  return new TemplateError("syntax", message, line, column);
}

export function typeError(message: string): TemplateError {
  return new TemplateError("type", message);
}

export function valueError(message: string): TemplateError {
  return new TemplateError("value", message);
}
