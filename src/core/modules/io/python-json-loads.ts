/**
 * Python's `json.loads` (CPython 3.11's C scanner), so the modules that parse JSON text
 * (io.save_json, io.load_json) fail with the original's error text, e.g.
 * `Expecting value: line 1 column 1 (char 0)`. Python also accepts `NaN`, `Infinity` and `-Infinity`.
 */
/** `json.JSONDecodeError`: its message carries the line, column and character position. */
export class PythonJsonDecodeError extends Error {
  constructor(
    readonly reason: string,
    readonly position: number,
    text: string,
  ) {
    const line = countNewlines(text, position) + 1;
    const column = line === 1 ? position + 1 : position - text.lastIndexOf("\n", position - 1);
    super(`${reason}: line ${line} column ${column} (char ${position})`);
    this.name = "JSONDecodeError";
  }
}

function countNewlines(text: string, end: number): number {
  let count = 0;
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) count++;
  return count;
}

const WHITESPACE = " \t\n\r";
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;
const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/** Thrown where Python's scanner raises StopIteration: no value starts at `position`. */
class NoValue {
  constructor(readonly position: number) {}
}

export function pythonJsonLoads(text: string): unknown {
  const fail = (reason: string, position: number): never => {
    throw new PythonJsonDecodeError(reason, position, text);
  };
  const skip = (at: number): number => {
    while (at < text.length && WHITESPACE.includes(text[at]!)) at++;
    return at;
  };

  const scanString = (end: number): [string, number] => {
    const begin = end - 1;
    let out = "";
    for (;;) {
      if (end >= text.length) fail("Unterminated string starting at", begin);
      const char = text[end]!;
      if (char === '"') return [out, end + 1];
      if (char === "\\") {
        end++;
        if (end >= text.length) fail("Unterminated string starting at", begin);
        const escape = text[end]!;
        if (escape === "u") {
          const hex = text.slice(end + 1, end + 5);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("Invalid \\uXXXX escape", end);
          out += String.fromCharCode(parseInt(hex, 16));
          end += 5;
        } else {
          const mapped = ESCAPES[escape];
          if (mapped === undefined) fail("Invalid \\escape", end - 1);
          out += mapped;
          end++;
        }
        continue;
      }
      if (char.charCodeAt(0) < 0x20) fail("Invalid control character at", end);
      out += char;
      end++;
    }
  };

  const scanOnce = (at: number): [unknown, number] => {
    if (at >= text.length) throw new NoValue(at);
    const char = text[at]!;
    if (char === '"') return scanString(at + 1);
    if (char === "{") return scanObject(at + 1);
    if (char === "[") return scanArray(at + 1);
    if (text.startsWith("null", at)) return [null, at + 4];
    if (text.startsWith("true", at)) return [true, at + 4];
    if (text.startsWith("false", at)) return [false, at + 5];
    NUMBER.lastIndex = at;
    const number = NUMBER.exec(text);
    if (number !== null) return [Number(number[0]), at + number[0].length];
    if (text.startsWith("NaN", at)) return [NaN, at + 3];
    if (text.startsWith("Infinity", at)) return [Infinity, at + 8];
    if (text.startsWith("-Infinity", at)) return [-Infinity, at + 9];
    throw new NoValue(at);
  };

  const valueAt = (at: number): [unknown, number] => {
    try {
      return scanOnce(at);
    } catch (error) {
      if (error instanceof NoValue) fail("Expecting value", error.position);
      throw error;
    }
  };

  const scanObject = (end: number): [unknown, number] => {
    const result: Record<string, unknown> = {};
    end = skip(end);
    if (text[end] === "}") return [result, end + 1];
    if (text[end] !== '"') fail("Expecting property name enclosed in double quotes", end);
    end++;
    for (;;) {
      const [key, afterKey] = scanString(end);
      end = skip(afterKey);
      if (text[end] !== ":") fail("Expecting ':' delimiter", end);
      end = skip(end + 1);
      const [value, afterValue] = valueAt(end);
      // A plain own key even for `__proto__`, as a Python dict key.
      Object.defineProperty(result, key, { value, writable: true, enumerable: true, configurable: true });
      end = skip(afterValue);
      const next = text[end];
      end++;
      if (next === "}") return [result, end];
      if (next !== ",") fail("Expecting ',' delimiter", end - 1);
      end = skip(end);
      if (text[end] !== '"') fail("Expecting property name enclosed in double quotes", end);
      end++;
    }
  };

  const scanArray = (end: number): [unknown, number] => {
    const result: unknown[] = [];
    end = skip(end);
    if (text[end] === "]") return [result, end + 1];
    for (;;) {
      const [value, afterValue] = valueAt(end);
      result.push(value);
      end = skip(afterValue);
      const next = text[end];
      end++;
      if (next === "]") return [result, end];
      if (next !== ",") fail("Expecting ',' delimiter", end - 1);
      end = skip(end);
    }
  };

  if (text.startsWith("\ufeff")) fail("Unexpected UTF-8 BOM (decode using utf-8-sig)", 0);
  const [value, end] = valueAt(skip(0));
  const rest = skip(end);
  if (rest !== text.length) fail("Extra data", rest);
  return value;
}
