/**
 * A deterministic corpus of templates for the differential test against Python Jinja2: every
 * filter, test, statement and operator wfv supports, over several random states with nested
 * objects, lists, unicode, ints and floats, nulls and missing keys. Same seed, same corpus.
 */
import { PyFloat } from "../../src/core/template/values";

export interface CorpusCase {
  template: string;
  /** The context as JSON text in the oracle's dialect (`2.0` stays a float). */
  contextJson: string;
}

/** mulberry32: small, fast, good enough for picking test inputs. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** JSON with Python's float spelling for integral floats. */
export function toPythonJson(value: unknown): string {
  if (value instanceof PyFloat) return Number.isFinite(value.value) ? `${value.value}.0` : "null";
  if (Array.isArray(value)) return `[${value.map(toPythonJson).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${JSON.stringify(k)}:${toPythonJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

const f = (n: number) => new PyFloat(n);

const wordPool = ["apple", "Banana", "cherry pie", "Ünïcödé", "日本語", "emoji 😀 ok", "O'Brien", 'say "hi"', "tab\there", "", "  spaced  ", "UPPER", "lower", "MiXeD case", "a-b_c", "x<y>&z", "new\nline", "42", "3.5", "-7", "1e3", "back\\slash"];
const categories = ["fruit", "veg", "Fruit", "dairy"];

function makeState(random: () => number, variant: number): Record<string, unknown> {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const float = () => pick([0.1, 2.5, -1.25, 3.14159, 1e-5, 123.456, 0.30000000000000004, 1e16, 2.675]);
  const number = () => (random() < 0.5 ? int(-5, 50) : random() < 0.3 ? f(int(0, 9)) : float());
  const items = Array.from({ length: int(2, 5) }, (_, i) => {
    const item: Record<string, unknown> = {
      name: pick(wordPool.filter((w) => w.trim() !== "")),
      price: random() < 0.5 ? int(1, 99) : pick([f(2), 9.99, 0.5, 19.95]),
      qty: int(0, 7),
      category: pick(categories),
      tags: Array.from({ length: int(0, 3) }, () => pick(["red", "Green", "blue", "ünï"])),
    };
    if (random() < 0.6) item.meta = { rank: i, ok: random() < 0.5, note: random() < 0.3 ? null : pick(wordPool) };
    return item;
  });
  const state: Record<string, unknown> = {
    user: {
      name: pick(["Ada Lovelace", "bob", "Zoë Ångström", "li wei 李", "o'neil mc-donald"]),
      age: int(0, 99),
      score: number(),
      tags: Array.from({ length: int(0, 4) }, () => pick(wordPool)),
      active: random() < 0.5,
      nickname: random() < 0.5 ? null : pick(wordPool),
      address: { city: pick(["Paris", "São Paulo", "Zürich"]), zip: pick(["75001", "01000-000", 8001]) },
    },
    products: items,
    numbers: Array.from({ length: int(1, 6) }, () => int(-10, 30)),
    floats: Array.from({ length: int(1, 4) }, float),
    words: Array.from({ length: int(1, 5) }, () => pick(wordPool)),
    mixed: [1, "a", null, true, f(2), 2.5, { k: [1] }],
    empty_list: [],
    empty_dict: {},
    zero: 0,
    neg: -int(1, 9),
    frac: float(),
    whole_float: f(int(1, 5)),
    big: 12345678901234,
    flag_on: true,
    flag_off: false,
    none_value: null,
    text: pick([
      "Hello, World! This is a sentence with several words in it.",
      "multi\nline\ntext with 'quotes' and \"dq\"",
      "unicode: é ü 日本 😀 — done",
      "  leading and trailing  ",
    ]),
    html: "<b>Tom & Jerry's</b> <i>show</i>",
    csv: pick(["a,b,,c", "one, two, three", "x"]),
    nested: { a: { b: { c: [1, { d: pick(wordPool) }], e: null } }, list_of_lists: [[1, 2], [3], []] },
    kv: { alpha: int(0, 9), beta: pick(wordPool), gamma: number(), delta: null },
    indices: ["products", int(0, 1)],
    size_bytes: pick([0, 1, 999, 1000, 123456, 1048576, 5.5e9]),
    variant,
  };
  if (random() < 0.5) delete state.frac;
  return state;
}

// Typed holes, filled from paths that exist (or are missing) in every state.
const holes: Record<string, readonly string[]> = {
  N: ["state.user.age", "state.user.score", "state.zero", "state.neg", "state.frac", "state.whole_float", "state.products[0].price", "state.products[-1].qty", "state.numbers[0]", "state.floats[0]", "state.kv.alpha", "state.kv.gamma", "state.big", "state.size_bytes", "state.variant"],
  S: ["state.user.name", "state.text", "state.html", "state.csv", "state.words[0]", "state.words[-1]", "state.products[0].name", "state.kv.beta", "state.user.address.city", "state.nested.a.b.c[1].d", "state.user.nickname"],
  L: ["state.numbers", "state.floats", "state.words", "state.products", "state.mixed", "state.empty_list", "state.user.tags", "state.nested.list_of_lists", "state.products[0].tags"],
  LN: ["state.numbers", "state.floats", "state.empty_list", "[3, 1, 2]", "[1.5, 2, -3]", "state.nested.list_of_lists[0]"],
  LS: ["state.words", "state.user.tags", "['b', 'A', 'c', 'a']", "state.products[0].tags", "state.empty_list"],
  D: ["state.user", "state.user.address", "state.kv", "state.nested", "state.empty_dict", "state.products[0]", "state.nested.a.b"],
  U: ["state.missing", "state.user.missing", "state.missing.deeper", "undefined_name", "state.none_value", "state.kv.delta", "state.products[9]", "state.nested.a.b.e"],
  I: ["0", "1", "2", "3", "-1", "7"],
  F: ["0.5", "2.0", "1.25", "-3.75", "1e3", "10.0"],
  SL: ["'abc'", "\"x y z\"", "'it''s'", "'ünï'", "''", "'Hello World'", "'%s-%s'", "'a,b'", "'{}!'"],
};
holes.A = [...holes.N, ...holes.S, ...holes.L, ...holes.D, ...holes.U];
holes.X = [...holes.N, ...holes.U, ...holes.I, ...holes.F];

/** Expression patterns; each becomes both `{{ expr }}` (native) and `x{{ expr }}y` (text). */
const expressionPatterns = [
  // operators
  "{X} + {X}", "{X} - {X}", "{X} * {N}", "{X} / {X}", "{X} // {X}", "{X} % {X}", "{I} ** {I}", "{F} ** {I}", "-{X}", "+{N}",
  "{S} + {S}", "{S} ~ {A}", "{A} ~ {X}", "{L} + {L}", "{SL} * {I}", "{L} * {I}", "{SL} % {A}", "{SL} % ({A}, {A})",
  "{X} == {X}", "{A} != {A}", "{X} < {X}", "{X} <= {N}", "{S} > {S}", "{N} >= {I}", "{I} < {N} < {I}", "{L} == {L}", "{D} == {D}",
  "{A} in {L}", "{S} in {S}", "{SL} in {D}", "{A} not in {L}", "{X} in {S}",
  "{A} and {A}", "{A} or {A}", "not {A}", "{A} if {A} else {A}", "{A} if {A}",
  "{L}[{I}]", "{S}[{I}]", "{L}[1:3]", "{L}[::-1]", "{S}[::2]", "{L}[-2:]", "{S}[1:-1]", "{D}['name']", "{D}[{SL}]", "{L}[{X}]",
  "({A}, {A})", "[{A}, {A}]", "{'k': {A}, 'n': {X}}", "({A},)",
  // filters on text
  "{S}|upper", "{S}|lower", "{S}|title", "{S}|capitalize", "{S}|trim", "{S}|trim('. ')", "{S}|length", "{S}|wordcount",
  "{S}|replace('a', 'o')", "{S}|replace('e', 'E', 1)", "{S}|replace(old='l', new='L', count=2)", "{S}|truncate(10)", "{S}|truncate(12, True)",
  "{S}|truncate(9, killwords=false, end='…')", "{S}|center(20)", "{S}|indent(2)", "{S}|indent(4, first=true)", "{S}|indent('> ', blank=true)",
  "{S}|striptags", "{S}|escape", "{S}|e", "{S}|urlencode", "{D}|urlencode", "{S}|string", "{A}|string", "{S}|list", "{S}|reverse", "{S}|first", "{S}|last",
  "{SL}|format({A})", "'%s and %s'|format({A}, {A})", "'%d items'|format({X})", "'%.2f'|format({X})", "'%5.1f|%-6s|%x'|format({N}, {S}, {I})", "'%(a)s'|format(a={A})",
  "{A}|tojson", "{D}|tojson(indent=2)", "{L}|tojson", "{A}|pprint", "{S}|safe", "{A}|forceescape", "{A}|xmlattr",
  // numbers
  "{X}|int", "{S}|int", "{S}|int(default=-1)", "'0x1A'|int(0, 16)", "{X}|float", "{S}|float", "{S}|float(default=1.5)", "{X}|abs", "{X}|round",
  "{X}|round(2)", "{X}|round(1, 'floor')", "{X}|round(0, method='ceil')", "{N}|filesizeformat", "{N}|filesizeformat(true)",
  // sequences
  "{L}|length", "{L}|count", "{L}|first", "{L}|last", "{L}|list", "{L}|reverse|list", "{L}|join", "{L}|join(', ')", "{L}|join('|', attribute='name')",
  "{LN}|sum", "{LN}|sum(start=10)", "state.products|sum(attribute='price')", "state.products|sum(attribute='qty', start=1)", "{LN}|min", "{LN}|max",
  "{LS}|min", "{LS}|max(case_sensitive=true)", "state.products|max(attribute='price')", "state.products|min(attribute='name')",
  "{LN}|sort", "{LS}|sort", "{LS}|sort(case_sensitive=true)", "{LN}|sort(reverse=true)", "state.products|sort(attribute='price')|map(attribute='name')|list",
  "state.products|sort(attribute='category,name')|map(attribute='name')|join(',')", "{LS}|unique|list", "{LS}|unique(case_sensitive=true)|list", "state.products|unique(attribute='category')|map(attribute='name')|list",
  "{D}|dictsort", "{D}|dictsort(reverse=true)", "state.kv|dictsort(by='value')", "{D}|items|list", "{D}|list", "{D}|length",
  "{L}|map('string')|list", "{LS}|map('upper')|list", "state.products|map(attribute='meta.rank', default=-1)|list", "{LN}|map('abs')|list", "{L}|map('length')|list",
  "{LN}|select('odd')|list", "{LN}|reject('even')|list", "{LN}|select('gt', 2)|list", "{LN}|select('divisibleby', 3)|list", "{L}|select|list", "{L}|reject('none')|list",
  "state.products|selectattr('qty')|map(attribute='name')|list", "state.products|selectattr('category', 'eq', 'fruit')|list|length", "state.products|rejectattr('meta')|map(attribute='name')|list",
  "state.products|selectattr('price', 'gt', 5)|map(attribute='price')|list", "state.products|selectattr('meta.ok')|list|length",
  "state.products|groupby('category')|map(attribute='grouper')|list", "state.products|groupby('category', case_sensitive=true)|map(attribute='grouper')|list", "state.products|groupby('meta.rank', default=0)|length",
  "{L}|batch(2)|list", "{L}|batch(3, 'x')|list", "{L}|slice(2)|list", "{L}|slice(3, fill_with=0)|list",
  "{A}|default('d')", "{A}|default('d', true)", "{A}|d(boolean=true)", "{A}|default", "{U}|attr('x')", "{S}|attr('upper')|string|length > 0", "state.user|attr('name')",
  // tests
  "{A} is defined", "{A} is undefined", "{A} is none", "{A} is number", "{A} is integer", "{A} is float", "{A} is string", "{A} is mapping",
  "{A} is sequence", "{A} is iterable", "{A} is callable", "{A} is boolean", "{A} is true", "{A} is false", "{X} is even", "{X} is odd", "{X} is divisibleby 3",
  "{X} is divisibleby(2)", "{X} is eq {X}", "{X} is ne 3", "{X} is lt 5", "{X} is le {X}", "{X} is gt 0", "{X} is ge {N}", "{A} is in {L}", "{S} is lower", "{S} is upper",
  "{A} is sameas none", "{A} is sameas true", "{A} is not defined", "{A} is not none", "'upper' is filter", "'odd' is test", "{A} is escaped",
  // methods
  "{S}.upper()", "{S}.lower()", "{S}.strip()", "{S}.strip('!. ')", "{S}.split()", "{S}.split(',')", "{S}.split(' ', 1)", "{S}.rsplit(' ', 1)", "{S}.startswith('a')",
  "{S}.endswith(('.', 't'))", "{S}.replace(' ', '_')", "{S}.title()", "{S}.capitalize()", "'-'.join({LS})", "'{} is {}'.format({A}, {A})", "'{0:>8}|{1:.3f}'.format({S}, {X})",
  "'{name}!'.format(name={A})", "{S}.find('o')", "{S}.count('a')", "{S}.isdigit()", "{S}.zfill(6)", "{S}.center(11, '*')", "{S}.ljust(8, '.')", "{S}.splitlines()", "{S}.partition(',')",
  "{D}.keys()|list", "{D}.values()|list", "{D}.items()|list", "{D}.get('name')", "{D}.get('nope', 'fallback')", "{L}.index(1)", "{L}.count(1)",
  // globals
  "range({I})|list", "range(1, 10, 3)|list", "range({I}, {I})|sum", "dict(a={A}, b=2)", "namespace(x=1).x", "now().strftime('%Y-%m-%d %H:%M:%S')", "now().strftime('%a %b %d %I:%M %p %j %y %B %A')",
  "now().year + 1", "now().isoformat()",
];

const statementPatterns = [
  "{% if {A} %}T{% else %}F{% endif %}",
  "{% if {X} > 3 %}big{% elif {X} > 0 %}small{% else %}none{% endif %}",
  "{% for x in {L} %}{{ loop.index }}:{{ x }}{% if not loop.last %}, {% endif %}{% endfor %}",
  "{% for x in {L} %}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.length }}|{% endfor %}",
  "{% for x in {L} %}{{ loop.cycle('odd', 'even') }}{% else %}empty{% endfor %}",
  "{% for x in {L} %}[{{ loop.previtem }}<{{ x }}>{{ loop.nextitem }}]{% endfor %}",
  "{% for x in {L} if x %}{{ x }};{% endfor %}",
  "{% for k, v in {D}.items() %}{{ k }}={{ v }};{% endfor %}",
  "{% for k, v in {D}|dictsort %}{{ k }}={{ v }}&{% endfor %}",
  "{% for k in {D} %}{{ k }} {% endfor %}",
  "{% for a, b in [(1, 'x'), (2, 'y')] %}{{ a }}{{ b }}{% endfor %}",
  "{% for row in state.nested.list_of_lists %}{% for v in row %}{{ loop.depth }}{{ v }}{% endfor %}/{% endfor %}",
  "{% for g in state.products|groupby('category') %}{{ g.grouper }}:{{ g.list|length }};{% endfor %}",
  "{% for item in state.products recursive %}{{ item.name }}{% endfor %}",
  "{% set x = {A} %}{{ x }}|{{ x is defined }}",
  "{% set a, b = {A}, {A} %}{{ b }}-{{ a }}",
  "{% set block %}inner {{ {A} }}{% endset %}[{{ block }}]",
  "{% set up | upper %}shout {{ {S} }}{% endset %}{{ up }}",
  "{% set ns = namespace(total=0) %}{% for n in {LN} %}{% set ns.total = ns.total + n %}{% endfor %}{{ ns.total }}",
  "{% set total = 0 %}{% for n in {LN} %}{% set total = total + n %}{% endfor %}{{ total }}",
  "{% macro greet(name, punct='!') %}Hi {{ name }}{{ punct }}{% endmacro %}{{ greet({A}) }} {{ greet({S}, punct='?') }}",
  "{% macro box() %}[{{ caller() }}]{% endmacro %}{% call box() %}{{ {A} }}{% endcall %}",
  "{% macro row(x) %}<{{ x }}>{% endmacro %}{% for x in {L} %}{{ row(x) }}{% endfor %}",
  "{% macro m() %}{{ varargs|length }}{{ kwargs }}{% endmacro %}{{ m(1, 2, a={A}) }}",
  "{% filter upper %}quiet {{ {A} }}{% endfilter %}",
  "{% filter replace('a', '@') %}banana {{ {S} }}{% endfilter %}",
  "{% raw %}{{ not rendered }}{% endraw %} {{ {A} }}",
  "a {%- if true %} b {% endif -%} c {{- {A} -}} d",
  "  {%- for x in {L} -%}\n  {{ x }}\n{%- endfor %}  ",
  "{# a comment #}{{ {A} }}{# another -#}   end",
  "line1\r\n{{ {A} }}\r\nline3\r\n",
  "{% with a = {A}, b = 2 %}{{ a }}{{ b }}{% endwith %}{{ a }}",
  "{% set c = cycler('a', 'b') %}{{ c.next() }}{{ c.next() }}{{ c.next() }}{{ c.current }}",
  "{% set j = joiner(' / ') %}{% for x in {L} %}{{ j() }}{{ x }}{% endfor %}",
  "{% for x in {L} %}{% if loop.changed(x is string) %}*{% endif %}{{ x }}{% endfor %}",
  "{{ {A} }} and {{ {A} }}",
  "{% print {A} %}",
  "{% if {A} is defined and {A} %}yes{% endif %}",
  "{% for i in range(3) %}{{ i }}{{ ',' if not loop.last }}{% endfor %}",
  "Total: {{ state.products|sum(attribute='price') }} for {{ state.products|length }} items",
  "{{ '%-10s|' % {S} }}{{ '%05d' % {X} }}",
  "{{ {L}|join(', ') }}\n\n",
  "{% if {S} is string and {S}|length > 3 %}{{ {S}[:3] }}…{% endif %}",
  // errors: both must fail the same way
  "{% if %}",
  "{{ }}",
  "{% for x in %}{% endfor %}",
  "{% endif %}",
  "{{ x | nosuchfilter }}",
  "{{ x is nosuchtest }}",
  "{% if false %}{{ x | nosuchfilter }}{% endif %}ok",
  "{{ 'a' ~ }}",
  "{{ state.user.name(}}",
  "{% set 1 = 2 %}",
  "{% unknown_tag %}",
  "{% for x in y %}no end",
  "{{ 1 / 0 }}",
  "{{ 5 // 0 }}",
  "{{ {X} % 0 }}",
  "{{ state.products.missing_method() }}",
  "{{ state.none_value|length }}",
  "{% for x in state.none_value %}{% endfor %}",
  "{{ state.missing.x + 1 }}",
  "{{ [1, 2]|sum(start='x') }}",
  "{{ {S}.nosuch() }}",
  "{{ state.words|join(1) }}",
  "{{ ['b', 1]|sort }}",
  "{{ {'a': 1} < {'b': 2} }}",
  "{{ state.user.name|int + 'x' }}",
  "{{ range(3)|batch }}",
  "{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, 2) }}",
  "{{ state.user.age is divisibleby(0) }}",
  "{{ 'abc'|truncate(2) }}",
  "{{ [] | first }}",
  "{{ undefined_fn() }}",
  "{{ 'x'.join([1, 2]) }}",
  "{{ '{} {}'.format(1) }}",
  "{{ state.empty_list|max }}",
  "{{ 'a' < 1 }}",
  "{{ none_value.attr }}",
];

export function generateCorpus(seed = 20260214, variants = 3): CorpusCase[] {
  const random = rng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const states = Array.from({ length: 6 }, (_, i) => makeState(random, i));
  const fill = (pattern: string): string => pattern.replace(/\{(N|S|L|LN|LS|D|U|I|F|SL|A|X)\}/g, (_whole, kind: string) => pick(holes[kind]));
  const contexts = states.map((state) => toPythonJson({ state, step: { step_id: "s1", name: "Step {n}" }, config: { c: 1, mode: "test" } }));
  const seen = new Set<string>();
  const cases: CorpusCase[] = [];
  const add = (template: string) => {
    const contextJson = pick(contexts);
    const key = template + "\u0000" + contextJson;
    if (seen.has(key)) return;
    seen.add(key);
    cases.push({ template, contextJson });
  };
  for (const pattern of expressionPatterns) {
    for (let i = 0; i < variants; i++) {
      const expr = fill(pattern);
      add(random() < 0.5 ? `{{ ${expr} }}` : `x{{ ${expr} }}y`);
    }
  }
  for (const pattern of statementPatterns) {
    const count = pattern.includes("{") && /\{[A-Z]+\}/.test(pattern) ? variants : 1;
    for (let i = 0; i < count; i++) add(fill(pattern));
  }
  return cases;
}
