import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { getModule, ModuleExecutionError, type ExecutableModule } from "../../src/core/modules";
import { createTestContext } from "./helpers";

function writeText(): ExecutableModule {
  return getModule("io.write_text") as ExecutableModule;
}

function failsWith(message: string) {
  return (error: unknown) => error instanceof ModuleExecutionError && error.message === message;
}

describe("io.write_text (modules.md 2.11)", () => {
  test("stores text with content_type text; bytes_written is the UTF-8 length", async () => {
    const { context, db } = createTestContext();
    const content = "héllo 🦦\n";
    const out = await writeText().execute({ content, file_path: "out/notes.txt", target_path: "drafts" }, context);
    assert.deepEqual(out, { file_id: out.file_id, file_path: "notes.txt", bytes_written: 12 });
    const doc = db.collection("workflow_files").findOne({}, { projection: { _id: 0, created_at: 0 } });
    assert.deepEqual(doc, {
      file_id: out.file_id,
      workflow_run_id: "virtual_run_test",
      branch_id: "br_test",
      category: "outputs",
      group_id: "drafts",
      filename: "notes.txt",
      content_type: "text",
      content,
      metadata: { step_id: "step_under_test", target_path: "drafts" },
    });
  });

  test("an empty text is written (0 bytes); the default target is outputs without a group", async () => {
    const { context, db } = createTestContext();
    const out = await writeText().execute({ content: "", file_path: "empty.txt" }, context);
    assert.equal(out.bytes_written, 0);
    assert.equal(db.collection("workflow_files").findOne({})!.group_id, null);
  });

  test("a non-string content fails as Python's .encode does, and nothing is stored", async () => {
    const { context, db } = createTestContext();
    await assert.rejects(
      writeText().execute({ content: { a: 1 }, file_path: "x.txt" }, context),
      failsWith("Module 'io.write_text' failed: Failed to write text: 'dict' object has no attribute 'encode'"),
    );
    await assert.rejects(
      writeText().execute({ content: null, file_path: "x.txt" }, context),
      failsWith("Module 'io.write_text' failed: Failed to write text: 'NoneType' object has no attribute 'encode'"),
    );
    assert.equal(db.collection("workflow_files").countDocuments({}), 0);
  });

  test("a lone surrogate cannot be encoded, as in Python", async () => {
    const { context } = createTestContext();
    await assert.rejects(
      writeText().execute({ content: "ab\ud83d", file_path: "x.txt" }, context),
      failsWith("Module 'io.write_text' failed: Failed to write text: 'utf-8' codec can't encode character '\\ud83d' in position 2: surrogates not allowed"),
    );
  });
});
