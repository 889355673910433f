import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { getModule, ModuleExecutionError, validateInputs, type ExecutableModule } from "../../src/core/modules";
import { createTestContext, FIXED_NOW } from "./helpers";

function saveJson(): ExecutableModule {
  return getModule("io.save_json") as ExecutableModule;
}

function failsWith(message: string) {
  return (error: unknown) => error instanceof ModuleExecutionError && error.message === message;
}

describe("io.save_json (modules.md 2.10)", () => {
  test("stores the value in workflow_files with content_type json and the step metadata", async () => {
    const { context, db } = createTestContext();
    const out = await saveJson().execute({ data: { b: 1, a: [true, null] }, file_path: "nested/dir/summary.json" }, context);
    assert.match(out.file_id as string, /^wff_[0-9a-f]{32}$/);
    assert.deepEqual(out, { file_id: out.file_id, file_path: "summary.json", success: true });
    const docs = db.collection("workflow_files").find({}, { projection: { _id: 0 } });
    const createdAt = docs[0]!.created_at;
    assert.ok(createdAt instanceof Date && createdAt.getTime() >= FIXED_NOW, "created_at is a real Date (ruling 13)");
    delete docs[0]!.created_at;
    assert.deepEqual(docs, [
      {
        file_id: out.file_id,
        workflow_run_id: "virtual_run_test",
        branch_id: "br_test",
        category: "outputs",
        group_id: null,
        filename: "summary.json",
        content_type: "json",
        content: { b: 1, a: [true, null] },
        metadata: { step_id: "step_under_test", target_path: "outputs" },
      },
    ]);
    assert.deepEqual(Object.keys(docs[0]!.content as object), ["b", "a"], "insertion order kept");
  });

  test("target_path: root has no group, any other text is the group id", async () => {
    const { context, db } = createTestContext();
    await saveJson().execute({ data: [1], file_path: "a.json", target_path: "root" }, context);
    await saveJson().execute({ data: [2], file_path: "b.json", target_path: "scenes" }, context);
    const docs = db.collection("workflow_files").find({}, { projection: { _id: 0, category: 1, group_id: 1, metadata: 1 } });
    assert.deepEqual(docs, [
      { category: "root", group_id: null, metadata: { step_id: "step_under_test", target_path: "root" } },
      { category: "outputs", group_id: "scenes", metadata: { step_id: "step_under_test", target_path: "scenes" } },
    ]);
  });

  test("a JSON string is parsed before it is stored", async () => {
    const { context, db } = createTestContext();
    await saveJson().execute({ data: ' {"x": [1, 2.5, "é"]} ', file_path: "p.json" }, context);
    assert.deepEqual(db.collection("workflow_files").findOne({})!.content, { x: [1, 2.5, "é"] });
  });

  test("a string that is not JSON: Python's decoder message, wrapped by the catch-all, one module prefix (ruling 11)", async () => {
    const { context, db } = createTestContext();
    await assert.rejects(
      saveJson().execute({ data: "not json", file_path: "p.json" }, context),
      failsWith(
        "Module 'io.save_json' failed: Unexpected error: Data is a string but not valid JSON: Expecting value: line 1 column 1 (char 0)",
      ),
    );
    await assert.rejects(
      saveJson().execute({ data: '{"a": 1,}', file_path: "p.json" }, context),
      failsWith(
        "Module 'io.save_json' failed: Unexpected error: Data is a string but not valid JSON: Expecting property name enclosed in double quotes: line 1 column 9 (char 8)",
      ),
    );
    assert.equal(db.collection("workflow_files").countDocuments({}), 0, "nothing stored");
  });

  test("a file_path that is not a string is Python's TypeError, reported as not serializable", async () => {
    const { context } = createTestContext();
    await assert.rejects(
      saveJson().execute({ data: {}, file_path: 7 }, context),
      failsWith("Module 'io.save_json' failed: Data is not JSON-serializable: expected str, bytes or os.PathLike object, not int"),
    );
  });

  test("data and file_path are required", () => {
    assert.deepEqual(validateInputs(saveJson(), { file_path: "x" }), { ok: false, inputName: "data", message: "Required input 'data' missing" });
    assert.deepEqual(validateInputs(saveJson(), { data: null }), { ok: false, inputName: "file_path", message: "Required input 'file_path' missing" });
  });
});
