/**
 * Evaluates the template tree with Python/Jinja2 semantics: scopes as Jinja scopes them, loops with
 * `loop.*`, macros and call blocks, filters and tests with keyword arguments, SilentUndefined.
 */
import type { CallSignature, Expr, Stmt, TemplateAst } from "./ast";
import { getAttribute, getItem, SliceValue } from "../python/attributes";
import { environment } from "./environment";
import { pyArithmetic, pyCompare, pyContains, pyEquals, pyIterate, pyNegate, pyUnpack, truthy, undefinedError } from "../python/operators";
import { pyStr } from "../python/format";
import { TemplateError, typeError } from "./template-error";
import { makeGlobals } from "./globals";
import { LoopContext, Scope } from "./scope";
import { chargeOutput, checkedJoin, fromHostError, limitError, RenderBudget, withBudget } from "../python/limits";
import { LIMITS, limitMessage } from "../limits";
import {
  type CallArgs,
  isDict,
  isTuple,
  makeTuple,
  Namespace,
  NaiveDateTime,
  PyCallable,
  pyTypeName,
  setOwn,
  TemplateReference,
  Undef,
} from "../python/objects";

/** The variables a template sees (engine.md §5.3). */
export interface TemplateContext {
  state: Record<string, unknown>;
  step?: Record<string, unknown>;
  config?: Record<string, unknown>;
  /** Freezes `now()`; a `Date` is read in local time, as Python's naive `datetime.now()`. */
  now?: () => Date | NaiveDateTime;
  /** More top-level variables (e.g. `current_step_name` for status_display). */
  extra?: Record<string, unknown>;
  /**
   * `"silent"` (default) is the resolver's SilentUndefined; `"default"` is Jinja's default
   * Undefined, where attribute access on an undefined value raises (status_display uses it).
   */
  undefinedMode?: "silent" | "default";
  /** Previews only (core/preview): text put before each `{{ }}`'s output, told what it printed; unset, it costs nothing. */
  outputHook?: (expr: Expr, value: unknown) => string;
}

const templateReference = new TemplateReference();

/** Jinja's `nodes.Impossible`: the expression needs the render context, so it cannot be folded. */
export class NotConstant {}
/** One shared instance: folding attempts fail often and need no stack trace. */
const notConstant = new NotConstant();

/** Filters Jinja never folds at compile time: they need the render context. */
const contextFilters = new Set(["map", "select", "reject", "selectattr", "rejectattr"]);
/** The globals hold no per-render state (cycler/joiner are factories), so one set serves all renders. */
const sharedGlobals = makeGlobals();

const macroSpecialNames = new WeakMap<object, Set<string>>();

function namesUsed(body: Stmt[]): Set<string> {
  const cached = macroSpecialNames.get(body);
  if (cached) return cached;
  const used = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== "object") return;
    const record = node as Record<string, unknown>;
    if (record.type === "name") used.add(record.name as string);
    // A nested macro's own `caller`/`varargs` do not count for the outer one.
    if (record.type === "macro") return;
    for (const key of Object.keys(record)) visit(record[key]);
  };
  visit(body);
  macroSpecialNames.set(body, used);
  return used;
}

export class Interpreter {
  private readonly root: Scope;
  private readonly globals: Record<string, unknown>;
  private readonly strictUndefined: boolean;
  private readonly outputHook: TemplateContext["outputHook"];
  private depth = 0;
  private readonly budget = new RenderBudget();
  /** Set while evaluating a constant `{{ }}` the way Jinja's compiler folds it (`as_const`). */
  private constantFolding = false;

  constructor(context: TemplateContext) {
    this.root = new Scope(null);
    const state = context.state ?? {};
    this.root.vars.set("state", state);
    this.root.vars.set("module", state);
    this.root.vars.set("step", context.step ?? {});
    this.root.vars.set("config", context.config ?? {});
    const nowHook = context.now;
    this.root.vars.set(
      "now",
      new PyCallable("now", () => {
        const value = nowHook ? nowHook() : new Date();
        return value instanceof NaiveDateTime ? value : NaiveDateTime.fromLocalDate(value);
      }),
    );
    this.root.vars.set("self", templateReference);
    if (context.extra) for (const [key, value] of Object.entries(context.extra)) this.root.vars.set(key, value);
    this.globals = sharedGlobals;
    this.strictUndefined = context.undefinedMode === "default";
    this.outputHook = context.outputHook;
  }

  render(ast: TemplateAst): string {
    return withBudget(this.budget, () => {
      const out: string[] = [];
      this.execBody(ast.body, new Scope(this.root), out);
      return out.join("");
    });
  }

  evaluate(expr: Expr): unknown {
    return withBudget(this.budget, () => this.eval(expr, new Scope(this.root)));
  }

  /** One level deeper into macros or a recursive loop: Jinja's recursion limit, as a wfv limit. */
  private enter(): void {
    if (++this.depth > LIMITS.MAX_TEMPLATE_DEPTH.value) {
      throw limitError("runtime", "MAX_TEMPLATE_DEPTH", `maximum recursion depth exceeded: ${limitMessage("MAX_TEMPLATE_DEPTH", "the nesting of macro calls")}`);
    }
  }

  // ------------------------------------------------------------ statements

  private execBody(body: Stmt[], scope: Scope, out: string[]): void {
    for (const stmt of body) {
      try {
        this.exec(stmt, scope, out);
      } catch (error) {
        throw positioned(error, stmt.line, stmt.column);
      }
    }
  }

  private exec(stmt: Stmt, scope: Scope, out: string[]): void {
    this.budget.step();
    switch (stmt.type) {
      case "data":
        chargeOutput(stmt.text.length);
        out.push(stmt.text);
        return;
      case "output": {
        const value = this.eval(stmt.expr, scope);
        if (this.outputHook !== undefined) out.push(this.outputHook(stmt.expr, value));
        const text = typeof value === "string" ? value : pyStr(value);
        chargeOutput(text.length);
        out.push(text);
        return;
      }
      case "if": {
        if (truthy(this.eval(stmt.test, scope))) return this.execBody(stmt.body, scope, out);
        for (const branch of stmt.elifs) {
          if (truthy(this.eval(branch.test, scope))) return this.execBody(branch.body, scope, out);
        }
        return this.execBody(stmt.otherwise, scope, out);
      }
      case "for":
        return this.execFor(stmt, scope, out);
      case "assign":
        return this.assign(stmt.target, this.eval(stmt.value, scope), scope);
      case "assign_block": {
        const captured: string[] = [];
        this.execBody(stmt.body, new Scope(scope), captured);
        let value: unknown = captured.join("");
        if (stmt.filter) value = this.applyFilterChain(stmt.filter, value, scope);
        return this.assign(stmt.target, value, scope);
      }
      case "macro":
        scope.vars.set(stmt.name, this.makeMacro(stmt.name, stmt.params, stmt.defaults, stmt.body, scope));
        return;
      case "call_block": {
        const caller = this.makeMacro("caller", stmt.params, stmt.defaults, stmt.body, scope);
        const signature = stmt.call.signature;
        const callee = this.eval(stmt.call.callee, scope);
        const call = this.evalArgs(signature, scope);
        call.kwargs.set("caller", caller);
        const value = this.invoke(callee, call);
        out.push(pyStr(value));
        return;
      }
      case "filter_block": {
        const captured: string[] = [];
        this.execBody(stmt.body, new Scope(scope), captured);
        out.push(pyStr(this.applyFilterChain(stmt.filter, captured.join(""), scope)));
        return;
      }
      case "with": {
        const inner = new Scope(scope);
        const values = stmt.values.map((value) => this.eval(value, scope));
        stmt.targets.forEach((target, i) => this.assign(target, values[i], inner));
        return this.execBody(stmt.body, inner, out);
      }
      case "scope_block":
        return this.execBody(stmt.body, new Scope(scope), out);
      case "unsupported":
        throw new TemplateError("runtime", `no loader for this environment specified ({% ${stmt.tag} %})`);
    }
  }

  /** A filter tree whose innermost target is null: apply it to `value`. */
  private applyFilterChain(filter: Expr, value: unknown, scope: Scope): unknown {
    if (filter.type !== "filter") return value;
    const input = filter.target ? this.applyFilterChain(filter.target, value, scope) : value;
    return this.callFilter(filter.name, input, this.evalArgs(filter.signature, scope));
  }

  private execFor(stmt: Stmt & { type: "for" }, scope: Scope, out: string[]): void {
    const run = (iterable: unknown, depth0: number): string => {
      const buffer: string[] = [];
      let items = pyIterate(iterable);
      if (stmt.filter) {
        const filterExpr = stmt.filter;
        items = items.filter((item) => {
          const probe = new Scope(scope);
          this.assign(stmt.target, item, probe);
          return truthy(this.eval(filterExpr, probe));
        });
      }
      if (items.length === 0) {
        this.execBody(stmt.otherwise, new Scope(scope), buffer);
        return buffer.join("");
      }
      const loop = new LoopContext(items, depth0, stmt.recursive ? (next) => {
        this.enter();
        try {
          return run(next, depth0 + 1);
        } finally {
          this.depth--;
        }
      } : null);
      for (let i = 0; i < items.length; i++) {
        this.budget.step();
        loop.index0 = i;
        const inner = new Scope(scope);
        inner.vars.set("loop", loop);
        this.assign(stmt.target, items[i], inner);
        this.execBody(stmt.body, inner, buffer);
      }
      return buffer.join("");
    };
    out.push(run(this.eval(stmt.iter, scope), 0));
  }

  private assign(target: Expr, value: unknown, scope: Scope): void {
    if (target.type === "name") {
      scope.vars.set(target.name, value);
      return;
    }
    if (target.type === "tuple") {
      const items = pyUnpack(value, target.items.length);
      target.items.forEach((item, i) => this.assign(item, items[i], scope));
      return;
    }
    if (target.type === "nsref") {
      const found = scope.lookup(target.name);
      const ns = found.found ? found.value : undefined;
      if (!(ns instanceof Namespace)) throw new TemplateError("runtime", "cannot assign attribute on non-namespace object");
      ns.attributes.set(target.attr, value);
      return;
    }
    throw new TemplateError("syntax", `can't assign to '${target.type}'`);
  }

  private makeMacro(name: string, params: string[], defaults: Expr[], body: Stmt[], closure: Scope): PyCallable {
    const used = namesUsed(body);
    const firstDefault = params.length - defaults.length;
    return new PyCallable(
      name,
      (call) => {
        const scope = new Scope(closure);
        const extraArgs = call.args.slice(params.length);
        if (extraArgs.length && !used.has("varargs")) {
          throw typeError(`macro '${name}' takes not more than ${params.length} argument(s)`);
        }
        const extraKwargs: Record<string, unknown> = {};
        params.forEach((param, i) => {
          if (i < call.args.length) {
            if (call.kwargs.has(param)) throw typeError(`macro '${name}' got multiple values for argument '${param}'`);
            scope.vars.set(param, call.args[i]);
          } else if (call.kwargs.has(param)) {
            scope.vars.set(param, call.kwargs.get(param));
          } else if (i >= firstDefault) {
            scope.vars.set(param, this.eval(defaults[i - firstDefault], scope));
          } else {
            scope.vars.set(param, new Undef(`parameter '${param}' was not provided`));
          }
        });
        for (const [key, value] of call.kwargs) {
          if (params.includes(key)) continue;
          if (key === "caller" && used.has("caller")) continue;
          if (!used.has("kwargs")) {
            throw typeError(key === "caller" ? `macro '${name}' was invoked with two values for the special caller argument. This is most likely a bug.` : `macro '${name}' takes no keyword argument '${key}'`);
          }
          setOwn(extraKwargs, key, value);
        }
        if (used.has("caller")) scope.vars.set("caller", call.kwargs.get("caller") ?? new Undef("No caller defined"));
        if (used.has("varargs")) scope.vars.set("varargs", makeTuple(extraArgs));
        if (used.has("kwargs")) scope.vars.set("kwargs", extraKwargs);
        this.budget.step();
        this.enter();
        try {
          const out: string[] = [];
          this.execBody(body, scope, out);
          return out.join("");
        } finally {
          this.depth--;
        }
      },
      "Macro",
    );
  }

  // ------------------------------------------------------------ expressions

  /**
   * Jinja's `as_const` (compile-time folding): the value of a constant expression, where a slice
   * goes through environment.getitem (a TypeError becomes undefined; at run time slices raise).
   */
  fold(expr: Expr): unknown {
    this.constantFolding = true;
    try {
      return this.eval(expr, new Scope(this.root));
    } finally {
      this.constantFolding = false;
    }
  }

  private eval(expr: Expr, scope: Scope): unknown {
    try {
      return this.evalNode(expr, scope);
    } catch (error) {
      throw positioned(error, expr.line, expr.column);
    }
  }

  private evalNode(expr: Expr, scope: Scope): unknown {
    switch (expr.type) {
      case "const":
        // A folded list or dict is a fresh object on every evaluation, as Python's generated code is.
        return expr.folded ? cloneFolded(expr.value) : expr.value;
      case "name": {
        if (this.constantFolding) throw notConstant;
        const found = scope.lookup(expr.name);
        if (found.found) return found.value;
        if (Object.hasOwn(this.globals, expr.name)) return this.globals[expr.name];
        return new Undef(`'${expr.name}' is undefined`);
      }
      case "getattr": {
        const target = this.eval(expr.target, scope);
        if (this.strictUndefined && target instanceof Undef) throw undefinedError(target);
        return getAttribute(target, expr.attr);
      }
      case "getitem": {
        const target = this.eval(expr.target, scope);
        if (this.strictUndefined && target instanceof Undef) throw undefinedError(target);
        const index = this.eval(expr.index, scope);
        if (this.constantFolding && index instanceof SliceValue) {
          try {
            return getItem(target, index);
          } catch (error) {
            if (error instanceof TemplateError && error.kind === "type") return new Undef("constant slice of an unsliceable value");
            throw error;
          }
        }
        return getItem(target, index);
      }
      case "slice":
        return new SliceValue(
          expr.start ? this.eval(expr.start, scope) : null,
          expr.stop ? this.eval(expr.stop, scope) : null,
          expr.step ? this.eval(expr.step, scope) : null,
        );
      case "list":
        return expr.items.map((item) => this.eval(item, scope));
      case "tuple":
        return makeTuple(expr.items.map((item) => this.eval(item, scope)));
      case "dict": {
        const out: Record<string, unknown> = {};
        for (const pair of expr.pairs) {
          const key = this.eval(pair.key, scope);
          if (Array.isArray(key) || isDict(key)) throw typeError(`unhashable type: '${pyTypeName(key)}'`);
          setOwn(out, typeof key === "string" ? key : pyStr(key), this.eval(pair.value, scope));
        }
        return out;
      }
      case "binary":
        return pyArithmetic(expr.op, this.eval(expr.left, scope), this.eval(expr.right, scope));
      case "unary": {
        const operand = this.eval(expr.operand, scope);
        return expr.op === "not" ? !truthy(operand) : pyNegate(operand, expr.op);
      }
      case "and": {
        const left = this.eval(expr.left, scope);
        return truthy(left) ? this.eval(expr.right, scope) : left;
      }
      case "or": {
        const left = this.eval(expr.left, scope);
        return truthy(left) ? left : this.eval(expr.right, scope);
      }
      case "concat":
        return checkedJoin(expr.parts.map((part) => pyStr(this.eval(part, scope))), "");
      case "compare": {
        let left = this.eval(expr.first, scope);
        for (const { op, expr: operandExpr } of expr.ops) {
          const right = this.eval(operandExpr, scope);
          let ok: boolean;
          switch (op) {
            case "eq": ok = pyEquals(left, right); break;
            case "ne": ok = !pyEquals(left, right); break;
            case "in": ok = pyContains(right, left); break;
            case "notin": ok = !pyContains(right, left); break;
            default: ok = pyCompare(left, right, op);
          }
          if (!ok) return false;
          left = right;
        }
        return true;
      }
      case "condexpr": {
        if (truthy(this.eval(expr.test, scope))) return this.eval(expr.then, scope);
        return expr.otherwise ? this.eval(expr.otherwise, scope) : new Undef("the inline if-expression on line evaluated to false and no else section was defined.");
      }
      case "call": {
        if (this.constantFolding) throw notConstant;
        const callee = this.eval(expr.callee, scope);
        return this.invoke(callee, this.evalArgs(expr.signature, scope));
      }
      case "filter": {
        if (this.constantFolding && contextFilters.has(expr.name)) throw notConstant;
        const value = expr.target ? this.eval(expr.target, scope) : new Undef("no filter input");
        return this.callFilter(expr.name, value, this.evalArgs(expr.signature, scope));
      }
      case "test": {
        const value = this.eval(expr.target, scope);
        return this.callTest(expr.name, value, this.evalArgs(expr.signature, scope));
      }
      case "nsref":
        throw new TemplateError("syntax", "namespace reference outside an assignment");
    }
  }

  private evalArgs(signature: CallSignature, scope: Scope): CallArgs {
    const args = signature.args.map((arg) => this.eval(arg, scope));
    const kwargs = new Map<string, unknown>();
    for (const keyword of signature.kwargs) kwargs.set(keyword.name, this.eval(keyword.value, scope));
    if (signature.dynArgs) args.push(...pyIterate(this.eval(signature.dynArgs, scope)));
    if (signature.dynKwargs) {
      const extra = this.eval(signature.dynKwargs, scope);
      if (!isDict(extra)) throw typeError(`argument after ** must be a mapping, not ${pyTypeName(extra)}`);
      for (const key of Object.keys(extra)) kwargs.set(key, extra[key]);
    }
    return { args, kwargs };
  }

  private invoke(callee: unknown, call: CallArgs): unknown {
    if (callee instanceof PyCallable) return callee.invoke(call);
    if (callee instanceof LoopContext) return callee.call(call.args[0]);
    if (callee instanceof Undef) throw undefinedError(callee);
    throw typeError(`'${pyTypeName(callee)}' object is not callable`);
  }

  callFilter(name: string, value: unknown, call: CallArgs): unknown {
    if (!Object.hasOwn(environment.filters, name)) throw new TemplateError("runtime", `No filter named '${name}' found.`);
    return environment.filters[name](value, call, environment);
  }

  callTest(name: string, value: unknown, call: CallArgs): boolean {
    if (!Object.hasOwn(environment.tests, name)) throw new TemplateError("runtime", `No test named '${name}' found.`);
    return environment.tests[name](value, call, environment);
  }
}

function cloneFolded(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(cloneFolded);
    return isTuple(value) ? makeTuple(items) : items;
  }
  if (isDict(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) setOwn(out, key, cloneFolded(value[key]));
    return out;
  }
  return value;
}

/** Gives a failure the position of the innermost node that saw it; host errors become runtime errors. */
function positioned(error: unknown, line: number, column: number): Error | NotConstant {
  if (error instanceof TemplateError) return error.at(line, column);
  if (error instanceof NotConstant) return error;
  const host = fromHostError(error);
  if (host instanceof TemplateError) return host.at(line, column);
  return new TemplateError("runtime", error instanceof Error ? error.message : String(error), line, column);
}
