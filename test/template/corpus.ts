/**
 * A deterministic corpus of templates for the differential test against Python Jinja2: every
 * filter, test, statement and operator wfv supports, over several random states with nested
 * objects, lists, unicode, ints and floats, nulls and missing keys. Same seed, same corpus.
 */
import { PyFloat } from "../../src/core/python/objects";

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
  "{S}|wordwrap(10)", "{S}|wordwrap(5, break_long_words=false)", "{S}|wordwrap(7, wrapstring='|', break_on_hyphens=false)", "{S}|striptags", "{S}|escape", "{S}|e", "{S}|urlencode", "{D}|urlencode", "{S}|string", "{A}|string", "{S}|list", "{S}|reverse", "{S}|first", "{S}|last",
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

/** Fixed edge cases (no holes): number formatting, rounding, unicode, Python-only corners. */
const edgeTemplates = [
  "{{ 1e16 }}|{{ 1e15 }}|{{ 1e-5 }}|{{ 0.0001 }}|{{ 1.5e300 }}|{{ -0.0 }}|{{ 2**62 }}|{{ 10/3 }}|{{ 2/3*3 }}",
  "x{{ 1e16 }}", "x{{ 123456789.0 }}", "x{{ 0.1 + 0.7 }}", "x{{ 1/3 }}", "x{{ 100 / 4 }}", "x{{ 7 // 2 }} {{ -7 // 2 }} {{ 7.5 // 2 }} {{ -7 % 3 }} {{ 7 % -3 }} {{ 5.5 % 2 }}",
  "x{{ 2 ** -1 }} {{ 2 ** 0.5 }} {{ (-8) ** 2 }} {{ -2 ** 2 }}", "x{{ 2.675|round(2) }} {{ 0.125|round(2) }} {{ 2.5|round }} {{ 3.5|round }} {{ -2.5|round }} {{ 1234|round(-2) }} {{ 5|round }}",
  "x{{ 1.005|round(2) }} {{ 2.345|round(2, 'floor') }} {{ 2.341|round(2, 'ceil') }} {{ 0.5|round(0, 'ceil') }}",
  "x{{ '%g|%g|%g|%g|%e|%.3g' % (0.0001, 123456789, 1.5, 100000.0, 12345.678, 2.0) }}", "x{{ '%5.2f%%' % 99.555 }}", "x{{ '%+d|% d|%05.1f|%-5d|%o|%X|%#x' % (5, 5, -2.25, 3, 8, 255, 255) }}",
  "x{{ '%s|%r|%s' % ('a', 'b', [1, 'c']) }}", "x{{ '%c%c' % (65, 'z') }}", "x{{ '%(x)s-%(y)d' % {'x': 'X', 'y': 3.9} }}",
  "x{{ '{:,}'.format(1234567) }} {{ '{:_}'.format(1234567) }} {{ '{:.2%}'.format(0.256) }} {{ '{:e}'.format(1234.5) }} {{ '{:08.3f}'.format(-3.14159) }}",
  "x{{ '{:^9}|{:*<6}|{:>+5}|{:=+8}|{:x}|{:#b}'.format('mid', 'ab', 3, -42, 255, 5) }}", "x{{ '{!r}|{0!s}'.format('q') }}", "x{{ '{0[1]}|{0[0]}'.format(['a', 'b']) }}",
  "x{{ '{:g}|{:.3}|{}'.format(1e20, 3.14159, 1e16) }}", "x{{ '{:5}|{:<5}|{}'.format(42, True, False) }}",
  "{{ 'straße'|upper }}|{{ 'ǅungla'|lower }}|{{ 'İ'|lower|length }}", "{{ 'they''re bill''s friends'|title }}|{{ \"they're bill's\".title() }}",
  "{{ 'hello world-wide (web) [x] {y} <z>'|title }}", "{{ 'éCOLE'|capitalize }}|{{ 'ñandú'.capitalize() }}", "{{ '1st 2nd'.title() }}",
  "{{ ['b', 'a', 'B', 'A', 'é', 'e', 'Z', '_']|sort }}", "{{ ['b', 'a', 'B', 'A']|sort(case_sensitive=true) }}", "{{ ['😀', 'ﬀ', 'z', '日']|sort }}",
  "{{ 'é' < 'z' }}|{{ 'Z' < 'a' }}|{{ '😀' > 'ﬀ' }}", "{{ [1, 2] < [1, 3] }}|{{ (1, 'a') < (1, 'b') }}|{{ [] < [0] }}",
  "{{ 'abc'|center(8) }}|{{ 'abc'|center(9) }}|{{ 'ab'|center(7) }}|{{ 'ab'.center(7) }}|{{ 'abc'.center(8, '-') }}",
  "{{ 'x'|indent }}|{{ 'a\nb\n\nc'|indent(2) }}|{{ 'a\nb\n'|indent(2, true, true) }}", "{{ '  a  b  '.split() }}|{{ 'a,,b'.split(',') }}|{{ 'a b c d'.rsplit(None, 2) }}|{{ ''.split(',') }}",
  "{{ 'one two three four five six seven'|truncate(15) }}|{{ 'one two three four five six seven'|truncate(15, true) }}|{{ 'short'|truncate(3, leeway=0) }}|{{ 'abcdefghij'|truncate(5, true, '') }}",
  "{{ 'The quick brown fox jumps over the lazy dog; well-known pangram--really.'|wordwrap(12) }}", "{{ 'aaaaaaaaaaaaaaaaaaaa bb-cc-dd-ee-ff-gg'|wordwrap(6) }}",
  "{{ 'para one is long enough\n\npara two   with   spaces'|wordwrap(9) }}", "{{ 'x'|wordwrap(0) }}", "{{ 'a-b-c-d-e-f-g-h-i'|wordwrap(4) }}", "{{ 'self-contained multi-word-compound'|wordwrap(8) }}",
  "{{ 'see https://example.com/a?b=1, www.foo.org. (http://x.io/y) <me@mail.com> mailto:a@b.co foo.com 10.0.0.1 http://10.0.0.1:80/p x@y'|urlize }}",
  "{{ 'go to www.example.com/long/path/here now'|urlize(15, true, target='_blank') }}", "{{ 'tel:123 and ftp://h/x'|urlize(extra_schemes=['tel:', 'ftp://']) }}", "{{ 'a <b> & \"c\"'|urlize }}",
  "{{ 'Hello World Foo'|wordcount }}|{{ 'naïve café-au-lait x_y 42'|wordcount }}", "{{ 12|filesizeformat }}|{{ 1|filesizeformat }}|{{ 1500|filesizeformat }}|{{ 2048|filesizeformat(true) }}|{{ 1e15|filesizeformat }}|{{ '3000'|filesizeformat }}",
  "{{ 'a&b <c> \"d\" \\'e\\''|escape }}", "{{ '<p>Hi&amp;bye</p>  <br/>  x &lt; y'|striptags }}", "{{ 'a b/c?d=é&f'|urlencode }}", "{{ {'q': 'a b', 'n': 1}|urlencode }}", "{{ [('a', 1), ('b', 'x y')]|urlencode }}",
  "{{ {'b': 1, 'a': [1, 2, {'z': None, 'y': 'é<>&\\''}]}|tojson }}", "{{ {'b': 1, 'a': [1, 2]}|tojson(2) }}", "{{ [1.0, 2.5, 1e16, -0.0]|tojson }}", "{{ 'line\nbreak\ttab\u0001'|tojson }}",
  "{{ {'b': 1, 'a': 2}|pprint }}", "{{ range(30)|list|pprint }}", "{{ 'x'|pprint }}", "{{ [1, 'a', none, true]|pprint }}",
  "{{ 'it\\'s' }}|{{ [\"it's\", 'say \"hi\"', 'both \\' \"', 'tab\there', 'nl\n', '\\\\', 'é', '\u00a0', '\x7f', '\u200b', '😀'] }}",
  "{{ {'k': 'v', 'n': none, 't': true, 'f': 1.5, 'l': [], 'd': {}} }}|{{ (1, 2) }}|{{ () }}|{{ ((1,),) }}",
  "{{ state.kv.items() }}|{{ state.kv.keys() }}|{{ state.kv.values() }}", "{{ state.kv.items()|list }}", "{{ state.kv|list }}",
  "{{ [1, 2, 3][1:] }}|{{ 'hello'[::-1] }}|{{ [1, 2, 3, 4, 5][::2] }}|{{ [1, 2, 3][5:] }}|{{ 'abc'[-5:2] }}|{{ [1,2,3][-1:-4:-1] }}",
  "{{ 1 == 1.0 }}|{{ true == 1 }}|{{ none == none }}|{{ 'a' == 'a' }}|{{ [1] == [1.0] }}|{{ (1,) == [1] }}|{{ {'a': 1} == {'a': 1.0} }}",
  "{{ true + true }}|{{ true * 3 }}|{{ 'ab' * true }}|{{ -true }}|{{ 3 - false }}", "{{ 1 < 2 < 3 }}|{{ 3 > 2 > 2 }}|{{ 1 < 2 > 0 }}|{{ 1 != 2 != 1 }}",
  "{{ 'a' in 'abc' }}|{{ 'x' in ['x'] }}|{{ 1 in [1.0] }}|{{ 'k' in {'k': 1} }}|{{ 2 not in [1] }}|{{ none in [none] }}",
  "{{ [] or 'empty' }}|{{ 0 or none or '' or 'last' }}|{{ 'a' and 'b' }}|{{ 0 and 1 }}|{{ not [] }}|{{ not {} }}|{{ not 'x' }}|{{ not 0.0 }}",
  "{{ 10|int(base=16) }}|{{ '10'|int(base=16) }}|{{ '0b101'|int(0, 2) }}|{{ ' 42 '|int }}|{{ '4_2'|int }}|{{ '3.9'|int }}|{{ '-3.9'|int }}|{{ 'x'|int(7) }}|{{ none|int }}|{{ true|int }}",
  "{{ '1e3'|float }}|{{ ' -2.5 '|float }}|{{ 'inf'|float }}|{{ 'nan'|float }}|{{ 'x'|float }}|{{ 3|float }}|{{ '1_0.5'|float }}|{{ ''|float }}",
  "{{ -5|abs }}|{{ -2.5|abs }}|{{ -0.0|abs }}|{{ false|abs }}", "{{ [3, 1, 2]|max }}|{{ ['a', 'B', 'c']|max }}|{{ ['a', 'B', 'c']|max(case_sensitive=true) }}|{{ 'hello'|min }}|{{ {'b': 1, 'a': 2}|max }}",
  "{{ [1, 1.0, true, 'a', 'A']|unique|list }}|{{ ['a', 'A', 'b']|unique|list }}|{{ [(1, 2), (1, 2)]|unique|list }}",
  "{{ [1, 2, 3, 4, 5, 6, 7]|slice(3)|list }}|{{ [1, 2, 3, 4]|batch(3, 0)|list }}|{{ 'abcdefg'|batch(3)|list }}",
  "{{ [{'a': 1}, {'a': none}, {}]|map(attribute='a')|list }}|{{ [{'a': 1}, {}]|map(attribute='a', default=0)|list }}",
  "{{ ['1', '2']|map('int')|sum }}|{{ ['a', 'b']|map('replace', 'a', 'z')|list }}|{{ [1.234, 5.678]|map('round', 1)|list }}",
  "{{ [0, 1, '', 'a', none, [], [0]]|select|list }}|{{ [0, 1, '', 'a', none]|reject|list }}|{{ [1, 2, 3, 4]|select('in', [2, 4])|list }}|{{ range(10)|select('divisibleby', 3)|list }}",
  "{{ {'a': 1}|dictsort(by='value', reverse=true) }}|{{ {'B': 1, 'a': 2, 'c': 0}|dictsort }}|{{ {'B': 1, 'a': 2, 'c': 0}|dictsort(true) }}",
  "{% for g in [{'k': 'B', 'v': 1}, {'k': 'b', 'v': 2}, {'k': 'a', 'v': 3}]|groupby('k') %}{{ g.grouper }}={{ g.list|map(attribute='v')|list }};{% endfor %}",
  "{% for k, items in [{'k': 1}, {'k': 2}, {'k': 1}]|groupby('k') %}{{ k }}:{{ items|length }} {% endfor %}", "{{ [{'k': 1}, {'k': 2}]|groupby('k')|first }}",
  "{% for x in 'abc' %}{{ loop.revindex }}{{ x }}{% endfor %}|{% for x in {'b': 1, 'a': 2} %}{{ x }}{% endfor %}",
  "{% for x in [1, 2, 3] %}{{ loop.cycle(*['a', 'b']) }}{% endfor %}", "{% for x in [] %}{{ x }}{% else %}none{% endfor %}|{% for x in [1, none] if x %}{{ loop.length }}{% else %}E{% endfor %}",
  "{% for x in [1, 2] %}{% set y = x * 10 %}{{ y }}{% endfor %}[{{ y }}]", "{% set x = 1 %}{% if true %}{% set x = 2 %}{% endif %}{{ x }}",
  "{% for x in [[1, [2, [3]]]] recursive %}<{% for y in x %}{% if y is iterable %}{{ loop(y) }}{% else %}{{ y }}{% endif %}{% endfor %}>{% endfor %}",
  "{% for x in [[1, 2], [3]] recursive %}{% if x is iterable %}[{{ loop(x) }}]{% else %}{{ x }}@{{ loop.depth }}{% endif %}{% endfor %}",
  "{% macro rec(n) %}{% if n > 0 %}{{ n }}{{ rec(n - 1) }}{% endif %}{% endmacro %}{{ rec(4) }}", "{% macro m(a, b=a) %}{{ a }}{{ b }}{% endmacro %}{{ m(1) }}{{ m(1, 2) }}{{ m(b=3, a=4) }}",
  "{% macro m(a) %}[{{ a }}]{% endmacro %}{{ m() }}", "{% macro list_it(items) %}{% for i in items %}{{ caller(i) }}{% endfor %}{% endmacro %}{% call(item) list_it([1, 2]) %}<{{ item }}>{% endcall %}",
  "{% macro m() %}{{ varargs }}{% endmacro %}{{ m(1, 'a') }}", "{% macro m() %}x{% endmacro %}{{ m|string|length > 0 }}", "{% macro m() %}x{% endmacro %}{{ m(1) }}",
  "{% set ns = namespace(a=1, b=[]) %}{% set ns.a = ns.a + 1 %}{{ ns.a }}{{ ns.b }}", "{% set d = {'a': 1} %}{% set _ = d.update({'b': 2}) %}{{ d }}", "{% set l = [1] %}{% set _ = l.append(2) %}{{ l }}{{ l.pop() }}{{ l }}",
  "{% set a, b = 'xy' %}{{ b }}{{ a }}", "{% set a, b = [1] %}", "{% set a, b = [1, 2, 3] %}", "{% set x %}{{ 1 + 1 }}{% endset %}{{ x * 2 }}",
  "{% with %}{% set inner = 1 %}{% endwith %}{{ inner is defined }}", "{% filter indent(2, true) %}a\nb{% endfilter %}", "{% filter upper|replace('A', '4') %}abc{% endfilter %}",
  "{{ none }}|{{ None }}|{{ True }}|{{ false }}|{{ FALSE }}", "{{ 0x10 }}|{{ 0o17 }}|{{ 0b11 }}|{{ 1_000 }}|{{ 1_0.5_0 }}|{{ 1E3 }}", "{{ 'a' 'b' \"c\" }}",
  "{{ '\\x41\\u00e9\\N{DASH}\\q' }}", "{{ 'a\\\nb' }}",
  "{{ dict(a=1, b=none) }}|{{ dict([('x', 1)]) }}|{{ dict({'y': 2}, z=3) }}", "{{ range(5)|list }}|{{ range(5, 0, -2)|list }}|{{ range(0)|list }}|{{ range(1, 2, 0)|list }}",
  "{{ lipsum is defined }}|{{ cycler is callable }}|{{ joiner is defined }}", "{{ now().strftime('%-d/%-m %e|%H%%|%c|%x|%X|%F %T|%U') }}", "{{ now().weekday() }}|{{ now().month }}|{{ now().microsecond }}",
  "{{ now() }}", "x{{ now() }}", "{{ now() > now() }}",
  "{{ state }}", "x{{ state.nested }}", "{{ module.kv }}", "{{ step }}|{{ config.mode }}|{{ step.name }}", "{{ state.user.address.zip|string }}|{{ state.user.address.zip * 2 }}",
  "{{ state.products[0]['name'] }}|{{ state.products.0.name }}|{{ state.products[state.indices[1]].qty }}|{{ state[state.indices[0]][0].name }}",
  "{{ state.kv['alpha'] + state.kv.alpha }}", "{{ state.user.tags[99] is undefined }}|{{ state.user.tags[-99] is undefined }}|{{ state.csv[100:] }}",
  "{{ 'abc'[1.5] }}|{{ [1, 2]['x'] }}|{{ none[0] }}|{{ 5[0] }}|{{ {'a': 1}[['a']] }}", "{{ [1, 2, 3][::0] }}",
  "{{ 'x' ~ none ~ 1.0 ~ [1] ~ undefined_name }}", "{{ undefined_name ~ '' }}|{{ undefined_name|string }}|{{ undefined_name|upper }}|{{ undefined_name|list }}|{{ undefined_name|first }}|{{ undefined_name|last }}",
  "{{ undefined_name|reverse }}|{{ undefined_name|sort }}|{{ undefined_name|unique|list }}|{{ undefined_name|dictsort }}", "{{ undefined_name|items|list }}|{{ undefined_name|map('upper')|list }}|{{ undefined_name|min }}",
  "{{ undefined_name|int }}", "{{ undefined_name|float }}", "{{ undefined_name|abs }}", "{{ undefined_name|round }}", "{{ undefined_name|round(1, 'ceil') }}", "{{ undefined_name|wordcount }}",
  "{{ undefined_name|tojson }}", "{{ undefined_name|truncate(5) }}", "{{ undefined_name|center(5) }}|{{ undefined_name|title }}|{{ undefined_name|capitalize }}|{{ undefined_name|trim }}",
  "{{ undefined_name|batch(2)|list }}|{{ undefined_name|slice(2)|list }}|{{ undefined_name|join }}|{{ undefined_name|sum }}|{{ undefined_name|length }}",
  "{{ undefined_name|indent }}", "{{ undefined_name|replace('a', 'b') }}", "{{ undefined_name|format }}", "{{ undefined_name|escape }}|{{ undefined_name|striptags }}|{{ undefined_name|urlencode }}",
  "{{ undefined_name|pprint }}", "{{ undefined_name|filesizeformat }}", "{{ undefined_name|groupby('a') }}", "{{ undefined_name|selectattr('a')|list }}|{{ undefined_name|select|list }}",
  "{{ undefined_name is sequence }}|{{ undefined_name is iterable }}|{{ undefined_name is callable }}|{{ undefined_name is number }}|{{ undefined_name is none }}|{{ undefined_name is string }}",
  "{{ undefined_name is even }}", "{{ undefined_name is lower }}|{{ undefined_name is upper }}", "{{ undefined_name == undefined_name }}|{{ undefined_name != 1 }}|{{ undefined_name in [1] }}|{{ 1 in undefined_name }}",
  "{{ undefined_name.a.b[0]['c'] }}|{{ undefined_name[1:2] }}", "{{ undefined_name() }}", "{{ undefined_name < 1 }}", "{{ -undefined_name }}", "{{ undefined_name * 2 }}", "{{ 'a' + undefined_name }}", "{{ [1] + undefined_name }}",
  "{{ undefined_name.upper() }}", "{{ state.user.name.nosuch }}|{{ state.numbers.nosuch }}|{{ (1).real }}", "{{ state.user.name.upper }}", "{{ state.user.name.upper|string|length > 0 }}",
  "{% for a, b in [1, 2] %}{% endfor %}", "{% for a, b in [(1, 2, 3)] %}{% endfor %}", "{% for x in 5 %}{% endfor %}", "{% for x in undefined_name %}{% else %}E{% endfor %}",
  "{{ {'a': 1}.a }}|{{ {'a': 1}['a'] }}|{{ {'a': 1}.get('a') }}|{{ {'a': 1}.get('b') }}|{{ {'a': 1}.copy() }}", "{{ {'items': 1}['items'] }}", "{{ {[1]: 2} }}",
  "{{ 'a%sb' % none }}|{{ '%s' % [1, 2] }}|{{ '%s' % ((1, 2),) }}|{{ '%s %s' % (1, 2) }}", "{{ '%s %s' % (1,) }}", "{{ '%d' % 'x' }}", "{{ '%s' % (1, 2) }}", "{{ '%(a)s' % {'b': 1} }}",
  "{{ '{}'.format(none) }}|{{ '{}'.format([1, 'a']) }}|{{ '{0}{0}'.format('r') }}", "{{ '{x}'.format(y=1) }}", "{{ '{:d}'.format(1.5) }}", "{{ '{:s}'.format(1) }}",
  "{{ 'abc'.startswith(('x', 'a')) }}|{{ 'abc'.endswith('bc', 0, 2) }}|{{ 'a-b-c'.split('-', 1) }}|{{ 'a-b-c'.rsplit('-', 1) }}|{{ 'aaa'.replace('a', 'b', 2) }}|{{ 'ab'.replace('', '-') }}",
  "{{ 'abc'.find('z') }}|{{ 'abca'.rfind('a') }}|{{ 'abc'.index('c') }}|{{ 'a1'.isalnum() }}|{{ ' '.isspace() }}|{{ 'ABC'.isupper() }}|{{ 'Abc'.istitle() }}|{{ '-5'.zfill(4) }}",
  "{{ 'abc'.index('z') }}", "{{ 'a,b'.split('') }}", "{{ ' x '.strip() }}|{{ 'xxhixx'.strip('x') }}|{{ '  x'.lstrip() }}|{{ 'x  '.rstrip() }}|{{ 'a\nb\r\nc'.splitlines() }}|{{ 'a\nb\n'.splitlines(true) }}",
  "{{ 'Hello'.swapcase() }}|{{ 'ß'.upper() }}|{{ 'ǅ'.lower() }}|{{ 'abc'.partition('b') }}|{{ 'abc'.rpartition('x') }}|{{ 'ab'.ljust(5, '*') }}|{{ 'ab'.rjust(5) }}",
  "{{ [3, 1, 2].index(2) }}|{{ [1, 1, 2].count(1) }}|{{ (1, 2).count(2) }}", "{{ [1, 2].index(5) }}", "{{ 'abc'.upper().lower().title() }}",
  "{{ 10000000000000000 + 1 }}|{{ 12345678901234 * 1000 }}", "{{ 2 ** 70 }}", "x{{ {'2': 'b', '1': 'a', 'z': 'c'} }}", "{{ {'b': 1, '10': 2, '2': 3}|list }}",
  "{{ state.kv.items }}", "{{ {'keys': 1}.keys }}",
  "{{ ('<b>'|safe) + '<i>' }}|{{ '<i>' + ('<b>'|safe) }}|{{ ('<b>'|safe) * 2 }}|{{ ('%s<br>'|safe) % '<x>' }}|{{ '%s' % ('<b>'|safe) }}|{{ ('<b>'|safe) ~ '<i>' }}",
  "{{ ('<b>'|escape) is escaped }}|{{ '<b>' is escaped }}|{{ ({'a': 1}|tojson) is escaped }}|{{ ('<b>'|safe|escape) }}|{{ ('<b>'|e|e) }}|{{ '<b>'|forceescape|forceescape }}",
  "{{ ('<b>x</b>'|safe).upper() }}|{{ ('a<b'|safe).replace('<', '&') }}|{{ ('a b'|safe).split() }}|{{ (', '|safe).join(['<a>', '<b>'|safe]) }}|{{ ('<p>{}</p>'|safe).format('<x>') }}",
  "{{ ('<b>'|safe)[1:] }}|{{ ('<b>'|safe)[0] }}|{{ ('<b>'|safe)|length }}|{{ ('<b>'|safe)|list }}|{{ ('<b>'|safe) == '<b>' }}|{{ ('<b>'|safe)|upper|e }}|{{ ('<b>'|safe)|title|e }}",
  "{{ ('<b> x'|safe)|truncate(3, true, '<>') }}|{{ ('<b>'|safe)|center(7)|e }}|{{ ('%s'|safe)|format('<') }}|{{ ('a<b'|safe)|reverse }}|{{ ('<b>'|safe)|string|e }}|{{ ('<b>'|safe)|replace('b', 'i')|e }}",
  "{{ ('<b>'|safe)|pprint }}|{{ [('<b>'|safe)] }}|{{ ('<b>'|safe).striptags() }}|{{ ('&lt;x&gt;'|safe).unescape() }}|{{ {'k': '<'}|tojson|e }}|{{ ('<b>'|safe) is string }}",
  "{{ '<script>'|safe }}|{{ 5|safe }}|{{ '<x>'|forceescape }}|{{ {'class': 'a b', 'id': none, 'data-x': '<>'}|xmlattr }}|{{ {'a': 1}|xmlattr(false) }}",
  "{% raw %}{% if %}{{ }}{% endraw %}|{%- raw -%}  a  {%- endraw -%}  |", "a  {#- c -#}  b", "{#- c #}  b", "a {{- ' x ' -}} b", "a\n  {%- if true -%}\n  b\n  {%- endif -%}\n  c",
  "a\n{% if true %}\nb\n{% endif %}\nc\n", "{{ 'no newline at end' }}\n", "text\n\n", "{{ x }}\r\n\r\n", "a\rb{{ 1 }}\r",
  "{% if true %}{% endif", "{{ 1 + }}", "{{ (1, 2 }}", "{{ [1, 2) }}", "{% for %}", "{% if 1 %}{% elif %}{% endif %}", "{% macro m(a=1, b) %}{% endmacro %}", "{{ a.1.2 }}", "{{ 1 is }}",
  "{% set x = 1 %}{% endset %}", "{% endfor %}", "{% else %}", "{{ x | }}", "{{ 'unterminated }}", "{# unterminated", "{% raw %} unterminated", "{{ 1 }} {{", "{% call m %}{% endcall %}",
  // scoping: loops, macros, call blocks, filter blocks, with
  "{% set x = 1 %}{% for i in [1, 2] %}{{ x }}{% set x = x + 10 %}{{ x }};{% endfor %}{{ x }}",
  "{% for i in [1, 2] %}{{ y }}{% set y = i %}{{ y }};{% endfor %}[{{ y }}]",
  "{% set x = 1 %}{% if true %}{{ x }}{% set x = 2 %}{{ x }}{% endif %}{{ x }}",
  "{% macro m() %}{{ x }}{% set x = 5 %}{{ x }}{% endmacro %}{% set x = 1 %}{{ m() }}{{ x }}",
  "{% set x = 1 %}{% with %}{{ x }}{% set x = 2 %}{{ x }}{% endwith %}{{ x }}",
  "{% for i in [1] %}{% set x = 1 %}{% for j in [1] %}{{ x }}{% set x = 2 %}{{ x }}{% endfor %}{{ x }}{% endfor %}",
  "{% set x = 1 %}{% macro m() %}{{ x }}{% endmacro %}{% set x = 2 %}{{ m() }}",
  "{% macro m() %}{{ x }}{% endmacro %}{% for x in [7] %}{{ m() }}{% endfor %}",
  "{% set items = [1, 2] %}{% for item in items %}{% set items = [] %}{{ item }}{% endfor %}{{ items }}",
  "{% for x in [1, 2] %}{% if loop.first %}{% set first = x %}{% endif %}{{ first }}{% endfor %}",
  "{% set x = 'outer' %}{% filter upper %}{% set x = 'inner' %}{{ x }}{% endfilter %}{{ x }}",
  "{% set x = 'a' %}{% call(v) caller_user() %}{{ x }}{% endcall %}",
  "{% macro caller_user() %}{{ caller(1) }}{% endmacro %}{% set x = 'a' %}{% call(v) caller_user() %}{{ x }}{{ v }}{% set x = 'b' %}{{ x }}{% endcall %}{{ x }}",
  "{% set x %}{% set y = 3 %}{{ y }}{% endset %}{{ x }}{{ y }}",
  "{% for a in [1] %}{% for b in [2] %}{{ loop.index }}{{ a }}{% endfor %}{{ loop.index }}{% endfor %}",
  "{% set d = {'a': 1} %}{% for k in d %}{% set d = 2 %}{% endfor %}{{ d }}",
  "{% set loop = 5 %}{% for i in [1] %}{{ loop.index }}{% endfor %}{{ loop }}",
  "{% extends 'base.html' %}", "{% include 'x.html' %}", "{% import 'x' as y %}", "{% do x %}", "{% break %}", "{{ x is divisibleby 2 is even }}",
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

const randomFilters = [
  "upper", "lower", "title", "capitalize", "trim", "length", "first", "last", "list", "string", "int", "float", "abs", "round", "round(1)",
  "sort", "reverse|list", "unique|list", "join(',')", "sum", "min", "max", "default('D')", "default('D', true)", "tojson", "wordcount",
  "replace('a', 'b')", "truncate(8)", "center(9)", "indent(1)", "batch(2)|list", "slice(2)|list", "dictsort", "items|list", "map('string')|list",
  "select|list", "reject('none')|list", "escape", "urlencode", "format", "pprint", "count", "striptags", "filesizeformat", "map('length')|list",
  "sort(attribute='name')", "map(attribute='name')|list", "selectattr('qty', 'gt', 2)|list", "groupby('category')|list", "dictsort(by='value')", "int(base=16)",
  "round(2, 'floor')", "truncate(5, true, '..', 0)", "indent(2, true, true)", "batch(3, 'x')|list", "tojson(2)", "join(', ', attribute='name')", "sum(attribute='qty')",
  "min(attribute='price')", "unique(attribute='category')|list", "wordwrap(5)", "center(3)", "format(1, 2)", "replace('', '-')", "xmlattr",
  "filesizeformat(true)", "sort(reverse=true, case_sensitive=true)", "map('upper')|list", "select('string')|list", "reject('odd')|list", "slice(3, 0)|list",
];
const randomTests = [
  "defined", "none", "number", "string", "mapping", "sequence", "iterable", "odd", "even", "divisibleby 2", "integer", "float", "lower", "upper", "true", "false",
  "boolean", "in [1, 'a', none]", "eq 1", "gt 0", "sameas none", "callable", "filter", "test", "escaped", "le 'm'", "ne (1, 2)", "divisibleby(0.5)",
];
const binaryOps = ["+", "-", "*", "/", "//", "%", "~", "==", "!=", "<", ">=", "in", "not in", "and", "or", "**", "<=", ">"];

/** A random expression of bounded depth from the grammar templates use. */
function randomExpression(random: () => number, depth: number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  if (depth <= 0 || random() < 0.3) return pick([...holes.A, ...holes.I, ...holes.F, ...holes.SL, "none", "true", "[1, 'a']", "{'a': 1}", "()"]);
  const inner = () => randomExpression(random, depth - 1);
  switch (Math.floor(random() * 8)) {
    case 0: case 1: return `(${inner()}) ${pick(binaryOps)} (${inner()})`;
    case 2: case 3: return `(${inner()})|${pick(randomFilters)}`;
    case 4: return `(${inner()}) is ${random() < 0.3 ? "not " : ""}${pick(randomTests)}`;
    case 5: return `not (${inner()})`;
    case 6: return `(${inner()}) if (${inner()}) else (${inner()})`;
    default: return `(${inner()})[${pick(["0", "-1", "1:", "::-1", "'a'", "'name'"])}]`;
  }
}

const statementExpressions = ["x", "x.name", "x|string", "loop.index", "loop.revindex0", "loop.cycle('a', 'b')", "loop.previtem", "loop.nextitem", "loop.first and loop.last", "y", "x * 2", "x ~ '!'", "x is string", "varargs", "kwargs", "k", "v", "(x, y)", "[x][0]", "x[:1]", "self", "x|length"];
const statementIterables = ["state.products", "state.words", "state.numbers", "state.kv", "state.kv.items()", "state.missing", "state.empty_list", "'ab'", "range(3)", "state.nested.list_of_lists", "[none, 0, '', 1]", "state.user", "state.products|groupby('category')"];

/** A random nest of statements (for/if/set/macro/call/filter/with) with whitespace control. */
function randomStatements(random: () => number, depth: number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  if (depth <= 0) return `{{ ${pick(statementExpressions)} }}`;
  const inner = () => randomStatements(random, depth - 1);
  switch (Math.floor(random() * 9)) {
    case 0: return `{% for x in ${pick(statementIterables)}${random() < 0.3 ? " if x" : ""} %}${inner()}{% else %}E{% endfor %}`;
    case 1: return `{% if ${pick(statementExpressions)} %}${inner()}{% elif ${pick(statementExpressions)} %}B{% else %}${inner()}{% endif %}`;
    case 2: return `{% set y = ${pick(statementExpressions)} %}${inner()}{{ y }}`;
    case 3: return `{% macro m(x, y=2) %}${inner()}{% endmacro %}{{ m(${pick(statementIterables)}) }}{{ m(1, y=3) }}`;
    case 4: return `{% set ns = namespace(n=0) %}{% for x in ${pick(statementIterables)} %}{% set ns.n = ns.n + 1 %}${inner()}{% endfor %}{{ ns.n }}`;
    case 5: return `{% for k, v in ${pick(statementIterables)} %}${inner()}{% endfor %}`;
    case 6: return `{% filter upper %}${inner()}{% endfilter %}`;
    case 7: return `{% macro c() %}[{{ caller() }}]{% endmacro %}{% call c() %}${inner()}{% endcall %}`;
    default: return `{% with x = ${pick(statementIterables)} %}${inner()}{% endwith %}{{ x }}`;
  }
}

function randomWhitespaceControl(random: () => number, template: string): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  if (random() >= 0.3) return template;
  return template.replace(/\{%/g, () => pick(["{%", "{%-", "{%+"])).replace(/%\}/g, () => pick(["%}", "-%}"]));
}

export function generateCorpus(seed = 20260214, variants = 4, randomExpressions = 600, randomStatementTemplates = 500): CorpusCase[] {
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
  for (const template of edgeTemplates) add(template);
  for (let i = 0; i < randomStatementTemplates; i++) {
    add(randomWhitespaceControl(random, `a \n ${randomStatements(random, 1 + Math.floor(random() * 3))} \n b`));
  }
  for (let i = 0; i < randomExpressions; i++) {
    const expr = randomExpression(random, 3);
    add(random() < 0.5 ? `{{ ${expr} }}` : `<{{ ${expr} }}>`);
  }
  for (const pattern of statementPatterns) {
    const count = pattern.includes("{") && /\{[A-Z]+\}/.test(pattern) ? variants : 1;
    for (let i = 0; i < count; i++) add(fill(pattern));
  }
  return cases;
}
