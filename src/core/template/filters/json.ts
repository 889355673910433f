/** `tojson`: Python's `json.dumps(sort_keys=True)` plus Jinja's HTML-safe escaping of `<>&'`. */
import { floatRepr } from "../../python/format";
import { checkChars, checkedJoin } from "../../python/limits";
import { typeError } from "../template-error";
import { isDict, isFloat, numberOf, PyFloat, PyMarkup, pyTypeName, sequenceKind, strOf } from "../../python/objects";
import { filter, type FilterFn } from "./common";

function jsonString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const code = text.charCodeAt(i);
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (code < 0x20 || code > 0x7e) out += "\\u" + code.toString(16).padStart(4, "0");
    else out += ch;
  }
  return out + '"';
}

function jsonNumber(value: number | PyFloat | bigint): string {
  if (typeof value === "bigint") return value.toString();
  const n = numberOf(value);
  if (!isFloat(value)) return String(n);
  if (Number.isNaN(n)) return "NaN";
  if (!Number.isFinite(n)) return n > 0 ? "Infinity" : "-Infinity";
  return floatRepr(n);
}

/** Python's `json.dumps(value, sort_keys=True, indent=indent)`. */
export function pythonJsonDumps(value: unknown, indent: string | null, level = 0): string {
  if (value === null) return "null";
  if (value === true) return "true";
  if (value === false) return "false";
  if (typeof value === "number" || value instanceof PyFloat || typeof value === "bigint") return jsonNumber(value);
  const text = strOf(value);
  if (text !== undefined) return jsonString(text);
  const nested = (items: string[], open: string, close: string): string => {
    if (!items.length) return open + close;
    if (indent === null) return open + checkedJoin(items, ", ", "the JSON text") + close;
    checkChars(indent.length * (level + 1), "the JSON indentation");
    const inner = "\n" + indent.repeat(level + 1);
    return open + inner + checkedJoin(items, "," + inner, "the JSON text") + "\n" + indent.repeat(level) + close;
  };
  if (Array.isArray(value) && (sequenceKind(value) === "list" || sequenceKind(value) === "tuple")) return nested(value.map((item) => pythonJsonDumps(item, indent, level + 1)), "[", "]");
  if (isDict(value)) {
    const keys = Object.keys(value).sort();
    return nested(keys.map((key) => `${jsonString(key)}: ${pythonJsonDumps(value[key], indent, level + 1)}`), "{", "}");
  }
  throw typeError(`Object of type ${pyTypeName(value)} is not JSON serializable`);
}

export const jsonFilters: Record<string, FilterFn> = {
  tojson: filter("tojson", [["indent", null]], (v, a) => {
    if (a.indent !== null && typeof a.indent !== "string") checkChars(numberOf(a.indent as number), "the JSON indentation");
    const indent = a.indent === null ? null : typeof a.indent === "string" ? a.indent : " ".repeat(numberOf(a.indent as number));
    return new PyMarkup(pythonJsonDumps(v, indent)
      .replace(/</g, "\\u003c")
      .replace(/>/g, "\\u003e")
      .replace(/&/g, "\\u0026")
      .replace(/'/g, "\\u0027"));
  }),
};
