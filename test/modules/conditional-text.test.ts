import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { getModule, ModuleExecutionError, type ExecutableModule } from "../../src/core/modules";
import { createTestContext } from "./helpers";

async function conditional(inputs: Record<string, unknown>) {
  const made = createTestContext();
  const out = await (getModule("transform.conditional_text") as ExecutableModule).execute(inputs, made.context);
  return { result: out.result, logs: made.logs };
}

function failsWith(message: string) {
  return (error: unknown) => error instanceof ModuleExecutionError && error.message === message;
}

const TEXT = "Use $state.condition_value. Again: $state.condition_value";

describe("transform.conditional_text (modules.md 2.24)", () => {
  test("only null, empty or whitespace text is empty", async () => {
    for (const value of [null, "", "  \n\t"]) {
      assert.equal((await conditional({ condition_value: value, text_if_not_empty: TEXT, text_if_empty: "none" })).result, "none");
    }
    assert.equal((await conditional({ text_if_not_empty: TEXT })).result, "", "absent value, default text_if_empty");
  });

  test("anything else is not empty; every placeholder gets the value's Python str()", async () => {
    const cases: Array<[unknown, string]> = [
      ["otters", "otters"],
      [0, "0"],
      [false, "False"],
      [true, "True"],
      [[], "[]"],
      [{}, "{}"],
      [{ a: 1, b: [null, "x"] }, "{'a': 1, 'b': [None, 'x']}"],
      [1.5, "1.5"],
    ];
    for (const [value, text] of cases) {
      const { result } = await conditional({ condition_value: value, text_if_not_empty: TEXT, text_if_empty: "none" });
      assert.equal(result, `Use ${text}. Again: ${text}`);
    }
  });

  test("a missing placeholder only logs a warning", async () => {
    const { result, logs } = await conditional({ condition_value: "x", text_if_not_empty: "plain" });
    assert.equal(result, "plain");
    assert.ok(logs.some((log) => log.level === "warning" && log.message.includes("NOT found") && log.message.includes("'plain'")));
  });

  test("a text without a length fails as the original's len() does", async () => {
    await assert.rejects(
      conditional({ condition_value: "x", text_if_not_empty: 5 }),
      failsWith("Module 'transform.conditional_text' failed: Failed to process conditional text: argument of type 'int' is not iterable"),
    );
    await assert.rejects(
      conditional({ condition_value: null, text_if_not_empty: "a", text_if_empty: null }),
      failsWith("Module 'transform.conditional_text' failed: Failed to process conditional text: object of type 'NoneType' has no len()"),
    );
  });
});
