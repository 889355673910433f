import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, test } from "node:test";
import { getModule, ModuleExecutionError, type ExecutableModule } from "../../src/core/modules";
import { evaluatePythonExpression, PARSE_PATTERN_FUNCTIONS } from "../../src/core/python/expression";
import { compilePythonPattern, pythonMatch, pythonSplit } from "../../src/core/python/regex";
import { pyRepr } from "../../src/core/python/format";
import { debianPython, simpleevalOracle } from "../helpers/oracle";
import { createTestContext } from "./helpers";

async function parse(inputs: Record<string, unknown>) {
  const made = createTestContext();
  const out = await (getModule("transform.parse_pattern") as ExecutableModule).execute(inputs, made.context);
  return out as { items: Array<Record<string, unknown>>; count: number; total: number; valid: boolean; errors: string[] };
}

function failsWith(reason: string) {
  return (error: unknown) => error instanceof ModuleExecutionError && error.message === `Module 'transform.parse_pattern' failed: ${reason}`;
}

const REGEX = "(?P<idx>\\d+)(?P<mode>[a-z])?(?P<weight>\\d+)?";

describe("transform.parse_pattern (modules.md 2.20)", () => {
  test("the spec's verified example", async () => {
    const out = await parse({
      input: " 1p50, 2x30 ,  , zz ,3p",
      pattern: { regex: REGEX, separator: "," },
      field_types: { idx: "int", weight: "int" },
      mappings: { mode: { p: "with_person" } },
      lookups: { idx: { source: [{ n: "a1" }, { n: "a2" }], match_by_position: true, output_field: "aesthetic", required: true } },
      validation: { weight: { min: 40, required: true }, mode: { in: ["with_person", "x"] } },
      sum_field: "weight",
    });
    assert.deepEqual(out, {
      items: [
        { _raw: "1p50", _index: 0, idx: 1, mode: "with_person", weight: 50, mode_original: "p", aesthetic: { n: "a1" } },
        { _raw: "2x30", _index: 1, idx: 2, mode: "x", weight: 30, aesthetic: { n: "a2" } },
        { _raw: "zz", _index: 2 },
        { _raw: "3p", _index: 3, idx: 3, mode: "with_person", weight: null, mode_original: "p" },
      ],
      count: 4,
      total: 80,
      valid: false,
      errors: ["Item '2x30': 'weight' (30) is less than minimum (40)", "Item 'zz' does not match pattern", "Item '3p': Lookup failed for 'idx'=3"],
    });
  });

  test("no separator: the whole text is one item; re.match is anchored at the start only", async () => {
    const out = await parse({ input: "12abc trailing", pattern: { regex: "(?P<n>\\d+)" }, field_types: { n: "int" } });
    assert.deepEqual(out.items, [{ _raw: "12abc trailing", _index: 0, n: 12 }]);
    assert.deepEqual((await parse({ input: "x12", pattern: { regex: "(?P<n>\\d+)" } })).errors, ["Item 'x12' does not match pattern"]);
  });

  test("a regex separator keeps captured separators (as Python's re.split); trim off keeps spaces", async () => {
    const out = await parse({ input: "a1; b2,c3", pattern: { regex: "(?P<v>.+)", separator: "\\s*([;,])\\s*", separator_is_regex: true } });
    assert.deepEqual(out.items.map((item) => item.v), ["a1", ";", "b2", ",", "c3"]);
    const untrimmed = await parse({ input: " a , b", pattern: { regex: "(?P<v>.*)", separator: ",", trim: false } });
    assert.deepEqual(untrimmed.items.map((item) => item.v), [" a ", " b"]);
  });

  test("casts follow Python int()/float(): '3.0' is no int, ' 1_000 ' is, floats print as floats", async () => {
    const out = await parse({
      input: "3.0|1_000|٣|1e3|inf|yes|0",
      pattern: { regex: "(?P<i>.+)", separator: "|" },
      field_types: { i: "int" },
    });
    assert.deepEqual(out.items.map((item) => item.i), ["3.0", 1000, 3, "1e3", "inf", "yes", 0]);
    assert.deepEqual(out.errors, [
      "Item '3.0': Cannot cast 'i' to int",
      "Item '1e3': Cannot cast 'i' to int",
      "Item 'inf': Cannot cast 'i' to int",
      "Item 'yes': Cannot cast 'i' to int",
    ]);
    const floats = await parse({ input: "30,2.5,x", pattern: { regex: "(?P<w>.+)", separator: "," }, field_types: { w: "Float" }, validation: { w: { min: 40 } } });
    assert.deepEqual(floats.items.map((item) => item.w), [30, 2.5, "x"]);
    assert.deepEqual(floats.errors, [
      "Item '30': 'w' (30.0) is less than minimum (40)",
      "Item '2.5': 'w' (2.5) is less than minimum (40)",
      "Item 'x': Cannot cast 'w' to Float",
    ]);
    const flags = await parse({ input: "True,on,0,nope", pattern: { regex: "(?P<b>.+)", separator: "," }, field_types: { b: "bool" } });
    assert.deepEqual(flags.items.map((item) => item.b), [true, true, false, false]);
  });

  test("mappings are type-exact: an int-cast 1 does not match the key '1'", async () => {
    const out = await parse({ input: "1,2", pattern: { regex: "(?P<n>\\d)(?P<s>)", separator: "," }, field_types: { n: "int" }, mappings: { n: { "1": "one" }, s: { "": "empty" } } });
    assert.deepEqual(out.items[0], { _raw: "1", _index: 0, n: 1, s: "empty", s_original: "" });
  });

  test("lookups by field use Python ==: 1 == 1.0 and True == 1, but '1' != 1; custom output field; misses only fail when required", async () => {
    const source = [{ id: "1", name: "text one" }, { id: 1.5, name: "float" }, { id: 2, name: "two" }, { id: true, name: "true" }];
    const out = await parse({
      input: "2,1,9",
      pattern: { regex: "(?P<k>\\d)", separator: "," },
      field_types: { k: "int" },
      lookups: { k: { source, match_field: "id" } },
    });
    assert.deepEqual(out.items.map((item) => (item.k_resolved as { name: string } | undefined)?.name), ["two", "true", undefined]);
    assert.deepEqual(out.errors, []);
  });

  test("computed fields: Python expressions over the item with the math functions; errors are collected", async () => {
    const out = await parse({
      input: "3x4,5y0",
      pattern: { regex: "(?P<a>\\d)(?P<op>[a-z])(?P<b>\\d)", separator: "," },
      field_types: { a: "int", b: "int" },
      computed: [
        { field: "area", expression: "a * b" },
        { field: "ratio", expression: "round(a / b, 2)" },
        { field: "label", expression: "op.upper() + str(a)" },
        { field: "root", expression: "sqrt(a) if a > 4 else ceil(a / 2)" },
        { field: "skip", expression: "" },
      ],
      sum_field: "area",
    });
    assert.deepEqual(out.items[0], { _raw: "3x4", _index: 0, a: 3, op: "x", b: 4, area: 12, ratio: 0.75, root: 2 });
    assert.equal(out.items[1]!.root, Math.sqrt(5));
    assert.deepEqual(out.errors, [
      "Item '3x4': Failed to compute 'label': Function 'str' not defined, for expression 'op.upper() + str(a)'.",
      "Item '5y0': Failed to compute 'ratio': division by zero",
      "Item '5y0': Failed to compute 'label': Function 'str' not defined, for expression 'op.upper() + str(a)'.",
    ]);
    assert.equal(out.total, 12);
  });

  test("validation: max, in (a Python list in the message), pattern (prefix match), required; a null field is not missing", async () => {
    const out = await parse({
      input: "5a,12,x",
      pattern: { regex: "(?P<n>\\d+)?(?P<t>[a-z])?", separator: "," },
      field_types: { n: "int" },
      validation: { n: { max: 10, in: [5, 6.0, null] }, t: { pattern: "[b-z]", required: true }, missing: { required: true } },
    });
    assert.deepEqual(out.errors, [
      "Item '5a': 't' (a) does not match pattern '[b-z]'",
      "Item '5a': Missing required field 'missing'",
      "Item '12': 'n' (12) exceeds maximum (10)",
      "Item '12': 'n' (12) not in allowed values [5, 6, None]",
      "Item '12': Missing required field 'missing'",
      "Item 'x': Missing required field 'missing'",
    ]);
  });

  test("module errors: no regex, a bad regex (Python's re.error text), other failures wrapped", async () => {
    await assert.rejects(parse({ input: "x", pattern: {} }), failsWith("Pattern regex is required"));
    await assert.rejects(parse({ input: "x", pattern: { regex: "(?P<a>x" } }), failsWith("Invalid regex pattern: missing ), unterminated subpattern at position 0"));
    await assert.rejects(parse({ input: "x", pattern: { regex: "a**" } }), failsWith("Invalid regex pattern: multiple repeat at position 2"));
    await assert.rejects(
      parse({ input: "x", pattern: { regex: "x", separator: "[", separator_is_regex: true } }),
      failsWith("Failed to parse pattern: unterminated character set at position 0"),
    );
    await assert.rejects(parse({ input: "x", pattern: { regex: "(?P<v>x)" }, field_types: { v: 5 } }), failsWith("Failed to parse pattern: 'int' object has no attribute 'lower'"));
    await assert.rejects(parse({ input: null, pattern: { regex: "x" } }), failsWith("Failed to parse pattern: 'NoneType' object has no attribute 'strip'"));
  });
});

describe("transform.parse_pattern's Python parts against Python", () => {
  const python = (script: string, input: unknown) => {
    const run = spawnSync(debianPython, ["-c", script], { input: JSON.stringify(input), encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(run.stdout) as unknown[];
  };
  const hasPython = spawnSync(debianPython, ["-c", "import re"], { stdio: "ignore" }).status === 0;

  const patterns: Array<[string, string[]]> = [
    [REGEX, ["1p50", "2x30", "zz", "3p", "١٢p", "12"]],
    ["a$", ["a", "a\n", "a\n\n", "ba"]],
    ["^a.c", ["abc", "a\nc", "xabc"]],
    ["(?s)a.c", ["a\nc"]],
    ["(?i)straße", ["STRASSE", "Straße", "STRAßE"]],
    ["\\w+", ["héllo wörld", "_x1", "٣"]],
    ["\\s+x", ["\u0085x", "\u00a0x", "\ufeffx", "\u001cx"]],
    ["a{,2}b", ["aab", "b", "aaab"]],
    ["x{a}", ["x{a}"]],
    ["\\bfoo\\b", ["foo bar", "foobar", "éfoo"]],
    ["(a)(?P<b>b)?\\1", ["aa", "aba"]],
    ["(?P<x>a)(?P=x)", ["aa", "ab"]],
    ["[]a]+", ["]a]", "b"]],
    ["[a-]+", ["a-a"]],
    ["[\\W]+", ["!! a"]],
    ["\\x41\\u0042\\U00000043\\101\\0", ["ABCA\u0000"]],
    ["(?x) a b  # comment\n c", ["abc"]],
    ["(?i:ab)c", ["ABc", "ABC"]],
    ["\\Aab\\Z", ["ab", "ab\n"]],
    ["(?m)^b$", ["a\nb\nc"]],
    ["a\\-b\\#c\\ d", ["a-b#c d"]],
    ["(?#comment)ab|", ["ab", "c"]],
    ["(", []], [")", []], ["*a", []], ["a**", []], ["a{2}{3}", []], ["[abc", []], ["\\q", []], ["a\\", []], ["[z-a]", []], ["[\\d-z]", []],
    ["(?P<1a>x)", []], ["(?P<a>x)(?P<a>y)", []], ["(?P=nope)", []], ["\\2(a)(b)", []], ["(a\\1)", []], ["(?<x>a)", []], ["a(?i)b", []],
    ["(?P<>x)", []], ["\\x4", []], ["a{3,2}", []], ["(?#abc", []], ["^*", []], ["(?", []], ["\\8", []], ["\\400", []], ["abc\n(", []],
  ];
  test("re.compile errors and re.match groupdicts", { skip: hasPython ? false : "no python3" }, () => {
    const expected = python(
      [
        "import json, re, sys",
        "out = []",
        "for pat, strings in json.load(sys.stdin):",
        "    try: c = re.compile(pat)",
        "    except re.error as e: out.append({'error': str(e)}); continue",
        "    out.append({'matches': [None if (m := c.match(s)) is None else [m.group(0), m.groupdict()] for s in strings]})",
        "print(json.dumps(out))",
      ].join("\n"),
      patterns,
    );
    patterns.forEach(([pattern, strings], i) => {
      let got: unknown;
      try {
        const compiled = compilePythonPattern(pattern);
        got = { matches: strings.map((text) => { const m = pythonMatch(compiled, text); return m === null ? null : [m.text, m.groupdict]; }) };
      } catch (error) {
        got = { error: (error as Error).message };
      }
      assert.deepEqual(got, expected[i], pattern);
    });
  });

  const splits: Array<[string, string]> = [[",", "a,b,,c"], ["\\s*,\\s*", " 1p50, 2x30 ,  , zz ,3p"], ["(,)|(;)", "a,b;c"], ["x*", "axbc"], ["\\b", "a b"], ["", "abc"], ["$", "ab\n"], ["a|", "bab"]];
  test("re.split", { skip: hasPython ? false : "no python3" }, () => {
    const expected = python("import json, re, sys\nprint(json.dumps([re.split(p, s) for p, s in json.load(sys.stdin)]))", splits);
    splits.forEach(([pattern, text], i) => assert.deepEqual(pythonSplit(compilePythonPattern(pattern), text), expected[i], pattern));
  });

  const expressions = [
    "a + 1", "b * 2", "foo", "a / 0", "ceil(a / 2)", "x.y", "a.upper()", "s.upper()", "pow(2, 3)", "nope(1)", "a ** 100000000", "d.k", "d['k']",
    "a if a > 1 else -a", "1 +", "s * 200000", "not a", "-a ** 2", "(1, 2)", "{'a': a}", "a is None", "d.__class__", "round(2.5)", "round(2.675, 2)",
    "round(1234, -2)", "max(1, 2.5)", "min(s)", "'x' in s", "a < s", "True + 1", "a << 2", "len(s)", "abs(-2.0)", "sqrt(-1)", "sqrt(16)", "a // 0",
    "1e400", "0x1F", "1_000", "a / 2", "-a % 5", "f * 2", "f / 3", "ceil(f)", "floor(-f)", "l[-1]", "l[5]", "l[1:]", "s[::-1]", "d['zz']",
    "d.get('k', 0)", "s.split('b')", "[v * 2 for v in l if v > 1]", "len(l) * 1.5", "(w or 0) + 1", "a and b", "l + [4]", "s + 1", "a == 3.0",
    "[1, 2][True]", "s.format(1)", "'%d items' % a", "max([])", "pow(10, 400)", "round(None)", "abs('x')", "2 ** -1", "(", "a +* 2", "lambda: 1", "w",
  ];
  const hasSimpleeval = spawnSync(debianPython, ["-c", "import simpleeval"], { stdio: "ignore" }).status === 0;
  test("simpleeval's EvalWithCompoundTypes", { skip: hasSimpleeval ? false : "python3-simpleeval is not installed" }, () => {
    const names = { a: 3, b: "x", s: "abc", d: { k: 1 }, x: null, f: 2.5, l: [1, 2, 3], w: null };
    const expected = simpleevalOracle(names, expressions);
    expressions.forEach((expression, i) => {
      let got: unknown;
      try {
        got = { value: pyRepr(evaluatePythonExpression(expression, names, PARSE_PATTERN_FUNCTIONS)) };
      } catch (error) {
        got = { error: (error as Error).message };
      }
      assert.deepEqual(got, expected[i], expression);
    });
  });

  const numbers = ["3", " 42 ", "-7", "+5", "1_000", "1__0", "_1", "3.0", "٣٤", "１２", "0x10", "007", "1e3", "1.5", ".5", "5.", "-inf", "Infinity", "nan", "1_0.5", "1e-2", "e3", "\u00a012\u2003", "12\x1c"];
  test("int() and float() of the cast", { skip: hasPython ? false : "no python3" }, async () => {
    const expected = python(
      [
        "import json, sys",
        "def cast(f, s):",
        "    try:",
        "        v = f(s)",
        "        return repr(v) if isinstance(v, float) else v",
        "    except ValueError: return 'error'",
        "print(json.dumps([[cast(int, s), cast(float, s)] for s in json.load(sys.stdin)]))",
      ].join("\n"),
      numbers,
    ) as Array<[unknown, unknown]>;
    for (const [i, text] of numbers.entries()) {
      const asInt = await parse({ input: text, pattern: { regex: "(?P<v>[\\s\\S]*)", trim: false }, field_types: { v: "int" } });
      assert.deepEqual(asInt.errors.length > 0 ? "error" : asInt.items[0]!.v, expected[i]![0], `int(${JSON.stringify(text)})`);
      const asFloat = await parse({ input: text, pattern: { regex: "(?P<v>[\\s\\S]*)", trim: false }, field_types: { v: "float" }, computed: [{ field: "r", expression: "v" }] });
      const shown = asFloat.errors.length > 0 ? "error" : pyRepr(asFloat.items[0]!.v).replace(/^(-?\d+)$/, "$1.0").replace("Infinity", "inf").replace("NaN", "nan");
      assert.equal(shown, expected[i]![1], `float(${JSON.stringify(text)})`);
    }
  });
});
