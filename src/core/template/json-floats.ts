/**
 * JSON reading that keeps Python's int/float distinction: `1.0` and `2e3` become `PyFloat` so they
 * print as `1.0` / `2000.0`, as they do in the original (where JSON floats stay floats). Also reads
 * the wire dialect's `{"$date": ISO}` as `Date`. Used for fixtures, the CLI and differential tests.
 */
import { PyFloat } from "../python/objects";

const floatMarker = "__wfv_integral_float__";
const numberRe = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

function markIntegralFloats(text: string): string {
  let out = "";
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
      continue;
    }
    if (ch === "-" || (ch >= "0" && ch <= "9")) {
      numberRe.lastIndex = i;
      const match = numberRe.exec(text);
      if (!match) continue;
      const token = match[0];
      if (/[.eE]/.test(token) && Number.isInteger(Number(token))) {
        out += text.slice(last, i) + `{"${floatMarker}":${token}}`;
        last = i + token.length;
      }
      i += token.length - 1;
    }
  }
  return out + text.slice(last);
}

export function parseJsonKeepingFloats(text: string): unknown {
  return JSON.parse(markIntegralFloats(text), (_key, value: unknown) => {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record);
      if (keys.length === 1 && keys[0] === floatMarker) return new PyFloat(record[floatMarker] as number);
      if (keys.length === 1 && keys[0] === "$date" && typeof record.$date === "string") {
        const date = new Date(record.$date);
        if (!Number.isNaN(date.getTime())) return date;
      }
    }
    return value;
  });
}
