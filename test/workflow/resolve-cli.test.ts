import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, test } from "node:test";
import { callCli, runCli } from "../helpers/cli";
import { ccWorkflowPath, fixturesDir } from "../helpers/paths";

function tempWorkflow(files: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), "wfv-resolve-"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), typeof content === "string" ? content : JSON.stringify(content, null, 2));
  }
  return root;
}

describe("wfv resolve", () => {
  test("prints the resolved cc workflow, equal to the original's", async () => {
    const result = await callCli(["resolve", ccWorkflowPath]);
    assert.equal(result.status, 0, result.stderr);
    const golden = JSON.parse(readFileSync(join(fixturesDir, "cc_resolved_workflow.json"), "utf8"));
    assert.deepStrictEqual(result.json, golden);
    assert.equal(result.stdout, JSON.stringify(golden) + "\n");
  });

  test("--details adds the content hash, the files read and the provenance of every ref", async () => {
    const result = await callCli(["resolve", "--details", ccWorkflowPath]);
    assert.equal(result.status, 0, result.stderr);
    const output = result.json as { content_hash: string; files: string[]; sources: Array<{ jsonPath: string; file: string }> };
    assert.equal(output.content_hash, "59db567216fb35532bdcdc4aec7816e86995a3d22d2e802e87498b3400b02faa");
    assert.equal(output.files[0], "workflow_v3.json");
    assert.deepEqual(output.sources[0], {
      jsonPath: "$.steps[0]",
      path: ["steps", 0],
      file: "steps/1_user_input/step.json",
      ref: "steps/1_user_input/step.json",
      type: "json",
      extra: {},
      referencedFrom: { file: "workflow_v3.json", jsonPath: "$.steps[0]", path: ["steps", 0] },
    });
  });

  test("a broken ref fails with exit 1 and a structured workflow_invalid error", async () => {
    const root = tempWorkflow({
      "workflow.json": { workflow_id: "w", steps: [{ $ref: "steps/a.json", type: "json" }] },
      "steps/a.json": { step_id: "a", modules: [{ module_id: "api.llm", inputs: { system: [{ $ref: "prompts/gone.txt" }] } }] },
    });
    const result = await callCli(["resolve", join(root, "workflow.json")]);
    assert.equal(result.status, 1);
    assert.deepEqual(result.json, {
      error: "steps/a.json $.modules[0].inputs.system[0]: Referenced file not found: prompts/gone.txt (resolved to: steps/prompts/gone.txt)",
      error_type: "workflow_invalid",
      details: {
        reason: "missing_file",
        file: "steps/a.json",
        json_path: "$.modules[0].inputs.system[0]",
        path: ["modules", 0, "inputs", "system", 0],
        ref: "prompts/gone.txt",
        resolved_path: "steps/prompts/gone.txt",
        root,
      },
    });
  });

  test("a ref out of the workflow's folder fails, even when the file exists", async () => {
    const root = tempWorkflow({ "wf/workflow.json": { workflow_id: "w", steps: [{ $ref: "../outside.json", type: "json" }] }, "outside.json": { step_id: "x" } });
    const result = await callCli(["resolve", join(root, "wf", "workflow.json")]);
    assert.equal(result.status, 1);
    const error = result.json as { error_type: string; details: Record<string, unknown> };
    assert.equal(error.error_type, "workflow_invalid");
    assert.equal(error.details.reason, "outside_root");
    assert.equal(error.details.json_path, "$.steps[0]");
  });

  test("a resolved workflow that is not a valid workflow fails with its schema issues", async () => {
    const root = tempWorkflow({ "workflow.json": { name: "no id", steps: [{ $ref: "s.json", type: "json" }] }, "s.json": { modules: [] } });
    const result = await callCli(["resolve", join(root, "workflow.json")]);
    assert.equal(result.status, 1);
    const error = result.json as { error_type: string; details: { issues: Array<{ path: string }> } };
    assert.equal(error.error_type, "workflow_invalid");
    assert.deepEqual(error.details.issues.map((issue) => issue.path), ["$.workflow_id", "$.steps[0].step_id"]);
    // --no-validate resolves any JSON file.
    const unchecked = await callCli(["resolve", "--no-validate", join(root, "workflow.json")]);
    assert.equal(unchecked.status, 0, unchecked.stderr);
    assert.deepEqual(unchecked.json, { name: "no id", steps: [{ modules: [] }] });
  });

  test("a missing workflow file fails with exit 1; a missing argument is a usage error", async () => {
    const missing = await callCli(["resolve", join(tmpdir(), "wfv-no-such-dir", "workflow.json")]);
    assert.equal(missing.status, 1);
    assert.equal((missing.json as { details: { reason: string } }).details.reason, "missing_file");
    const usage = runCli(["resolve"]);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /exactly one workflow file/);
  });

  test("--help describes the command", () => {
    const result = runCli(["resolve", "--help"]);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /Usage: wfv resolve <workflow\.json>/);
  });
});
