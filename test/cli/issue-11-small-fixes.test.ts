/**
 * Issue 11 item 5 through the built CLI (runCli): `__proto__` as a collection, a field and a required
 * mock property is kept, never silently dropped.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { runCli } from "../helpers/cli";

const dir = mkdtempSync(join(tmpdir(), "wfv-issue11-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const freshPath = () => join(dir, `db${++counter}.wfvdb`);

function ok(args: string[]): unknown {
  const result = runCli(args);
  assert.equal(result.status, 0, `wfv ${args.join(" ")} failed: ${result.stdout}${result.stderr}`);
  return result.json;
}

describe("__proto__ through the CLI", () => {
  test("db insert into a collection named __proto__, then count and find see the document", () => {
    const path = freshPath();
    ok(["db", "new", path]);
    assert.deepEqual(ok(["db", "insert", path, "__proto__", '{"_id":"b"}']), { inserted: 1, inserted_ids: ["b"] });
    assert.equal(ok(["db", "count", path, "__proto__"]), 1);
    assert.deepEqual(ok(["db", "find", path, "__proto__"]), [{ _id: "b" }]);
  });

  test("a document key __proto__ is written and read back", () => {
    const path = freshPath();
    ok(["db", "new", path]);
    ok(["db", "insert", path, "docs", '{"_id":"a","__proto__":{"x":1},"y":2}']);
    const found = ok(["db", "find", path, "docs"]) as unknown[];
    assert.deepEqual(found, [JSON.parse('{"_id":"a","__proto__":{"x":1},"y":2}')]);
    assert.ok(Object.prototype.hasOwnProperty.call(found[0], "__proto__"));
  });

  test("wfv mock with a required __proto__ property gives one", () => {
    const schema = '{"type":"object","properties":{"__proto__":{"type":"string"},"a":{"type":"integer"}},"required":["__proto__","a"]}';
    const { items } = ok(["mock", "--schema", schema]) as { items: Array<Record<string, unknown>> };
    assert.equal(items.length, 1);
    assert.ok(Object.prototype.hasOwnProperty.call(items[0], "__proto__"), JSON.stringify(items[0]));
    assert.equal(typeof items[0].__proto__, "string");
    assert.deepEqual(Object.keys(items[0]), ["__proto__", "a"]);
  });
});
