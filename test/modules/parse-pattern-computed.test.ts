/**
 * Why transform.parse_pattern's `computed` fields keep their own simpleeval port (python/expression*.ts)
 * instead of the Jinja2 expression parser and interpreter (src/core/template) with the same names and
 * functions: on the expression forms workflows write (arithmetic, comparisons, names, subscripts,
 * calls of the allowed functions, string operations, `x if c else y`, and/or/not, literals), the
 * Jinja2 route gives a different value or a different error than Python simpleeval for the
 * expressions in DIFFERENT below, and the same for the rest. The port matches simpleeval on all of
 * them. If this test starts failing because the two routes agree, `computed` can move to Jinja2.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { evaluatePythonExpression, PARSE_PATTERN_FUNCTIONS } from "../../src/core/python/expression";
import { pyRepr } from "../../src/core/python/format";
import { PyCallable } from "../../src/core/python/objects";
import { TemplateError } from "../../src/core/template";
import { Interpreter } from "../../src/core/template/interpreter";
import { validateNames } from "../../src/core/template/validate-names";
import { parseExpressionSource } from "../../src/core/template/parser";
import { debianPython, simpleevalOracle, type SimpleevalOutcome } from "../helpers/oracle";

const NAMES = { a: 3, b: 4, op: "x", s: "abc", n: "12", d: { k: 1 }, x: null, f: 2.5, l: [1, 2, 3], w: null, t: true };

const SAME = [
  // arithmetic
  "a * b", "a + b * 2", "(a + b) * 2", "a / b", "a // b", "a % b", "a ** 2", "2 ** -1", "-a", "+a", "a - -b", "f * 2", "f / 2",
  "a / 0", "a // 0", "a % 0", "1e3", "1.5 + a", "10 / 4", "7 // 2.0",
  // comparisons and membership
  "a > b", "a < b", "a == 3", "a == 3.0", "a != b", "1 < a < 5", "a >= 3", "s == 'abc'", "'x' in s", "'z' not in s", "2 in l", "'k' in d", "a < s",
  // names, attributes, subscripts, slices
  "a", "op", "d.k", "d['k']", "l[0]", "l[-1]", "l[1:]", "s[::-1]", "s[0]", "l[1:2]",
  // calls of the allowed functions
  "ceil(a / 2)", "floor(f)", "sqrt(16)", "pow(2, 3)", "min(a, b)", "max(l)", "abs(-f)", "round(f)", "round(2.675, 2)", "len(s)", "len(l) * 2", "round(a / b, 2)",
  // string operations
  "s.upper()", "op.upper() + s", "s + op", "s * 2", "s + 1", "s.replace('a', 'z')", "s.startswith('a')", "s.split('b')", "'%d items' % a", "s.strip()", "n.isdigit()",
  // conditionals and boolean operators
  "a if a > 1 else -a", "'big' if a > b else 'small'", "x if x else 0", "a and b", "a or b", "x or 0", "not a", "not x", "a > 1 and b < 5", "(w or 0) + 1", "t and 'yes' or 'no'",
  // literals
  "True", "False", "None", "1", "1.0", "'s'", '"d"', "[1, 2]", "(1, 2)", "{'a': a}", "[]", "{}", "0x1F", "1_000", "l + [4]", "(1,)",
];

/** Where the routes part, and how (Python simpleeval → Jinja2). */
const DIFFERENT: Record<string, string> = {
  "-a ** 2": "-9 → 9: Jinja2 binds unary minus tighter than **",
  "x is None": "True → no test named 'None' (`is` is a Jinja2 test)",
  "x is not None": "False → no test named 'None'",
  missing: "NameNotDefined → Undefined, no error",
  "missing + 1": "NameNotDefined → UndefinedError, another text",
  "x.y": "AttributeDoesNotExist → Undefined, no error",
  "d['zz']": "KeyError → Undefined, no error",
  "d.zz": "AttributeDoesNotExist → Undefined, no error",
  "l[5]": "IndexError → Undefined, no error",
  "nope(1)": "FunctionNotDefined → UndefinedError, another text",
  "str(a)": "FunctionNotDefined → UndefinedError (the module's error text changes)",
  "'{} x'.format(a)": "FeatureNotAvailable → '3 x'",
  true: "NameNotDefined → True (Jinja2's lowercase literals)",
  none: "NameNotDefined → None",
  "1 +": "SyntaxError text → TemplateSyntaxError text",
  "a +* 2": "SyntaxError text → TemplateSyntaxError text",
  "a b": "SyntaxError text → TemplateSyntaxError text",
  "a ~ b": "SyntaxError → '34' (Jinja2's ~)",
  "[v * 2 for v in l]": "[2, 4, 6] → TemplateSyntaxError (no comprehensions)",
  "s * 40000": "IterableTooLong → the long string (no simpleeval limits)",
};

type Outcome = SimpleevalOutcome;

const FUNCTIONS = Object.fromEntries(
  Object.entries(PARSE_PATTERN_FUNCTIONS).map(([name, fn]) => [name, new PyCallable(name, (call) => fn(call.args, call.kwargs))]),
);

/** The Jinja2 route: `env.compile_expression(expr)(**names, **functions)` on wfv's parser and interpreter. */
function viaJinja(expression: string): Outcome {
  try {
    const expr = parseExpressionSource(expression);
    validateNames(expr);
    return { value: pyRepr(new Interpreter({ state: {}, extra: { ...NAMES, ...FUNCTIONS } }).evaluate(expr)) };
  } catch (error) {
    if (error instanceof TemplateError) return { error: error.reason };
    throw error;
  }
}

function viaPort(expression: string): Outcome {
  try {
    return { value: pyRepr(evaluatePythonExpression(expression, NAMES, PARSE_PATTERN_FUNCTIONS)) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const hasSimpleeval = spawnSync(debianPython, ["-c", "import simpleeval"], { stdio: "ignore" }).status === 0;

test("computed: the Jinja2 expression route differs from simpleeval on workflow forms; the simpleeval port does not", { skip: hasSimpleeval ? false : "python3-simpleeval is not installed" }, () => {
  const expressions = [...SAME, ...Object.keys(DIFFERENT)];
  const expected = simpleevalOracle(NAMES, expressions);
  const differing: string[] = [];
  expressions.forEach((expression, i) => {
    assert.deepEqual(viaPort(expression), expected[i], `the port, on ${expression}`);
    if (JSON.stringify(viaJinja(expression)) !== JSON.stringify(expected[i])) differing.push(expression);
  });
  assert.deepEqual(differing, Object.keys(DIFFERENT));
});
