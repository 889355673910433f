import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, test } from "node:test";
import { WfvError } from "../../src/core/errors";
import {
  memoryFileReader,
  normalizeRefPath,
  resolveWorkflow,
  sourceLocation,
  type ResolvedWorkflowSource,
} from "../../src/core/workflow/ref-resolver";
import { directoryFileReader, resolveWorkflowFile } from "../../src/cli/workspace-files";
import { ccWorkflowPath, fixturesDir } from "../helpers/paths";

/** Files as JSON values (serialised) or raw text. */
function reader(files: Record<string, unknown>) {
  const texts: Record<string, string> = {};
  for (const [path, content] of Object.entries(files)) texts[path] = typeof content === "string" ? content : JSON.stringify(content);
  return memoryFileReader(texts);
}

function resolveFiles(files: Record<string, unknown>, entry = "workflow.json"): ResolvedWorkflowSource {
  return resolveWorkflow(entry, reader(files));
}

/** Runs `fn`, expecting a workflow_invalid WfvError, and returns its details. */
function refFailure(fn: () => unknown): Record<string, unknown> {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof WfvError, `expected a WfvError, got ${String(error)}`);
    assert.equal(error.errorType, "workflow_invalid");
    return error.details;
  }
  assert.fail("expected resolution to fail");
}

describe("the cc workflow", () => {
  const resolved = resolveWorkflowFile(ccWorkflowPath);

  test("resolves to exactly what the original resolver produced", () => {
    const golden = JSON.parse(readFileSync(join(fixturesDir, "cc_resolved_workflow.json"), "utf8"));
    assert.deepStrictEqual(resolved.workflow, golden);
    // Key order is visible too (Python dict repr in templates), so compare the serialisations as well.
    assert.equal(JSON.stringify(resolved.workflow), JSON.stringify(golden));
  });

  test("lists every file it read, entry first, and every ref it replaced", () => {
    assert.equal(resolved.entry, "workflow_v3.json");
    assert.equal(resolved.files[0], "workflow_v3.json");
    assert.equal(new Set(resolved.files).size, resolved.files.length);
    assert.equal(resolved.sources.length, 57); // 25 json + 25 text + 7 jinja2 refs in cc
    assert.equal(resolved.files.length, 58);
  });

  test("keeps the provenance the resolved workflow loses (cache_ttl, the referencing place)", () => {
    const system = resolved.sources.find((s) => s.jsonPath === "$.steps[1].modules[2].inputs.system[0]");
    assert.deepEqual(system, {
      jsonPath: "$.steps[1].modules[2].inputs.system[0]",
      path: ["steps", 1, "modules", 2, "inputs", "system", 0],
      file: "steps/2_scene_generation/prompts/role_pet_storyteller.txt",
      ref: "prompts/role_pet_storyteller.txt",
      type: "text",
      cacheTtl: 10800,
      extra: { cache_ttl: 10800 },
      referencedFrom: {
        file: "steps/2_scene_generation/step.json",
        jsonPath: "$.modules[2].inputs.system[0]",
        path: ["modules", 2, "inputs", "system", 0],
      },
    });
  });

  test("maps a resolved path back to the file and path it was written at", () => {
    assert.deepEqual(sourceLocation(resolved, ["steps", 1, "modules", 5, "inputs", "prompt"]), {
      file: "steps/2_scene_generation/step.json",
      jsonPath: "$.modules[5].inputs.prompt",
      path: ["modules", 5, "inputs", "prompt"],
    });
    assert.deepEqual(sourceLocation(resolved, ["status_display", "fields", 0]), {
      file: "workflow_v3.json",
      jsonPath: "$.status_display.fields[0]",
      path: ["status_display", "fields", 0],
    });
    assert.equal(sourceLocation(resolved, ["steps", 1, "modules", 2, "inputs", "output_schema", "type"]).file,
      "steps/2_scene_generation/schemas/scene_concepts_schema.json");
    // Inside a text ref's string there is no JSON path: the text file as a whole.
    assert.deepEqual(sourceLocation(resolved, ["steps", 1, "modules", 2, "inputs", "input"]), {
      file: "steps/2_scene_generation/prompts/scene_generation_user.txt",
      jsonPath: "$",
      path: [],
    });
  });
});

describe("$ref resolution", () => {
  test("nested json refs resolve relative to the file that holds them", () => {
    const { workflow, files } = resolveFiles({
      "workflow.json": { workflow_id: "w", steps: [{ $ref: "steps/one/step.json", type: "json" }] },
      "steps/one/step.json": { step_id: "one", schema: { $ref: "schemas/s.json", type: "json" } },
      "steps/one/schemas/s.json": { type: "object", description: { $ref: "../../../shared/d.txt" } },
      "shared/d.txt": "shared text",
    });
    assert.deepEqual(workflow, {
      workflow_id: "w",
      steps: [{ step_id: "one", schema: { type: "object", description: "shared text" } }],
    });
    assert.deepEqual(files, ["workflow.json", "steps/one/step.json", "steps/one/schemas/s.json", "shared/d.txt"]);
  });

  test("a ref starting with / is relative to the workflow root", () => {
    const { workflow } = resolveFiles({
      "workflow.json": { steps: [{ $ref: "steps/a/step.json", type: "json" }] },
      "steps/a/step.json": { prompt: { $ref: "/prompts/p.txt", type: "jinja2" } },
      "prompts/p.txt": "Hello {{ state.x }}",
    });
    assert.deepEqual(workflow, { steps: [{ prompt: "Hello {{ state.x }}" }] });
  });

  test("the same file may be used by siblings; each use is its own copy", () => {
    const { workflow, sources } = resolveFiles({
      "workflow.json": { a: { $ref: "s.json", type: "json" }, b: [{ $ref: "s.json", type: "json" }, { $ref: "t.txt" }, { $ref: "t.txt" }] },
      "s.json": { x: [1, 2] },
      "t.txt": "t",
    });
    assert.deepEqual(workflow, { a: { x: [1, 2] }, b: [{ x: [1, 2] }, "t", "t"] });
    const value = workflow as { a: { x: number[] }; b: [{ x: number[] }] };
    assert.notEqual(value.a, value.b[0]);
    assert.deepEqual(sources.map((s) => s.jsonPath), ["$.a", "$.b[0]", "$.b[1]", "$.b[2]"]);
  });

  test("text-like refs become the file text verbatim, CRLF and templates kept", () => {
    const text = "line one\r\nUse {{shared_prompt_ref}}.\r\n{% if x %}y{% endif %}\n";
    const { workflow } = resolveFiles({
      "workflow.json": {
        types: [{ $ref: "p.txt" }, { $ref: "p.txt", type: "text" }, { $ref: "p.txt", type: "jinja2" }, { $ref: "p.txt", type: "raw" }, { $ref: "p.txt", type: "template" }],
      },
      "p.txt": text,
    });
    assert.deepEqual(workflow, { types: [text, text, text, text, text] });
  });

  test("every other key of a ref node is dropped (type read, cache_ttl and template_data lost)", () => {
    const { workflow, sources } = resolveFiles({
      "workflow.json": { system: [{ $ref: "p.txt", type: "text", cache_ttl: 3600, template_data: { a: 1 } }], deep: { list: [[{ x: 1, $ref: "p.txt" }]] } },
      "p.txt": "P",
    });
    assert.deepEqual(workflow, { system: ["P"], deep: { list: [["P"]] } });
    assert.equal(sources[0]!.cacheTtl, 3600);
    assert.deepEqual(sources[0]!.extra, { cache_ttl: 3600, template_data: { a: 1 } });
    assert.deepEqual(sources[1]!.extra, { x: 1 });
    assert.equal(sources[1]!.jsonPath, "$.deep.list[0][0]");
  });

  test("paths are normalised like the original's", () => {
    const { workflow } = resolveFiles({
      "workflow.json": { a: { $ref: " ./dir//./sub/../p.txt " }, b: { $ref: "dir\\p.txt" }, c: { $ref: "//dir/p.txt" } },
      "dir/p.txt": "P",
    });
    assert.deepEqual(workflow, { a: "P", b: "P", c: "P" });
  });

  test("an entry file in a subfolder resolves against its own folder", () => {
    const { workflow, entry } = resolveFiles({ "cc/workflow.json": { a: { $ref: "p.txt" } }, "cc/p.txt": "P" }, "./cc/workflow.json");
    assert.equal(entry, "cc/workflow.json");
    assert.deepEqual(workflow, { a: "P" });
  });

  test("a key named __proto__ stays a plain key", () => {
    const { workflow } = resolveFiles({ "workflow.json": '{"__proto__": {"polluted": true}, "a": 1}' });
    assert.deepEqual(Object.keys(workflow as object), ["__proto__", "a"]);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe("$ref failures name the referencing file and the JSON path of the $ref", () => {
  test("missing file", () => {
    const details = refFailure(() =>
      resolveFiles({
        "workflow.json": { steps: [{ step_id: "a" }, { $ref: "steps/b.json", type: "json" }] },
        "steps/b.json": { modules: [{ inputs: { system: ["x", { $ref: "prompts/missing.txt", type: "text" }] } }] },
      }),
    );
    assert.deepEqual(details, {
      reason: "missing_file",
      file: "steps/b.json",
      json_path: "$.modules[0].inputs.system[1]",
      path: ["modules", 0, "inputs", "system", 1],
      ref: "prompts/missing.txt",
      resolved_path: "steps/prompts/missing.txt",
    });
  });

  test("invalid JSON inside a json ref", () => {
    const details = refFailure(() =>
      resolveFiles({
        "workflow.json": { steps: [{ step_id: "a" }, { step_id: "b" }, { $ref: "c.json", type: "json" }] },
        "c.json": '{\n  "step_id": "c",\n  "modules": [,]\n}',
      }),
    );
    assert.equal(details.reason, "invalid_json");
    assert.equal(details.file, "workflow.json");
    assert.equal(details.json_path, "$.steps[2]");
    assert.equal(details.ref, "c.json");
    assert.equal(details.resolved_path, "c.json");
    assert.equal(typeof details.parse_error, "string");
    assert.equal(details.line, 3);
  });

  test("invalid JSON in the entry file itself", () => {
    const details = refFailure(() => resolveFiles({ "workflow.json": "{ not json" }));
    assert.equal(details.reason, "invalid_json");
    assert.equal(details.file, "workflow.json");
    assert.equal(details.json_path, "$");
  });

  test("a missing entry file", () => {
    const details = refFailure(() => resolveFiles({}, "nope.json"));
    assert.equal(details.reason, "missing_file");
    assert.equal(details.file, "nope.json");
  });

  test("a cycle on the current chain", () => {
    const details = refFailure(() =>
      resolveFiles({
        "workflow.json": { steps: [{ $ref: "a.json", type: "json" }] },
        "a.json": { next: { $ref: "b.json", type: "json" } },
        "b.json": { back: [{ $ref: "a.json", type: "json" }] },
      }),
    );
    assert.deepEqual(details, {
      reason: "cycle",
      file: "b.json",
      json_path: "$.back[0]",
      path: ["back", 0],
      ref: "a.json",
      resolved_path: "a.json",
      chain: ["a.json", "b.json", "a.json"],
    });
  });

  test("a ref back to the entry file is caught one level deeper, as in the original", () => {
    // The original does not put the entry on the chain; the loop shows when the entry's refs come round.
    const details = refFailure(() =>
      resolveFiles({
        "workflow.json": { steps: [{ $ref: "step.json", type: "json" }] },
        "step.json": { again: { $ref: "workflow.json", type: "json" } },
      }),
    );
    assert.equal(details.reason, "cycle");
    assert.equal(details.file, "workflow.json");
    assert.equal(details.json_path, "$.steps[0]");
    assert.deepEqual(details.chain, ["step.json", "workflow.json", "step.json"]);
  });

  test("a text ref to a file being resolved is a cycle too (the original checks before the type)", () => {
    const details = refFailure(() =>
      resolveFiles({ "workflow.json": { a: { $ref: "a.json", type: "json" } }, "a.json": { self: { $ref: "a.json", type: "text" } } }),
    );
    assert.equal(details.reason, "cycle");
    assert.equal(details.json_path, "$.self");
  });

  test("refs that leave the workflow's folder tree", () => {
    const cases: Array<[string, string, string]> = [
      ["../secret.txt", "workflow.json", "$.a"],
      ["/../secret.txt", "workflow.json", "$.a"],
      ["x/../../secret.txt", "workflow.json", "$.a"],
    ];
    for (const [ref, file, jsonPath] of cases) {
      const details = refFailure(() => resolveFiles({ "workflow.json": { a: { $ref: ref } }, "secret.txt": "s" }));
      assert.equal(details.reason, "outside_root", ref);
      assert.equal(details.file, file);
      assert.equal(details.json_path, jsonPath);
      assert.equal(details.ref, ref);
    }
    // From a nested file, going up to the root is fine, going one further is not.
    const nested = { "workflow.json": { s: { $ref: "steps/s.json", type: "json" } }, "secret.txt": "s" };
    assert.deepEqual(resolveFiles({ ...nested, "steps/s.json": { ok: { $ref: "../secret.txt" } } }).workflow, { s: { ok: "s" } });
    const details = refFailure(() => resolveFiles({ ...nested, "steps/s.json": { bad: { $ref: "../../secret.txt" } } }));
    assert.equal(details.reason, "outside_root");
    assert.equal(details.file, "steps/s.json");
    assert.equal(details.json_path, "$.bad");
  });

  test("an unknown or non-string type, and a non-string $ref", () => {
    const badType = refFailure(() => resolveFiles({ "workflow.json": { a: { $ref: "p.yaml", type: "yaml" } } }));
    assert.equal(badType.reason, "bad_ref_type");
    assert.equal(badType.type, "yaml");
    assert.equal(badType.json_path, "$.a");
    const nullType = refFailure(() => resolveFiles({ "workflow.json": { a: [{ $ref: "p.txt", type: null }] }, "p.txt": "p" }));
    assert.equal(nullType.reason, "bad_ref_type");
    assert.equal(nullType.json_path, "$.a[0]");
    const badRef = refFailure(() => resolveFiles({ "workflow.json": { a: { b: { $ref: 5 } } } }));
    assert.equal(badRef.reason, "bad_ref_value");
    assert.equal(badRef.ref, 5);
    assert.equal(badRef.json_path, "$.a.b");
    assert.throws(() => resolveFiles({ "workflow.json": { a: { $ref: null } } }), /must be a string, got NoneType/);
  });

  test("an internal JSON-Schema ref (#/$defs/...) is taken for a file and fails, as in the original", () => {
    const details = refFailure(() =>
      resolveFiles({
        "workflow.json": { schema: { $ref: "schemas/s.json", type: "json" } },
        "schemas/s.json": { $defs: { item: { type: "string" } }, properties: { name: { $ref: "#/$defs/item" } } },
      }),
    );
    assert.deepEqual(
      { reason: details.reason, file: details.file, json_path: details.json_path, resolved_path: details.resolved_path },
      { reason: "missing_file", file: "schemas/s.json", json_path: "$.properties.name", resolved_path: "schemas/#/$defs/item" },
    );
  });

  test("keys that are not identifiers are quoted in the JSON path", () => {
    const details = refFailure(() => resolveFiles({ "workflow.json": { "_ux.display": { "a b": { $ref: "nope.txt" } } } }));
    assert.equal(details.json_path, '$["_ux.display"]["a b"]');
  });
});

describe("normalizeRefPath", () => {
  test("trims, converts backslashes, drops . and empty segments, pops ..", () => {
    assert.equal(normalizeRefPath("  ./a//b/./c\n"), "a/b/c");
    assert.equal(normalizeRefPath("a\\b\\c.txt"), "a/b/c.txt");
    assert.equal(normalizeRefPath("a/b/../c"), "a/c");
    assert.equal(normalizeRefPath("a/../x"), "x");
    assert.equal(normalizeRefPath("."), "");
    assert.equal(normalizeRefPath("\x1ca.txt\x85"), "a.txt"); // Python's str.strip whitespace
    assert.equal(normalizeRefPath("\ufeffa.txt"), "\ufeffa.txt"); // ...which does not include U+FEFF
  });

  test("refuses paths whose running depth goes below the root", () => {
    assert.equal(normalizeRefPath("../x"), undefined);
    assert.equal(normalizeRefPath("a/../../x"), undefined);
    assert.equal(normalizeRefPath("./.."), undefined);
  });
});

describe("the CLI's folder reader", () => {
  function tempTree(files: Record<string, string | Buffer>): string {
    const root = mkdtempSync(join(tmpdir(), "wfv-reader-"));
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    return root;
  }

  test("reads files under its folder, keeping CRLF", () => {
    const root = tempTree({ "wf/p.txt": "a\r\nb\r\n" });
    const read = directoryFileReader(join(root, "wf"));
    assert.equal(read.read("p.txt"), "a\r\nb\r\n");
  });

  test("folders, missing files and links out of the folder read as missing", () => {
    const root = tempTree({ "wf/sub/p.txt": "p", "outside.txt": "secret" });
    symlinkSync(join(root, "outside.txt"), join(root, "wf", "link.txt"));
    const read = directoryFileReader(join(root, "wf"));
    assert.equal(read.read("sub"), undefined);
    assert.equal(read.read("nope.txt"), undefined);
    assert.equal(read.read("link.txt"), undefined);
    assert.equal(read.read("../outside.txt"), undefined);
    assert.equal(read.read("sub/p.txt"), "p");
  });

  test("bytes that are not UTF-8 become base64, like the original's zip upload", () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x41]);
    const root = tempTree({ "bin.dat": bytes, "utf8.txt": "héllo ✓" });
    const read = directoryFileReader(root);
    assert.equal(read.read("bin.dat"), bytes.toString("base64"));
    assert.equal(read.read("utf8.txt"), "héllo ✓");
  });

  test("a ref through a link out of the folder fails as a missing file", () => {
    const root = tempTree({ "wf/workflow.json": JSON.stringify({ a: { $ref: "link.txt" } }), "outside.txt": "secret" });
    symlinkSync(join(root, "outside.txt"), join(root, "wf", "link.txt"));
    const details = refFailure(() => resolveWorkflowFile(join(root, "wf", "workflow.json")));
    assert.equal(details.reason, "missing_file");
    assert.equal(details.root, join(root, "wf"));
  });
});
