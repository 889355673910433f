/**
 * Tracker issue 11, item 3: what a template builds is bounded (src/core/limits): a request over a
 * limit fails fast with a MemoryError / runtime error whose message names the limit, before any
 * item is made; realistic values just under the limits still render. No timing assertions: each
 * reproduction used to take seconds to minutes and gigabytes, so finishing at all is the check.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { LIMITS } from "../../src/core/limits";
import { renderTemplate, resolveString, resolveWithSchema, TemplateError } from "../../src/core/template";
import { isWfvError } from "../../src/core/errors";
import { callCli } from "../helpers/cli";
import { fromHostError } from "../../src/core/python/limits";

const context = { state: {} };

function failure(template: string): TemplateError {
  try {
    resolveString(template, context);
  } catch (error) {
    assert.ok(error instanceof TemplateError, `a TemplateError, got ${String(error)}`);
    return error;
  }
  assert.fail(`${template} rendered`);
}

/** The template fails with `limit` named in its message and its `limit` field, at a position. */
function assertLimit(template: string, limit: keyof typeof LIMITS, kind: string): TemplateError {
  const error = failure(template);
  assert.equal(error.limit, limit, error.message);
  assert.equal(error.kind, kind, error.message);
  assert.ok(error.message.includes(`(${limit})`), error.message);
  assert.ok(error.line !== undefined, "the failure has a position");
  return error;
}

describe("template limits: the reproductions of issue 11", () => {
  const reproductions: Array<[string, keyof typeof LIMITS, string]> = [
    ["{{ [1]|batch(10**9, 0)|list|length }}", "MAX_SEQUENCE_ITEMS", "memory"],
    ["{{ [1]|slice(10**9)|list|length }}", "MAX_SEQUENCE_ITEMS", "memory"],
    ["{{ ([1]*10**8)|length }}", "MAX_SEQUENCE_ITEMS", "memory"],
    ["{{ ((1,)*10**8)|length }}", "MAX_SEQUENCE_ITEMS", "memory"],
    ["{{ ('a'*10**9)|length }}", "MAX_STRING_LENGTH", "memory"],
    ["{{ 'x'|center(10**9) }}", "MAX_STRING_LENGTH", "memory"],
    ["{{ 'x'.center(10**9) }}", "MAX_STRING_LENGTH", "memory"],
    ["{{ 'x'.ljust(10**9, '-') }}", "MAX_STRING_LENGTH", "memory"],
    ["{{ '1'.zfill(10**9) }}", "MAX_STRING_LENGTH", "memory"],
    ["{{ range(10**9)|length }}", "MAX_SEQUENCE_ITEMS", "runtime"],
    ["{{ range(10**6)|join('x' * 10**3) }}", "MAX_STRING_LENGTH", "memory"],
    ["{{ ('-'.join(['x' * 10**4] * 10**4))|length }}", "MAX_STRING_LENGTH", "memory"],
    ["{{ 'a\nb'|indent(10**9) }}", "MAX_STRING_LENGTH", "memory"],
    ["{{ ('a\n' * 10**6)|indent(100) }}", "MAX_STRING_LENGTH", "memory"],
    ["{{ ('a ' * 10**6)|wordwrap(1, wrapstring='x' * 100) }}", "MAX_STRING_LENGTH", "memory"],
    ["{{ ('a' * 10**6)|replace('a', 'b' * 100) }}", "MAX_STRING_LENGTH", "memory"],
    ["{{ ('a' * 10**6)|replace('', 'b' * 100) }}", "MAX_STRING_LENGTH", "memory"],
    ["{{ '%1000000000d' % 1 }}", "MAX_STRING_LENGTH", "memory"],
    ["{{ '%s'|format(1)|center(10**8) }}", "MAX_STRING_LENGTH", "memory"],
    ["{{ '{:>1000000000}'.format(1) }}", "MAX_STRING_LENGTH", "memory"],
    ["{{ [1]|tojson(indent=10**9) }}", "MAX_STRING_LENGTH", "memory"],
    ["{{ lipsum(10**9) }}", "MAX_SEQUENCE_ITEMS", "memory"],
    ["{{ (2**4000)**4000 }}", "MAX_INT_BITS", "memory"],
    ["{% set ns = namespace(s='x' * 1000) %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}", "MAX_STRING_LENGTH", "memory"],
    ["{% set ns = namespace(s='x' * 1000) %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}", "MAX_STRING_LENGTH", "memory"],
    ["{% set x = [1] %}{% for i in range(40) %}{% set _ = x.extend(x) %}{% endfor %}{{ x|length }}", "MAX_SEQUENCE_ITEMS", "memory"],
    ["{% set ns = namespace(x=[1]) %}{% for i in range(40) %}{% set ns.x = ns.x + ns.x %}{% endfor %}{{ ns.x|length }}", "MAX_SEQUENCE_ITEMS", "memory"],
    ["{% macro f(n) %}{% if n > 0 %}{{ f(n-1) }}{{ f(n-1) }}{% endif %}{% endmacro %}{{ f(40) }}", "MAX_TEMPLATE_STEPS", "runtime"],
    ["{% for a in range(10**6) %}{% for b in range(10**6) %}{% endfor %}{% endfor %}", "MAX_TEMPLATE_STEPS", "runtime"],
    ["{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "MAX_TEMPLATE_DEPTH", "runtime"],
    ["{% set big = 'x' * 6 * 10**7 %}{% for i in range(10) %}{{ big }}{% endfor %}", "MAX_TEMPLATE_ALLOCATION", "memory"],
  ];
  for (const [template, limit, kind] of reproductions) {
    test(`${template.slice(0, 100)} → ${limit}`, () => {
      assertLimit(template, limit, kind);
    });
  }

  test("the recursion limit keeps Python's words", () => {
    assert.match(assertLimit("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "MAX_TEMPLATE_DEPTH", "runtime").message, /^maximum recursion depth exceeded/);
  });

  test("'a'*10**9 is a MemoryError with a message, not an empty one", () => {
    const error = failure("{{ 'a' * 10**9 }}");
    assert.equal(error.exception, "MemoryError");
    assert.match(error.message, /1,000,000,000 characters, over wfv's limit of 67,108,864 \(MAX_STRING_LENGTH\)/);
  });

  test("V8 refusing a size is a MemoryError, never 'maximum recursion depth exceeded'", () => {
    const sized = fromHostError(new RangeError("Invalid string length"));
    assert.ok(sized instanceof TemplateError && sized.kind === "memory", String(sized));
    assert.doesNotMatch(sized.message, /recursion/);
    const stack = fromHostError(new RangeError("Maximum call stack size exceeded"));
    assert.ok(stack instanceof TemplateError && stack.limit === "HOST_STACK");
    const other = new RangeError("toFixed() digits argument must be between 0 and 100");
    assert.equal(fromHostError(other), other);
  });

  test("nesting deeper than the stack holds is a TemplateError naming HOST_STACK (parser and data)", () => {
    const parens = failure(`{{ ${"(".repeat(5000)}1${")".repeat(5000)} }}`);
    assert.equal(parens.limit, "HOST_STACK");
    assert.match(parens.message, /maximum recursion depth exceeded/);
    const ifs = failure(`${"{% if 1 %}".repeat(5000)}x${"{% endif %}".repeat(5000)}`);
    assert.equal(ifs.limit, "HOST_STACK");
    let deep: unknown = 1;
    for (let i = 0; i < 20_000; i++) deep = [deep];
    assert.throws(() => renderTemplate("{{ state.deep }}", { state: { deep } }), (error: unknown) => error instanceof TemplateError && error.limit === "HOST_STACK");
  });

  test("400 levels of nesting still render", () => {
    assert.equal(resolveString(`{{ ${"(".repeat(400)}1${")".repeat(400)} }}`, context), 1);
    assert.equal(resolveString(`${"{% if 1 %}".repeat(400)}x${"{% endif %}".repeat(400)}`, context), "x");
  });

  test("module inputs: resolution_failed with the input path and the limit in details", () => {
    const inputs = { resolver_schema: { type: "object", properties: { prompt: { resolver: "server" } } }, prompt: { text: "{{ 'a' * 10**9 }}" } };
    assert.throws(() => resolveWithSchema(inputs, context), (error: unknown) => {
      assert.ok(isWfvError(error));
      assert.equal(error.errorType, "resolution_failed");
      assert.equal(error.details.input_path, "inputs.prompt.text");
      assert.equal(error.details.limit, "MAX_STRING_LENGTH");
      assert.match(error.message, /MAX_STRING_LENGTH/);
      return true;
    });
  });

  test("module inputs nested past the stack: resolution_failed with the deepest input path", () => {
    let deep: Record<string, unknown> = { leaf: "{{ 1 }}" };
    for (let i = 0; i < 20_000; i++) deep = { d: deep };
    const inputs = { resolver_schema: { type: "object", properties: { x: { resolver: "server" } } }, x: deep };
    assert.throws(() => resolveWithSchema(inputs, context), (error: unknown) => {
      assert.ok(isWfvError(error));
      assert.equal(error.errorType, "resolution_failed");
      assert.equal(error.details.limit, "HOST_STACK");
      assert.match(String(error.details.input_path), /^inputs\.x\.d\.d\.d/);
      return true;
    });
  });
});

describe("template limits: realistic values just under them still work", () => {
  test("sizes", () => {
    assert.equal(resolveString("{{ ([1]*10**6)|length }}", context), 1_000_000);
    assert.equal(resolveString("{{ range(10**6)|length }}", context), 1_000_000);
    assert.deepEqual(resolveString("{{ range(10, 0, -3)|list }}", context), [10, 7, 4, 1]);
    assert.deepEqual(resolveString("{{ range(-5)|list }}", context), []);
    assert.equal(resolveString(`{{ ('a'*${LIMITS.MAX_STRING_LENGTH.value})|length }}`, context), LIMITS.MAX_STRING_LENGTH.value);
    assert.deepEqual(resolveString("{{ [1,2,3]|batch(2, 0)|list }}", context), [[1, 2], [3, 0]]);
    assert.deepEqual(resolveString("{{ []|batch(10**9, 0)|list }}", context), []);
    assert.equal(resolveString("{{ ('x'|center(1000))|length }}", context), 1000);
    const wrapped = resolveString("{{ ('a b c ' * 1000)|wordwrap(10) }}", context) as string;
    assert.ok(wrapped.split("\n").every((line) => line.length <= 10) && wrapped.split("\n").length === 600);
    assert.equal(resolveString("{{ 'one\n\ntwo'|wordwrap(3, wrapstring='|') }}", context), "one||two");
    assert.equal(resolveString("{{ 'aXbXc'|replace('X', '--') }}", context), "a--b--c");
    assert.equal(resolveString("{{ 'ab'|replace('', '-') }}", context), "-a-b-");
    assert.equal(resolveString("{{ '%5d|%-4s|' % (42, 'ab') }}", context), "   42|ab  |");
    assert.equal(resolveString("{{ (2**4000)|string|length }}", context), 1205);
    assert.equal(resolveString("{% set x = [1, 2] %}{% set _ = x.extend(x) %}{{ x }}", context), "[1, 2, 1, 2]");
  });

  test("steps: a 100,000-item loop and a macro tree of 2^15 calls render", () => {
    assert.equal(renderTemplate("{% for i in range(100000) %}{{ i % 2 }}{% endfor %}", context).length, 100_000);
    const tree = renderTemplate("{% macro f(n) %}{% if n > 0 %}{{ f(n-1) }}{{ f(n-1) }}{% else %}.{% endif %}{% endmacro %}{{ f(15) }}", context);
    assert.equal(tree.length, 2 ** 15);
  });

  test("each render has its own budget", () => {
    const template = "{% for i in range(300000) %}{% endfor %}ok";
    for (let i = 0; i < 5; i++) assert.equal(renderTemplate(template, context), "ok");
  });
});

describe("wfv render: limits end in the error shape, naming the limit", () => {
  for (const [template, limit] of [
    ["{{ [1]|batch(10**9, 0)|list|length }}", "MAX_SEQUENCE_ITEMS"],
    ["{{ [1]|slice(10**9)|list|length }}", "MAX_SEQUENCE_ITEMS"],
    ["{{ ([1]*10**8)|length }}", "MAX_SEQUENCE_ITEMS"],
    ["{{ 'a'*10**9 }}", "MAX_STRING_LENGTH"],
    ["{% macro f(n) %}{% if n > 0 %}{{ f(n-1) }}{{ f(n-1) }}{% endif %}{% endmacro %}{{ f(40) }}", "MAX_TEMPLATE_STEPS"],
  ] as const) {
    test(template, async () => {
      const result = await callCli(["render", template]);
      assert.equal(result.status, 1);
      const answer = result.json as { error: string; error_type: string; details: Record<string, unknown> };
      assert.equal(answer.error_type, "resolution_failed");
      assert.ok(answer.error.includes(`(${limit})`), answer.error);
      assert.equal(answer.details.limit, limit);
    });
  }
});
