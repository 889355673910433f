/**
 * The tokenizer of the simpleeval port (expression.ts): Python's number, string and operator tokens,
 * and the `SyntaxError` texts Python's `ast.parse` gives (`invalid syntax (<unknown>, line 1)`).
 */
import { makeFloat } from "./objects";

/** simpleeval's exceptions; `message` is what `str(e)` gives. */
export class PythonEvalError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
    this.name = kind;
  }
}

export interface Token {
  kind: "num" | "str" | "name" | "op" | "end";
  text: string;
  value?: unknown;
}

const OPERATORS = ["**=", "//=", ">>=", "<<=", "**", "//", "<<", ">>", "<=", ">=", "==", "!=", ":=", "->", "+", "-", "*", "/", "%", "@", "&", "|", "^", "~", "<", ">", "(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "="];
const ESCAPES: Record<string, string> = { "\n": "", "\\": "\\", "'": "'", '"': '"', a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" };

export function syntaxError(message = "invalid syntax"): PythonEvalError {
  return new PythonEvalError("SyntaxError", `${message} (<unknown>, line 1)`);
}

function decodeString(body: string, raw: boolean): string {
  if (raw) return body;
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|[\s\S])/g, (whole, escape: string) => {
    if (/^[xuU]/.test(escape) && escape.length > 1) return String.fromCodePoint(parseInt(escape.slice(1), 16));
    if (/^[0-7]/.test(escape)) return String.fromCodePoint(parseInt(escape, 8));
    return ESCAPES[escape] ?? whole;
  });
}

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let depth = 0;
  while (i < source.length) {
    const char = source[i]!;
    if (char === " " || char === "\t" || char === "\f" || (depth > 0 && (char === "\n" || char === "\r"))) {
      i++;
      continue;
    }
    if (char === "\\" && source[i + 1] === "\n") {
      i += 2;
      continue;
    }
    if (char === "#") {
      while (i < source.length && source[i] !== "\n") i++;
      continue;
    }
    if (char === "\n" || char === "\r") break; // simpleeval evaluates the first statement
    const rest = source.slice(i);
    const number = /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?[jJ]?)/.exec(rest);
    if (number) {
      const text = number[0];
      const clean = text.replace(/_/g, "");
      let value: unknown;
      if (/[jJ]$/.test(text)) throw new PythonEvalError("FeatureNotAvailable", "Sorry, complex numbers are not available in this evaluator");
      if (/^0[xXoObB]/.test(clean)) value = Number(clean.toLowerCase().replace(/^0o/, "0o"));
      else if (/[.eE]/.test(clean)) value = makeFloat(Number(clean));
      else {
        if (/^0\d/.test(clean) && /[1-9]/.test(clean)) throw syntaxError("leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers");
        value = Number(clean);
      }
      tokens.push({ kind: "num", text, value });
      i += text.length;
      continue;
    }
    const string = /^([rRbBuUfF]{0,2})('''|"""|'|")/.exec(rest);
    if (string && /^(?:[rR]|[bB]|[uU]|[fF]|[rR][bB]|[bB][rR]|[rR][fF]|[fF][rR])?$/.test(string[1]!)) {
      const prefix = string[1]!.toLowerCase();
      if (prefix.includes("f")) throw new PythonEvalError("FeatureNotAvailable", "Sorry, JoinedStr is not available in this evaluator");
      const quote = string[2]!;
      let j = i + string[0].length;
      let body = "";
      for (;;) {
        if (j >= source.length || (quote.length === 1 && source[j] === "\n")) throw syntaxError("unterminated string literal (detected at line 1)");
        if (source.startsWith(quote, j)) break;
        if (source[j] === "\\" && j + 1 < source.length) {
          body += source.slice(j, j + 2);
          j += 2;
          continue;
        }
        body += source[j];
        j++;
      }
      tokens.push({ kind: "str", text: source.slice(i, j + quote.length), value: decodeString(body, prefix.includes("r")) });
      i = j + quote.length;
      continue;
    }
    const name = /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*/u.exec(rest);
    if (name) {
      tokens.push({ kind: "name", text: name[0] });
      i += name[0].length;
      continue;
    }
    const op = OPERATORS.find((candidate) => rest.startsWith(candidate));
    if (!op) throw syntaxError();
    if (op === "(" || op === "[" || op === "{") depth++;
    if (op === ")" || op === "]" || op === "}") depth--;
    tokens.push({ kind: "op", text: op });
    i += op.length;
  }
  if (depth > 0) {
    const open = [...tokens].reverse().find((token) => token.kind === "op" && ["(", "[", "{"].includes(token.text));
    throw syntaxError(`'${open?.text ?? "("}' was never closed`);
  }
  tokens.push({ kind: "end", text: "" });
  return tokens;
}
