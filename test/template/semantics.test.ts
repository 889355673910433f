/** Resolver behaviour beyond the golden files: schema resolution, positions, dates, hooks, caching. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { WfvError } from "../../src/core/errors";
import { checkSyntax, NaiveDateTime, renderTemplate, resolveString, resolveWithSchema, TemplateError } from "../../src/core/template";

describe("resolveWithSchema (engine.md §5.2)", () => {
  const state = { pet: { label: "Cat", tags: ["a", "b"] }, n: 3 };

  test("without a resolver_schema nothing is resolved", () => {
    const inputs = { prompt: "{{ state.pet.label }}", n: 1 };
    assert.deepEqual(resolveWithSchema(inputs, { state }), inputs);
  });

  test("server keys resolve at any depth, client keys stay raw, resolver_schema is dropped", () => {
    const inputs = {
      resolver_schema: { type: "object", properties: { data: { resolver: "server" }, raw: { resolver: "client" } } },
      data: {
        resolver_schema: { properties: { keep: { resolver: "client" } } },
        label: "{{ state.pet.label }}",
        whole: "{{ state.pet }}",
        list: ["{{ state.n }}", 7, null, { deep: "n={{ state.n }}" }],
        keep: "{{ state.pet.label }}",
      },
      raw: "{{ state.n }}",
      untouched: "{{ state.n }}",
    };
    assert.deepEqual(resolveWithSchema(inputs, { state }), {
      data: { label: "Cat", whole: { label: "Cat", tags: ["a", "b"] }, list: [3, 7, null, { deep: "n=3" }], keep: "{{ state.pet.label }}" },
      raw: "{{ state.n }}",
      untouched: "{{ state.n }}",
    });
  });

  test("resolved values share nothing with the state", () => {
    const inputs = { resolver_schema: { properties: { data: { resolver: "server" } } }, data: "{{ state.pet }}", copy: { x: [1] } };
    const resolved = resolveWithSchema(inputs, { state }) as { data: { tags: string[] }; copy: { x: number[] } };
    resolved.data.tags.push("mutated");
    resolved.copy.x.push(2);
    assert.deepEqual(state.pet.tags, ["a", "b"]);
    assert.deepEqual(inputs.copy.x, [1]);
  });

  test("a failure is resolution_failed with the input's path, the template and the position", () => {
    const inputs = { resolver_schema: { properties: { system: { resolver: "server" } } }, system: ["ok", "line one\n  {{ state.n + }}"] };
    assert.throws(
      () => resolveWithSchema(inputs, { state }),
      (error: unknown) => {
        assert.ok(error instanceof WfvError);
        assert.equal(error.errorType, "resolution_failed");
        assert.equal(error.details.input_path, "inputs.system[1]");
        assert.equal(error.details.template, "line one\n  {{ state.n + }}");
        assert.equal(error.details.line, 2);
        assert.equal(error.details.column, 16);
        assert.match(error.message, /Jinja2 syntax error/);
        return true;
      },
    );
  });
});

describe("errors and positions", () => {
  test("runtime errors point at the failing expression", () => {
    try {
      renderTemplate("a\nb {{ 1 }}\n{% for x in [1] %}{{ x + 'y' }}{% endfor %}", { state: {} });
      assert.fail("expected a TypeError");
    } catch (error) {
      assert.ok(error instanceof TemplateError);
      assert.equal(error.kind, "type");
      assert.equal(error.exception, "TypeError");
      assert.deepEqual([error.line, error.column], [3, 22]);
    }
  });

  test("checkSyntax lists syntax problems with positions", () => {
    assert.deepEqual(checkSyntax("{{ state.x }} {% if a %}ok{% endif %}"), []);
    const [problem] = checkSyntax("line\n{% for x in y %}\n{{ x }}");
    assert.match(problem.message, /Unexpected end of template/);
    assert.equal(problem.line, 3);
    const [unknown] = checkSyntax("{{ x|nosuch }}");
    assert.deepEqual(unknown, { message: "No filter named 'nosuch'.", line: 1, column: 6 });
  });

  test("cached failures do not pile up prefixes", () => {
    const first = () => resolveString("x{{ 1 + }}", { state: {} });
    assert.throws(first, { message: /^Jinja2 syntax error: (?!Jinja2)/ });
    assert.throws(first, { message: /^Jinja2 syntax error: (?!Jinja2)/ });
  });
});

describe("values", () => {
  test("JSON numbers: an integral JS number prints as an int; computed floats keep .0", () => {
    assert.equal(resolveString("x{{ state.f }}", { state: { f: 1.0 } }), "x1");
    assert.equal(resolveString("x{{ 4 / 2 }}|{{ 3 * 1.0 }}|{{ 7 // 2 }}", { state: {} }), "x2.0|3.0|3");
  });

  test("dates print as Python's str(datetime), UTC fields as pymongo hands them over", () => {
    const when = new Date("2026-02-15T10:03:11.123Z");
    assert.equal(resolveString("x{{ state.at }}", { state: { at: when } }), "x2026-02-15 10:03:11.123000");
    assert.equal(resolveString("x{{ [state.at] }}", { state: { at: when } }), "x[datetime.datetime(2026, 2, 15, 10, 3, 11, 123000)]");
    assert.equal(resolveString("{{ state.at.strftime('%d/%m/%Y %H:%M') }}", { state: { at: when } }), "15/02/2026 10:03");
    const native = resolveString("{{ state.at }}", { state: { at: when } });
    assert.ok(native instanceof Date && native !== when && native.getTime() === when.getTime());
  });

  test("now() reads the hook: a Date in local time, or a naive date-time as given", () => {
    const local = new Date(2026, 1, 14, 9, 5, 7);
    assert.equal(resolveString("{{ now().strftime('%Y-%m-%d %H:%M:%S') }}", { state: {}, now: () => local }), "2026-02-14 09:05:07");
    const naive = NaiveDateTime.parseIso("2030-12-31T23:59:58");
    assert.equal(resolveString("{{ now().year }}-{{ now().strftime('%j %A') }}", { state: {}, now: () => naive }), "2030-365 Tuesday");
  });

  test("status_display mode: Jinja's default Undefined raises on attribute access of a missing value", () => {
    assert.equal(renderTemplate("[{{ state.missing }}]", { state: {}, undefinedMode: "default" }), "[]");
    assert.throws(() => renderTemplate("{{ state.missing.label }}", { state: {}, undefinedMode: "default" }), { name: "TemplateError" });
    assert.equal(renderTemplate("{{ state.missing.label }}", { state: {} }), "");
  });

  test("module is an alias of state; step and config are in scope; extra adds variables", () => {
    const value = resolveString("{{ module.a }}/{{ step.step_id }}/{{ config.c }}/{{ current_step_name }}", {
      state: { a: 1 },
      step: { step_id: "s1" },
      config: { c: true },
      extra: { current_step_name: "Step 1" },
    });
    assert.equal(value, "1/s1/True/Step 1");
  });
});
