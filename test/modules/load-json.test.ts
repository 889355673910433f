import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { spawnSync } from "node:child_process";
import { createVirtualDb } from "../../src/core/db";
import { getModule, ModuleExecutionError, type ExecutableModule } from "../../src/core/modules";
import { pythonJsonLoads } from "../../src/core/modules/io/python-json-loads";
import { execute, VirtualSession } from "../../src/core/virtual";
import { debianPython } from "../helpers/oracle";
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

describe("io.save_json / io.write_text / io.load_json through execute()", () => {
  test("a step that writes, saves and loads: the files are in the returned DB and the loaded data in the state", async () => {
    const workflow = {
      workflow_id: "files",
      name: "Files",
      steps: [
        {
          step_id: "s1",
          name: "S1",
          modules: [
            { module_id: "io.write_text", name: "write_notes", inputs: { content: "Über notes", file_path: "out/notes.txt", target_path: "drafts" } },
            { module_id: "io.save_json", name: "save_summary", inputs: { data: { scenes: [1, 2] }, file_path: "summary.json" } },
            { module_id: "io.load_json", name: "load_summary", inputs: { file_path: "summary.json" }, outputs_to_state: { data: "summary" } },
          ],
        },
      ],
    };
    const done = await execute({ workflow, target_step_id: "s1", target_module_name: "load_summary", mode: "up_to" });
    assert.equal(done.status, "completed", done.error);
    assert.deepEqual(done.result.module_outputs?.data, { scenes: [1, 2] });
    assert.deepEqual(done.result.state?.summary, { scenes: [1, 2] });
    assert.equal((done.result.state?.write_notes as { bytes_written: number }).bytes_written, 11);
    const session = VirtualSession.open(done.result.virtual_db as string);
    const files = session.db.collection("workflow_files").find({}, { sort: { filename: 1 }, projection: { _id: 0, filename: 1, category: 1, group_id: 1, content_type: 1, content: 1, metadata: 1 } });
    assert.deepEqual(files, [
      { filename: "notes.txt", category: "outputs", group_id: "drafts", content_type: "text", content: "Über notes", metadata: { step_id: "s1", target_path: "drafts" } },
      { filename: "summary.json", category: "outputs", group_id: null, content_type: "json", content: { scenes: [1, 2] }, metadata: { step_id: "s1", target_path: "outputs" } },
    ]);
  });
});

describe("Python json.loads parity", () => {
  const hasPython = spawnSync(debianPython, ["-c", "import json"], { stdio: "ignore" }).status === 0;
  test("same values and same decoder messages", { skip: hasPython ? false : "no python3" }, () => {
    const cases = [
      "", "{", '{"a" 1}', "[1,]", '{"a":1,}', '"a\u0001"', '"\\x"', "[1 2]", "1 2", "nul", '"abc', '{"a":}', '"\\u12"', "\n\n  [1,\n  2,,]",
      "[", "[1", '{"a":1', "  ", "-", "01", "1.", "\ufeff[]", "{1:2}", '{"a":1 "b":2}', '[true, false, null, 1.5e3, "x\\ny", {"k": [ ]}]',
      '{"__proto__": 1}', '"\\ud83d\\ude00"', " 3 ", '"é"', "NaN", "[-Infinity]",
    ];
    const run = spawnSync(
      debianPython,
      ["-c", "import json, sys\nout = []\nfor c in json.load(sys.stdin):\n    try: out.append({'value': json.loads(c)})\n    except ValueError as e: out.append({'error': str(e)})\nprint(json.dumps(out))"],
      { input: JSON.stringify(cases), encoding: "utf8" },
    );
    assert.equal(run.status, 0, run.stderr);
    const expected = JSON.parse(run.stdout.replace(/-Infinity|NaN/g, '"special"')) as unknown[];
    cases.forEach((text, i) => {
      let got: unknown;
      try {
        const value = pythonJsonLoads(text);
        // JSON (the oracle's answer) has no NaN or infinities; Python's json.dumps writes them bare.
        got = { value: typeof value === "number" && !Number.isFinite(value) ? "special" : Array.isArray(value) && value[0] === -Infinity ? ["special"] : value };
      } catch (error) {
        got = { error: (error as Error).message };
      }
      assert.deepEqual(got, expected[i], JSON.stringify(text));
    });
  });
});
