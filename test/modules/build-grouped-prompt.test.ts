import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { getModule, ModuleExecutionError, validateInputs, type ExecutableModule } from "../../src/core/modules";
import { createTestContext } from "./helpers";

async function build(inputs: Record<string, unknown>) {
  const made = createTestContext();
  const out = await (getModule("prompt.build_grouped_prompt") as ExecutableModule).execute(inputs, made.context);
  return { prompt: out.merged_prompt, logs: made.logs };
}

function failsWith(message: string) {
  return (error: unknown) => error instanceof ModuleExecutionError && error.message === message;
}

describe("prompt.build_grouped_prompt (modules.md 2.25)", () => {
  test("list data: in-range int indices in selection order (the spec's example)", async () => {
    const data = [{ prompt_instructions: "P0" }, { prompt_instructions: "P1" }];
    assert.equal((await build({ shared_instructions: "S", data, selected_indices: [1, 0, 5, -1] })).prompt, "S\n\nP1\n\nP0");
    assert.equal((await build({ shared_instructions: "S", data, selected_indices: [true] })).prompt, "S\n\nP1", "True acts as 1");
  });

  test("object data: keys that exist; other instructions print with Python str()", async () => {
    const data = { a: { prompt_instructions: "A" }, b: { prompt_instructions: { n: 1 } }, c: { other: 1 } };
    const { prompt, logs } = await build({ shared_instructions: "S", data, selected_indices: ["b", "zz", "c", "a", 0] });
    assert.equal(prompt, "S\n\n{'n': 1}\n\nA");
    assert.ok(logs.some((log) => log.level === "warning" && log.message === "No prompt_instructions for group 'c', skipping"));
  });

  test("legacy selected_group_configs (a non-list is one group)", async () => {
    assert.equal((await build({ shared_instructions: "S", selected_group_configs: [{ label: "x", prompt_instructions: "X" }] })).prompt, "S\n\nX");
    assert.equal((await build({ shared_instructions: "S", selected_group_configs: { prompt_instructions: "Y" } })).prompt, "S\n\nY");
    assert.equal((await build({ shared_instructions: "S", data: [], selected_indices: [0] })).prompt, "S", "empty data is falsy");
  });

  test("falsy shared instructions fail, wrapped once with one module prefix (ruling 11)", async () => {
    await assert.rejects(
      build({ shared_instructions: "" }),
      failsWith("Module 'prompt.build_grouped_prompt' failed: Failed to build grouped prompt: shared_instructions is required"),
    );
    assert.deepEqual(validateInputs(getModule("prompt.build_grouped_prompt"), {}), {
      ok: false,
      inputName: "shared_instructions",
      message: "Required input 'shared_instructions' missing",
    });
  });

  test("a group that is not an object fails, wrapped", async () => {
    await assert.rejects(
      build({ shared_instructions: "S", data: ["text"], selected_indices: [0] }),
      failsWith("Module 'prompt.build_grouped_prompt' failed: Failed to build grouped prompt: 'str' object has no attribute 'get'"),
    );
    await assert.rejects(
      build({ shared_instructions: "S", data: { a: 1 }, selected_indices: [["a"]] }),
      failsWith("Module 'prompt.build_grouped_prompt' failed: Failed to build grouped prompt: unhashable type: 'list'"),
    );
  });
});
