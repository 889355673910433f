/**
 * The parser of the simpleeval port (expression.ts): the Python expression grammar simpleeval
 * accepts (`ast.parse(expr).body[0]`), as a small tree; what simpleeval refuses parses to
 * `unsupported` so that the evaluator can refuse it with simpleeval's words.
 */
import { syntaxError, tokenize, type Token } from "./expression-tokens";

export type Node =
  | { type: "const"; value: unknown }
  | { type: "name"; name: string }
  | { type: "tuple" | "list" | "set"; items: Node[] }
  | { type: "dict"; keys: Node[]; values: Node[] }
  | { type: "binary"; op: string; left: Node; right: Node }
  | { type: "unary"; op: string; operand: Node }
  | { type: "bool"; op: "and" | "or"; values: Node[] }
  | { type: "compare"; first: Node; ops: Array<{ op: string; right: Node }> }
  | { type: "ifexp"; test: Node; body: Node; orelse: Node }
  | { type: "attribute"; target: Node; name: string }
  | { type: "subscript"; target: Node; index: Node }
  | { type: "slice"; lower: Node | null; upper: Node | null; step: Node | null }
  | { type: "call"; callee: Node; args: Node[]; kwargs: Array<{ name: string; value: Node }> }
  | { type: "comprehension"; element: Node; generators: Array<{ target: Node; iter: Node; ifs: Node[] }> }
  | { type: "unsupported"; what: string };


const COMPARE_OPS = new Set(["<", ">", "==", ">=", "<=", "!="]);
const KEYWORDS = new Set(["and", "or", "not", "in", "is", "if", "else", "for", "lambda", "None", "True", "False", "await", "yield"]);

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  private get token(): Token {
    return this.tokens[this.index]!;
  }

  private isOp(text: string): boolean {
    return this.token.kind === "op" && this.token.text === text;
  }

  private isName(text: string): boolean {
    return this.token.kind === "name" && this.token.text === text;
  }

  private expectOp(text: string): void {
    if (!this.isOp(text)) throw syntaxError();
    this.index++;
  }

  parseStatement(): Node {
    const node = this.testList();
    if (this.isOp("=") || this.isOp(":=") || /=$/.test(this.token.text) && this.token.kind === "op" && !COMPARE_OPS.has(this.token.text)) {
      return { type: "unsupported", what: this.isOp(":=") ? "NamedExpr" : "Assign" };
    }
    if (this.token.kind !== "end" && !this.isOp(";")) throw syntaxError();
    return node;
  }

  /** `a, b` at the top level or in parentheses: a tuple. */
  private testList(): Node {
    const first = this.test();
    if (!this.isOp(",")) return first;
    const items = [first];
    while (this.isOp(",")) {
      this.index++;
      if (this.token.kind === "end" || this.isOp(")") || this.isOp("=") || this.isOp(";")) break;
      items.push(this.test());
    }
    return { type: "tuple", items };
  }

  private test(): Node {
    if (this.isName("lambda")) return this.skipUnsupported("Lambda");
    const body = this.orTest();
    if (this.isName("if")) {
      this.index++;
      const test = this.orTest();
      if (!this.isName("else")) throw syntaxError("expected 'else' after 'if' expression");
      this.index++;
      const orelse = this.test();
      return { type: "ifexp", test, body, orelse };
    }
    if (this.isOp(":=")) return this.skipUnsupported("NamedExpr");
    return body;
  }

  private skipUnsupported(what: string): Node {
    // The whole expression is refused anyway; parse no further.
    this.index = this.tokens.length - 1;
    return { type: "unsupported", what };
  }

  private orTest(): Node {
    const values = [this.andTest()];
    while (this.isName("or")) {
      this.index++;
      values.push(this.andTest());
    }
    return values.length === 1 ? values[0]! : { type: "bool", op: "or", values };
  }

  private andTest(): Node {
    const values = [this.notTest()];
    while (this.isName("and")) {
      this.index++;
      values.push(this.notTest());
    }
    return values.length === 1 ? values[0]! : { type: "bool", op: "and", values };
  }

  private notTest(): Node {
    if (this.isName("not")) {
      this.index++;
      return { type: "unary", op: "not", operand: this.notTest() };
    }
    return this.comparison();
  }

  private comparison(): Node {
    const first = this.bitOr();
    const ops: Array<{ op: string; right: Node }> = [];
    for (;;) {
      let op: string | null = null;
      if (this.token.kind === "op" && COMPARE_OPS.has(this.token.text)) {
        op = this.token.text;
        this.index++;
      } else if (this.isName("in")) {
        op = "in";
        this.index++;
      } else if (this.isName("not") && this.tokens[this.index + 1]?.text === "in") {
        op = "not in";
        this.index += 2;
      } else if (this.isName("is")) {
        this.index++;
        op = "is";
        if (this.isName("not")) {
          this.index++;
          op = "is not";
        }
      }
      if (op === null) break;
      ops.push({ op, right: this.bitOr() });
    }
    return ops.length === 0 ? first : { type: "compare", first, ops };
  }

  private binaryLevel(operators: string[], next: () => Node): Node {
    let left = next();
    while (this.token.kind === "op" && operators.includes(this.token.text)) {
      const op = this.token.text;
      this.index++;
      left = { type: "binary", op, left, right: next() };
    }
    return left;
  }

  private bitOr = (): Node => this.binaryLevel(["|"], this.bitXor);
  private bitXor = (): Node => this.binaryLevel(["^"], this.bitAnd);
  private bitAnd = (): Node => this.binaryLevel(["&"], this.shift);
  private shift = (): Node => this.binaryLevel(["<<", ">>"], this.sum);
  private sum = (): Node => this.binaryLevel(["+", "-"], this.term);
  private term = (): Node => this.binaryLevel(["*", "/", "//", "%", "@"], this.factor);

  private factor = (): Node => {
    if (this.token.kind === "op" && (this.token.text === "+" || this.token.text === "-" || this.token.text === "~")) {
      const op = this.token.text;
      this.index++;
      return { type: "unary", op, operand: this.factor() };
    }
    return this.power();
  };

  private power(): Node {
    const base = this.primary();
    if (this.isOp("**")) {
      this.index++;
      return { type: "binary", op: "**", left: base, right: this.factor() };
    }
    return base;
  }

  private primary(): Node {
    let node = this.atom();
    for (;;) {
      if (this.isOp(".")) {
        this.index++;
        if (this.token.kind !== "name") throw syntaxError();
        node = { type: "attribute", target: node, name: this.token.text };
        this.index++;
      } else if (this.isOp("(")) {
        this.index++;
        const args: Node[] = [];
        const kwargs: Array<{ name: string; value: Node }> = [];
        while (!this.isOp(")")) {
          if (this.isOp("*") || this.isOp("**")) return this.skipUnsupported("Starred");
          if (this.token.kind === "name" && this.tokens[this.index + 1]?.text === "=" && !KEYWORDS.has(this.token.text)) {
            const name = this.token.text;
            this.index += 2;
            kwargs.push({ name, value: this.test() });
          } else {
            if (kwargs.length > 0) throw syntaxError("positional argument follows keyword argument");
            const arg = this.test();
            if (this.isName("for")) args.push(this.comprehensionTail(arg));
            else args.push(arg);
          }
          if (!this.isOp(",")) break;
          this.index++;
        }
        this.expectOp(")");
        node = { type: "call", callee: node, args, kwargs };
      } else if (this.isOp("[")) {
        this.index++;
        const index = this.subscript();
        this.expectOp("]");
        node = { type: "subscript", target: node, index };
      } else {
        return node;
      }
    }
  }

  private subscript(): Node {
    const part = (): Node | null => (this.isOp(":") || this.isOp("]") || this.isOp(",") ? null : this.test());
    const lower = part();
    if (!this.isOp(":")) {
      if (lower === null) throw syntaxError();
      if (this.isOp(",")) {
        const items = [lower];
        while (this.isOp(",")) {
          this.index++;
          if (this.isOp("]")) break;
          items.push(this.test());
        }
        return { type: "tuple", items };
      }
      return lower;
    }
    this.index++;
    const upper = part();
    let step: Node | null = null;
    if (this.isOp(":")) {
      this.index++;
      step = part();
    }
    return { type: "slice", lower, upper, step };
  }

  private comprehensionTail(element: Node): Node {
    const generators: Array<{ target: Node; iter: Node; ifs: Node[] }> = [];
    while (this.isName("for")) {
      this.index++;
      const targets = [this.bitOr()];
      while (this.isOp(",")) {
        this.index++;
        targets.push(this.bitOr());
      }
      if (!this.isName("in")) throw syntaxError();
      this.index++;
      const iter = this.orTest();
      const ifs: Node[] = [];
      while (this.isName("if")) {
        this.index++;
        ifs.push(this.orTest());
      }
      generators.push({ target: targets.length === 1 ? targets[0]! : { type: "tuple", items: targets }, iter, ifs });
    }
    return { type: "comprehension", element, generators };
  }

  private atom(): Node {
    const token = this.token;
    if (token.kind === "num") {
      this.index++;
      return { type: "const", value: token.value };
    }
    if (token.kind === "str") {
      let value = "";
      while (this.token.kind === "str") {
        value += this.token.value as string;
        this.index++;
      }
      return { type: "const", value };
    }
    if (token.kind === "name") {
      this.index++;
      if (token.text === "None") return { type: "const", value: null };
      if (token.text === "True") return { type: "const", value: true };
      if (token.text === "False") return { type: "const", value: false };
      if (KEYWORDS.has(token.text)) throw syntaxError();
      return { type: "name", name: token.text };
    }
    if (token.kind === "op") {
      if (token.text === "(") {
        this.index++;
        if (this.isOp(")")) {
          this.index++;
          return { type: "tuple", items: [] };
        }
        const first = this.test();
        if (this.isName("for")) {
          const node = this.comprehensionTail(first);
          this.expectOp(")");
          return node;
        }
        if (!this.isOp(",")) {
          this.expectOp(")");
          return first;
        }
        const items = [first];
        while (this.isOp(",")) {
          this.index++;
          if (this.isOp(")")) break;
          items.push(this.test());
        }
        this.expectOp(")");
        return { type: "tuple", items };
      }
      if (token.text === "[") {
        this.index++;
        const items: Node[] = [];
        if (!this.isOp("]")) {
          const first = this.test();
          if (this.isName("for")) {
            const node = this.comprehensionTail(first);
            this.expectOp("]");
            return node;
          }
          items.push(first);
          while (this.isOp(",")) {
            this.index++;
            if (this.isOp("]")) break;
            items.push(this.test());
          }
        }
        this.expectOp("]");
        return { type: "list", items };
      }
      if (token.text === "{") {
        this.index++;
        if (this.isOp("}")) {
          this.index++;
          return { type: "dict", keys: [], values: [] };
        }
        const first = this.test();
        if (this.isOp(":")) {
          this.index++;
          const keys = [first];
          const values = [this.test()];
          if (this.isName("for")) return this.skipUnsupported("DictComp");
          while (this.isOp(",")) {
            this.index++;
            if (this.isOp("}")) break;
            keys.push(this.test());
            this.expectOp(":");
            values.push(this.test());
          }
          this.expectOp("}");
          return { type: "dict", keys, values };
        }
        if (this.isName("for")) return this.skipUnsupported("SetComp");
        const items = [first];
        while (this.isOp(",")) {
          this.index++;
          if (this.isOp("}")) break;
          items.push(this.test());
        }
        this.expectOp("}");
        return { type: "set", items };
      }
    }
    throw syntaxError();
  }
}

/** `ast.parse(expression).body[0]`: the first statement, which must be an expression. */
export function parsePythonExpression(expression: string): Node {
  return new Parser(tokenize(expression)).parseStatement();
}
