/** Jinja's runtime frames: variable scopes, and the `loop` object of a for loop. */
import type { AttributeSource } from "../python/attributes";
import { pyEquals } from "../python/operators";
import { makeTuple, PyCallable, Undef } from "../python/objects";
import { typeError } from "./template-error";

export class Scope {
  readonly vars = new Map<string, unknown>();
  constructor(readonly parent: Scope | null) {}

  lookup(name: string): { found: boolean; value?: unknown } {
    if (this.vars.has(name)) return { found: true, value: this.vars.get(name) };
    return this.parent ? this.parent.lookup(name) : { found: false };
  }
}

export class LoopContext implements AttributeSource {
  index0 = -1;
  constructor(
    private readonly items: unknown[],
    readonly depth0: number,
    private readonly recurse: ((items: unknown) => string) | null,
  ) {}

  private lastChanged: unknown[] | undefined;

  pyAttribute(name: string): unknown {
    const length = this.items.length;
    switch (name) {
      case "index": return this.index0 + 1;
      case "index0": return this.index0;
      case "revindex": return length - this.index0;
      case "revindex0": return length - this.index0 - 1;
      case "first": return this.index0 === 0;
      case "last": return this.index0 === length - 1;
      case "length": return length;
      case "depth": return this.depth0 + 1;
      case "depth0": return this.depth0;
      case "previtem": return this.index0 > 0 ? this.items[this.index0 - 1] : new Undef("there is no previous item");
      case "nextitem": return this.index0 < length - 1 ? this.items[this.index0 + 1] : new Undef("there is no next item");
      case "cycle":
        return new PyCallable("cycle", ({ args }) => {
          if (!args.length) throw typeError("no items for cycling given");
          return args[this.index0 % args.length];
        });
      case "changed":
        return new PyCallable("changed", ({ args }) => {
          if (this.lastChanged !== undefined && pyEquals(makeTuple(this.lastChanged), makeTuple([...args]))) return false;
          this.lastChanged = [...args];
          return true;
        });
      default:
        return new Undef(`'LoopContext object' has no attribute '${name}'`);
    }
  }

  call(items: unknown): string {
    if (!this.recurse) throw typeError("The loop must be marked 'recursive' to be called recursively.");
    return this.recurse(items);
  }
}
