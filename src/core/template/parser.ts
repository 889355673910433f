/**
 * Jinja2's grammar (jinja2/parser.py, 3.1): the same precedence, statements and error cases, so a
 * template parses here exactly when it parses in Python. Produces the tree in ./ast.
 */
import type { BinaryOp, CallSignature, CompareOp, Expr, Keyword, Stmt, TemplateAst } from "./ast";
import { tokenize, type Token } from "./lexer";
import { syntaxError } from "./template-error";
import { makeFloat } from "../python/objects";

const compareTokens: Record<string, CompareOp> = { "==": "eq", "!=": "ne", "<": "lt", "<=": "lteq", ">": "gt", ">=": "gteq" };
const describe: Record<string, string> = {
  variable_end: "end of print statement",
  block_end: "end of statement block",
  eof: "end of template",
  variable_begin: "begin of print statement",
  block_begin: "begin of statement block",
};

type Rule = string; // "name:endfor", "variable_end", or an operator like ")"

function tokenMatches(token: Token, rule: Rule): boolean {
  const colon = rule.indexOf(":");
  if (colon > 0) return token.type === rule.slice(0, colon) && token.value === rule.slice(colon + 1);
  if (token.type === "operator") return token.value === rule;
  return token.type === rule;
}

function tokenText(token: Token): string {
  if (token.type === "name" || token.type === "operator" || token.type === "integer" || token.type === "float") return token.value;
  if (token.type === "string") return "string";
  return describe[token.type] ?? token.type;
}

class TokenStream {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  get current(): Token {
    return this.tokens[this.index];
  }

  look(): Token {
    return this.tokens[Math.min(this.index + 1, this.tokens.length - 1)];
  }

  next(): Token {
    const token = this.tokens[this.index];
    if (this.index < this.tokens.length - 1) this.index++;
    return token;
  }

  get eos(): boolean {
    return this.current.type === "eof";
  }

  test(rule: Rule): boolean {
    return tokenMatches(this.current, rule);
  }

  skipIf(rule: Rule): boolean {
    if (this.test(rule)) {
      this.next();
      return true;
    }
    return false;
  }

  expect(rule: Rule): Token {
    if (!this.test(rule)) {
      const token = this.current;
      const wanted = rule.includes(":") ? rule.slice(rule.indexOf(":") + 1) : describe[rule] ?? rule;
      if (token.type === "eof") {
        throw syntaxError(`unexpected end of template, expected '${wanted}'.`, token.line, token.column);
      }
      throw syntaxError(`expected token '${wanted}', got '${tokenText(token)}'`, token.line, token.column);
    }
    return this.next();
  }
}

const statementKeywords = new Set(["for", "if", "block", "extends", "print", "macro", "include", "from", "import", "set", "with", "autoescape"]);

export class Parser {
  private readonly stream: TokenStream;
  private readonly endTokenStack: Rule[][] = [];
  private readonly tagStack: string[] = [];

  constructor(tokens: Token[]) {
    this.stream = new TokenStream(tokens);
  }

  private fail(message: string, token: Token = this.stream.current): never {
    throw syntaxError(message, token.line, token.column);
  }

  private failUnknownTag(name: string, token: Token): never {
    const expected = this.endTokenStack.flat().map((rule) => `'${rule.slice(rule.indexOf(":") + 1)}'`);
    let message = `Encountered unknown tag '${name}'.`;
    if (expected.length) message += ` Jinja was looking for the following tags: ${expected.join(" or ")}.`;
    if (this.tagStack.length) message += ` The innermost block that needs to be closed is '${this.tagStack[this.tagStack.length - 1]}'.`;
    this.fail(message, token);
  }

  private failEof(endTokens: Rule[]): never {
    const expected = endTokens.map((rule) => `'${rule.slice(rule.indexOf(":") + 1)}'`);
    let message = "Unexpected end of template.";
    if (expected.length) message += ` Jinja was looking for the following tags: ${expected.join(" or ")}.`;
    if (this.tagStack.length) message += ` The innermost block that needs to be closed is '${this.tagStack[this.tagStack.length - 1]}'.`;
    this.fail(message);
  }

  parseTemplate(): TemplateAst {
    return { body: this.subparse(null) };
  }

  /** A lone expression, as `Environment.compile_expression` parses it. */
  parseLoneExpression(): Expr {
    const expr = this.parseExpression();
    if (!this.stream.eos) this.fail("chunk after expression");
    return expr;
  }

  private subparse(endTokens: Rule[] | null): Stmt[] {
    const body: Stmt[] = [];
    if (endTokens) this.endTokenStack.push(endTokens);
    try {
      while (!this.stream.eos) {
        const token = this.stream.current;
        if (token.type === "data") {
          body.push({ type: "data", text: token.value, line: token.line, column: token.column });
          this.stream.next();
        } else if (token.type === "variable_begin") {
          this.stream.next();
          const expr = this.parseTuple({ withCondexpr: true });
          body.push({ type: "output", expr, line: token.line, column: token.column });
          this.stream.expect("variable_end");
        } else if (token.type === "block_begin") {
          this.stream.next();
          if (endTokens && endTokens.some((rule) => this.stream.test(rule))) return body;
          const statement = this.parseStatement();
          if (Array.isArray(statement)) body.push(...statement);
          else body.push(statement);
          this.stream.expect("block_end");
        } else {
          this.fail("internal parsing error");
        }
      }
      return body;
    } finally {
      if (endTokens) this.endTokenStack.pop();
    }
  }

  private parseStatement(): Stmt | Stmt[] {
    const token = this.stream.current;
    if (token.type !== "name") this.fail("tag name expected", token);
    this.tagStack.push(token.value);
    let popTag = true;
    try {
      switch (token.value) {
        case "for":
          return this.parseFor();
        case "if":
          return this.parseIf();
        case "set":
          return this.parseSet();
        case "macro":
          return this.parseMacro();
        case "call":
          return this.parseCallBlock();
        case "filter":
          return this.parseFilterBlock();
        case "with":
          return this.parseWith();
        case "print":
          return this.parsePrint();
        case "block":
          return this.parseBlock();
        case "autoescape":
          return this.parseAutoescape();
        default:
          if (statementKeywords.has(token.value)) {
            // extends/include/import/from need a loader; the engine's BaseLoader has no templates.
            this.stream.next();
            while (!this.stream.test("block_end") && !this.stream.eos) this.stream.next();
            return { type: "unsupported", tag: token.value, line: token.line, column: token.column };
          }
          this.tagStack.pop();
          popTag = false;
          return this.failUnknownTag(token.value, token);
      }
    } finally {
      if (popTag) this.tagStack.pop();
    }
  }

  private parseStatements(endTokens: Rule[], dropNeedle = false): Stmt[] {
    this.stream.skipIf(":");
    this.stream.expect("block_end");
    const result = this.subparse(endTokens);
    if (this.stream.eos) this.failEof(endTokens);
    if (dropNeedle) this.stream.next();
    return result;
  }

  private parseFor(): Stmt {
    const start = this.stream.expect("name:for");
    const target = this.parseAssignTarget({ extraEndRules: ["name:in"] });
    this.stream.expect("name:in");
    const iter = this.parseTuple({ withCondexpr: false, extraEndRules: ["name:recursive"] });
    const filter = this.stream.skipIf("name:if") ? this.parseExpression() : undefined;
    const recursive = this.stream.skipIf("name:recursive");
    const body = this.parseStatements(["name:endfor", "name:else"]);
    const otherwise = this.stream.next().value === "endfor" ? [] : this.parseStatements(["name:endfor"], true);
    return { type: "for", target, iter, filter, body, otherwise, recursive, line: start.line, column: start.column };
  }

  private parseIf(): Stmt {
    const start = this.stream.expect("name:if");
    const test = this.parseTuple({ withCondexpr: false });
    const body = this.parseStatements(["name:elif", "name:else", "name:endif"]);
    const elifs: Array<{ test: Expr; body: Stmt[] }> = [];
    let otherwise: Stmt[] = [];
    for (;;) {
      const token = this.stream.next();
      if (token.value === "elif") {
        const elifTest = this.parseTuple({ withCondexpr: false });
        elifs.push({ test: elifTest, body: this.parseStatements(["name:elif", "name:else", "name:endif"]) });
        continue;
      }
      if (token.value === "else") otherwise = this.parseStatements(["name:endif"], true);
      break;
    }
    return { type: "if", test, body, elifs, otherwise, line: start.line, column: start.column };
  }

  private parseSet(): Stmt {
    const start = this.stream.next();
    const target = this.parseAssignTarget({ withNamespace: true });
    if (this.stream.skipIf("=")) {
      const value = this.parseTuple({});
      return { type: "assign", target, value, line: start.line, column: start.column };
    }
    const filter = this.parseFilter(null, false) ?? undefined;
    const body = this.parseStatements(["name:endset"], true);
    return { type: "assign_block", target, filter, body, line: start.line, column: start.column };
  }

  private parseMacro(): Stmt {
    const start = this.stream.next();
    const name = this.parseAssignTarget({ nameOnly: true });
    const { params, defaults } = this.parseSignature();
    const body = this.parseStatements(["name:endmacro"], true);
    return { type: "macro", name: (name as { name: string }).name, params, defaults, body, line: start.line, column: start.column };
  }

  private parseSignature(): { params: string[]; defaults: Expr[] } {
    const params: string[] = [];
    const defaults: Expr[] = [];
    this.stream.expect("(");
    while (!this.stream.test(")")) {
      if (params.length) this.stream.expect(",");
      const arg = this.parseAssignTarget({ nameOnly: true }) as { name: string };
      if (this.stream.skipIf("=")) defaults.push(this.parseExpression());
      else if (defaults.length) this.fail("non-default argument follows default argument");
      params.push(arg.name);
    }
    this.stream.expect(")");
    return { params, defaults };
  }

  private parseCallBlock(): Stmt {
    const start = this.stream.next();
    const { params, defaults } = this.stream.test("(") ? this.parseSignature() : { params: [], defaults: [] };
    const call = this.parseExpression();
    if (call.type !== "call") this.fail("expected call", start);
    const body = this.parseStatements(["name:endcall"], true);
    return { type: "call_block", call, params, defaults, body, line: start.line, column: start.column };
  }

  private parseFilterBlock(): Stmt {
    const start = this.stream.next();
    const filter = this.parseFilter(null, true) as Expr;
    const body = this.parseStatements(["name:endfilter"], true);
    return { type: "filter_block", filter, body, line: start.line, column: start.column };
  }

  private parseWith(): Stmt {
    const start = this.stream.next();
    const targets: Expr[] = [];
    const values: Expr[] = [];
    while (!this.stream.test("block_end")) {
      if (targets.length) this.stream.expect(",");
      targets.push(this.parseAssignTarget({}));
      this.stream.expect("=");
      values.push(this.parseExpression());
    }
    const body = this.parseStatements(["name:endwith"], true);
    return { type: "with", targets, values, body, line: start.line, column: start.column };
  }

  private parsePrint(): Stmt[] {
    const start = this.stream.next();
    const out: Stmt[] = [];
    while (!this.stream.test("block_end")) {
      if (out.length) this.stream.expect(",");
      out.push({ type: "output", expr: this.parseExpression(), line: start.line, column: start.column });
    }
    return out;
  }

  private parseBlock(): Stmt {
    const start = this.stream.next();
    this.stream.expect("name");
    this.stream.skipIf("name:scoped");
    this.stream.skipIf("name:required");
    const body = this.parseStatements(["name:endblock"], true);
    this.stream.skipIf("name");
    return { type: "scope_block", body, line: start.line, column: start.column };
  }

  private parseAutoescape(): Stmt {
    const start = this.stream.next();
    this.parseExpression();
    const body = this.parseStatements(["name:endautoescape"], true);
    return { type: "scope_block", body, line: start.line, column: start.column };
  }

  private parseAssignTarget(options: { nameOnly?: boolean; extraEndRules?: Rule[]; withNamespace?: boolean }): Expr {
    const token = this.stream.current;
    if (options.withNamespace && this.stream.look().type === "operator" && this.stream.look().value === ".") {
      this.stream.next();
      this.stream.expect(".");
      const attr = this.stream.expect("name");
      return { type: "nsref", name: token.value, attr: attr.value, line: token.line, column: token.column };
    }
    if (options.nameOnly) {
      const name = this.stream.expect("name");
      return { type: "name", name: name.value, line: name.line, column: name.column };
    }
    const target = this.parseTuple({ simplified: true, extraEndRules: options.extraEndRules });
    const assignable = (expr: Expr): boolean =>
      expr.type === "name"
        ? !["true", "false", "none", "True", "False", "None"].includes(expr.name)
        : expr.type === "tuple" && expr.items.every(assignable);
    if (!assignable(target)) this.fail(`can't assign to '${target.type}'`, token);
    return target;
  }

  parseExpression(withCondexpr = true): Expr {
    return withCondexpr ? this.parseCondexpr() : this.parseOr();
  }

  private parseCondexpr(): Expr {
    let expr = this.parseOr();
    while (this.stream.skipIf("name:if")) {
      const test = this.parseOr();
      const otherwise = this.stream.skipIf("name:else") ? this.parseCondexpr() : undefined;
      expr = { type: "condexpr", test, then: expr, otherwise, line: expr.line, column: expr.column };
    }
    return expr;
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.stream.skipIf("name:or")) {
      left = { type: "or", left, right: this.parseAnd(), line: left.line, column: left.column };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.stream.skipIf("name:and")) {
      left = { type: "and", left, right: this.parseNot(), line: left.line, column: left.column };
    }
    return left;
  }

  private parseNot(): Expr {
    const token = this.stream.current;
    if (this.stream.test("name:not")) {
      this.stream.next();
      return { type: "unary", op: "not", operand: this.parseNot(), line: token.line, column: token.column };
    }
    return this.parseCompare();
  }

  private parseCompare(): Expr {
    const first = this.parseMath1();
    const ops: Array<{ op: CompareOp; expr: Expr }> = [];
    for (;;) {
      const token = this.stream.current;
      if (token.type === "operator" && token.value in compareTokens) {
        this.stream.next();
        ops.push({ op: compareTokens[token.value], expr: this.parseMath1() });
      } else if (this.stream.skipIf("name:in")) {
        ops.push({ op: "in", expr: this.parseMath1() });
      } else if (this.stream.test("name:not") && tokenMatches(this.stream.look(), "name:in")) {
        this.stream.next();
        this.stream.next();
        ops.push({ op: "notin", expr: this.parseMath1() });
      } else {
        break;
      }
    }
    return ops.length ? { type: "compare", first, ops, line: first.line, column: first.column } : first;
  }

  private binaryLoop(operand: () => Expr, table: Record<string, BinaryOp>): Expr {
    let left = operand();
    for (;;) {
      const token = this.stream.current;
      if (token.type !== "operator" || !(token.value in table)) return left;
      this.stream.next();
      left = { type: "binary", op: table[token.value], left, right: operand(), line: left.line, column: left.column };
    }
  }

  private parseMath1(): Expr {
    return this.binaryLoop(() => this.parseConcat(), { "+": "add", "-": "sub" });
  }

  private parseConcat(): Expr {
    const parts = [this.parseMath2()];
    while (this.stream.skipIf("~")) parts.push(this.parseMath2());
    return parts.length === 1 ? parts[0] : { type: "concat", parts, line: parts[0].line, column: parts[0].column };
  }

  private parseMath2(): Expr {
    return this.binaryLoop(() => this.parsePow(), { "*": "mul", "/": "div", "//": "floordiv", "%": "mod" });
  }

  private parsePow(): Expr {
    return this.binaryLoop(() => this.parseUnary(), { "**": "pow" });
  }

  private parseUnary(withFilter = true): Expr {
    const token = this.stream.current;
    let node: Expr;
    if (this.stream.skipIf("-")) {
      node = { type: "unary", op: "neg", operand: this.parseUnary(false), line: token.line, column: token.column };
    } else if (this.stream.skipIf("+")) {
      node = { type: "unary", op: "pos", operand: this.parseUnary(false), line: token.line, column: token.column };
    } else {
      node = this.parsePrimary();
    }
    node = this.parsePostfix(node);
    if (withFilter) node = this.parseFilterExpr(node);
    return node;
  }

  private parsePrimary(): Expr {
    const token = this.stream.current;
    const at = { line: token.line, column: token.column };
    if (token.type === "name") {
      this.stream.next();
      if (token.value === "true" || token.value === "True") return { type: "const", value: true, ...at };
      if (token.value === "false" || token.value === "False") return { type: "const", value: false, ...at };
      if (token.value === "none" || token.value === "None") return { type: "const", value: null, ...at };
      return { type: "name", name: token.value, ...at };
    }
    if (token.type === "string") {
      let value = this.stream.next().value;
      while (this.stream.current.type === "string") value += this.stream.next().value;
      return { type: "const", value, ...at };
    }
    if (token.type === "integer") {
      this.stream.next();
      return { type: "const", value: token.number, ...at };
    }
    if (token.type === "float") {
      this.stream.next();
      return { type: "const", value: makeFloat(Number(token.number)), ...at };
    }
    if (this.stream.test("(")) {
      this.stream.next();
      const node = this.parseTuple({ explicitParentheses: true });
      this.stream.expect(")");
      return node;
    }
    if (this.stream.test("[")) return this.parseList();
    if (this.stream.test("{")) return this.parseDict();
    if (token.type === "eof") this.fail("unexpected end of template, expected expression.");
    return this.fail(`unexpected '${tokenText(token)}'`);
  }

  private parseTuple(options: {
    simplified?: boolean;
    withCondexpr?: boolean;
    extraEndRules?: Rule[];
    explicitParentheses?: boolean;
  }): Expr {
    const token = this.stream.current;
    const parse = options.simplified
      ? () => this.parsePrimary()
      : () => this.parseExpression(options.withCondexpr !== false);
    const items: Expr[] = [];
    let isTuple = false;
    for (;;) {
      if (items.length) this.stream.expect(",");
      if (this.isTupleEnd(options.extraEndRules)) break;
      items.push(parse());
      if (this.stream.test(",")) isTuple = true;
      else break;
    }
    if (!isTuple) {
      if (items.length) return items[0];
      if (!options.explicitParentheses) this.fail(`Expected an expression, got '${tokenText(this.stream.current)}'`);
    }
    return { type: "tuple", items, line: token.line, column: token.column };
  }

  private isTupleEnd(extraEndRules?: Rule[]): boolean {
    const current = this.stream.current;
    if (current.type === "variable_end" || current.type === "block_end" || (current.type === "operator" && current.value === ")")) {
      return true;
    }
    return extraEndRules ? extraEndRules.some((rule) => tokenMatches(current, rule)) : false;
  }

  private parseList(): Expr {
    const token = this.stream.expect("[");
    const items: Expr[] = [];
    while (!this.stream.test("]")) {
      if (items.length) this.stream.expect(",");
      if (this.stream.test("]")) break;
      items.push(this.parseExpression());
    }
    this.stream.expect("]");
    return { type: "list", items, line: token.line, column: token.column };
  }

  private parseDict(): Expr {
    const token = this.stream.expect("{");
    const pairs: Array<{ key: Expr; value: Expr }> = [];
    while (!this.stream.test("}")) {
      if (pairs.length) this.stream.expect(",");
      if (this.stream.test("}")) break;
      const key = this.parseExpression();
      this.stream.expect(":");
      pairs.push({ key, value: this.parseExpression() });
    }
    this.stream.expect("}");
    return { type: "dict", pairs, line: token.line, column: token.column };
  }

  private parsePostfix(node: Expr): Expr {
    for (;;) {
      if (this.stream.test(".") || this.stream.test("[")) node = this.parseSubscript(node);
      else if (this.stream.test("(")) node = this.parseCall(node);
      else return node;
    }
  }

  private parseFilterExpr(node: Expr): Expr {
    for (;;) {
      if (this.stream.test("|")) node = this.parseFilter(node, false) as Expr;
      else if (this.stream.test("name:is")) node = this.parseTest(node);
      else if (this.stream.test("(")) node = this.parseCall(node);
      else return node;
    }
  }

  private parseSubscript(node: Expr): Expr {
    const token = this.stream.next();
    if (token.value === ".") {
      const attr = this.stream.current;
      this.stream.next();
      if (attr.type === "name") return { type: "getattr", target: node, attr: attr.value, line: token.line, column: token.column };
      if (attr.type !== "integer") this.fail("expected name or number", attr);
      return { type: "getitem", target: node, index: { type: "const", value: attr.number, line: attr.line, column: attr.column }, line: token.line, column: token.column };
    }
    const args: Expr[] = [];
    while (!this.stream.test("]")) {
      if (args.length) this.stream.expect(",");
      args.push(this.parseSubscribed());
    }
    this.stream.expect("]");
    const index: Expr = args.length === 1 ? args[0] : { type: "tuple", items: args, line: token.line, column: token.column };
    return { type: "getitem", target: node, index, line: token.line, column: token.column };
  }

  private parseSubscribed(): Expr {
    const token = this.stream.current;
    const at = { line: token.line, column: token.column };
    let start: Expr | undefined;
    if (this.stream.test(":")) {
      this.stream.next();
    } else {
      const node = this.parseExpression();
      if (!this.stream.test(":")) return node;
      this.stream.next();
      start = node;
    }
    let stop: Expr | undefined;
    let step: Expr | undefined;
    if (!this.stream.test(":") && !this.stream.test("]") && !this.stream.test(",")) stop = this.parseExpression();
    if (this.stream.skipIf(":")) {
      if (!this.stream.test("]") && !this.stream.test(",")) step = this.parseExpression();
    }
    return { type: "slice", start, stop, step, ...at };
  }

  private parseCallArgs(): CallSignature {
    const token = this.stream.expect("(");
    const signature: CallSignature = { args: [], kwargs: [] };
    let requireComma = false;
    const ensure = (ok: boolean) => {
      if (!ok) this.fail("Invalid argument syntax", token);
    };
    while (!this.stream.test(")")) {
      if (requireComma) {
        this.stream.expect(",");
        if (this.stream.test(")")) break;
      }
      if (this.stream.test("*")) {
        ensure(!signature.dynArgs && !signature.dynKwargs);
        this.stream.next();
        signature.dynArgs = this.parseExpression();
      } else if (this.stream.test("**")) {
        ensure(!signature.dynKwargs);
        this.stream.next();
        signature.dynKwargs = this.parseExpression();
      } else if (this.stream.current.type === "name" && tokenMatches(this.stream.look(), "=")) {
        ensure(!signature.dynKwargs);
        const key = this.stream.next().value;
        this.stream.next();
        const keyword: Keyword = { name: key, value: this.parseExpression() };
        signature.kwargs.push(keyword);
      } else {
        ensure(!signature.dynArgs && !signature.dynKwargs && signature.kwargs.length === 0);
        signature.args.push(this.parseExpression());
      }
      requireComma = true;
    }
    this.stream.expect(")");
    return signature;
  }

  private parseCall(node: Expr): Expr {
    const token = this.stream.current;
    const signature = this.parseCallArgs();
    return { type: "call", callee: node, signature, line: token.line, column: token.column };
  }

  private parseFilter(node: Expr | null, startInline: boolean): Expr | null {
    while (this.stream.test("|") || startInline) {
      if (!startInline) this.stream.next();
      const token = this.stream.expect("name");
      let name = token.value;
      while (this.stream.test(".")) {
        this.stream.next();
        name += "." + this.stream.expect("name").value;
      }
      const signature = this.stream.test("(") ? this.parseCallArgs() : { args: [], kwargs: [] };
      node = { type: "filter", target: node, name, signature, line: token.line, column: token.column };
      startInline = false;
    }
    return node;
  }

  private parseTest(node: Expr): Expr {
    const isToken = this.stream.next();
    let negated = false;
    if (this.stream.test("name:not")) {
      this.stream.next();
      negated = true;
    }
    let name = this.stream.expect("name").value;
    while (this.stream.test(".")) {
      this.stream.next();
      name += "." + this.stream.expect("name").value;
    }
    let signature: CallSignature = { args: [], kwargs: [] };
    const current = this.stream.current;
    if (this.stream.test("(")) {
      signature = this.parseCallArgs();
    } else if (
      (["name", "string", "integer", "float"].includes(current.type) || this.stream.test("[") || this.stream.test("{") || this.stream.test("(")) &&
      !["name:else", "name:or", "name:and"].some((rule) => this.stream.test(rule))
    ) {
      if (this.stream.test("name:is")) this.fail("You cannot chain multiple tests with is");
      const arg = this.parsePostfix(this.parsePrimary());
      signature = { args: [arg], kwargs: [] };
    }
    const test: Expr = { type: "test", target: node, name, signature, line: isToken.line, column: isToken.column };
    return negated ? { type: "unary", op: "not", operand: test, line: isToken.line, column: isToken.column } : test;
  }
}

export function parseTemplate(source: string): TemplateAst {
  return new Parser(tokenize(source)).parseTemplate();
}

export function parseExpressionSource(source: string): Expr {
  return new Parser(tokenize(source, true)).parseLoneExpression();
}
