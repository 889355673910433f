/**
 * Tracker issue 11, item 3, for `$ref` resolution: a json file is resolved once and reused wherever it
 * is referenced again (fan-out costs the distinct files), and the resolved workflow is bounded in
 * size, replaced refs, `$ref` chain length and nesting (src/core/limits): over a limit is a
 * `workflow_invalid` naming the limit, the ref's file and json_path, and the `$ref` chain.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, test } from "node:test";
import { isWfvError } from "../../src/core/errors";
import { LIMITS } from "../../src/core/limits";
import { memoryFileReader, resolveWorkflow } from "../../src/core/workflow/ref-resolver";
import { execute } from "../../src/core/virtual";
import { callCli } from "../helpers/cli";

type Files = Record<string, string>;

const json = (value: unknown) => JSON.stringify(value);

/** `levels` step files, each referring to the next one twice (the issue's reproduction). */
function fanOut(levels: number, leaf: unknown = { leaf: "x" }): Files {
  const files: Files = {};
  for (let i = 0; i < levels; i++) {
    const next = { $ref: `s${i + 1}.json`, type: "json" };
    files[`steps/s${i}.json`] = json(i < levels - 1 ? { k: i, a: next, b: next } : { k: i, ...(leaf as object) });
  }
  files["steps/step.json"] = json({ step_id: "one", modules: [{ module_id: "user.text_input", name: "m", inputs: { prompt: "hi", extra: { $ref: "s0.json", type: "json" } } }] });
  files["workflow.json"] = json({ workflow_id: "fan", steps: [{ $ref: "steps/step.json", type: "json" }] });
  return files;
}

/** What the original resolver gives for {@link fanOut}: every ref expanded in place. */
function expandedFanOut(levels: number, i = 0): unknown {
  return i < levels - 1 ? { k: i, a: expandedFanOut(levels, i + 1), b: expandedFanOut(levels, i + 1) } : { k: i, leaf: "x" };
}

function chain(length: number): Files {
  const files: Files = {};
  for (let i = 0; i < length; i++) files[`c${i}.json`] = json(i < length - 1 ? { next: { $ref: `c${i + 1}.json`, type: "json" } } : { end: true });
  files["workflow.json"] = json({ workflow_id: "chain", steps: [{ step_id: "s", modules: [], x: { $ref: "c0.json", type: "json" } }] });
  return files;
}

function nested(depth: number): Files {
  return { "workflow.json": `{"workflow_id": "deep", "steps": [{"step_id": "s", "modules": [], "x": ${"[".repeat(depth)}${"]".repeat(depth)}}]}` };
}

function resolveFiles(files: Files) {
  return resolveWorkflow("workflow.json", memoryFileReader(files));
}

function limitFailure(files: Files): Record<string, unknown> & { message: string } {
  try {
    resolveFiles(files);
  } catch (error) {
    assert.ok(isWfvError(error), String(error));
    assert.equal(error.errorType, "workflow_invalid");
    return { ...error.details, message: error.message };
  }
  assert.fail("resolved");
}

function onDisk(files: Files): string {
  const root = mkdtempSync(join(tmpdir(), "wfv-ref-limits-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return join(root, "workflow.json");
}

describe("$ref limits: the reproductions of issue 11", () => {
  for (const levels of [20, 25]) {
    test(`${levels} files that each $ref the next one twice: MAX_RESOLVED_REFS, with the $ref chain`, () => {
      const details = limitFailure(fanOut(levels));
      assert.equal(details.reason, "too_large");
      assert.equal(details.limit, "MAX_RESOLVED_REFS");
      assert.match(details.message, /\(MAX_RESOLVED_REFS\)/);
      assert.match(String(details.file), /^steps\/s\d+\.json$/);
      assert.ok(Array.isArray(details.chain) && (details.chain as string[])[0] === "steps/step.json", String(details.chain));
      assert.match(String(details.resolved_json_path), /^\$\.steps\[0\]\.modules\[0\]\.inputs\.extra\./);
    });
  }

  test("a 5,000-file $ref chain: MAX_REF_DEPTH with the chain, not a stack overflow", () => {
    const details = limitFailure(chain(5000));
    assert.equal(details.reason, "too_deep");
    assert.equal(details.limit, "MAX_REF_DEPTH");
    assert.equal((details.chain as string[]).length, LIMITS.MAX_REF_DEPTH.value);
    assert.equal(details.file, `c${LIMITS.MAX_REF_DEPTH.value - 1}.json`);
    assert.equal(details.json_path, "$.next");
  });

  test("5,000 levels of nesting: MAX_JSON_DEPTH at its path", () => {
    const details = limitFailure(nested(5000));
    assert.equal(details.reason, "too_deep");
    assert.equal(details.limit, "MAX_JSON_DEPTH");
    assert.match(String(details.json_path), /^\$\.steps\[0\]\.x(\[0\])+$/);
  });

  test("a large text file fanned out past MAX_RESOLVED_WORKFLOW", () => {
    const files: Files = { "big.txt": "x".repeat(1024 * 1024) };
    for (let i = 0; i < 8; i++) {
      const next = i < 7 ? { $ref: `f${i + 1}.json`, type: "json" } : { $ref: "big.txt", type: "text" };
      files[`f${i}.json`] = json(i < 7 ? [next, next] : [next, next]);
    }
    files["workflow.json"] = json({ workflow_id: "big", steps: [{ step_id: "s", modules: [], x: { $ref: "f0.json", type: "json" } }] });
    const details = limitFailure(files);
    assert.equal(details.limit, "MAX_RESOLVED_WORKFLOW");
    assert.equal(details.reason, "too_large");
  });
});

describe("$ref resolution just under the limits", () => {
  test("fan-out: the same result as expanding every ref, with unshared copies and every source", () => {
    const levels = 10;
    const resolved = resolveFiles(fanOut(levels));
    const module = (resolved.workflow as { steps: Array<{ modules: Array<{ inputs: { extra: unknown } }> }> }).steps[0]!.modules[0]!;
    assert.deepStrictEqual(module.inputs.extra, expandedFanOut(levels));
    // 1 step ref + 1 extra ref + 2 + 4 + … + 2^(levels-1) inner refs
    assert.equal(resolved.sources.length, 2 + (2 ** levels - 2));
    assert.deepEqual(resolved.files.sort(), [...Object.keys(fanOut(levels))].sort());
    const extra = module.inputs.extra as { a: { k: number }; b: { k: number } };
    extra.a.k = 99;
    assert.equal(extra.b.k, 1, "reused content is copied, not shared");
    const paths = new Set(resolved.sources.map((source) => source.jsonPath));
    assert.equal(paths.size, resolved.sources.length, "every replaced node has its own path");
    assert.ok(paths.has("$.steps[0].modules[0].inputs.extra.b.a.b"));
    const deepSource = resolved.sources.find((source) => source.jsonPath === "$.steps[0].modules[0].inputs.extra.b.a.b")!;
    assert.deepEqual(deepSource.path, ["steps", 0, "modules", 0, "inputs", "extra", "b", "a", "b"]);
    assert.equal(deepSource.file, "steps/s3.json");
    assert.deepEqual(deepSource.referencedFrom, { file: "steps/s2.json", jsonPath: "$.b", path: ["b"] });
  });

  test("a chain of 60 refs and 200 levels of nesting resolve", () => {
    const resolved = resolveFiles(chain(60));
    let node = (resolved.workflow as { steps: Array<{ x: unknown }> }).steps[0]!.x as { next?: unknown; end?: boolean };
    let length = 1;
    while (node.next) {
      node = node.next as typeof node;
      length++;
    }
    assert.equal(length, 60);
    assert.ok(resolveFiles(nested(200)).workflow);
  });

  test("a cycle is still a cycle when one of its files was resolved before", () => {
    const files: Files = {
      "a.json": json({ b: { $ref: "b.json", type: "json" } }),
      "b.json": json({ v: 1 }),
      "c.json": json({ b: { $ref: "b.json", type: "json" }, back: { $ref: "c.json", type: "json" } }),
      "workflow.json": json({ workflow_id: "w", steps: [], x: { $ref: "a.json", type: "json" }, y: { $ref: "c.json", type: "json" } }),
    };
    const details = limitFailure(files);
    assert.equal(details.reason, "cycle");
  });
});

describe("wfv resolve: limits end in workflow_invalid", () => {
  test("fan-out of 20", async () => {
    const result = await callCli(["resolve", onDisk(fanOut(20))]);
    assert.equal(result.status, 1);
    const answer = result.json as { error: string; error_type: string; details: Record<string, unknown> };
    assert.equal(answer.error_type, "workflow_invalid");
    assert.equal(answer.details.limit, "MAX_RESOLVED_REFS");
    assert.match(answer.error, /MAX_RESOLVED_REFS/);
  });

  test("a 5,000-file chain", async () => {
    const result = await callCli(["resolve", onDisk(chain(5000))]);
    assert.equal(result.status, 1);
    const answer = result.json as { error_type: string; details: Record<string, unknown> };
    assert.equal(answer.error_type, "workflow_invalid");
    assert.equal(answer.details.limit, "MAX_REF_DEPTH");
  });

  test("5,000 levels of nesting", async () => {
    const result = await callCli(["resolve", onDisk(nested(5000))]);
    assert.equal(result.status, 1);
    const answer = result.json as { error_type: string; details: Record<string, unknown> };
    assert.equal(answer.error_type, "workflow_invalid");
    assert.equal(answer.details.limit, "MAX_JSON_DEPTH");
  });
});

describe("nesting past the stack at the run boundaries", () => {
  test("execute with an inline workflow nested 5,000 deep: workflow_invalid at the path, not execution_failed", async () => {
    let deep: unknown = [];
    for (let i = 0; i < 5000; i++) deep = [deep];
    const workflow = { workflow_id: "d", steps: [{ step_id: "one", modules: [{ module_id: "transform.reshape", name: "r", inputs: { template: deep } }] }] };
    const response = await execute({ workflow: workflow as never, target_step_id: "one", target_module_name: "r" });
    assert.equal(response.status, "error");
    assert.equal(response.result.error_type, "workflow_invalid");
    const issue = (response.result.details!.issues as Array<{ path: string; code: string; message: string }>)[0]!;
    assert.equal(issue.code, "too_deep");
    assert.match(issue.path, /^\$\.steps\[0\]\.modules\[0\]\.inputs\.template(\[0\])+$/);
    assert.match(issue.message, /MAX_JSON_DEPTH/);
  });

  test("wfv run of a file nested 5,000 deep: workflow_invalid with the JSON path", async () => {
    const result = await callCli(["run", onDisk(nested(5000)), "--step", "s", "--module", "m"]);
    assert.equal(result.status, 1);
    const answer = result.json as { result: { error_type: string; details: Record<string, unknown> } };
    assert.equal(answer.result.error_type, "workflow_invalid");
    assert.equal(answer.result.details.limit, "MAX_JSON_DEPTH");
    assert.match(String(answer.result.details.json_path), /^\$\.steps\[0\]\.x(\[0\])+$/);
  });

  test("wfv run of a template nested 5,000 deep: resolution_failed naming the input and HOST_STACK", async () => {
    const template = `{{ ${"(".repeat(5000)}1${")".repeat(5000)} }}`;
    const files: Files = {
      "workflow.json": json({
        workflow_id: "t",
        steps: [{ step_id: "one", modules: [{ module_id: "transform.reshape", name: "r", inputs: { resolver_schema: { type: "object", properties: { template: { resolver: "server" } } }, template: { x: template } } }] }],
      }),
    };
    const result = await callCli(["run", onDisk(files), "--step", "one", "--module", "r"]);
    assert.equal(result.status, 1);
    const answer = result.json as { result: { error_type: string; details: Record<string, unknown> } };
    assert.equal(answer.result.error_type, "resolution_failed");
    assert.equal(answer.result.details.input_path, "inputs.template.x");
    assert.equal(answer.result.details.limit, "HOST_STACK");
  });
});
