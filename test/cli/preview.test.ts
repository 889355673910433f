/**
 * `wfv render --workflow … --input` and `wfv query-stages` (issue 15) on the cc example after a run up
 * to select_scene: the input rendered with the module's context, the per-stage counts equal to running
 * each prefix with `wfv db aggregate`, the DB file never touched; plus one black-box run of each.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { callCli, runCli } from "../helpers/cli";
import { ccWorkflowPath } from "../helpers/paths";

const dir = mkdtempSync(join(tmpdir(), "wfv-preview-cli-"));
const db = join(dir, "cc.db");
const FLATTEN = ["--workflow", ccWorkflowPath, "--step", "scene_generation", "--module", "flatten_keywords", "--db", db];
const SUMMARY = ["--workflow", ccWorkflowPath, "--step", "workflow_summary", "--module", "format_summary", "--db", db];

describe("wfv render --workflow / wfv query-stages", () => {
  let dbBytes: string;
  before(async () => {
    const run = await callCli(["run", ccWorkflowPath, "--step", "scene_generation", "--module", "select_scene", "--mode", "up_to", "--db", db]);
    assert.equal((run.json as { status: string }).status, "awaiting_input", run.stdout);
    dbBytes = readFileSync(db, "utf8");
  });

  test("render --workflow renders the $ref'd prompt with the module's context and marks undefined values", async () => {
    const result = await callCli(["render", ...SUMMARY, "--input", "template", "--now", "2026-02-14T09:05:07"]);
    assert.equal(result.status, 0, result.stdout);
    const body = result.json as { value: string; resolved: boolean; undefined_spans: Array<{ start: number; end: number; name: string }> };
    assert.equal(body.resolved, true);
    assert.match(body.value, /Generated: 2026-02-14 09:05:07/);
    assert.match(body.value, /Pet Type: Cat/);
    const span = body.undefined_spans.find((candidate) => candidate.name === "state.duration_selection.video_duration");
    assert.ok(span, JSON.stringify(body.undefined_spans));
    assert.ok(body.value.slice(0, span.start).endsWith("Video Duration: "));
    assert.equal(readFileSync(db, "utf8"), dbBytes, "the DB file is only read");
  });

  test("render --workflow: a raw input stays raw; an unknown input and a missing flag are clear failures", async () => {
    const pipeline = await callCli(["render", ...FLATTEN, "--input", "pipeline"]);
    assert.equal(pipeline.status, 0);
    assert.equal((pipeline.json as { resolved: boolean }).resolved, false);
    const unknown = await callCli(["render", ...FLATTEN, "--input", "nope"]);
    assert.equal(unknown.status, 1);
    assert.deepEqual((unknown.json as { details: { available_inputs: string[] } }).details.available_inputs, ["data", "pipeline"]);
    const noInput = await callCli(["render", ...FLATTEN]);
    assert.equal(noInput.status, 2);
    assert.match(noInput.stderr, /either --input <name> or one template/);
    const mixed = await callCli(["render", "{{ 1 }}", ...FLATTEN, "--input", "data"]);
    assert.equal(mixed.status, 2);
    const missingModule = await callCli(["render", ...FLATTEN.slice(0, 4), "--module", "nope", "--input", "data"]);
    assert.equal((missingModule.json as { error_type: string }).error_type, "module_not_found");
  });

  test("render --workflow: a template failure prints its line and column", async () => {
    const workflowPath = join(dir, "broken.json");
    writeFileSync(workflowPath, JSON.stringify({
      workflow_id: "broken",
      steps: [{ step_id: "s", modules: [{ module_id: "transform.query", name: "q", inputs: { resolver_schema: { type: "object", properties: { data: { resolver: "server" } } }, data: "{{ state.x\n + }}", pipeline: [] } }] }],
    }));
    const result = await callCli(["render", "--workflow", workflowPath, "--step", "s", "--module", "q", "--input", "data"]);
    assert.equal(result.status, 1);
    const body = result.json as { error_type: string; line: number; column: number };
    assert.equal(body.error_type, "resolution_failed");
    assert.equal(body.line, 2);
    assert.equal(body.column, 5, "where the engine places it: the end of the print statement");
  });

  test("render --workflow with a template (an edited prompt file) renders it with the module's context", async () => {
    const prompt = join(dir, "edited.txt");
    writeFileSync(prompt, "Pet: {{ state.pet_type_selection.label }}\nDuration: {{ state.duration_selection.video_duration }}s");
    const result = await callCli(["render", ...SUMMARY, `@${prompt}`]);
    assert.equal(result.status, 0, result.stdout);
    assert.deepEqual(result.json, { value: "Pet: Cat\nDuration: s", undefined_spans: [{ start: 19, end: 19, name: "state.duration_selection.video_duration" }] });
    const broken = await callCli(["render", ...SUMMARY, "ok\n{{ state.x + }}"]);
    assert.equal(broken.status, 1);
    assert.deepEqual([(broken.json as { line: number }).line, (broken.json as { column: number }).column], [2, 14]);
  });

  test("the template-only usage is unchanged", async () => {
    const result = await callCli(["render", "{{ 40 + 2 }}"]);
    assert.deepEqual(result.json, { value: 42 });
  });

  test("query-stages' counts equal running each prefix with wfv db aggregate over the module's data", async () => {
    const stages = await callCli(["query-stages", ...FLATTEN, "--sample", "1"]);
    assert.equal(stages.status, 0, stages.stdout);
    const body = stages.json as { pipeline: unknown[]; stages: Array<{ operator: string; count: number; sample: unknown[] }> };
    assert.deepEqual(body.stages.map((stage) => stage.operator), ["$unwind", "$replaceRoot", "$addFields"]);
    assert.ok(body.stages.every((stage) => stage.sample.length === 1));

    // The module's data, as it resolves it, in a DB file of its own.
    const data = (await callCli(["render", ...FLATTEN, "--input", "data"])).json as { value: unknown[] };
    const scratch = join(dir, "data.db");
    assert.equal((await callCli(["db", "new", scratch])).status, 0);
    writeFileSync(join(dir, "data.json"), JSON.stringify(data.value));
    assert.equal((await callCli(["db", "insert", scratch, "items", `@${join(dir, "data.json")}`])).status, 0);
    for (let end = 1; end <= body.pipeline.length; end++) {
      const aggregated = await callCli(["db", "aggregate", scratch, "items", JSON.stringify(body.pipeline.slice(0, end))]);
      assert.equal(aggregated.status, 0, aggregated.stdout);
      assert.equal(body.stages[end - 1]!.count, (aggregated.json as unknown[]).length, `prefix of ${end} stages`);
    }
    assert.equal(readFileSync(db, "utf8"), dbBytes, "the DB file is only read");
  });

  test("query-stages on a module without a pipeline fails with exit 1", async () => {
    const result = await callCli(["query-stages", ...FLATTEN.slice(0, 4), "--module", "select_scene", "--db", db]);
    assert.equal(result.status, 1);
    assert.equal((result.json as { error: { error_type: string } }).error.error_type, "bad_request");
    assert.equal((await callCli(["query-stages", ...FLATTEN, "--sample", "x"])).status, 2);
  });

  test("black box: the built CLI answers both commands", () => {
    const rendered = runCli(["render", ...FLATTEN, "--input", "data"]);
    assert.equal(rendered.status, 0, rendered.stderr);
    assert.equal((rendered.json as { value: unknown[] }).value.length, 3);
    const stages = runCli(["query-stages", ...FLATTEN]);
    assert.equal(stages.status, 0, stages.stderr);
    assert.deepEqual((stages.json as { stages: Array<{ count: number }> }).stages.map((stage) => stage.count), [9, 9, 9]);
    assert.match(runCli(["query-stages", "--help"]).stdout, /--sample N/);
    assert.equal(readFileSync(db, "utf8"), dbBytes);
  });
});
