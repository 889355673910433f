import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pythonJsonDumps } from "../../src/core/python/json-dumps";
import { pythonStr } from "../../src/core/repositories";

describe("Python formatting for the retry history", () => {
  it("json.dumps(indent=2) byte for byte (expected text printed by CPython 3)", () => {
    const value = { a: {}, b: [], c: [{ x: null, y: true, z: 1e-5 }], d: 'tab\tquote"\u2603\u{1F600}', e: -0.5, f: 123456789012 };
    assert.equal(
      pythonJsonDumps(value, { indent: 2 }),
      '{\n  "a": {},\n  "b": [],\n  "c": [\n    {\n      "x": null,\n      "y": true,\n      "z": 1e-05\n    }\n  ],\n  "d": "tab\\tquote\\"\\u2603\\ud83d\\ude00",\n  "e": -0.5,\n  "f": 123456789012\n}',
    );
    assert.equal(pythonJsonDumps([], { indent: 2 }), "[]");
    // ensure_ascii=False (user.pause) keeps non-ASCII and escapes only quotes, backslashes and controls.
    assert.equal(pythonJsonDumps({ d: 'é"\n' }, { indent: 2, ensureAscii: false }), '{\n  "d": "é\\"\\n"\n}');
  });

  it("str() of scalars", () => {
    assert.equal(pythonStr(1e-5), "1e-05");
    assert.equal(pythonStr(0.1), "0.1");
    assert.equal(pythonStr(true), "True");
    assert.equal(pythonStr(null), "None");
    assert.equal(pythonStr("text"), "text");
  });
});
