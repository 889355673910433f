/**
 * Regular expressions from workflows, run without catastrophic backtracking (tracker issue 11,
 * item 3). A V8 RegExp cannot be interrupted, and its backtracking is exponential for `(a+)+$` and
 * polynomial for far more (`a*b` is quadratic on a long subject, `\d+\d+x` cubic), so bounding the
 * subject or refusing "nested quantifiers" is not enough. The rule here is sound instead:
 *
 * - a pattern without quantifiers (`*`, `+`, `?`, `{n,m}`) runs on V8: without repetition each
 *   start position costs at most the pattern's length, so matching is O(subject × pattern) whatever
 *   lookarounds or backreferences it has (literals, `^abc`, `foo|bar`, `[a-z]\.txt`);
 * - a pattern with quantifiers runs on re2js, a port of RE2, whose automaton matches in
 *   O(subject × pattern) time; JavaScript's syntax is translated where RE2 spells it differently
 *   (`\uXXXX`, `\s`, `.` and `[^]`);
 * - a quantified pattern RE2 cannot express (lookaround, backreferences, repeat counts over 1,000)
 *   is refused with a {@link LimitExceeded} naming LINEAR_REGEX.
 *
 * What may still differ from V8 in the RE2 case: `^`/`$` under the `m` flag see only `\n` as a line
 * end, and a `\S` inside a character class is RE2's (ASCII) one.
 */
import { RE2JS } from "re2js";
import { LimitExceeded } from "./index";

export interface SafeMatch {
  /** UTF-16 index of the match in the subject. */
  index: number;
  /** The whole match, then every capture group (undefined when it took no part). */
  groups: Array<string | undefined>;
}

export interface SafeRegex {
  readonly source: string;
  readonly flags: string;
  /** The first match at or after `from`, as RegExp.exec with the `g` flag would find it. */
  exec(input: string, from?: number): SafeMatch | null;
  test(input: string): boolean;
}

const JS_SPACE = "\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}";

/** Whether `source` repeats anything: a quantifier outside a character class and an escape. */
export function hasQuantifier(source: string): boolean {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (ch === "]") inClass = false;
      continue;
    }
    if (ch === "[") inClass = true;
    else if (ch === "*" || ch === "+") return true;
    // `?` after `(` opens a group modifier ((?:, (?=, (?<name>), it repeats nothing.
    else if (ch === "?" && source[i - 1] !== "(") return true;
    else if (ch === "{" && /^\{\d+(,\d*)?\}/.test(source.slice(i, i + 24))) return true;
  }
  return false;
}

/** JavaScript pattern syntax in RE2's spelling, with JavaScript's meaning. */
export function toRe2Syntax(source: string, dotAll: boolean): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === "\\") {
      const next = source[i + 1] ?? "";
      const unicode = /^u([0-9a-fA-F]{4})/.exec(source.slice(i + 1)) ?? /^u\{([0-9a-fA-F]{1,6})\}/.exec(source.slice(i + 1));
      if (unicode) {
        out += `\\x{${unicode[1]}}`;
        i += unicode[0].length;
      } else if (next === "c" && /[A-Za-z]/.test(source[i + 2] ?? "")) {
        out += `\\x{${(source.charCodeAt(i + 2) % 32).toString(16)}}`;
        i += 2;
      } else if (next === "s") {
        out += inClass ? JS_SPACE : `[${JS_SPACE}]`;
        i++;
      } else if (next === "S" && !inClass) {
        out += `[^${JS_SPACE}]`;
        i++;
      } else if (next === "/") {
        out += "/";
        i++;
      } else {
        out += ch + next;
        i++;
      }
      continue;
    }
    if (inClass) {
      if (ch === "]") inClass = false;
      out += ch;
      continue;
    }
    if (ch === "[") {
      if (source.startsWith("[^]", i)) {
        out += "(?s:.)";
        i += 2;
        continue;
      }
      if (source.startsWith("[]", i)) {
        out += "[^\\x00-\\x{10FFFF}]";
        i += 1;
        continue;
      }
      inClass = true;
      out += ch;
      continue;
    }
    if (ch === "." && !dotAll) out += "[^\\n\\r\\x{2028}\\x{2029}]";
    else out += ch;
  }
  return out;
}

function nativeRegex(source: string, flags: string): SafeRegex {
  const global = new RegExp(source, flags.includes("g") ? flags : `${flags}g`);
  return {
    source,
    flags,
    exec(input, from = 0) {
      global.lastIndex = from;
      const match = global.exec(input);
      return match === null ? null : { index: match.index, groups: [...match] };
    },
    test(input) {
      global.lastIndex = 0;
      return global.test(input);
    },
  };
}

function re2Regex(source: string, flags: string): SafeRegex {
  let compiled: RE2JS;
  try {
    const options = (flags.includes("i") ? RE2JS.CASE_INSENSITIVE : 0) | (flags.includes("m") ? RE2JS.MULTILINE : 0) | (flags.includes("s") ? RE2JS.DOTALL : 0);
    compiled = RE2JS.compile(toRe2Syntax(source, flags.includes("s")), options);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new LimitExceeded("LINEAR_REGEX", `the pattern /${source.length > 80 ? `${source.slice(0, 80)}…` : source}/ repeats and needs a construct the linear-time engine lacks (${reason})`);
  }
  return {
    source,
    flags,
    exec(input, from = 0) {
      if (from > input.length) return null;
      const matcher = compiled.matcher(input);
      if (!matcher.find(from)) return null;
      const groups: Array<string | undefined> = [];
      for (let i = 0; i <= matcher.groupCount(); i++) groups.push(matcher.group(i) ?? undefined);
      return { index: matcher.start(), groups };
    },
    test(input) {
      return compiled.matcher(input).find();
    },
  };
}

const cache = new Map<string, SafeRegex>();
const CACHE_SIZE = 256;

/**
 * `new RegExp(source, flags)` that cannot backtrack catastrophically (see the file's comment).
 * Throws SyntaxError for what V8 refuses, {@link LimitExceeded} for a quantified pattern RE2 cannot run.
 */
export function safeRegex(source: string, flags = ""): SafeRegex {
  const key = `${flags}/${source}`;
  const hit = cache.get(key);
  if (hit) return hit;
  // V8 checks the syntax (and throws its SyntaxError) either way: the pattern must be valid JavaScript.
  new RegExp(source, flags.replace(/[gy]/g, ""));
  const regex = hasQuantifier(source) ? re2Regex(source, flags.replace(/[gy]/g, "")) : nativeRegex(source, flags.replace(/[gy]/g, ""));
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(key, regex);
  return regex;
}
