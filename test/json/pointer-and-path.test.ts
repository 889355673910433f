import assert from "node:assert/strict";
import { test } from "node:test";
import { parseJsonPointer } from "../../src/core/json/pointer";
import { formatJsonPath, parseJsonPath } from "../../src/core/workflow/json-path";

test("JSON Pointers: tokens unescaped (~1 before ~0), the empty pointer is the document, no leading / is no pointer", () => {
  assert.deepEqual(parseJsonPointer(""), []);
  assert.deepEqual(parseJsonPointer("/items/0/a~1b/c~0d/~01"), ["items", "0", "a/b", "c~d", "~1"]);
  assert.deepEqual(parseJsonPointer("/a//b/"), ["a", "", "b", ""]);
  assert.equal(parseJsonPointer("a/b"), undefined);
});

test("JSON paths: parseJsonPath reads back what formatJsonPath writes, and the resolver's input paths", () => {
  const paths = [[], ["steps", 2, "modules", 0], ["_ux.display", "a[b]", 'q"uote', "ünï", 3], ["$x", "1", 1]];
  for (const path of paths) assert.deepEqual(parseJsonPath(formatJsonPath(path)), path, formatJsonPath(path));
  assert.deepEqual(parseJsonPath("inputs.prompt[0].text"), ["inputs", "prompt", 0, "text"]);
  assert.deepEqual(parseJsonPath("name"), ["name"]);
  assert.deepEqual(parseJsonPath("$"), []);
  assert.deepEqual(parseJsonPath("$name.x"), ["$name", "x"]);
  assert.deepEqual(parseJsonPath(".steps[0].modules[1][\"a.b\"]"), ["steps", 0, "modules", 1, "a.b"]);
});
