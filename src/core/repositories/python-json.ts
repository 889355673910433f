/**
 * Python formatting the repositories copy: `json.dumps(x, indent=2)` and `str(x)` for the retry
 * conversation history. Numbers and key order follow the workflow content hash's Python `json.dumps`
 * (src/core/workflow/content-hash.ts), so JavaScript's limits are the same there and here.
 */
import { pythonJsonDumps, pythonNumber } from "../workflow/content-hash";

const shortEscapes: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

/** A str as `json.dumps` writes it with `ensure_ascii=True`. */
function pythonJsonString(text: string): string {
  return `"${text.replace(/[^ -~]|["\\]/g, (char) => shortEscapes[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`)}"`;
}

/**
 * Python `json.dumps(value, indent=indent)`: separators `","` and `": "`, insertion key order,
 * `ensure_ascii`. Python would refuse a datetime; module outputs only hold one by accident, and its
 * ISO text is the most useful thing to show for it.
 */
export function pythonJsonIndent(value: unknown, indent: number): string {
  const encode = (node: unknown, level: number): string => {
    if (node === null || node === undefined) return "null";
    if (node === true) return "true";
    if (node === false) return "false";
    if (typeof node === "number") return pythonNumber(node);
    if (typeof node === "string") return pythonJsonString(node);
    if (node instanceof Date) return pythonJsonString(node.toISOString());
    const inner = "\n" + " ".repeat(indent * (level + 1));
    const outer = "\n" + " ".repeat(indent * level);
    if (Array.isArray(node)) {
      if (node.length === 0) return "[]";
      return "[" + inner + node.map((item) => encode(item, level + 1)).join("," + inner) + outer + "]";
    }
    if (typeof node === "object") {
      const record = node as Record<string, unknown>;
      const keys = Object.keys(record).filter((key) => record[key] !== undefined);
      if (keys.length === 0) return "{}";
      const items = keys.map((key) => pythonJsonString(key) + ": " + encode(record[key], level + 1));
      return "{" + inner + items.join("," + inner) + outer + "}";
    }
    return "null";
  };
  return encode(value, 0);
}

/**
 * Python `str()` of a scalar. The repositories never `str()` a container; one would print as JSON
 * with Python's default separators, close to but not exactly Python's repr.
 */
export function pythonStr(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return pythonNumber(value);
  if (typeof value === "string") return value;
  if (value instanceof Date) return value.toISOString();
  try {
    return pythonJsonDumps(value);
  } catch {
    return String(value);
  }
}
