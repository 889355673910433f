import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, test } from "node:test";
import { getModule, ModuleExecutionError, type ExecutableModule } from "../../src/core/modules";
import { debianPython, oracleAvailable } from "../helpers/oracle";
import { createTestContext } from "./helpers";

async function reshape(inputs: Record<string, unknown>) {
  const made = createTestContext();
  const out = await (getModule("transform.reshape") as ExecutableModule).execute(inputs, made.context);
  return { result: out.result as any, logs: made.logs };
}

describe("transform.reshape (modules.md 2.18)", () => {
  test("array mode: the spec's verified example, native values from lone expressions", async () => {
    const template = { _for_each: "$item", _output: { name: "{{ $item._item.name }}", total: "{{ $item.count * 2 }}" } };
    const source = [
      { _item: { name: "A" }, count: 5 },
      { _item: { name: "B" }, count: 3 },
    ];
    assert.deepEqual((await reshape({ source, template })).result, [
      { name: "A", total: 10 },
      { name: "B", total: 6 },
    ]);
  });

  test("keys are templates too; $index and context_vars are available; mixed text renders to a string", async () => {
    const template = {
      _for_each: "$row",
      _output: { "{{ $row._item.name }}_key": "x{{ $row.count }}y", index: "{{ $index }}", tag: "{{ prefix }}-{{ $index }}", n: "{{ $row.count | int }}" },
    };
    const { result } = await reshape({ source: [{ _item: { name: "A" }, count: "5" }], template, context_vars: { prefix: "p" } });
    assert.deepEqual(result, [{ A_key: "x5y", index: 0, tag: "p-0", n: 5 }]);
  });

  test("object mode: source and $source; a missing path gives null, or '' in text", async () => {
    const template = { x: "{{ source.a + 1 }}", y: "{{ $source.missing.deeper }}", z: "[{{ source.missing }}]", list: ["{{ source.a }}", 7, { k: "{{ source.b }}" }], keep: "plain", n: 3 };
    const { result } = await reshape({ source: { a: 1, b: [1, 2] }, template });
    assert.deepEqual(result, { x: 2, y: null, z: "[]", list: [1, 7, { k: [1, 2] }], keep: "plain", n: 3 });
  });

  test("a non-list source is wrapped as one item; null context_vars is {}", async () => {
    const template = { _for_each: "$item", _output: "{{ $item }}" };
    assert.deepEqual((await reshape({ source: null, template, context_vars: null })).result, [null]);
    assert.deepEqual((await reshape({ source: { a: 1 }, template })).result, [{ a: 1 }]);
  });

  test("$identifiers are rewritten anywhere, even in quoted text; '$5' is not an identifier", async () => {
    const { result } = await reshape({ source: {}, template: { a: "{{ '$item cost' }} $5", b: "{{ 'x' ~ $source | length }}" } });
    assert.deepEqual(result, { a: "_item cost $5", b: "x0" });
  });

  test("a string that fails to resolve is kept unchanged with a warning; the module does not fail", async () => {
    const { result, logs } = await reshape({ source: {}, template: { bad: "{{ source. }}", math: "{{ source.missing + 1 }}" } });
    assert.deepEqual(result, { bad: "{{ source. }}", math: "{{ source.missing + 1 }}" });
    assert.equal(logs.filter((log) => log.level === "warning" && log.message.startsWith("Template resolution failed for '{{ source")).length, 2);
  });

  test("no state/step/config names, unless the variables bring them", async () => {
    assert.deepEqual((await reshape({ source: {}, template: { s: "[{{ state }}]", c: "{{ config }}" } })).result, { s: "[]", c: null });
    assert.deepEqual((await reshape({ source: {}, template: { s: "{{ state }}" }, context_vars: { state: 4 } })).result, { s: 4 });
  });

  test("top-level failures: Transformation failed", async () => {
    await assert.rejects(
      reshape({ source: [], template: null }),
      (error: unknown) => error instanceof ModuleExecutionError && error.reason === "Transformation failed: argument of type 'NoneType' is not iterable",
    );
    await assert.rejects(
      reshape({ source: [], template: { "{{ source }}": 1 } }),
      (error: unknown) => error instanceof ModuleExecutionError && error.reason === "Transformation failed: unhashable type: 'list'",
    );
  });

  const cases: Array<Record<string, unknown>> = [
    { source: [{ a: 1, b: "x" }, { a: 2.5, b: null }], template: { _for_each: "$it", _output: { a: "{{ $it.a }}", b: "{{ $it.b }}", s: "{{ $it.a }}/{{ $it.b }}", t: "{{ $it.b is none }}" } } },
    { source: { items: [3, 1, 2] }, template: { sorted: "{{ source['items'] | sort }}", first: "{{ source['items'][0] }}", joined: "{{ source['items'] | join(',') }}", sum: "{{ source['items'] | sum }}" } },
    { source: { n: 7 }, template: { div: "{{ source.n / 2 }}", floor: "{{ source.n // 2 }}", fmt: "{{ '%03d' | format(source.n) }}", cmp: "{{ source.n > 3 }}", none: "{{ none }}" } },
    { source: [1, 2], template: { _for_each: "$item", _output: { "k{{ $index }}": "{% if $item > 1 %}big{% else %}small{% endif %}", loop: "{% for x in range($item) %}{{ x }}{% endfor %}" } } },
    { source: {}, template: { undef_math: "{{ source.x + 1 }}", undef_cmp: "{{ source.x > 1 }}", undef_len: "{{ source.x | length }}", undef_call: "{{ source.x() }}", text: "a{{ source.x.y.z }}b" } },
    { source: { d: { k: [1, { z: true }] } }, template: { d: "{{ source.d }}", text: "{{ source.d }}!", keys: "{{ source.d.keys() | list }}" } },
  ];
  test("same results as the original module's Jinja2 setup in Python", { skip: oracleAvailable("jinja2") ? false : "python3-jinja2 is not installed" }, async () => {
    const script = String.raw`
import json, re, sys
from jinja2 import Environment, BaseLoader, Undefined
class SilentUndefined(Undefined):
    def _fail_with_undefined_error(self, *args, **kwargs): return None
    def __str__(self): return ''
    def __iter__(self): return iter([])
    def __bool__(self): return False
    def __getattr__(self, name): return SilentUndefined()
    def __getitem__(self, key): return SilentUndefined()
def resolve(t, ctx):
    try:
        env = Environment(loader=BaseLoader(), autoescape=False, undefined=SilentUndefined)
        s = re.sub(r'\$([a-zA-Z_][a-zA-Z0-9_]*)', r'_\1', t)
        jc = {}
        for k, v in ctx.items():
            sk = '_' + k[1:] if k.startswith('$') else k
            jc[sk] = v
            if sk != k: jc[k] = v
        st = s.strip()
        if st.startswith('{{') and st.endswith('}}'):
            inner = st[2:-2]
            if '{{' not in inner and '}}' not in inner:
                try: return env.compile_expression(inner.strip())(**jc)
                except Exception: pass
        return env.from_string(s).render(**jc)
    except Exception:
        return t
def apply(t, ctx):
    if isinstance(t, str): return resolve(t, ctx) if ('{{' in t or '{%' in t) else t
    if isinstance(t, dict):
        out = {}
        for k, v in t.items():
            if k in ('_for_each', '_output'): continue
            rk = resolve(k, ctx) if ('{{' in k or '{%' in k) else k
            out[rk] = apply(v, ctx)
        return out
    if isinstance(t, list): return [apply(i, ctx) for i in t]
    return t
out = []
for case in json.load(sys.stdin):
    source, template, cv = case['source'], case['template'], case.get('context_vars') or {}
    if '_for_each' in template:
        items = source if isinstance(source, list) else [source]
        result = [apply(template.get('_output', {}), {**cv, template.get('_for_each', '$item'): it, '$index': i}) for i, it in enumerate(items)]
    else:
        result = apply(template, {**cv, '$source': source, 'source': source})
    out.append(result)
print(json.dumps(out))
`;
    const run = spawnSync(debianPython, ["-c", script], { input: JSON.stringify(cases), encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    const expected = JSON.parse(run.stdout) as unknown[];
    for (const [i, inputs] of cases.entries()) assert.deepEqual((await reshape(inputs)).result, expected[i], JSON.stringify(inputs));
  });
});
