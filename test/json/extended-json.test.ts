import assert from "node:assert/strict";
import { test } from "node:test";
import { fromExtendedJson, parseExtended, stringifyExtended, toExtendedJson } from "../../src/core/json/extended-json";

test("dates travel as {$date} and come back as Dates", () => {
  const when = new Date("2026-02-14T09:05:07.123Z");
  const text = stringifyExtended({ at: when, list: [when] });
  assert.equal(text, '{"at":{"$date":"2026-02-14T09:05:07.123Z"},"list":[{"$date":"2026-02-14T09:05:07.123Z"}]}');
  assert.deepEqual(parseExtended(text), { at: when, list: [when] });
});

test("a field named __proto__ stays a field both ways", () => {
  const parsed = JSON.parse('{"__proto__": {"x": 1}, "k": 2}') as Record<string, unknown>;
  const encoded = toExtendedJson(parsed) as Record<string, unknown>;
  assert.deepEqual(Object.keys(encoded), ["__proto__", "k"]);
  assert.equal(Object.getPrototypeOf(encoded), Object.prototype);
  const decoded = fromExtendedJson(parsed) as Record<string, unknown>;
  assert.deepEqual(Object.keys(decoded), ["__proto__", "k"]);
  assert.equal((decoded as { x?: unknown }).x, undefined);
  assert.equal(JSON.stringify(decoded), '{"__proto__":{"x":1},"k":2}');
});
