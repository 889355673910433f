import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { compareCodePoints, pythonJsonDumps, pythonNumber } from "../../src/core/python/json-dumps";
import { computeContentHash } from "../../src/core/workflow/content-hash";
import { resolveWorkflowFile } from "../../src/cli/workspace-files";
import { debianPython } from "../helpers/oracle";
import { ccWorkflowPath, fixturesDir } from "../helpers/paths";

const ccHash = "59db567216fb35532bdcdc4aec7816e86995a3d22d2e802e87498b3400b02faa";
const compact = { sortKeys: true, itemSeparator: ",", keySeparator: ":" } as const;

/** Python's own json.dumps of the same JSON text, when Debian's python3 is there. */
function pythonDumps(jsonText: string, args: string): string | undefined {
  const script = `import json,sys; sys.stdout.write(json.dumps(json.loads(sys.stdin.read()), ${args}))`;
  const result = spawnSync(debianPython, ["-c", script], { input: jsonText, encoding: "utf8" });
  return result.status === 0 ? result.stdout : undefined;
}

const pythonPresent = spawnSync(debianPython, ["-c", "import json"], { stdio: "ignore" }).status === 0;

describe("computeContentHash", () => {
  test("equals the virtual server's hash of the resolved cc workflow (fixture and our own resolution)", () => {
    const golden = JSON.parse(readFileSync(join(fixturesDir, "cc_resolved_workflow.json"), "utf8"));
    assert.equal(computeContentHash(golden), ccHash);
    assert.equal(computeContentHash(resolveWorkflowFile(ccWorkflowPath).workflow), ccHash);
  });

  test("does not depend on key order", () => {
    assert.equal(computeContentHash({ a: 1, b: [{ y: 2, x: 1 }] }), computeContentHash({ b: [{ x: 1, y: 2 }], a: 1 }));
  });
});

describe("pythonJsonDumps", () => {
  const sample = {
    "z": [1, -2, 0.5, -0.1, 1e-5, 0.0001, 1.5e-7, 123.456, 5e-324, 1.7976931348623157e308, 1e21, 3.14],
    "é": "é ü 😀 \u007f \u0000 \u001f tab\t nl\n cr\r quote\" backslash\\ slash/ \b\f \u2028",
    "\uff00": "fullwidth sorts before astral in Python",
    "😀": "astral",
    "A": { "nested": [true, false, null, {}, []] },
    "a": "",
  };

  test("sorts keys by code point, escapes to ASCII, and formats numbers like Python", () => {
    const expected =
      '{"A":{"nested":[true,false,null,{},[]]},"a":"",' +
      '"z":[1,-2,0.5,-0.1,1e-05,0.0001,1.5e-07,123.456,5e-324,1.7976931348623157e+308,1e+21,3.14],' +
      '"\\u00e9":"\\u00e9 \\u00fc \\ud83d\\ude00 \\u007f \\u0000 \\u001f tab\\t nl\\n cr\\r quote\\" backslash\\\\ slash/ \\b\\f \\u2028",' +
      '"\\uff00":"fullwidth sorts before astral in Python","\\ud83d\\ude00":"astral"}';
    assert.equal(pythonJsonDumps(sample, compact), expected);
  });

  test("uses Python's default separators unless told otherwise", () => {
    assert.equal(pythonJsonDumps({ b: [1, 2], a: { c: null } }), '{"b": [1, 2], "a": {"c": null}}');
    assert.equal(pythonJsonDumps({ b: [1, 2], a: { c: null } }, { sortKeys: true }), '{"a": {"c": null}, "b": [1, 2]}');
  });

  test("matches Python's json.dumps byte for byte", { skip: !pythonPresent && "Debian python3 not installed" }, () => {
    const text = JSON.stringify(sample);
    assert.equal(pythonJsonDumps(JSON.parse(text), compact), pythonDumps(text, 'sort_keys=True, separators=(",", ":")'));
    assert.equal(pythonJsonDumps(JSON.parse(text), { sortKeys: true }), pythonDumps(text, "sort_keys=True"));
    const cc = readFileSync(join(fixturesDir, "cc_resolved_workflow.json"), "utf8");
    assert.equal(pythonJsonDumps(JSON.parse(cc), compact), pythonDumps(cc, 'sort_keys=True, separators=(",", ":")'));
  });

  test("rejects what is not JSON", () => {
    assert.throws(() => pythonJsonDumps({ when: new Date(0) }), TypeError);
    assert.throws(() => pythonJsonDumps([undefined]), TypeError);
  });
});

describe("pythonNumber", () => {
  test("float repr: positional between 1e-4 and 1e16, exponent (two digits at least) outside", () => {
    const cases: Array<[number, string]> = [
      [0.1, "0.1"],
      [0.0001, "0.0001"],
      [0.00012, "0.00012"],
      [0.000012, "1.2e-05"],
      [1e-10, "1e-10"],
      [-2.5e-300, "-2.5e-300"],
      [123456789.125, "123456789.125"],
      [1234567890123456.8, "1234567890123456.8"],
      [2 ** 60, "1.152921504606847e+18"], // wrong for an exact int literal 2**60 (documented)
      [9007199254740993, "9007199254740992.0"], // the literal lost its last digit already in JSON.parse
      [NaN, "NaN"],
      [Infinity, "Infinity"],
      [-Infinity, "-Infinity"],
    ];
    for (const [value, expected] of cases) assert.equal(pythonNumber(value), expected, String(value));
  });

  test("safe integers print as ints; -0 and integral floats cannot be told apart in JS (documented)", () => {
    assert.equal(pythonNumber(0), "0");
    assert.equal(pythonNumber(-0), "0");
    assert.equal(pythonNumber(1.0), "1"); // Python would print 1.0 for a float source
    assert.equal(pythonNumber(Number.MAX_SAFE_INTEGER), "9007199254740991");
    assert.equal(pythonNumber(-42), "-42");
  });
});

test("compareCodePoints orders like Python's sorted() on str", () => {
  const keys = ["😀", "\uff00", "b", "a", "ab", "", "B"];
  assert.deepEqual([...keys].sort(compareCodePoints), ["", "B", "a", "ab", "b", "\uff00", "😀"]);
  // JS's default sort compares UTF-16 units and puts the astral key first.
  assert.deepEqual(["\uff00", "😀"].sort(), ["😀", "\uff00"]);
});
