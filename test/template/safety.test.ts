/**
 * Templates cannot reach JavaScript internals. Known nunjucks sandbox escapes (and the Python
 * Jinja2 ones) must fail with a clear error and must not run any code.
 */
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import { renderTemplate, resolveString, resolveWithSchema, TemplateError } from "../../src/core/template";

const marker = "__wfv_template_escape__";
const globals = globalThis as Record<string, unknown>;

function context() {
  return { state: { name: "x", list: [1, 2], nested: { a: 1 } }, step: { step_id: "s" }, config: {} };
}

const payloads = [
  // nunjucks CVE-style escapes through constructors of functions reachable from the context
  `{{ range.constructor("globalThis.${marker} = 1")() }}`,
  `{{ cycler.constructor.constructor("globalThis.${marker} = 1")() }}`,
  `{{ joiner.constructor.constructor("globalThis.${marker} = 1")() }}`,
  `{{ now.constructor("globalThis.${marker} = 1")() }}`,
  `{{ "".constructor.constructor("globalThis.${marker} = 1")() }}`,
  `{{ [].constructor.constructor("globalThis.${marker} = 1")() }}`,
  `{{ state.constructor.constructor("globalThis.${marker} = 1")() }}`,
  `{{ state.list.map.constructor("globalThis.${marker} = 1")() }}`,
  `{{ ''|attr('constructor')|attr('constructor') }}`,
  `{{ (state|attr('constructor')).constructor("globalThis.${marker} = 1")() }}`,
  `{{ state['constructor']['constructor']("globalThis.${marker} = 1")() }}`,
  `{{ state["__proto__"] }}`,
  `{{ state.__proto__.polluted }}`,
  `{{ state.nested.prototype }}`,
  `{{ namespace.prototype }}`,
  `{% set f = range.constructor %}{{ f("globalThis.${marker} = 1")() }}`,
  `{{ state.list|map(attribute='constructor')|list }}`,
  `{{ state.list|sort(attribute='constructor') }}`,
  `{{ now().constructor }}`,
  `{% for x in [1] %}{{ loop.constructor }}{% endfor %}`,
  // Python Jinja2 sandbox escapes
  `{{ ''.__class__.__mro__[1].__subclasses__() }}`,
  `{{ lipsum.__globals__['os'].popen('id').read() }}`,
  `{{ cycler.__init__.__globals__.os.popen('id').read() }}`,
  `{{ self.__init__.__globals__ }}`,
  `{{ state.__class__ }}`,
];

describe("template safety", () => {
  afterEach(() => {
    delete globals[marker];
  });

  for (const payload of payloads) {
    test(payload, () => {
      let failure: unknown;
      try {
        resolveString(payload, context());
      } catch (error) {
        failure = error;
      }
      assert.equal(globals[marker], undefined, "no code ran");
      assert.ok(failure instanceof TemplateError, `the payload must fail with a TemplateError, got ${String(failure)}`);
      assert.ok(["security", "undefined", "syntax"].includes(failure.kind), `clear failure kind, got ${failure.kind}: ${failure.message}`);
      assert.ok(failure.line !== undefined, "the failure has a position");
    });
  }

  test("reaching for a constructor says so", () => {
    assert.throws(() => renderTemplate("{{ ''.constructor }}", context()), /access to attribute 'constructor' is not allowed/);
  });

  test("a dict's own key named like an internal is plain data", () => {
    const state = JSON.parse('{"constructor": "Ferrari", "__proto__": {"polluted": true}}') as Record<string, unknown>;
    assert.equal(resolveString("{{ state.constructor }}", { state }), "Ferrari");
    assert.deepEqual(resolveString("{{ state['__proto__'] }}", { state }), { polluted: true });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test("keys named __proto__ never re-parent objects or pollute Object.prototype", () => {
    const value = resolveString("{{ {'__proto__': {'polluted': 1} } }}", { state: {} }) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.deepEqual(Object.keys(value), ["__proto__"]);
    renderTemplate("{% set d = {} %}{% set _ = d.update({'__proto__': {'polluted': 1}}) %}{{ dict(__proto__=1) }}", { state: {} });
    const inputs = JSON.parse('{"resolver_schema": {"properties": {"x": {"resolver": "server"}}}, "x": {"__proto__": {"polluted": 1}}}') as Record<string, unknown>;
    const resolved = resolveWithSchema(inputs, { state: {} }) as { x: Record<string, unknown> };
    assert.equal(Object.getPrototypeOf(resolved.x), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test("unknown filters and tests are not looked up on prototypes", () => {
    assert.throws(() => renderTemplate("{{ 1|constructor }}", { state: {} }), /No filter named 'constructor'/);
    assert.throws(() => renderTemplate("{{ 1 is constructor }}", { state: {} }), /No test named 'constructor'/);
    assert.throws(() => renderTemplate("{{ 1|toString }}", { state: {} }), /No filter named 'toString'/);
    assert.equal(renderTemplate("{{ toString }}|{{ hasOwnProperty }}|{{ valueOf }}", { state: {} }), "||");
  });

  test("runaway templates stop with an error instead of exhausting the host", () => {
    assert.throws(() => renderTemplate("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", { state: {} }), /recursion/);
    assert.throws(() => renderTemplate("{{ range(10000000)|length }}", { state: {} }), /range too big/);
  });
});
