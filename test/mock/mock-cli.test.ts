import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import Ajv from "ajv";
import { generateMocksFromSchema } from "../../src/core/mock";
import { callCli, runCli } from "../helpers/cli";

const SCHEMA = {
  type: "object",
  properties: {
    title: { type: "string", maxLength: 30 },
    tags: { type: "array", items: { type: "string", enum: ["a", "b"] } },
    score: { type: "integer", minimum: 1, maximum: 5 },
  },
  required: ["title"],
};

describe("wfv mock", () => {
  test("count items, valid against the schema, the same for the same seed, equal to the library's", async () => {
    const first = await callCli(["mock", "--schema", JSON.stringify(SCHEMA), "--count", "3", "--seed", "7"]);
    assert.equal(first.status, 0, first.stderr);
    const out = first.json as { items: unknown[]; count: number; seed: number };
    assert.equal(out.count, 3);
    assert.equal(out.seed, 7);
    const validate = new Ajv({ strict: false }).compile(SCHEMA);
    for (const item of out.items) {
      assert.ok(validate(item), JSON.stringify(validate.errors));
      // Optional properties are present (ruling 14).
      assert.deepEqual(Object.keys(item as object).sort(), ["score", "tags", "title"]);
    }
    assert.deepEqual(out.items, generateMocksFromSchema(SCHEMA, 3, 7));
    assert.deepEqual((await callCli(["mock", "--schema", JSON.stringify(SCHEMA), "--count", "3", "--seed", "7"])).json, out);
  });

  test("schema from @file; one item and the default seed when not given", () => {
    const dir = mkdtempSync(join(tmpdir(), "wfv-mock-"));
    const file = join(dir, "schema.json");
    writeFileSync(file, JSON.stringify(SCHEMA));
    const result = runCli(["mock", "--schema", `@${file}`]);
    assert.equal(result.status, 0, result.stderr);
    const out = result.json as { items: unknown[]; count: number; seed: null };
    assert.equal(out.count, 1);
    assert.equal(out.seed, null);
    assert.deepEqual(out.items, generateMocksFromSchema(SCHEMA, 1));
  });

  test("usage errors exit 2; a bad schema fails with the one failure shape", async () => {
    assert.equal(runCli(["mock"]).status, 2);
    assert.equal((await callCli(["mock", "--schema", "{}", "--count", "0"])).status, 2);
    assert.equal((await callCli(["mock", "--schema", "{}", "--seed", "-1"])).status, 2);
    const bad = await callCli(["mock", "--schema", "[1]"]);
    assert.equal(bad.status, 1);
    assert.equal((bad.json as { error_type: string }).error_type, "bad_request");
    const unreadable = await callCli(["mock", "--schema", "{nope"]);
    assert.equal(unreadable.status, 1);
    assert.equal((unreadable.json as { error_type: string }).error_type, "bad_request");
  });
});
