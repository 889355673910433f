/** Jinja2's text filters. */
import { pyCapitalize, pyReplace } from "../../python/strings";
import { required } from "../../python/call-args";
import { pyArithmetic, pyIterate, pyLength, pyUnpack, undefinedError } from "../../python/operators";
import { checkChars, checkedJoin } from "../../python/limits";
import { formatWithSpec, percentFormat, pyRepr, pyStr } from "../../python/format";
import { TemplateError, typeError } from "../template-error";
import { escapeHtml, isDict, isTuple, makeTuple, PyMarkup, pyTypeName, strOf, Undef } from "../../python/objects";
import { pyFloatValue } from "./numbers";
import { pformat } from "./pprint";
import { filter, keepMarkup, softStr, type FilterFn } from "./common";

const titleSplitRe = /([-\s({[<]+)/u;

/** markupsafe.escape: Markup stays as it is, anything else becomes escaped Markup. */
function markupEscape(value: unknown): PyMarkup {
  if (value instanceof PyMarkup) return value;
  return new PyMarkup(value instanceof Undef ? "" : escapeHtml(softStr(value)));
}

function splitLines(text: string): string[] {
  const parts = text.split(/\r\n|[\n\r\v\f\u001c-\u001e\u0085\u2028\u2029]/);
  if (parts.length && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/** `str.center(width)` with CPython's placement of the odd space. */
function center(text: string, width: number): string {
  const length = [...text].length;
  if (width <= length) return text;
  checkChars(text.length + width - length, "the centred string");
  const gap = width - length;
  const left = Math.floor(gap / 2) + (gap & width & 1);
  return " ".repeat(left) + text + " ".repeat(gap - left);
}

function asInt(value: unknown, what: string): number {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "number" && Number.isInteger(value)) return value;
  throw typeError(`'${pyTypeName(value)}' object cannot be interpreted as an integer (${what})`);
}

function requireStr(value: unknown, fn: string): string {
  if (value instanceof Undef) throw undefinedError(value);
  const text = strOf(value);
  if (text === undefined) throw typeError(`${fn}: expected str, got ${pyTypeName(value)}`);
  return text;
}

function urlQuote(value: unknown, forQuery: boolean): string {
  const text = softStr(value);
  const bytes = new TextEncoder().encode(text);
  let out = "";
  for (const byte of bytes) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9_.\-~]/.test(ch) || (!forQuery && ch === "/")) out += ch;
    else out += "%" + byte.toString(16).toUpperCase().padStart(2, "0");
  }
  return forQuery ? out.replace(/%20/g, "+") : out;
}

function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, entity: string) => {
    if (entity[0] === "#") {
      const code = entity[1].toLowerCase() === "x" ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      return String.fromCodePoint(code);
    }
    return named[entity.toLowerCase()] ?? whole;
  });
}

export const stringFilters: Record<string, FilterFn> = {
  upper: keepMarkup(filter("upper", [], (v) => softStr(v).toUpperCase())),
  lower: keepMarkup(filter("lower", [], (v) => softStr(v).toLowerCase())),
  capitalize: keepMarkup(filter("capitalize", [], (v) => pyCapitalize(softStr(v)))),
  title: filter("title", [], (v) =>
    softStr(v)
      .split(titleSplitRe)
      .filter((item) => item)
      .map((item) => {
        const [first, ...rest] = [...item];
        return first.toUpperCase() + rest.join("").toLowerCase();
      })
      .join("")),
  trim: keepMarkup(filter("trim", [["chars", null]], (v, a) => {
    const text = softStr(v);
    if (a.chars === null) return text.replace(/^[\s\u001c-\u001f\u0085]+|[\s\u001c-\u001f\u0085]+$/g, "");
    const set = new Set(softStr(a.chars));
    const chars = [...text];
    let start = 0;
    let end = chars.length;
    while (start < end && set.has(chars[start])) start++;
    while (end > start && set.has(chars[end - 1])) end--;
    return chars.slice(start, end).join("");
  })),
  string: keepMarkup(filter("string", [], (v) => softStr(v))),
  replace: filter("replace", [["old", required], ["new", required], ["count", null]], (v, a) =>
    pyReplace(softStr(v), softStr(a.old), softStr(a.new), a.count === null ? -1 : asInt(a.count, "count"))),
  center: keepMarkup(filter("center", [["width", 80]], (v, a) => center(softStr(v), asInt(a.width, "width")))),
  indent: keepMarkup(filter("indent", [["width", 4], ["first", false], ["blank", false]], (v, a) => {
    if (typeof a.width !== "string") checkChars(asInt(a.width, "width"), "the indentation");
    const indention = typeof a.width === "string" ? a.width : " ".repeat(asInt(a.width, "width"));
    // Jinja appends "\n" with `+=`, so a non-string input fails as Python does: a list takes the
    // "\n" as an item and then has no splitlines().
    if (Array.isArray(v) && !isTuple(v)) throw new TemplateError("attribute", "'list' object has no attribute 'splitlines'");
    const text = pyStr(pyArithmetic("add", v, "\n"));
    let result: string;
    if (a.blank) result = checkedJoin(splitLines(text), "\n" + indention, "the indented string");
    else {
      const lines = splitLines(text);
      result = lines.shift() ?? "";
      checkChars(text.length + lines.length * indention.length, "the indented string");
      if (lines.length) result += "\n" + lines.map((line) => (line ? indention + line : line)).join("\n");
    }
    return a.first ? indention + result : result;
  })),
  truncate: keepMarkup(filter("truncate", [["length", 255], ["killwords", false], ["end", "..."], ["leeway", null]], (v, a) => {
    const length = asInt(a.length, "length");
    const end = softStr(a.end);
    const leeway = a.leeway === null ? 5 : asInt(a.leeway, "leeway");
    if (length < [...end].length) throw new TemplateError("assertion", `expected length >= ${[...end].length}, got ${length}`);
    if (leeway < 0) throw new TemplateError("assertion", `expected leeway >= 0, got ${leeway}`);
    if (v instanceof Undef) return v;
    if (pyLength(v) <= length + leeway) return v;
    if (Array.isArray(v)) {
      // Python slices the list, then `+ end` or `.rsplit` fails on it.
      if (a.killwords) throw typeError(`can only concatenate ${pyTypeName(v)} (not "str") to ${pyTypeName(v)}`);
      throw new TemplateError("attribute", `'${pyTypeName(v)}' object has no attribute 'rsplit'`);
    }
    if (isDict(v)) throw typeError("unhashable type: 'slice'");
    const chars = [...requireStr(v, "truncate")];
    if (a.killwords) return chars.slice(0, length - [...end].length).join("") + end;
    const head = chars.slice(0, length - [...end].length).join("");
    const space = head.lastIndexOf(" ");
    return (space >= 0 ? head.slice(0, space) : head) + end;
  })),
  wordcount: filter("wordcount", [], (v) => (softStr(v).match(/[\p{L}\p{N}_]+/gu) ?? []).length),
  format: (v, call) => {
    if (call.args.length && call.kwargs.size) throw new TemplateError("runtime", "can't handle positional and keyword arguments at the same time");
    const values = call.kwargs.size ? Object.fromEntries(call.kwargs) : makeTuple([...call.args]);
    // Markup % args escapes the arguments and stays Markup.
    if (v instanceof PyMarkup) return new PyMarkup(percentFormat(v.text, values, escapeHtml));
    return percentFormat(softStr(v), values);
  },
  escape: filter("escape", [], (v) => markupEscape(v)),
  e: filter("e", [], (v) => markupEscape(v)),
  forceescape: filter("forceescape", [], (v) => new PyMarkup(escapeHtml(softStr(v)))),
  safe: filter("safe", [], (v) => (v instanceof PyMarkup ? v : new PyMarkup(softStr(v)))),
  striptags: filter("striptags", [], (v) => {
    const stripped = softStr(v).replace(/<!--.*?-->/gs, "").replace(/<.*?>/gs, "");
    return decodeEntities(stripped.split(/\s+/).filter(Boolean).join(" "));
  }),
  urlencode: filter("urlencode", [], (v) => {
    if (strOf(v) !== undefined || !(Array.isArray(v) || isDict(v))) return urlQuote(v, false);
    const pairs = isDict(v) ? Object.keys(v).map((key) => [key, v[key]]) : pyIterate(v).map((pair) => pyUnpack(pair, 2));
    return pairs.map(([key, value]) => `${urlQuote(key, true)}=${urlQuote(value, true)}`).join("&");
  }),
  filesizeformat: filter("filesizeformat", [["binary", false]], (v, a) => {
    const bytes = pyFloatValue(v);
    const base = a.binary ? 1024 : 1000;
    const prefixes = a.binary ? ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"] : ["kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
    if (bytes === 1) return "1 Byte";
    if (bytes < base) return `${Math.trunc(bytes)} Bytes`;
    let unit = base;
    let prefix = prefixes[0];
    for (let i = 0; i < prefixes.length; i++) {
      unit = base ** (i + 2);
      prefix = prefixes[i];
      if (bytes < unit) break;
    }
    return `${formatWithSpec((base * bytes) / unit, ".1f")} ${prefix}`;
  }),
  pprint: filter("pprint", [], (v) => pformat(v)),
  xmlattr: filter("xmlattr", [["autospace", true]], (v, a) => {
    if (v instanceof Undef) throw undefinedError(v);
    if (!isDict(v)) throw new TemplateError("attribute", `'${pyTypeName(v)}' object has no attribute 'items'`);
    const items: string[] = [];
    for (const key of Object.keys(v)) {
      const value = v[key];
      if (value === null || value instanceof Undef) continue;
      if (/[\s/>=]/.test(key)) throw new TemplateError("value", `Invalid character in attribute name: ${pyRepr(key)}`);
      items.push(`${escapeHtml(key)}="${escapeHtml(softStr(value))}"`);
    }
    const joined = items.join(" ");
    return a.autospace && joined ? " " + joined : joined;
  }),
};
