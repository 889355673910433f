/**
 * The workflow content hash (engine.md §1.10): the virtual server's
 * `sha256(json.dumps(wf, sort_keys=True, separators=(",", ":"))).hexdigest()`, so a definition hashes
 * the same here as there. That needs Python's `json.dumps` byte for byte: keys sorted by code point,
 * `ensure_ascii` escapes, and Python's number formatting.
 *
 * What JavaScript cannot reproduce: a JSON number has no int/float distinction once parsed. A safe
 * integer (|n| < 2^53) is printed as a Python int, so an integral float such as `1.0` prints `1` where
 * Python prints `1.0`, and `-0.0` prints `0`. Beyond 2^53 an int literal has already lost digits in JS,
 * so such a number is printed as the float it now is (`1e+300`), which is wrong for an exact big int
 * like 2**60. A workflow whose files hold such numbers hashes differently from the original; cc has
 * none (its hash is tested against the fixture).
 */
// node:crypto is a pure computation, not I/O. The engine (and this hash) runs in the extension host and
// the CLI, both Node; only the webview is a browser, and it never imports the core. The alternatives
// were a hand-written SHA-256 or the async `crypto.subtle`, which would make every caller async.
import { createHash } from "node:crypto";

export interface PythonJsonDumpsOptions {
  /** Python's `separators[0]`: `", "` by default, `","` for the compact form. */
  itemSeparator?: string;
  /** Python's `separators[1]`: `": "` by default, `":"` for the compact form. */
  keySeparator?: string;
  sortKeys?: boolean;
}

/** Python's `json.dumps(value, ensure_ascii=True, ...)` for a JSON value. */
export function pythonJsonDumps(value: unknown, options: PythonJsonDumpsOptions = {}): string {
  const itemSeparator = options.itemSeparator ?? ", ";
  const keySeparator = options.keySeparator ?? ": ";
  const sortKeys = options.sortKeys ?? false;
  const parts: string[] = [];

  const write = (node: unknown): void => {
    if (node === null) parts.push("null");
    else if (node === true) parts.push("true");
    else if (node === false) parts.push("false");
    else if (typeof node === "number") parts.push(pythonNumber(node));
    else if (typeof node === "string") parts.push(pythonAsciiString(node));
    else if (Array.isArray(node)) {
      parts.push("[");
      node.forEach((item, index) => {
        if (index > 0) parts.push(itemSeparator);
        write(item);
      });
      parts.push("]");
    } else if (isPlainObject(node)) {
      const record = node as Record<string, unknown>;
      const keys = Object.keys(record);
      if (sortKeys) keys.sort(compareCodePoints);
      parts.push("{");
      keys.forEach((key, index) => {
        if (index > 0) parts.push(itemSeparator);
        parts.push(pythonAsciiString(key), keySeparator);
        write(record[key]);
      });
      parts.push("}");
    } else {
      throw new TypeError(`not a JSON value: ${Object.prototype.toString.call(node)}`);
    }
  };

  write(value);
  return parts.join("");
}

function isPlainObject(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** The virtual server's content hash of a resolved workflow: lowercase hex SHA-256, no prefix. */
export function computeContentHash(workflow: unknown): string {
  const canonical = pythonJsonDumps(workflow, { sortKeys: true, itemSeparator: ",", keySeparator: ":" });
  return createHash("sha256").update(canonical, "utf8").digest("hex");
}

/** Python's `sorted()` order for str: by code point (JS's default compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(j)!;
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
    j += y > 0xffff ? 2 : 1;
  }
  return a.length - i - (b.length - j);
}

const shortEscapes: Record<string, string> = { '"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** `json.dumps` of a str with `ensure_ascii=True`: everything outside ` `..`~` escaped, lowercase hex. */
function pythonAsciiString(text: string): string {
  // Escaping UTF-16 units one by one yields exactly Python's surrogate pairs for astral characters.
  return `"${text.replace(/[^ -~]|["\\]/g, (char) => shortEscapes[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`)}"`;
}

/**
 * A number as Python's json prints it. Safe integers are taken for ints (JSON cannot say otherwise
 * once parsed); others use `float.__repr__`: the shortest round-trip digits (the same digits JS
 * finds), positional when the decimal point falls within (-4, 16] digits, else `d.ddde±XX`.
 */
export function pythonNumber(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "Infinity";
  if (value === -Infinity) return "-Infinity";
  if (Number.isSafeInteger(value)) return Object.is(value, -0) ? "0" : String(value);
  const [mantissa, exponentText] = value.toExponential().split("e") as [string, string];
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace(/^-/, "").replace(".", "");
  const exponent = Number(exponentText);
  const pointAt = exponent + 1; // digits are 0.d1d2... × 10^pointAt
  let body: string;
  if (pointAt > -4 && pointAt <= 16) {
    if (pointAt <= 0) body = `0.${"0".repeat(-pointAt)}${digits}`;
    else if (pointAt >= digits.length) body = `${digits}${"0".repeat(pointAt - digits.length)}.0`;
    else body = `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  } else {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : "";
    const sign = exponent < 0 ? "-" : "+";
    body = `${digits[0]}${fraction}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  return negative ? `-${body}` : body;
}
