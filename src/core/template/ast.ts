/** The template syntax tree, shaped after jinja2/nodes.py. Every node knows its line and column. */

export interface Position {
  line: number;
  column: number;
}

export type CompareOp = "eq" | "ne" | "lt" | "lteq" | "gt" | "gteq" | "in" | "notin";
export type BinaryOp = "add" | "sub" | "mul" | "div" | "floordiv" | "mod" | "pow";

export interface Keyword {
  name: string;
  value: Expr;
}

export interface CallSignature {
  args: Expr[];
  kwargs: Keyword[];
  dynArgs?: Expr;
  dynKwargs?: Expr;
}

export type Expr = Position &
  (
    | { type: "const"; value: unknown; folded?: boolean }
    | { type: "name"; name: string }
    | { type: "list"; items: Expr[] }
    | { type: "tuple"; items: Expr[] }
    | { type: "dict"; pairs: Array<{ key: Expr; value: Expr }> }
    | { type: "getattr"; target: Expr; attr: string }
    | { type: "getitem"; target: Expr; index: Expr }
    | { type: "slice"; start?: Expr; stop?: Expr; step?: Expr }
    | { type: "call"; callee: Expr; signature: CallSignature }
    | { type: "filter"; target: Expr | null; name: string; signature: CallSignature }
    | { type: "test"; target: Expr; name: string; signature: CallSignature }
    | { type: "binary"; op: BinaryOp; left: Expr; right: Expr }
    | { type: "unary"; op: "neg" | "pos" | "not"; operand: Expr }
    | { type: "and" | "or"; left: Expr; right: Expr }
    | { type: "concat"; parts: Expr[] }
    | { type: "compare"; first: Expr; ops: Array<{ op: CompareOp; expr: Expr }> }
    | { type: "condexpr"; test: Expr; then: Expr; otherwise?: Expr }
    | { type: "nsref"; name: string; attr: string }
  );

export type Stmt = Position &
  (
    | { type: "data"; text: string }
    | { type: "output"; expr: Expr }
    | { type: "if"; test: Expr; body: Stmt[]; elifs: Array<{ test: Expr; body: Stmt[] }>; otherwise: Stmt[] }
    | { type: "for"; target: Expr; iter: Expr; filter?: Expr; body: Stmt[]; otherwise: Stmt[]; recursive: boolean }
    | { type: "assign"; target: Expr; value: Expr }
    | { type: "assign_block"; target: Expr; filter?: Expr; body: Stmt[] }
    | { type: "macro"; name: string; params: string[]; defaults: Expr[]; body: Stmt[] }
    | { type: "call_block"; call: Expr & { type: "call" }; params: string[]; defaults: Expr[]; body: Stmt[] }
    | { type: "filter_block"; filter: Expr; body: Stmt[] }
    | { type: "with"; targets: Expr[]; values: Expr[]; body: Stmt[] }
    | { type: "scope_block"; body: Stmt[] }
    | { type: "unsupported"; tag: string }
  );

export interface TemplateAst {
  body: Stmt[];
}
