import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createVirtualDb } from "../../src/core/db";
import { getModule, ModuleExecutionError, type ExecutableModule } from "../../src/core/modules";
import { createTestContext, FIXED_NOW } from "./helpers";

function module(id: string): ExecutableModule {
  return getModule(id) as ExecutableModule;
}

function failsWith(message: string) {
  return (error: unknown) => error instanceof ModuleExecutionError && error.message === message;
}

/** One DB shared by several contexts (different branches), with a clock that moves on. */
function sharedDb() {
  let tick = 0;
  return createVirtualDb({ clock: () => FIXED_NOW + tick++ * 1000 });
}

describe("io.load_json (modules.md 2.9)", () => {
  test("loads what io.save_json stored: data, file_exists, file_id", async () => {
    const { context } = createTestContext({ db: sharedDb() });
    const saved = await module("io.save_json").execute({ data: { scenes: [1, 2] }, file_path: "s.json" }, context);
    const out = await module("io.load_json").execute({ file_path: "dir/s.json" }, context);
    assert.deepEqual(out, { data: { scenes: [1, 2] }, file_exists: true, file_id: saved.file_id });
  });

  test("the default target (outputs) has no group filter: it finds a file saved under any group; the newest wins", async () => {
    const { context } = createTestContext({ db: sharedDb() });
    await module("io.save_json").execute({ data: "1", file_path: "k.json", target_path: "g1" }, context);
    const newest = await module("io.save_json").execute({ data: "2", file_path: "k.json", target_path: "g2" }, context);
    const out = await module("io.load_json").execute({ file_path: "k.json" }, context);
    assert.deepEqual(out, { data: 2, file_exists: true, file_id: newest.file_id });
    const grouped = await module("io.load_json").execute({ file_path: "k.json", target_path: "g1" }, context);
    assert.equal(grouped.data, 1);
  });

  test("root files are found only with target_path root", async () => {
    const { context } = createTestContext({ db: sharedDb() });
    await module("io.save_json").execute({ data: { r: true }, file_path: "r.json", target_path: "root" }, context);
    assert.deepEqual((await module("io.load_json").execute({ file_path: "r.json", target_path: "root" }, context)).data, { r: true });
    await assert.rejects(
      module("io.load_json").execute({ file_path: "r.json" }, context),
      failsWith("Module 'io.load_json' failed: Required file not found: r.json (target_path=outputs)"),
    );
  });

  test("a file of another branch is not visible", async () => {
    const db = sharedDb();
    const one = createTestContext({ db });
    await module("io.save_json").execute({ data: [1], file_path: "b.json" }, one.context);
    const other = createTestContext({ db });
    other.context.branchId = "br_other";
    const out = await module("io.load_json").execute({ file_path: "b.json", required: false, default: { none: true } }, other.context);
    assert.deepEqual(out, { data: { none: true }, file_exists: false, file_id: null });
  });

  test("text content (io.write_text) is parsed as JSON; invalid JSON gives Python's decoder message", async () => {
    const { context } = createTestContext({ db: sharedDb() });
    await module("io.write_text").execute({ content: '{"a": [1, {"b": null}]}', file_path: "t.json" }, context);
    assert.deepEqual((await module("io.load_json").execute({ file_path: "t.json" }, context)).data, { a: [1, { b: null }] });
    await module("io.write_text").execute({ content: "{'a': 1}", file_path: "bad.json" }, context);
    await assert.rejects(
      module("io.load_json").execute({ file_path: "bad.json" }, context),
      failsWith("Module 'io.load_json' failed: Content is not valid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
    );
  });

  test("a JSON string saved by io.save_json stays a string (content_type json is not parsed again)", async () => {
    const { context } = createTestContext({ db: sharedDb() });
    await module("io.save_json").execute({ data: '"[1, 2]"', file_path: "s.json" }, context);
    assert.equal((await module("io.load_json").execute({ file_path: "s.json" }, context)).data, "[1, 2]");
  });

  test("missing and not required: the default, or null without one; required by default", async () => {
    const { context } = createTestContext();
    assert.deepEqual(await module("io.load_json").execute({ file_path: "none.json", required: false }, context), {
      data: null,
      file_exists: false,
      file_id: null,
    });
    await assert.rejects(
      module("io.load_json").execute({ file_path: "none.json", target_path: "grp" }, context),
      failsWith("Module 'io.load_json' failed: Required file not found: none.json (target_path=grp)"),
    );
    await assert.rejects(
      module("io.load_json").execute({ file_path: "none.json", target_path: null }, context),
      failsWith("Module 'io.load_json' failed: Required file not found: none.json (target_path=None)"),
    );
  });

  test("other failures are 'Unexpected error'", async () => {
    const { context } = createTestContext();
    await assert.rejects(
      module("io.load_json").execute({ file_path: ["x"] }, context),
      failsWith("Module 'io.load_json' failed: Unexpected error: expected str, bytes or os.PathLike object, not list"),
    );
  });
});
