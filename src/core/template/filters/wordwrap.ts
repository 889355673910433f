/** `wordwrap`: Jinja's paragraph-wise `textwrap.wrap` (Python 3.11), hyphen-aware chunking included. */
import { truthy, undefinedError } from "../../python/operators";
import { pyStr } from "../../python/format";
import { checkedJoin } from "../../python/limits";
import { TemplateError, valueError } from "../template-error";
import { pyTypeName, strOf, Undef } from "../../python/objects";
import { filter, type FilterFn } from "./common";

const ws = "[\\t\\n\\x0b\\x0c\\r ]";
const nws = "[^\\t\\n\\x0b\\x0c\\r ]";
const wordPunct = "[\\p{L}\\p{N}_!\"'&.,?]";
const letter = "[\\p{L}_]";
const wordChar = "[\\p{L}\\p{N}_]";
/** textwrap's wordsep_re: whitespace runs, em-dashes, and words split after hyphens between letters. */
const wordSeparator = new RegExp(
  `(${ws}+|(?<=${wordPunct})-{2,}(?=${wordChar})|${nws}+?(?:-(?:(?<=${letter}{2}-)|(?<=${letter}-${letter}-))(?=${letter}-?${letter})|(?=${ws}|$)|(?<=${wordPunct})(?=-{2,}${wordChar})))`,
  "u",
);
const simpleSeparator = new RegExp(`(${ws}+)`, "u");

const length = (text: string): number => [...text].length;
const isBlank = (text: string): boolean => text.replace(/[\s\u001c-\u001f\u0085]/g, "") === "";

function sliceChars(text: string, start: number, end?: number): string {
  return [...text].slice(start, end).join("");
}

function wrap(text: string, width: number, breakLongWords: boolean, breakOnHyphens: boolean): string[] {
  if (width <= 0) throw valueError(`invalid width ${width} (must be > 0)`);
  const chunks = text.split(breakOnHyphens ? wordSeparator : simpleSeparator).filter((chunk) => chunk);
  chunks.reverse();
  const lines: string[] = [];
  while (chunks.length) {
    const line: string[] = [];
    let lineLength = 0;
    if (isBlank(chunks[chunks.length - 1]) && lines.length) chunks.pop();
    while (chunks.length) {
      const size = length(chunks[chunks.length - 1]);
      if (lineLength + size > width) break;
      line.push(chunks.pop() as string);
      lineLength += size;
    }
    if (chunks.length && length(chunks[chunks.length - 1]) > width) {
      const spaceLeft = width < 1 ? 1 : width - lineLength;
      if (breakLongWords) {
        let end = spaceLeft;
        const chunk = chunks[chunks.length - 1];
        if (breakOnHyphens && length(chunk) > spaceLeft) {
          const hyphen = sliceChars(chunk, 0, spaceLeft).lastIndexOf("-");
          if (hyphen > 0 && /[^-]/.test(sliceChars(chunk, 0, hyphen))) end = hyphen + 1;
        }
        line.push(sliceChars(chunk, 0, end));
        chunks[chunks.length - 1] = sliceChars(chunk, end);
      } else if (!line.length) {
        line.push(chunks.pop() as string);
      }
      lineLength = line.reduce((sum, part) => sum + length(part), 0);
    }
    if (line.length && isBlank(line[line.length - 1])) line.pop();
    if (line.length) lines.push(line.join(""));
  }
  return lines;
}

export const wordwrapFilters: Record<string, FilterFn> = {
  wordwrap: filter(
    "wordwrap",
    [["width", 79], ["break_long_words", true], ["wrapstring", null], ["break_on_hyphens", true]],
    (v, a) => {
      if (v instanceof Undef) throw undefinedError(v);
      const text = strOf(v);
      if (text === undefined) throw new TemplateError("attribute", `'${pyTypeName(v)}' object has no attribute 'splitlines'`);
      const wrapString = a.wrapstring === null ? "\n" : pyStr(a.wrapstring);
      const width = typeof a.width === "number" ? a.width : Number(a.width);
      const paragraphs = text.split(/\r\n|[\n\r\v\f\u001c-\u001e\u0085\u2028\u2029]/);
      if (paragraphs.length && paragraphs[paragraphs.length - 1] === "") paragraphs.pop();
      const lines = paragraphs.flatMap((line) => {
        const wrapped = wrap(line, width, truthy(a.break_long_words), truthy(a.break_on_hyphens));
        // An empty paragraph still takes its place between the others.
        return wrapped.length ? wrapped : [""];
      });
      return checkedJoin(lines, wrapString, "the wrapped string");
    },
  ),
};

