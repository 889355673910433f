/**
 * Python `re` syntax → a JS `v`-mode pattern with Python's meaning (the rules: regex.ts). Parses as
 * CPython 3.11's `sre_parse` does, so an invalid pattern fails with Python's `re.error` text.
 */

/** `re.error`: the message with its position, as Python prints it. */
export class PythonRegexError extends Error {
  constructor(
    readonly reason: string,
    readonly position: number,
    pattern: string,
  ) {
    let text = `${reason} at position ${position}`;
    if (pattern.includes("\n")) {
      const before = pattern.slice(0, position);
      const line = before.split("\n").length;
      const column = position - before.lastIndexOf("\n");
      text += ` (line ${line}, column ${column})`;
    }
    super(text);
    this.name = "error";
  }
}

interface Flags {
  ignoreCase: boolean;
  multiline: boolean;
  dotAll: boolean;
  verbose: boolean;
  ascii: boolean;
}

export interface CompiledPythonRegex {
  /** The JS pattern source (for the `v` flag, plus `i` when `ignoreCase`). */
  source: string;
  ignoreCase: boolean;
  /** Named groups in the order Python's `groupdict()` lists them. */
  groupNames: string[];
  groupCount: number;
}

const SPACE_CLASS = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const SPACE_CLASS_ASCII = "\\t\\n\\v\\f\\r ";
const WORD_CLASS = "\\p{L}\\p{N}_";
const WORD_CLASS_ASCII = "A-Za-z0-9_";
const DIGIT_CLASS = "\\p{Nd}";
const DIGIT_CLASS_ASCII = "0-9";

const ASCII_ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, "\\": 92 };
const FLAG_LETTERS = "aiLmsux";
const OCTAL = /[0-7]/;
const DIGIT = /[0-9]/;
const HEX = /^[0-9a-fA-F]+$/;
const MAX_REPEAT = 4294967295;

/** A category escape (`\d`, `\W`, …) as the content of a JS class, and whether it is negated. */
function category(letter: string, flags: Flags): { body: string; negated: boolean } {
  const lower = letter.toLowerCase();
  const body =
    lower === "d" ? (flags.ascii ? DIGIT_CLASS_ASCII : DIGIT_CLASS) : lower === "s" ? (flags.ascii ? SPACE_CLASS_ASCII : SPACE_CLASS) : flags.ascii ? WORD_CLASS_ASCII : WORD_CLASS;
  return { body, negated: letter !== lower };
}

/** One code point as a JS `v`-mode escape (safe inside and outside classes). */
function literal(code: number): string {
  const char = String.fromCodePoint(code);
  return /^[A-Za-z0-9]$/.test(char) ? char : `\\u{${code.toString(16)}}`;
}

/** The simple case variants of a code point (for case-insensitivity inside a scoped `(?i:…)`). */
function caseVariants(code: number): number[] {
  const char = String.fromCodePoint(code);
  const variants = new Set<number>([code]);
  for (const other of [char.toLowerCase(), char.toUpperCase()]) if ([...other].length === 1) variants.add(other.codePointAt(0)!);
  return [...variants];
}

function isIdentifier(name: string): boolean {
  return /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*$/u.test(name);
}

/** CPython 3.11's `sre_parse` over one pattern, writing the JS `v`-mode source as it goes. */
export class Translator {
  private pos = 0;
  private readonly names = new Map<string, number>();
  private readonly namesInOrder: string[] = [];
  private groups = 1;
  private readonly openGroups = new Set<number>();
  private readonly globalFlags: Flags;

  constructor(private readonly pattern: string) {
    this.globalFlags = { ignoreCase: false, multiline: false, dotAll: false, verbose: false, ascii: false };
  }

  private error(reason: string, position: number): never {
    throw new PythonRegexError(reason, position, this.pattern);
  }

  private get next(): string | undefined {
    return this.pattern[this.pos];
  }

  translate(): CompiledPythonRegex {
    this.readGlobalFlags();
    const source = this.alternation(this.globalFlags, 0);
    if (this.pos < this.pattern.length) {
      // Only a stray `)` stops the top-level alternation early.
      this.error("unbalanced parenthesis", this.pos);
    }
    return { source, ignoreCase: this.globalFlags.ignoreCase, groupNames: this.namesInOrder, groupCount: this.groups - 1 };
  }

  /** Leading `(?aiLmsux)` groups set the flags of the whole pattern. */
  private readGlobalFlags(): void {
    const flagGroup = /^\(\?([aiLmsux]+)\)/;
    let rest = this.pattern.slice(this.pos);
    let match = flagGroup.exec(rest);
    while (match) {
      this.applyFlags(this.globalFlags, match[1]!, true, this.pos + 2);
      this.pos += match[0].length;
      rest = this.pattern.slice(this.pos);
      match = flagGroup.exec(rest);
    }
    if (this.globalFlags.verbose) this.skipVerbose(this.globalFlags);
  }

  private applyFlags(flags: Flags, letters: string, on: boolean, at: number): void {
    for (const letter of letters) {
      if (letter === "i") flags.ignoreCase = on;
      else if (letter === "m") flags.multiline = on;
      else if (letter === "s") flags.dotAll = on;
      else if (letter === "x") flags.verbose = on;
      else if (letter === "a") flags.ascii = on;
      else if (letter === "L") this.error("bad inline flags: cannot use 'L' flag with a str pattern", at);
    }
  }

  private skipVerbose(flags: Flags): void {
    if (!flags.verbose) return;
    for (;;) {
      const char = this.next;
      if (char !== undefined && " \t\n\r\v\f".includes(char)) this.pos++;
      else if (char === "#") {
        while (this.next !== undefined && this.next !== "\n") this.pos++;
      } else return;
    }
  }

  private alternation(flags: Flags, depth: number): string {
    const branches = [this.sequence(flags, depth)];
    while (this.next === "|") {
      this.pos++;
      branches.push(this.sequence(flags, depth));
    }
    return branches.join("|");
  }

  private sequence(flags: Flags, depth: number): string {
    let out = "";
    /** What the last item was: quantifiers need an item that is not an anchor or a quantifier. */
    let last: "none" | "anchor" | "item" | "repeat" = "none";
    for (;;) {
      this.skipVerbose(flags);
      const start = this.pos;
      const char = this.next;
      if (char === undefined || char === "|") break;
      if (char === ")") {
        if (depth === 0) this.error("unbalanced parenthesis", start);
        break;
      }
      if (char === "*" || char === "+" || char === "?" || (char === "{" && this.quantifierAhead())) {
        const quantifier = this.quantifier();
        if (last === "none" || last === "anchor") this.error("nothing to repeat", start);
        if (last === "repeat") this.error("multiple repeat", start);
        let lazy = "";
        if (this.next === "?") {
          this.pos++;
          lazy = "?";
        } else if (this.next === "+") {
          this.error("possessive quantifiers are not supported", this.pos);
        }
        out += quantifier + lazy;
        last = "repeat";
        continue;
      }
      const atom = this.atom(flags, depth);
      if (atom === null) continue;
      out += atom.source;
      last = atom.anchor ? "anchor" : "item";
    }
    return out;
  }

  /** After `{`: `{m}`, `{m,}`, `{,n}`, `{m,n}` or `{,}` make a quantifier; anything else is a literal. */
  private quantifierAhead(): boolean {
    return /^\{(?!\})(\d*)(,\d*)?\}/.test(this.pattern.slice(this.pos));
  }

  private quantifier(): string {
    const start = this.pos;
    const char = this.pattern[this.pos++]!;
    if (char !== "{") return char;
    const match = /^\{(\d*)(?:(,)(\d*))?\}/.exec(this.pattern.slice(start))!;
    this.pos = start + match[0].length;
    const lo = match[1] ? Number(match[1]) : 0;
    const hi = match[2] ? (match[3] ? Number(match[3]) : null) : lo;
    if (lo >= MAX_REPEAT || (hi !== null && hi >= MAX_REPEAT)) throw new RangeError("the repetition number is too large");
    if (hi !== null && hi < lo) this.error("min repeat greater than max repeat", start + 1);
    return hi === null ? `{${lo},}` : hi === lo && !match[2] ? `{${lo}}` : `{${lo},${hi}}`;
  }

  private literalChar(code: number, flags: Flags): string {
    if (!flags.ignoreCase || this.globalFlags.ignoreCase) return literal(code);
    const variants = caseVariants(code);
    return variants.length === 1 ? literal(code) : `[${variants.map(literal).join("")}]`;
  }

  private atom(flags: Flags, depth: number): { source: string; anchor: boolean } | null {
    const start = this.pos;
    const char = this.pattern[this.pos++]!;
    switch (char) {
      case ".":
        return { source: flags.dotAll ? "[\\s\\S]" : "[^\\n]", anchor: false };
      case "^":
        return { source: flags.multiline ? "(?:(?<![\\s\\S])|(?<=\\n))" : "(?<![\\s\\S])", anchor: true };
      case "$":
        return { source: flags.multiline ? "(?=\\n|(?![\\s\\S]))" : "(?=\\n?(?![\\s\\S]))", anchor: true };
      case "[":
        return { source: this.charClass(flags, start), anchor: false };
      case "(":
        return this.group(flags, depth, start);
      case "\\":
        return this.escape(flags, start);
      default:
        return { source: this.literalChar(char.codePointAt(0)!, flags), anchor: false };
    }
  }

  private group(flags: Flags, depth: number, start: number): { source: string; anchor: boolean } | null {
    let open = "(";
    let capture: number | null = null;
    let inner = { ...flags };
    let anchor = false;
    if (this.next === "?") {
      this.pos++;
      const kind = this.pattern[this.pos++];
      if (kind === undefined) this.error("unexpected end of pattern", this.pattern.length);
      if (kind === ":") open = "(?:";
      else if (kind === "=" || kind === "!") {
        open = `(?${kind}`;
        anchor = false;
      } else if (kind === "<") {
        const look = this.pattern[this.pos++];
        if (look !== "=" && look !== "!") this.error(`unknown extension ?<${look ?? ""}`, start + 1);
        open = `(?<${look}`;
      } else if (kind === "#") {
        const end = this.pattern.indexOf(")", this.pos);
        if (end < 0) this.error("missing ), unterminated comment", start);
        this.pos = end + 1;
        return null;
      } else if (kind === "P") {
        const what = this.pattern[this.pos++];
        if (what === "<") {
          const end = this.pattern.indexOf(">", this.pos);
          if (end < 0) this.error("missing >, unterminated name", this.pos);
          const name = this.pattern.slice(this.pos, end);
          if (name === "") this.error("missing group name", this.pos);
          if (!isIdentifier(name)) this.error(`bad character in group name '${name}'`, this.pos);
          if (this.names.has(name)) {
            this.error(`redefinition of group name '${name}' as group ${this.groups}; was group ${this.names.get(name)}`, this.pos);
          }
          this.pos = end + 1;
          this.names.set(name, this.groups);
          this.namesInOrder.push(name);
          capture = this.groups++;
          open = `(?<${name}>`;
        } else if (what === "=") {
          const end = this.pattern.indexOf(")", this.pos);
          if (end < 0) this.error("missing ), unterminated name", this.pos);
          const name = this.pattern.slice(this.pos, end);
          if (name === "") this.error("missing group name", this.pos);
          if (!isIdentifier(name)) this.error(`bad character in group name '${name}'`, this.pos);
          const group = this.names.get(name);
          if (group === undefined) this.error(`unknown group name '${name}'`, this.pos);
          if (this.openGroups.has(group)) this.error("cannot refer to an open group", this.pos);
          this.pos = end + 1;
          return { source: `\\k<${name}>`, anchor: false };
        } else {
          this.error(what === undefined ? "unexpected end of pattern" : `unknown extension ?P${what}`, what === undefined ? this.pattern.length : start + 1);
        }
      } else if (kind === "(") {
        this.error("conditional groups are not supported", start + 1);
      } else if (kind === ">") {
        this.error("atomic groups are not supported", start + 1);
      } else if (FLAG_LETTERS.includes(kind) || kind === "-") {
        // Scoped flags `(?i:…)`, `(?-i:…)`, `(?i-s:…)`; flags after the start are an error in 3.11.
        const match = /^([aiLmsux]*)(?:-([imsx]*))?([:)])/.exec(this.pattern.slice(this.pos - 1));
        if (!match) this.error("missing -, : or )", this.pos);
        if (match[3] === ")") this.error("global flags not at the start of the expression", start);
        inner = { ...flags };
        this.applyFlags(inner, match[1]!, true, this.pos);
        this.applyFlags(inner, match[2] ?? "", false, this.pos);
        if (this.globalFlags.ignoreCase && !inner.ignoreCase) this.error("turning off case-insensitivity in a scope is not supported", start + 1);
        this.pos += match[0].length - 1;
        open = "(?:";
      } else {
        this.error(`unknown extension ?${kind}`, start + 1);
      }
    } else {
      capture = this.groups++;
    }
    if (capture !== null) this.openGroups.add(capture);
    const body = this.alternation(inner, depth + 1);
    if (this.next !== ")") this.error("missing ), unterminated subpattern", start);
    this.pos++;
    if (capture !== null) this.openGroups.delete(capture);
    return { source: `${open}${body})`, anchor };
  }

  /** `\x..`, `\u....`, `\U........`, octal: the code point, or null when the escape is not one of them. */
  private numericEscape(letter: string, start: number): number | null {
    const hexOf = (length: number, escape: string): number => {
      const digits = this.pattern.slice(this.pos, this.pos + length);
      if (digits.length < length || !HEX.test(digits)) this.error(`incomplete escape \\${escape}${digits.replace(/[^0-9a-fA-F].*$/, "")}`, start);
      this.pos += length;
      return parseInt(digits, 16);
    };
    if (letter === "x") return hexOf(2, "x");
    if (letter === "u") return hexOf(4, "u");
    if (letter === "U") {
      const code = hexOf(8, "U");
      if (code > 0x10ffff) this.error(`bad escape \\U${this.pattern.slice(start + 2, start + 10)}`, start);
      return code;
    }
    return null;
  }

  private escape(flags: Flags, start: number): { source: string; anchor: boolean } {
    const letter = this.pattern[this.pos++];
    if (letter === undefined) this.error("bad escape (end of pattern)", start);
    const numeric = this.numericEscape(letter, start);
    if (numeric !== null) return { source: this.literalChar(numeric, flags), anchor: false };
    switch (letter) {
      case "A":
        return { source: "(?<![\\s\\S])", anchor: true };
      case "Z":
        return { source: "(?![\\s\\S])", anchor: true };
      case "b":
      case "B": {
        const word = `[${flags.ascii ? WORD_CLASS_ASCII : WORD_CLASS}]`;
        const source =
          letter === "b" ? `(?:(?<=${word})(?!${word})|(?<!${word})(?=${word}))` : `(?:(?<=${word})(?=${word})|(?<!${word})(?!${word}))`;
        return { source, anchor: true };
      }
      case "d":
      case "D":
      case "s":
      case "S":
      case "w":
      case "W": {
        const { body, negated } = category(letter, flags);
        return { source: `[${negated ? "^" : ""}${body}]`, anchor: false };
      }
      case "N":
        this.error("named Unicode escapes are not supported", start);
    }
    if (letter === "0") {
      let digits = "";
      while (digits.length < 2 && this.next !== undefined && OCTAL.test(this.next)) digits += this.pattern[this.pos++];
      return { source: this.literalChar(parseInt(digits || "0", 8), flags), anchor: false };
    }
    if (DIGIT.test(letter)) {
      // `\12` is a group reference; three octal digits (`\123`) are an octal escape.
      let digits = letter;
      if (this.next !== undefined && DIGIT.test(this.next)) {
        digits += this.pattern[this.pos];
        const third = this.pattern[this.pos + 1];
        if (OCTAL.test(letter) && OCTAL.test(this.next) && third !== undefined && OCTAL.test(third)) {
          this.pos += 2;
          const code = parseInt(letter + digits.slice(1) + third, 8);
          if (code > 0o377) this.error(`octal escape value \\${letter}${digits.slice(1)}${third} outside of range 0-0o377`, start);
          return { source: this.literalChar(code, flags), anchor: false };
        }
        this.pos++;
      }
      const group = Number(digits);
      if (group >= this.groups) this.error(`invalid group reference ${group}`, start + 1);
      if (this.openGroups.has(group)) this.error("cannot refer to an open group", start);
      return { source: `\\${group}`, anchor: false };
    }
    if (letter in ASCII_ESCAPES) return { source: this.literalChar(ASCII_ESCAPES[letter]!, flags), anchor: false };
    if (/[A-Za-z]/.test(letter)) this.error(`bad escape \\${letter}`, start);
    return { source: this.literalChar(letter.codePointAt(0)!, flags), anchor: false };
  }

  /** One item of a class: a code point, or a category body. */
  private classItem(flags: Flags): { code: number } | { body: string; negated: boolean; text: string } {
    const start = this.pos;
    const char = this.pattern[this.pos++]!;
    if (char !== "\\") return { code: char.codePointAt(0)! };
    const letter = this.pattern[this.pos++];
    if (letter === undefined) this.error("bad escape (end of pattern)", start);
    const numeric = this.numericEscape(letter, start);
    if (numeric !== null) return { code: numeric };
    if ("dDsSwW".includes(letter)) return { ...category(letter, flags), text: `\\${letter}` };
    if (letter === "N") this.error("named Unicode escapes are not supported", start);
    if (OCTAL.test(letter)) {
      let digits = letter;
      while (digits.length < 3 && this.next !== undefined && OCTAL.test(this.next)) digits += this.pattern[this.pos++];
      const code = parseInt(digits, 8);
      if (code > 0o377) this.error(`octal escape value \\${digits} outside of range 0-0o377`, start);
      return { code };
    }
    if (DIGIT.test(letter)) this.error(`bad escape \\${letter}`, start);
    if (letter in ASCII_ESCAPES) return { code: ASCII_ESCAPES[letter]! };
    if (/[A-Za-z]/.test(letter)) this.error(`bad escape \\${letter}`, start);
    return { code: letter.codePointAt(0)! };
  }

  private charClass(flags: Flags, start: number): string {
    let negated = false;
    if (this.next === "^") {
      negated = true;
      this.pos++;
    }
    const parts: string[] = [];
    const scopedCase = flags.ignoreCase && !this.globalFlags.ignoreCase;
    const addCode = (code: number) => {
      for (const variant of scopedCase ? caseVariants(code) : [code]) parts.push(literal(variant));
    };
    let first = true;
    for (;;) {
      const here = this.pos;
      const char = this.next;
      if (char === undefined) this.error("unterminated character set", start);
      if (char === "]" && !first) {
        this.pos++;
        break;
      }
      first = false;
      const item = this.classItem(flags);
      if (this.next === "-" && this.pattern[this.pos + 1] !== undefined && this.pattern[this.pos + 1] !== "]") {
        const dash = this.pos++;
        const end = this.classItem(flags);
        if (!("code" in item) || !("code" in end) || end.code < item.code) {
          this.error(`bad character range ${this.pattern.slice(here, dash)}-${this.pattern.slice(dash + 1, this.pos)}`, here);
        }
        parts.push(`${literal(item.code)}-${literal(end.code)}`);
        if (scopedCase) {
          for (let code = item.code; code <= end.code && code - item.code < 0x400; code++) {
            for (const variant of caseVariants(code)) if (variant !== code) parts.push(literal(variant));
          }
        }
        continue;
      }
      if ("code" in item) addCode(item.code);
      else parts.push(item.negated ? `[^${item.body}]` : item.body);
    }
    return `[${negated ? "^" : ""}${parts.join("")}]`;
  }
}
