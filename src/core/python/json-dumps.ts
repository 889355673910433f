/**
 * Python's `json.dumps`, byte for byte, for the places wfv must print JSON as the original does: the
 * workflow content hash, the retry conversation history, `api.llm`'s `response_text`, `user.pause`'s
 * state preview. One implementation, so number formatting, escapes and key order agree everywhere.
 *
 * What JavaScript cannot reproduce: a parsed JSON number has no int/float distinction. A safe integer
 * (|n| < 2^53) prints as a Python int, so an integral float such as `1.0` prints `1`, and `-0.0` prints
 * `0`. Beyond 2^53 the number prints as the float it has become.
 */

export interface PythonJsonDumpsOptions {
  /** Python's `indent`: spaces per level, or the indent string; null/absent for one line. */
  indent?: number | string | null;
  /** Python's `separators[0]`: `", "` by default (`","` when indenting), `","` for the compact form. */
  itemSeparator?: string;
  /** Python's `separators[1]`: `": "` by default, `":"` for the compact form. */
  keySeparator?: string;
  sortKeys?: boolean;
  /** Python's `ensure_ascii` (default true): everything outside printable ASCII as `\uXXXX`. */
  ensureAscii?: boolean;
  /**
   * What to do with a `Date`: Python refuses a datetime ("error", the default); "iso" writes its ISO
   * text, the most useful thing to show where a module output held one by accident.
   */
  dates?: "error" | "iso";
}

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

const escapeOne = (char: string) => SHORT_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;

/** A str as `json.dumps` writes it. Escaping UTF-16 units one by one yields Python's surrogate pairs. */
export function pythonJsonString(text: string, ensureAscii = true): string {
  return `"${text.replace(ensureAscii ? /[^ -~]|["\\]/g : /["\\\u0000-\u001f]/g, escapeOne)}"`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Python's `json.dumps(value, ...)` for a JSON value. Throws TypeError for anything else. */
export function pythonJsonDumps(value: unknown, options: PythonJsonDumpsOptions = {}): string {
  const indent = typeof options.indent === "number" ? " ".repeat(options.indent) : (options.indent ?? null);
  const itemSeparator = options.itemSeparator ?? (indent === null ? ", " : ",");
  const keySeparator = options.keySeparator ?? ": ";
  const ensureAscii = options.ensureAscii ?? true;
  const parts: string[] = [];

  const newline = (level: number) => {
    if (indent !== null) parts.push("\n", indent.repeat(level));
  };
  const write = (node: unknown, level: number): void => {
    if (node === null) parts.push("null");
    else if (node === true) parts.push("true");
    else if (node === false) parts.push("false");
    else if (typeof node === "number") parts.push(pythonNumber(node));
    else if (typeof node === "string") parts.push(pythonJsonString(node, ensureAscii));
    else if (node instanceof Date && options.dates === "iso") parts.push(pythonJsonString(node.toISOString(), ensureAscii));
    else if (Array.isArray(node)) {
      if (node.length === 0) return void parts.push("[]");
      parts.push("[");
      node.forEach((item, index) => {
        if (index > 0) parts.push(itemSeparator);
        newline(level + 1);
        write(item, level + 1);
      });
      newline(level);
      parts.push("]");
    } else if (isPlainObject(node)) {
      const keys = Object.keys(node).filter((key) => node[key] !== undefined);
      if (keys.length === 0) return void parts.push("{}");
      if (options.sortKeys) keys.sort(compareCodePoints);
      parts.push("{");
      keys.forEach((key, index) => {
        if (index > 0) parts.push(itemSeparator);
        newline(level + 1);
        parts.push(pythonJsonString(key, ensureAscii), keySeparator);
        write(node[key], level + 1);
      });
      newline(level);
      parts.push("}");
    } else {
      throw new TypeError(`Object of type ${Object.prototype.toString.call(node).slice(8, -1)} is not JSON serializable`);
    }
  };

  write(value, 0);
  return parts.join("");
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
