import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, test } from "node:test";
import { getModule, ModuleExecutionError, type ExecutableModule } from "../../src/core/modules";
import { debianPython, oracleAvailable } from "../helpers/oracle";
import { createTestContext } from "./helpers";

async function render(inputs: Record<string, unknown>) {
  const made = createTestContext();
  const out = await (getModule("transform.render_template_array") as ExecutableModule).execute(inputs, made.context);
  return { out, logs: made.logs };
}

function failsWith(reason: string) {
  return (error: unknown) => error instanceof ModuleExecutionError && error.message === `Module 'transform.render_template_array' failed: ${reason}`;
}

describe("transform.render_template_array (modules.md 2.19)", () => {
  test("one section per item, joined with the separator; count is the number of items", async () => {
    const { out } = await render({ items: ["a", "b"], template: "{{ index }}: {{ item }} ({{ loop.index }}/{{ loop.length }}{% if loop.last %}, last{% endif %})" });
    assert.deepEqual(out, { rendered: "0: a (1/2)\n\n1: b (2/2, last)", sections: ["0: a (1/2)", "1: b (2/2, last)"], count: 2 });
  });

  test("values print with Python str(): a dict item is its repr (the spec's example)", async () => {
    const { out } = await render({ items: [{ name: "b", tags: "str" }, null, true, [1, "x"]], template: "{{ item }}", separator: "|" });
    assert.equal(out.rendered, "{'name': 'b', 'tags': 'str'}|None|True|[1, 'x']");
  });

  test("the join override: ', ' by default, str() of each element, str() of a non-list", async () => {
    const { out } = await render({
      items: [{ tags: ["a", null, { k: 1 }] }],
      template: "{{ tags | join }}; {{ tags | join(' / ') }}; {{ 'abc' | join('-') }}; {{ {'x': 1} | join }}",
    });
    assert.equal(out.rendered, "a, None, {'k': 1}; a / None / {'k': 1}; abc; {'x': 1}");
  });

  test("context precedence: item keys (not _-prefixed) over extra_context over item/index/loop; custom variable names", async () => {
    const { out } = await render({
      items: [{ name: "n1", index: "own", _hidden: "h", loop: "mine" }],
      template: "{{ name }} {{ index }} {{ _hidden }} {{ loop }} {{ shared }} {{ it.name }} {{ i }}",
      extra_context: { shared: "S", name: "extra" },
      item_variable: "it",
      index_variable: "i",
    });
    assert.equal(out.rendered, "n1 own  mine S n1 0");
  });

  test("plain Jinja2 names only: no state/step/config", async () => {
    assert.equal((await render({ items: [1], template: "[{{ state }}{{ step }}{{ config }}]" })).out.rendered, "[]");
  });

  test("a Jinja error in one item becomes its section; the module goes on", async () => {
    const { out, logs } = await render({ items: [{ x: { y: 1 } }, 5], template: "{{ item.x.y }}" });
    assert.deepEqual(out.sections, ["1", "[Error rendering item 1: 'int object' has no attribute 'x']"]);
    assert.ok(logs.some((log) => log.level === "warning" && log.message === "Failed to render template for item 1: 'int object' has no attribute 'x'"));
  });

  test("errors: no template, items not a list, a syntax error, a Python error", async () => {
    await assert.rejects(render({ items: [1], template: "" }), failsWith("Template string is required"));
    await assert.rejects(render({ items: { a: 1 }, template: "x" }), failsWith("Items must be an array, got dict"));
    await assert.rejects(render({ items: [1], template: "{{ item }" }), failsWith("Invalid template: unexpected '}'"));
    await assert.rejects(render({ items: [1], template: "{{ item | nofilter }}" }), failsWith("Invalid template: No filter named 'nofilter'."));
    await assert.rejects(
      render({ items: [[1]], template: "{{ item | join(attribute='x') }}" }),
      failsWith("Failed to render template array: <lambda>() got an unexpected keyword argument 'attribute'"),
    );
    await assert.rejects(render({ items: ["a"], template: "{{ item + 1 }}" }), (error: unknown) =>
      error instanceof ModuleExecutionError && error.reason.startsWith("Failed to render template array: "),
    );
  });

  const cases: Array<Record<string, unknown>> = [
    { items: [{ name: "a", tags: ["x", 1.5, null] }, { name: "b", tags: [] }], template: "{{ name }}: {{ tags | join }} {{ tags | length }}" },
    { items: [1, "two", [3], { four: 4 }], template: "{{ loop.index0 }}={{ item }}{% if loop.first %} first{% endif %}" },
    { items: [{ a: { b: [1, 2] } }, { a: null }, 3], template: "{{ a.b[1] }}|{{ item.a }}" },
    { items: [{ t: "Ünïcödé" }, { t: true }], template: "{{ t | upper }} {{ t is string }}", separator: " / " },
    { items: [{ x: 1 }], template: "{{ missing }}-{{ missing.attr }}", extra_context: { e: [1, 2] } },
    { items: [[1, 2]], template: "{% for v in item %}{{ v * 2 }}{% endfor %} {{ item | join('+') }} {{ item | sum }}" },
    { items: [[1, 2]], template: "{{ 'abc' | join('-') }} {{ [1, None] | join }} {{ {'x': 1} | join }} {{ item | join(d='.') }}" },
    { items: [{ n: 3 }], template: "{{ '%05.1f' | format(n) }} {{ n / 2 }} {{ n // 2 }} {{ range(n) | list }}" },
  ];
  test("same sections as Python Jinja2 with the original module's setup", { skip: oracleAvailable("jinja2") ? false : "python3-jinja2 is not installed" }, async () => {
    const script = [
      "import json, sys",
      "from jinja2 import Environment, BaseLoader, TemplateError",
      "out = []",
      "for case in json.load(sys.stdin):",
      "    env = Environment(loader=BaseLoader())",
      "    env.filters['join'] = lambda x, d=', ': d.join(str(i) for i in x) if isinstance(x, list) else str(x)",
      "    items = case['items']; t = env.from_string(case['template']); sections = []",
      "    for idx, item in enumerate(items):",
      "        ctx = {'item': item, 'index': idx, 'loop': {'index': idx + 1, 'index0': idx, 'first': idx == 0, 'last': idx == len(items) - 1, 'length': len(items)}, **case.get('extra_context', {})}",
      "        if isinstance(item, dict):",
      "            ctx.update({k: v for k, v in item.items() if not k.startswith('_')})",
      "        try: sections.append(t.render(**ctx))",
      "        except TemplateError as e: sections.append(f'[Error rendering item {idx}: {e}]')",
      "    out.append({'rendered': case.get('separator', '\\n\\n').join(sections), 'sections': sections, 'count': len(items)})",
      "print(json.dumps(out))",
    ].join("\n");
    const run = spawnSync(debianPython, ["-c", script], { input: JSON.stringify(cases), encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    const expected = JSON.parse(run.stdout) as unknown[];
    for (const [i, inputs] of cases.entries()) assert.deepEqual((await render(inputs)).out, expected[i], JSON.stringify(inputs));
  });
});
