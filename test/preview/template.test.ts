/**
 * previewTemplate (issue 15): the text is the engine's, undefined outputs are marked at their offsets,
 * failures come back with their position instead of throwing, and the limits still apply.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { expressionName, previewTemplate } from "../../src/core/preview";
import { compileTemplate, renderTemplate, resolveString, TemplateError } from "../../src/core/template";
import { parseExpressionSource } from "../../src/core/template/parser";

const context = { state: { pet: { label: "Cat" }, items: [1, 2, 3], empty: "" }, step: { step_id: "s" }, config: {} };

describe("previewTemplate", () => {
  test("the text is what the engine renders; every undefined output is a span at its offset, named as written", () => {
    const source = "Hi {{ state.pet.label }}, {{ state.pet.name }}!{% for i in state.items %}[{{ missing }}]{% endfor %} {{ state['x'] }}";
    const preview = previewTemplate(source, context);
    assert.equal(preview.text, renderTemplate(source, context));
    assert.equal(preview.text, "Hi Cat, ![][][] ");
    assert.equal(preview.error, undefined);
    assert.deepEqual(preview.undefinedSpans, [
      { start: 8, end: 8, name: "state.pet.name" },
      { start: 10, end: 10, name: "missing" },
      { start: 12, end: 12, name: "missing" },
      { start: 14, end: 14, name: "missing" },
      { start: 16, end: 16, name: 'state["x"]' },
    ]);
  });

  test("a defined value, a default and an empty string are not undefined", () => {
    const preview = previewTemplate("{{ state.empty }}{{ state.nope | default('d') }}{{ state.pet.label }}", context);
    assert.deepEqual(preview, { text: "dCat", undefinedSpans: [] });
  });

  test("a template that computes from its own output keeps the engine's text and drops the spans", () => {
    const source = "{% set x %}{{ state.nope }}{% endset %}{% if x %}yes{% else %}no{% endif %}{{ x | length }}";
    const preview = previewTemplate(source, context);
    assert.equal(preview.text, renderTemplate(source, context));
    assert.equal(preview.text, "no0");
    assert.deepEqual(preview.undefinedSpans, []);
  });

  test("the marker characters in the template itself do not confuse the spans", () => {
    const source = "\uFDD00\uFDD1{{ state.nope }}";
    const preview = previewTemplate(source, context);
    assert.equal(preview.text, renderTemplate(source, context));
  });

  test("text without {{ or {% is itself, comments included, as the resolver keeps it", () => {
    assert.deepEqual(previewTemplate("plain {# kept #} text", context), { text: "plain {# kept #} text", undefinedSpans: [] });
    assert.equal(resolveString("plain {# kept #} text", context), "plain {# kept #} text");
  });

  test("a syntax error: no text, the resolver's message, the 1-based line and column", () => {
    const preview = previewTemplate("line one\nline two {{ state.pet + }}\n", context);
    assert.equal(preview.text, "");
    assert.deepEqual(preview.undefinedSpans, []);
    assert.equal(preview.error?.kind, "syntax");
    assert.equal(preview.error?.line, 2);
    assert.equal(preview.error?.column, 25);
    assert.match(preview.error!.message, /^Jinja2 syntax error: /);
  });

  test("a runtime error has its position too", () => {
    const preview = previewTemplate("a\nb\n  {{ 1 // 0 }}", context);
    assert.equal(preview.error?.line, 3);
    assert.equal(typeof preview.error?.column, "number");
    assert.match(preview.error!.message, /division/);
  });

  test("{% include %} fails as it does in a run (no loader): the prompt's text is already inlined by $ref", () => {
    const preview = previewTemplate("{% include 'other.txt' %}", context);
    let engine: TemplateError | undefined;
    try {
      resolveString("{% include 'other.txt' %}", context);
    } catch (error) {
      engine = error as TemplateError;
    }
    assert.equal(preview.error?.message, engine?.message);
    assert.equal(preview.error?.line, engine?.line);
  });

  test("hostile templates stop at the core's limits, reported, not thrown", () => {
    const huge = previewTemplate("{{ 'x' * 10 ** 9 }}", context);
    assert.ok(huge.error, "over the output limit");
    const deep = previewTemplate("{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(0) }}", context);
    assert.match(deep.error!.message, /recursion/);
    const loop = previewTemplate("{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}", context);
    assert.ok(loop.error, "over the step budget");
  });

  test("now() is the same in the text whatever the passes", () => {
    const when = new Date(2026, 1, 14, 9, 5, 7);
    const preview = previewTemplate("{{ now().strftime('%H:%M:%S') }} {{ state.nope }}", { ...context, now: () => when });
    assert.deepEqual(preview, { text: "09:05:07 ", undefinedSpans: [{ start: 9, end: 9, name: "state.nope" }] });
  });

  test("spans: false renders once and marks nothing", () => {
    assert.deepEqual(previewTemplate("{{ state.nope }}x", context, { spans: false }), { text: "x", undefinedSpans: [] });
  });

  test("expressionName", () => {
    assert.equal(expressionName(parseExpressionSource("state.a.b[0]['k']")), 'state.a.b[0]["k"]');
    assert.equal(expressionName(parseExpressionSource("state.a | upper")), "state.a | upper");
    assert.equal(expressionName(parseExpressionSource("state[key]")), "state[…]");
  });
});

describe("previewTemplate and the caller's context", () => {
  test("a template that changes a value changes a copy: the caller's state stays, the spans survive", () => {
    const mine = { state: { a: [1] as unknown[] } };
    const preview = previewTemplate("{{ state.a.append(2) }}{{ state.a }}{{ state.nope }}", mine);
    assert.equal(preview.text, "None[1, 2]");
    assert.deepEqual(preview.undefinedSpans, [{ start: 10, end: 10, name: "state.nope" }]);
    assert.deepEqual(mine.state.a, [1]);
  });
});

describe("previewTemplate and the engine's template cache", () => {
  test("per-keystroke texts stay out of the cache: a run's compiled template is not evicted", () => {
    const runs = "{{ state.pet.label }} kept";
    const compiled = compileTemplate(runs);
    for (let i = 0; i < 2100; i++) previewTemplate(`{{ state.pet.label }} edit ${i}`, context);
    assert.equal(compileTemplate(runs), compiled);
  });

  test("a template nested past the host's stack is a reported error", () => {
    const deep = previewTemplate(`{{ ${"[".repeat(100_000)}${"]".repeat(100_000)} }}`, context);
    assert.ok(deep.error);
    assert.equal(deep.text, "");
  });
});

describe("previewTemplate: values made from undefined paths", () => {
  test("through filters and ~ the span covers what was printed; default stops it; defined paths are not marked", () => {
    const source = "a{{ state.nope | length }}b{{ state.nope.x | list }}c{{ 'Hi ' ~ state.pet.nope }}d{{ state.nope | default([]) | length }}e{{ state.items | length }}f{{ state['nope'] | join(',') | upper }}";
    const preview = previewTemplate(source, context);
    assert.equal(preview.text, renderTemplate(source, context));
    assert.equal(preview.text, "a0b[]cHi d0e3f");
    assert.deepEqual(preview.undefinedSpans, [
      { start: 1, end: 2, name: "state.nope" },
      { start: 3, end: 5, name: "state.nope.x" },
      { start: 6, end: 9, name: "state.pet.nope" },
      { start: 14, end: 14, name: 'state["nope"]' },
    ]);
  });

  test("a dict's method is an attribute, not an undefined key (Jinja's getattr)", () => {
    const preview = previewTemplate("{{ state.pet.items | string | length }}", context);
    assert.equal(preview.error, undefined);
    assert.notEqual(preview.text, "0");
    assert.deepEqual(preview.undefinedSpans, []);
  });
});
