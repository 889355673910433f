import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { getModule, ModuleExecutionError, type ExecutableModule } from "../../src/core/modules";
import { createTestContext } from "./helpers";

function concat(arrays: unknown) {
  return (getModule("transform.concat_arrays") as ExecutableModule).execute({ arrays }, createTestContext().context);
}

function failsWith(message: string) {
  return (error: unknown) => error instanceof ModuleExecutionError && error.message === message;
}

describe("transform.concat_arrays (modules.md 2.23)", () => {
  test("lists are concatenated one level deep, in order", async () => {
    assert.deepEqual(await concat([[1, 2], [], [[3]], [{ a: 1 }, null]]), { result: [1, 2, [3], { a: 1 }, null] });
    assert.deepEqual(await concat([]), { result: [] });
  });

  test("a non-list input or element fails with the Python type name", async () => {
    await assert.rejects(concat({ a: [1] }), failsWith("Module 'transform.concat_arrays' failed: Expected list of arrays, got dict"));
    await assert.rejects(concat(null), failsWith("Module 'transform.concat_arrays' failed: Expected list of arrays, got NoneType"));
    await assert.rejects(concat([[1], "ab"]), failsWith("Module 'transform.concat_arrays' failed: Expected array element, got str"));
    await assert.rejects(concat([[1], 2.5]), failsWith("Module 'transform.concat_arrays' failed: Expected array element, got float"));
  });
});
