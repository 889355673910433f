/** Jinja2's default globals: `range`, `dict`, `namespace`, `cycler`, `joiner`, `lipsum`. */
import type { AttributeSource } from "../python/attributes";
import { bindArgs } from "../python/call-args";
import { pyIterate, pyUnpack } from "../python/operators";
import { TemplateError, typeError } from "./template-error";
import { checkItems, limitError } from "../python/limits";
import { LIMITS, limitMessage } from "../limits";
import { pyStr } from "../python/format";
import { assignOwn, type CallArgs, isDict, makeRange, Namespace, PyCallable, pyTypeName, setOwn, Undef } from "../python/objects";

/** Jinja's sandbox has a limit (100,000); the plain environment has none, but a template must not exhaust memory. */
const maxRange = LIMITS.MAX_SEQUENCE_ITEMS.value;

function intArg(value: unknown): number {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "number" && Number.isInteger(value)) return value;
  throw typeError(`'${pyTypeName(value)}' object cannot be interpreted as an integer`);
}

export function pyRange({ args }: CallArgs): number[] {
  const out = rangeItems(args);
  const [start, stop, step] = args.length === 1 ? [0, intArg(args[0]), 1] : [intArg(args[0]), intArg(args[1]), args.length === 3 ? intArg(args[2]) : 1];
  return makeRange(start, stop, step, out);
}

function rangeItems(args: unknown[]): number[] {
  if (args.length === 0) throw typeError("range expected at least 1 argument, got 0");
  if (args.length > 3) throw typeError(`range expected at most 3 arguments, got ${args.length}`);
  const [start, stop, step] = args.length === 1 ? [0, intArg(args[0]), 1] : [intArg(args[0]), intArg(args[1]), args.length === 3 ? intArg(args[2]) : 1];
  if (step === 0) throw new TemplateError("value", "range() arg 3 must not be zero");
  // Python's len(range(...)), known before a single item is made.
  const length = Math.max(0, Math.ceil((stop - start) / step));
  if (length > maxRange) {
    throw limitError("runtime", "MAX_SEQUENCE_ITEMS", `range too big: ${limitMessage("MAX_SEQUENCE_ITEMS", "the range", length)}`);
  }
  checkItems(length, "the range");
  const out: number[] = new Array(length);
  for (let i = 0; i < length; i++) out[i] = start + i * step;
  return out;
}

class Cycler implements AttributeSource {
  private position = 0;
  constructor(private readonly items: unknown[]) {}

  pyAttribute(name: string): unknown {
    switch (name) {
      case "current": return this.items[this.position];
      case "next": return new PyCallable("next", () => {
        const value = this.items[this.position];
        this.position = (this.position + 1) % this.items.length;
        return value;
      });
      case "reset": return new PyCallable("reset", () => {
        this.position = 0;
        return null;
      });
      case "items": return this.items;
      default: return new Undef(`'Cycler object' has no attribute '${name}'`);
    }
  }
}

export function makeGlobals(): Record<string, unknown> {
  return {
    range: new PyCallable("range", pyRange, "builtin_function_or_method"),
    dict: new PyCallable("dict", ({ args, kwargs }) => {
      const out: Record<string, unknown> = {};
      if (args.length > 1) throw typeError(`dict expected at most 1 argument, got ${args.length}`);
      if (args.length === 1) {
        if (isDict(args[0])) assignOwn(out, args[0]);
        else for (const pair of pyIterate(args[0])) {
          const [key, value] = pyUnpack(pair, 2);
          setOwn(out, pyStr(key), value);
        }
      }
      for (const [key, value] of kwargs) setOwn(out, key, value);
      return out;
    }),
    namespace: new PyCallable("namespace", ({ args, kwargs }) => {
      const ns = new Namespace();
      for (const arg of args) {
        if (!isDict(arg)) throw typeError("namespace() positional argument must be a dict");
        for (const key of Object.keys(arg)) ns.attributes.set(key, arg[key]);
      }
      for (const [key, value] of kwargs) ns.attributes.set(key, value);
      return ns;
    }),
    cycler: new PyCallable("cycler", ({ args }) => {
      if (!args.length) throw typeError("at least one item has to be provided");
      return new Cycler(args);
    }),
    // Jinja's lipsum is random text; wfv gives the same shape (paragraphs of lorem ipsum) deterministically.
    lipsum: new PyCallable("lipsum", (call) => {
      const { n, html } = bindArgs("lipsum", call, [["n", 5], ["html", true], ["min", 20], ["max", 100]]);
      checkItems(Number(n), "lipsum's paragraphs");
      const paragraph = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.";
      const paragraphs = Array.from({ length: Number(n) }, () => (html ? `<p>${paragraph}</p>` : paragraph));
      return paragraphs.join(html ? "\n" : "\n\n");
    }),
    joiner: new PyCallable("joiner", (call) => {
      const { sep } = bindArgs("joiner", call, [["sep", ", "]]);
      let used = false;
      return new PyCallable("joiner", () => {
        if (!used) {
          used = true;
          return "";
        }
        return sep;
      });
    }),
  };
}
