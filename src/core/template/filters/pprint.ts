/** `pprint.pformat(value)` (width 80, sorted dict keys), as the `pprint` filter prints. */
import { pyRepr } from "../../python/format";
import { isDict, isTuple, makeTuple, setOwn } from "../../python/objects";

const width = 80;

function codeLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** pformat sorts dict keys at every level, also inside the one-line repr. */
function sortDicts(value: unknown): unknown {
  if (Array.isArray(value)) {
    const mapped = value.map(sortDicts);
    return isTuple(value) ? makeTuple(mapped) : mapped;
  }
  if (isDict(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) setOwn(out, key, sortDicts(value[key]));
    return out;
  }
  return value;
}

function formatString(text: string, indent: number, allowance: number, level: number): string {
  const lines = text.split(/(?<=\n)/);
  if (level === 1) {
    indent += 1;
    allowance += 1;
  }
  const maxWidth = width - indent;
  let maxWidth1 = maxWidth;
  const chunks: string[] = [];
  lines.forEach((line, i) => {
    const rep = pyRepr(line);
    if (i === lines.length - 1) maxWidth1 -= allowance;
    if (codeLength(rep) <= maxWidth1) {
      chunks.push(rep);
      return;
    }
    const parts = line.match(/\S*\s*/g)?.filter((part, j, all) => part !== "" || j < all.length - 1) ?? [];
    if (parts.length && parts[parts.length - 1] === "") parts.pop();
    let maxWidth2 = maxWidth;
    let current = "";
    parts.forEach((part, j) => {
      const candidate = current + part;
      if (j === parts.length - 1 && i === lines.length - 1) maxWidth2 -= allowance;
      if (codeLength(pyRepr(candidate)) > maxWidth2) {
        if (current) chunks.push(pyRepr(current));
        current = part;
      } else current = candidate;
    });
    if (current) chunks.push(pyRepr(current));
  });
  if (chunks.length === 1) return chunks[0];
  const body = chunks.join("\n" + " ".repeat(indent));
  return level === 1 ? `(${body})` : body;
}

function format(value: unknown, indent: number, allowance: number, level: number): string {
  const rep = pyRepr(value);
  if (codeLength(rep) <= width - indent - allowance) return rep;
  if (typeof value === "string" && value.length) return formatString(value, indent, allowance, level);
  if (Array.isArray(value) && value.length) {
    const tuple = isTuple(value);
    const endChar = tuple ? (value.length === 1 ? ",)" : ")") : "]";
    return (tuple ? "(" : "[") + formatItems(value, indent, allowance + endChar.length, level + 1) + endChar;
  }
  if (isDict(value) && Object.keys(value).length) {
    const keys = Object.keys(value);
    const inner = indent + 1;
    const parts = keys.map((key, i) => {
      const last = i === keys.length - 1;
      const keyRep = pyRepr(key);
      return `${keyRep}: ${format(value[key], inner + codeLength(keyRep) + 2, last ? allowance + 1 : 1, level + 1)}`;
    });
    return `{${parts.join(",\n" + " ".repeat(inner))}}`;
  }
  return rep;
}

function formatItems(items: unknown[], indent: number, allowance: number, level: number): string {
  const inner = indent + 1;
  return items.map((item, i) => format(item, inner, i === items.length - 1 ? allowance : 1, level)).join(",\n" + " ".repeat(inner));
}

export function pformat(value: unknown): string {
  return format(sortDicts(value), 0, 0, 1);
}
