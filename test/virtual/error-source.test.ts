/**
 * Runtime errors say where they are written (tracker issue 18, item 4): `details.source` =
 * `{file, json_path, line, column}`, from the resolver's `$ref` map, wherever the workflow's files are
 * known — the CLI (`wfv run`) and `execute` and the HTTP API with `source_files`.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { execute } from "../../src/core/virtual";
import { errorSource, moduleSourcePath } from "../../src/core/workflow/error-source";
import { memoryFileReader, resolveWorkflow } from "../../src/core/workflow/ref-resolver";
import { callCli } from "../helpers/cli";
import { post, startTestServer } from "../http/client";

const server = (...keys: string[]) => ({ type: "object", properties: Object.fromEntries(keys.map((key) => [key, { resolver: "server" }])) });

/** A workflow file whose step is a `$ref`'d step file; its prompt is a `$ref`'d text template. */
function files(): Record<string, string> {
  const workflow = { workflow_id: "w", steps: [{ $ref: "steps/one.json", type: "json" }] };
  const step = {
    step_id: "one",
    modules: [
      { module_id: "user.text_input", name: "ask", inputs: { prompt: "Topic?" }, outputs_to_state: { value: "topic" } },
      {
        module_id: "io.render_template",
        name: "render",
        inputs: { resolver_schema: server("template"), template: { $ref: "prompts/render.txt", type: "jinja2" } },
      },
      { module_id: "user.select", name: "pick", inputs: { prompt: "Pick", schema: { type: "array" } } },
    ],
  };
  return {
    "workflow.json": JSON.stringify(workflow, null, 2),
    "steps/one.json": JSON.stringify(step, null, 2),
    "steps/prompts/render.txt": "line one\nTopic: {{ state.topic.upper( }}\n",
  };
}

/** Where `pick`'s `"inputs"` key is in the step file: the missing input's closest node. */
function pickInputsKey(): { line: number; column: number } {
  const lines = files()["steps/one.json"].split("\n");
  const index = lines.findLastIndex((line) => line.includes('"inputs": {'));
  return { line: index + 1, column: lines[index]!.indexOf('"') + 1 };
}

function writeFiles(map: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "wfv-source-"));
  for (const [path, text] of Object.entries(map)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe("details.source", () => {
  test("wfv run: a template error in a $ref'd prompt points at the prompt file's line and column", async () => {
    const root = writeFiles(files());
    const out = await callCli(["run", join(root, "workflow.json"), "--step", "one", "--module", "render", "--mode", "up_to"]);
    assert.equal(out.status, 1);
    const body = out.json as Record<string, any>;
    assert.equal(body.result.error_type, "resolution_failed");
    const { line, column } = body.result.details;
    assert.deepEqual(body.result.details.source, { file: "steps/prompts/render.txt", json_path: "$", line, column });
    assert.equal(line, 2, "the template's own line");
  });

  test("wfv run: a missing required input points at the module's inputs in the step file", async () => {
    const root = writeFiles(files());
    const out = await callCli(["run", join(root, "workflow.json"), "--step", "one", "--module", "pick"]);
    const body = out.json as Record<string, any>;
    assert.equal(body.result.error_type, "input_validation_failed");
    assert.deepEqual(body.result.details.source, { file: "steps/one.json", json_path: "$.modules[2].inputs.data", ...pickInputsKey() });
  });

  test("wfv run: a $ref failure (no workflow to run) carries its file, path, line and column", async () => {
    const map = files();
    map["workflow.json"] = map["workflow.json"].replace("steps/one.json", "steps/none.json");
    const root = writeFiles(map);
    const body = (await callCli(["run", join(root, "workflow.json"), "--step", "one", "--module", "ask"])).json as Record<string, any>;
    assert.equal(body.result.error_type, "workflow_invalid");
    assert.deepEqual(body.result.details.source, { file: "workflow.json", json_path: "$.steps[0]", line: 4, column: 5 });
  });

  test("execute with source_files (also the HTTP API): the same source; without them, none", async () => {
    const map = files();
    const workflow = resolveWorkflow("workflow.json", memoryFileReader(map)).workflow;
    const request = { workflow, target_step_id: "one", target_module_name: "pick" };
    const withFiles = await execute({ ...request, source_files: map, source_entry: "workflow.json" });
    assert.deepEqual(withFiles.result.details?.source, { file: "steps/one.json", json_path: "$.modules[2].inputs.data", ...pickInputsKey() });
    const without = await execute(request);
    assert.equal(without.result.details?.source, undefined);

    const api = await startTestServer();
    try {
      const reply = await post(api.url, "/workflow/virtual/execute", { ...request, virtual_db: null, source_files: map });
      assert.equal(reply.json.status, "error");
      assert.deepEqual(reply.json.result.details.source, { file: "steps/one.json", json_path: "$.modules[2].inputs.data", ...pickInputsKey() });
    } finally {
      await api.close();
    }
  });

  test("modules of an execution group's path and the group's validator are found in the unexpanded workflow", () => {
    const workflow = {
      steps: [
        {
          step_id: "s",
          modules: [
            { module_id: "x.y", name: "first" },
            { module_id: "pipeline.execution_groups", name: "g", output_schema: { type: "object" }, groups: [{ name: "a", modules: [{ module_id: "user.select", name: "inner" }] }] },
          ],
        },
      ],
    };
    assert.deepEqual(moduleSourcePath(workflow, "s", "first"), ["steps", 0, "modules", 0]);
    assert.deepEqual(moduleSourcePath(workflow, "s", "inner"), ["steps", 0, "modules", 1, "groups", 0, "modules", 0]);
    assert.deepEqual(moduleSourcePath(workflow, "s", "_g_validator"), ["steps", 0, "modules", 1, "output_schema"]);
    assert.deepEqual(moduleSourcePath(workflow, "s", "nope"), ["steps", 0]);
    assert.equal(moduleSourcePath(workflow, "t", "first"), undefined);
    const source = errorSource({ workflow, entry: "workflow.json", sources: [] }, { step_id: "s", module_name: "inner", input_name: "data" }, () => JSON.stringify(workflow, null, 2));
    assert.equal(source?.json_path, "$.steps[0].modules[1].groups[0].modules[0].inputs.data", "the input's path; line and column of its closest node");
    assert.ok((source?.line ?? 0) > 1);
  });
});
