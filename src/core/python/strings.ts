/**
 * Python's `str` methods that are plain text work (strip, split, title, replace, startswith, padding),
 * shared by the method tables in attributes.ts and the filters that copy them.
 */
import { typeError, valueError } from "./errors";
import { checkChars } from "./limits";
import { isTuple, pyTypeName, strOf } from "./objects";

export function requireString(value: unknown, what: string): string {
  const text = strOf(value);
  if (text === undefined) throw typeError(`${what} must be str, not ${pyTypeName(value)}`);
  return text;
}

export function optionalInt(value: unknown, what: string): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "number" && Number.isInteger(value)) return value;
  throw typeError(`'${pyTypeName(value)}' object cannot be interpreted as an integer (${what})`);
}

const whitespace = /^[\s\u001c-\u001f\u0085]+|[\s\u001c-\u001f\u0085]+$/g;

export function stripChars(text: string, chars: unknown, side: "both" | "left" | "right"): string {
  if (chars === null || chars === undefined) {
    if (side === "both") return text.replace(whitespace, "");
    if (side === "left") return text.replace(/^[\s\u001c-\u001f\u0085]+/, "");
    return text.replace(/[\s\u001c-\u001f\u0085]+$/, "");
  }
  const set = new Set(requireString(chars, "strip arg"));
  const codePoints = [...text];
  let start = 0;
  let end = codePoints.length;
  if (side !== "right") while (start < end && set.has(codePoints[start])) start++;
  if (side !== "left") while (end > start && set.has(codePoints[end - 1])) end--;
  return codePoints.slice(start, end).join("");
}

export function pySplit(text: string, sep: unknown, maxsplit: number): string[] {
  if (sep === null || sep === undefined) {
    const out: string[] = [];
    let rest = text.replace(/^\s+/, "");
    while (rest.length) {
      if (maxsplit >= 0 && out.length === maxsplit) {
        out.push(rest);
        break;
      }
      const match = /\s+/.exec(rest);
      if (!match) {
        out.push(rest);
        break;
      }
      out.push(rest.slice(0, match.index));
      rest = rest.slice(match.index + match[0].length);
    }
    return out;
  }
  const separator = requireString(sep, "sep");
  if (separator === "") throw valueError("empty separator");
  const parts = text.split(separator);
  if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
  return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(separator)];
}

export function pyRSplit(text: string, sep: unknown, maxsplit: number): string[] {
  if (maxsplit < 0) return pySplit(text, sep, -1);
  if (sep === null || sep === undefined) {
    const words = pySplit(text, null, -1);
    if (words.length <= maxsplit + 1) return words;
    const trimmed = text.replace(/\s+$/, "");
    const out: string[] = [];
    let rest = trimmed;
    for (let i = 0; i < maxsplit; i++) {
      const match = /\s+(\S+)$/.exec(rest);
      if (!match) break;
      out.unshift(match[1]);
      rest = rest.slice(0, match.index);
    }
    out.unshift(rest.replace(/^\s+/, ""));
    return out;
  }
  const separator = requireString(sep, "sep");
  if (separator === "") throw valueError("empty separator");
  const parts = text.split(separator);
  if (parts.length <= maxsplit + 1) return parts;
  return [parts.slice(0, parts.length - maxsplit).join(separator), ...parts.slice(parts.length - maxsplit)];
}

export const casedRe = /[\p{Lu}\p{Ll}\p{Lt}]/u;
export const upperRe = /[\p{Lu}\p{Lt}]/u;
export const lowerRe = /\p{Ll}/u;

/** Python's `str.title()`: a cased character after an uncased one starts a word. */
export function pyTitle(text: string): string {
  let out = "";
  let previousCased = false;
  for (const ch of text) {
    if (upperRe.test(ch)) {
      out += previousCased ? ch.toLowerCase() : ch;
      previousCased = true;
    } else if (lowerRe.test(ch)) {
      out += previousCased ? ch : ch.toUpperCase();
      previousCased = true;
    } else {
      out += ch;
      previousCased = casedRe.test(ch);
    }
  }
  return out;
}

export function pyCapitalize(text: string): string {
  const [first = "", ...rest] = [...text];
  return first.toUpperCase() + rest.join("").toLowerCase();
}

/** How many replacements `str.replace` makes (at most `count` when it is ≥ 0). */
function occurrences(text: string, old: string, count: number): number {
  const limit = count < 0 ? Infinity : count;
  if (old === "") return Math.min(limit, [...text].length + 1);
  let found = 0;
  for (let at = text.indexOf(old); at >= 0 && found < limit; at = text.indexOf(old, at + old.length)) found++;
  return found;
}

export function pyReplace(text: string, old: string, replacement: string, count: number): string {
  if (replacement.length > old.length) {
    checkChars(text.length + occurrences(text, old, count) * (replacement.length - old.length), "the replaced string");
  }
  if (count < 0) return old === "" ? [...text].map((ch) => replacement + ch).join("") + replacement : text.split(old).join(replacement);
  let out = "";
  let rest = text;
  for (let done = 0; done < count; done++) {
    if (old === "") {
      out += replacement;
      if (!rest) return out;
      const [first] = [...rest];
      out += first;
      rest = rest.slice(first.length);
      continue;
    }
    const at = rest.indexOf(old);
    if (at < 0) break;
    out += rest.slice(0, at) + replacement;
    rest = rest.slice(at + old.length);
  }
  return out + rest;
}

export function prefixTest(text: string, prefix: unknown, start: unknown, end: unknown, atEnd: boolean): boolean {
  const chars = [...text];
  const from = optionalInt(start, "start") ?? 0;
  const to = optionalInt(end, "end") ?? chars.length;
  const norm = (i: number) => Math.min(Math.max(i < 0 ? i + chars.length : i, 0), chars.length);
  const window = chars.slice(norm(from), norm(to)).join("");
  const candidates = isTuple(prefix) ? prefix : [prefix];
  return candidates.some((candidate) => {
    if (strOf(candidate) === undefined) {
      throw typeError(`${atEnd ? "endswith" : "startswith"} first arg must be str or a tuple of str, not ${pyTypeName(candidate)}`);
    }
    return atEnd ? window.endsWith(strOf(candidate) as string) : window.startsWith(strOf(candidate) as string);
  });
}

export function padded(text: string, width: unknown, fill: unknown, mode: "center" | "ljust" | "rjust"): string {
  const size = optionalInt(width, "width") ?? 0;
  const fillChar = fill === undefined ? " " : requireString(fill, "fillchar");
  if ([...fillChar].length !== 1) throw typeError("The fill character must be exactly one character long");
  const length = [...text].length;
  if (size <= length) return text;
  checkChars(text.length + (size - length) * fillChar.length, `the ${mode === "center" ? "centred" : "padded"} string`);
  const gap = size - length;
  if (mode === "ljust") return text + fillChar.repeat(gap);
  if (mode === "rjust") return fillChar.repeat(gap) + text;
  // CPython centres with the extra space on the right unless both the gap and the width are odd.
  const left = Math.floor(gap / 2) + (gap & size & 1);
  return fillChar.repeat(left) + text + fillChar.repeat(gap - left);
}
