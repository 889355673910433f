/**
 * Jinja2's lexer (default delimiters, trim_blocks/lstrip_blocks off, keep_trailing_newline off):
 * text, `{{ }}`, `{% %}`, `{# #}`, `{% raw %}`, whitespace control with `-`, and the expression
 * tokens of jinja2/lexer.py, each with its 1-based line and column.
 */
import { syntaxError } from "./template-error";

export type TokenType =
  | "data"
  | "variable_begin"
  | "variable_end"
  | "block_begin"
  | "block_end"
  | "name"
  | "string"
  | "integer"
  | "float"
  | "operator"
  | "eof";

export interface Token {
  type: TokenType;
  /** Operator text, name, data text, or the unescaped string literal. */
  value: string;
  /** Numeric value of integer and float tokens. */
  number?: number | bigint;
  line: number;
  column: number;
}

const operators = [
  "//", "**", "==", "!=", ">=", "<=",
  "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}", ">", "<", "=", ".", ":", "|", ",", ";",
];
const closers: Record<string, string> = { "(": ")", "[": "]", "{": "}" };

const whitespaceRe = /\s+/y;
const floatRe = /(?<!\.)(?:\d+_)*\d+(?:(?:\.(?:\d+_)*\d+)?e[+-]?(?:\d+_)*\d+|\.(?:\d+_)*\d+)/iy;
const integerRe = /(?:0b(?:_?[01])+|0o(?:_?[0-7])+|0x(?:_?[\da-f])+|[1-9](?:_?\d)*|0(?:_?0)*)/iy;
const nameRe = /[\p{L}_][\p{L}\p{N}_]*/uy;
const stringRe = /'([^'\\]*(?:\\.[^'\\]*)*)'|"([^"\\]*(?:\\.[^"\\]*)*)"/sy;
const tagStartRe = /\{[{%#]/g;
const rawBeginRe = /\{%([-+]?)\s*raw\s*(-?)%\}/y;
const endRawRe = /\{%([-+]?)\s*endraw\s*([-+]?)%\}/g;
const leadingWhitespaceRe = /\s*/y;

/** Jinja joins the source's lines with "\n" and drops one trailing newline. */
export function normalizeSource(source: string): string {
  const lines = source.split(/\r\n|\r|\n/);
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  return lines.join("\n");
}

/** Python's `unicode_escape` decoding of a string literal's body. */
export function unescapePython(body: string): string {
  if (!body.includes("\\")) return body;
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== "\\" || i + 1 >= body.length) {
      out += ch;
      continue;
    }
    const next = body[++i];
    const simple: Record<string, string> = {
      n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"', a: "\x07", b: "\b", f: "\f", v: "\v", "\n": "",
    };
    if (next in simple) {
      out += simple[next];
    } else if (/[0-7]/.test(next)) {
      let digits = next;
      while (digits.length < 3 && /[0-7]/.test(body[i + 1] ?? "")) digits += body[++i];
      out += String.fromCodePoint(parseInt(digits, 8));
    } else if (next === "N") {
      // Named escapes need Unicode's name table; an unknown name is a syntax error in Python too.
      throw syntaxError("unknown Unicode character name", 1, 1);
    } else if (next === "x" || next === "u" || next === "U") {
      const width = next === "x" ? 2 : next === "u" ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + width);
      if (hex.length !== width || !/^[0-9a-fA-F]+$/.test(hex)) {
        throw syntaxError(`(unicode error) 'unicodeescape' codec can't decode bytes: truncated \\${next} escape`, 1, 1);
      }
      out += String.fromCodePoint(parseInt(hex, 16));
      i += width;
    } else {
      out += "\\" + next;
    }
  }
  return out;
}

class Cursor {
  private line = 1;
  private lineStart = 0;
  private scanned = 0;

  constructor(private readonly source: string) {}

  /** Line and column of `offset`; offsets are asked in increasing order. */
  position(offset: number): { line: number; column: number } {
    for (; this.scanned < offset; this.scanned++) {
      if (this.source.charCodeAt(this.scanned) === 10) {
        this.line++;
        this.lineStart = this.scanned + 1;
      }
    }
    return { line: this.line, column: offset - this.lineStart + 1 };
  }
}

export function tokenize(rawSource: string, startInExpression = false): Token[] {
  const source = normalizeSource(rawSource);
  const cursor = new Cursor(source);
  const tokens: Token[] = [];
  const push = (type: TokenType, value: string, offset: number, number?: number | bigint) => {
    const { line, column } = cursor.position(offset);
    tokens.push(number === undefined ? { type, value, line, column } : { type, value, number, line, column });
  };
  const skipWhitespaceFrom = (offset: number): number => {
    leadingWhitespaceRe.lastIndex = offset;
    leadingWhitespaceRe.exec(source);
    return leadingWhitespaceRe.lastIndex;
  };

  /** Lexes one expression region; returns the offset after its end tag (or the end of source). */
  const lexExpression = (start: number, end: "variable" | "block" | "none"): number => {
    const balance: string[] = [];
    let pos = start;
    while (pos < source.length) {
      if (balance.length === 0 && end !== "none") {
        const close = end === "variable" ? "}}" : "%}";
        if (source.startsWith("-" + close, pos)) {
          push(end === "variable" ? "variable_end" : "block_end", close, pos);
          return skipWhitespaceFrom(pos + 3);
        }
        if (source.startsWith("+" + close, pos)) {
          push(end === "variable" ? "variable_end" : "block_end", close, pos);
          return pos + 3;
        }
        if (source.startsWith(close, pos)) {
          push(end === "variable" ? "variable_end" : "block_end", close, pos);
          return pos + 2;
        }
      }
      whitespaceRe.lastIndex = pos;
      if (whitespaceRe.test(source)) {
        pos = whitespaceRe.lastIndex;
        continue;
      }
      floatRe.lastIndex = pos;
      let match = floatRe.exec(source);
      if (match) {
        push("float", match[0], pos, parseFloat(match[0].replace(/_/g, "")));
        pos = floatRe.lastIndex;
        continue;
      }
      integerRe.lastIndex = pos;
      match = integerRe.exec(source);
      if (match) {
        const text = match[0].replace(/_/g, "").toLowerCase();
        const value = /^0[box]/.test(text)
          ? parseInt(text.slice(2), text[1] === "b" ? 2 : text[1] === "o" ? 8 : 16)
          : parseInt(text, 10);
        // Python ints are exact at any size; keep big literals as bigint.
        push("integer", match[0], pos, Number.isSafeInteger(value) ? value : BigInt(text));
        pos = integerRe.lastIndex;
        continue;
      }
      nameRe.lastIndex = pos;
      match = nameRe.exec(source);
      if (match) {
        push("name", match[0], pos);
        pos = nameRe.lastIndex;
        continue;
      }
      stringRe.lastIndex = pos;
      match = stringRe.exec(source);
      if (match) {
        const { line, column } = cursor.position(pos);
        let value: string;
        try {
          value = unescapePython(match[1] ?? match[2]);
        } catch (error) {
          throw syntaxError((error as Error).message, line, column);
        }
        tokens.push({ type: "string", value, line, column });
        pos = stringRe.lastIndex;
        continue;
      }
      const op = operators.find((candidate) => source.startsWith(candidate, pos));
      if (op) {
        if (op in closers) {
          balance.push(closers[op]);
        } else if (op === ")" || op === "]" || op === "}") {
          const { line, column } = cursor.position(pos);
          if (balance.length === 0) throw syntaxError(`unexpected '${op}'`, line, column);
          const expected = balance.pop();
          if (expected !== op) throw syntaxError(`unexpected '${op}', expected '${expected}'`, line, column);
        }
        push("operator", op, pos);
        pos += op.length;
        continue;
      }
      const { line, column } = cursor.position(pos);
      throw syntaxError(`unexpected char ${JSON.stringify(source[pos])} at ${pos}`, line, column);
    }
    return pos;
  };

  if (startInExpression) {
    lexExpression(0, "none");
    push("eof", "", source.length);
    return tokens;
  }

  let pos = 0;
  while (pos < source.length) {
    tagStartRe.lastIndex = pos;
    const found = tagStartRe.exec(source);
    if (!found) {
      push("data", source.slice(pos), pos);
      break;
    }
    const tagAt = found.index;
    const marker = source[tagAt + 2];
    let data = source.slice(pos, tagAt);
    rawBeginRe.lastIndex = tagAt;
    const raw = source[tagAt + 1] === "%" ? rawBeginRe.exec(source) : null;
    const stripBefore = raw ? raw[1] === "-" : marker === "-";
    if (stripBefore) data = data.trimEnd();
    if (data) push("data", data, pos);

    if (raw) {
      let bodyStart = rawBeginRe.lastIndex;
      if (raw[2] === "-") bodyStart = skipWhitespaceFrom(bodyStart);
      endRawRe.lastIndex = bodyStart;
      const endRaw = endRawRe.exec(source);
      if (!endRaw) {
        const { line, column } = cursor.position(tagAt);
        throw syntaxError("Missing end of raw directive", line, column);
      }
      let body = source.slice(bodyStart, endRaw.index);
      if (endRaw[1] === "-") body = body.trimEnd();
      if (body) push("data", body, bodyStart);
      pos = endRaw[2] === "-" ? skipWhitespaceFrom(endRawRe.lastIndex) : endRawRe.lastIndex;
      continue;
    }

    const kind = source[tagAt + 1];
    const afterStart = tagAt + 2 + (marker === "-" || marker === "+" ? 1 : 0);
    if (kind === "#") {
      const close = source.indexOf("#}", afterStart);
      if (close < 0) {
        const { line, column } = cursor.position(tagAt);
        throw syntaxError("Missing end of comment tag", line, column);
      }
      const stripAfter = source[close - 1] === "-" && close - 1 >= afterStart;
      pos = stripAfter ? skipWhitespaceFrom(close + 2) : close + 2;
      continue;
    }
    const isVariable = kind === "{";
    push(isVariable ? "variable_begin" : "block_begin", isVariable ? "{{" : "{%", tagAt);
    pos = lexExpression(afterStart, isVariable ? "variable" : "block");
  }
  push("eof", "", source.length);
  return tokens;
}
