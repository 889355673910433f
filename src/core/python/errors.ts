/**
 * The Python exceptions the value model, the template engine and the modules' Python helpers raise.
 * `kind` says what went wrong in wfv's terms; `exception` is the Python exception class the original
 * would raise, so results can be compared with the oracle by kind. Jinja2's own exceptions
 * (`TemplateSyntaxError`, `UndefinedError`, `SecurityError`, …) are Python exceptions too, so they are
 * kinds here; the template engine calls this class `TemplateError` (template/template-error.ts).
 */
export type PyErrorKind =
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

const exceptionByKind: Record<PyErrorKind, string> = {
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

export class PyError extends Error {
  readonly kind: PyErrorKind;
  /** 1-based line inside the template, when known. */
  line: number | undefined;
  /** 1-based column inside the template, when known. */
  column: number | undefined;
  /** The message without the `Jinja2 ...:` prefix the resolver adds. */
  readonly reason: string;
  /** The exception class when something re-raised this error as another (the resolver's `ValueError`). */
  reraisedAs: string | undefined;
  /** The wfv limit (limits/index.ts) this failure hit, when it is one. */
  limit: string | undefined;

  constructor(kind: PyErrorKind, reason: string, line?: number, column?: number) {
    super(reason);
    // Every one of these reaches callers through the template engine, under this name.
    this.name = "TemplateError";
    this.kind = kind;
    this.reason = reason;
    this.line = line;
    this.column = column;
  }

  /** The Python exception class name the original raises for this failure. */
  get exception(): string {
    return this.reraisedAs ?? exceptionByKind[this.kind];
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

export function typeError(message: string): PyError {
  return new PyError("type", message);
}

export function valueError(message: string): PyError {
  return new PyError("value", message);
}
