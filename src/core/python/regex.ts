/**
 * Python `re` patterns run on JavaScript's engine, for transform.parse_pattern (modules.md 1.9, 2.20)
 * and io.validate's JSON Schema `pattern`/`patternProperties` (Python jsonschema uses `re.search`).
 * The pattern is parsed the way CPython 3.11's `sre_parse` parses it, so invalid patterns fail with
 * Python's `re.error` text (`missing ), unterminated subpattern at position 0`), and translated to a
 * JS `v`-mode pattern with Python's meaning: Unicode `\d`/`\w`/`\s`/`\b`, `.` excluding only `\n`,
 * `$` also before a final newline, `\A`/`\Z`, `(?P<name>…)`/`(?P=name)`, `{,n}`, literal `{`,
 * inline flags (global and scoped), verbose mode, octal and `\U` escapes. `re.match` anchors at the
 * start only, and `re.split` keeps captured separators (null for groups that did not take part).
 *
 * Not translated (they fail as invalid): conditional groups `(?(1)…)`, atomic groups and possessive
 * quantifiers (Python 3.11+), `\N{…}` names, and a scoped `(?-i:…)` inside a case-insensitive pattern.
 */

import { PythonRegexError, Translator, type CompiledPythonRegex } from "./regex-translate";

export { PythonRegexError, type CompiledPythonRegex };

/** `re.compile(pattern)` as a JS pattern; throws `PythonRegexError` where Python raises `re.error`. */
export function compilePythonPattern(pattern: string): CompiledPythonRegex {
  const compiled = new Translator(pattern).translate();
  // Anything our translation lets through but the JS engine refuses is reported as a Python error.
  try {
    new RegExp(compiled.source, compiled.ignoreCase ? "vi" : "v");
  } catch (error) {
    throw new PythonRegexError(error instanceof Error ? error.message : String(error), 0, pattern);
  }
  return compiled;
}

function regexOf(compiled: CompiledPythonRegex, extraFlags: string): RegExp {
  return new RegExp(compiled.source, `v${compiled.ignoreCase ? "i" : ""}${extraFlags}`);
}

/** The pattern as a JS RegExp whose `test`/`exec` is Python's `re.search`. */
export function pythonSearchRegExp(compiled: CompiledPythonRegex): RegExp {
  return regexOf(compiled, "");
}

export interface PythonMatch {
  /** `m.groupdict()`: every named group, null when it did not take part. */
  groupdict: Record<string, string | null>;
  text: string;
}

/** `re.match(pattern, text)`: a match starting at position 0 (not anchored at the end). */
export function pythonMatch(compiled: CompiledPythonRegex, text: string): PythonMatch | null {
  const regex = regexOf(compiled, "y");
  regex.lastIndex = 0;
  const match = regex.exec(text);
  if (match === null) return null;
  const groupdict: Record<string, string | null> = {};
  for (const name of compiled.groupNames) groupdict[name] = match.groups?.[name] ?? null;
  return { groupdict, text: match[0] };
}

/**
 * `re.split(pattern, text)` (Python 3.7+): empty matches split too, captured groups are kept
 * (null for a group that did not take part).
 */
export function pythonSplit(compiled: CompiledPythonRegex, text: string): Array<string | null> {
  const regex = regexOf(compiled, "g");
  const out: Array<string | null> = [];
  let last = 0;
  let position = 0;
  let previousEmptyAt = -1;
  while (position <= text.length) {
    regex.lastIndex = position;
    const match = regex.exec(text);
    if (match === null) break;
    const end = match.index + match[0].length;
    if (match[0] === "" && match.index === previousEmptyAt) {
      // An empty match right where the last empty one was: Python moves on by one character.
      position = match.index + (text.codePointAt(match.index)! > 0xffff ? 2 : 1);
      continue;
    }
    out.push(text.slice(last, match.index));
    for (let i = 1; i < match.length; i++) out.push(match[i] ?? null);
    last = end;
    if (match[0] === "") previousEmptyAt = match.index;
    else previousEmptyAt = -1;
    position = end;
  }
  out.push(text.slice(last));
  return out;
}
