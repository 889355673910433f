/**
 * `--max-memory-mb` and `--timeout` (tracker issue 11.1) through the built CLI: `wfv run|render|resolve`
 * run in a budgeted worker, and a command that goes over a budget ends in a structured
 * `limit_exceeded` error (exit 1) instead of taking the process down; a run's DB file stays as it was.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";

/** Sorting 900,000 numbers forty times: within every size and step cap, far over a 2 s budget. */
const CPU_BOUND_TEMPLATE = "{% for i in range(40) %}{{ range(900000)|list|sort(reverse=true)|first }}{% endfor %}";
import { callCli, runCli } from "../helpers/cli";

type Failure = { error: string; error_type: string; details: Record<string, unknown> };

describe("wfv budgets: --max-memory-mb and --timeout", () => {
  test("run, render and resolve list both flags in their --help", () => {
    for (const command of ["run", "render", "resolve"]) {
      const help = runCli([command, "--help"]);
      assert.equal(help.status, 0, command);
      assert.match(help.stdout, /--max-memory-mb <n>/, command);
      assert.match(help.stdout, /--timeout <s>/, command);
      assert.match(help.stdout, /limit_exceeded/, command);
    }
  });

  test("many lists kept alive past --max-memory-mb: limit_exceeded (memory), exit 1, no crash", () => {
    // 1e6 items a list stays under the template caps; a hundred of them (~800 MB) do not fit in 256 MB.
    const bomb = "{% set kept = [] %}{% for i in range(100) %}{% set _ = kept.append(range(1000000)|list) %}{% endfor %}{{ kept|length }}";
    const result = runCli(["render", bomb, "--max-memory-mb", "256"]);
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.deepEqual(result.json, {
      error: "The run went over its memory budget (256 MB) and was stopped",
      error_type: "limit_exceeded",
      details: { limit: "memory", value: 256, module_name: null, step_id: null },
    });
  });

  test("the batch bomb of issue 11 ends in a structured error (a template cap, or the memory budget)", () => {
    const result = runCli(["render", "{{ [1]|batch(10**9, 0)|list|length }}", "--max-memory-mb", "256"]);
    assert.equal(result.status, 1, result.stdout + result.stderr);
    const failure = result.json as Failure;
    assert.ok(["limit_exceeded", "resolution_failed"].includes(failure.error_type), result.stdout);
    if (failure.error_type === "limit_exceeded") assert.equal(failure.details.limit, "memory");
    else assert.equal(typeof failure.details.limit, "string", "a template cap names its limit");
  });

  test("a CPU-bound template past --timeout: limit_exceeded (time) naming the module; the DB file is untouched and the next run works", () => {
    const dir = mkdtempSync(join(tmpdir(), "wfv-budgets-"));
    const workflow = join(dir, "workflow.json");
    writeFileSync(
      workflow,
      JSON.stringify({
        workflow_id: "budgets",
        name: "Budgets",
        steps: [
          { step_id: "intro", name: "Intro", modules: [{ module_id: "user.text_input", name: "ask_topic", inputs: { prompt: "Topic?" }, outputs_to_state: { value: "topic" } }] },
          {
            step_id: "slow",
            name: "Slow",
            modules: [
              {
                module_id: "user.text_input",
                name: "backtrack",
                // Within every size cap, but seconds of CPU per iteration: only the time budget stops it.
                inputs: { resolver_schema: { type: "object", properties: { prompt: { resolver: "server" } } }, prompt: CPU_BOUND_TEMPLATE },
                outputs_to_state: { value: "matched" },
              },
            ],
          },
        ],
      }),
    );
    const db = join(dir, "run.db");
    const asked = runCli(["run", workflow, "--step", "intro", "--module", "ask_topic", "--db", db]);
    assert.equal(asked.status, 0, asked.stdout);
    const before = readFileSync(db);

    const slow = runCli(["run", workflow, "--step", "slow", "--module", "backtrack", "--db", db, "--timeout", "2"]);
    assert.equal(slow.status, 1, slow.stdout + slow.stderr);
    const response = slow.json as { status: string; error: string; result: { error_type: string; details: Record<string, unknown> } };
    assert.equal(response.status, "error");
    assert.equal(response.result.error_type, "limit_exceeded");
    assert.deepEqual(response.result.details, { limit: "time", value: 2, module_name: "backtrack", step_id: "slow" });
    assert.deepEqual(readFileSync(db), before, "the DB file is byte for byte what it was");

    const answered = runCli(["run", workflow, "--step", "intro", "--module", "ask_topic", "--db", db, "--response", '{"value": "otters"}']);
    assert.equal(answered.status, 0, answered.stdout);
    assert.equal((answered.json as { status: string }).status, "completed");
  });

  test("within the budgets the output is the command's own, standard input included", () => {
    const one = runCli(["render", "{{ 40 + 2 }}", "--max-memory-mb", "512", "--timeout", "60"]);
    assert.deepEqual([one.status, one.json, one.stderr], [0, { value: 42 }, ""]);
    const batch = runCli(["render", "--batch", "-", "--timeout=60"], { input: '{"template": "{{ 1 }}"}\n{"template": "{{ 1 + }}"}\n' });
    assert.equal(batch.status, 0);
    assert.equal(batch.lines.length, 2);
    assert.deepEqual(batch.lines[0], { value: 1 });
    assert.equal((batch.lines[1] as Failure).error_type, "resolution_failed");
    const missing = runCli(["resolve", "no-such-workflow.json", "--timeout", "60"]);
    assert.equal(missing.status, 1);
    assert.equal((missing.json as Failure).error_type, "workflow_invalid");
  });

  test("a bad budget is a usage error (exit 2), in the process and in-process", async () => {
    for (const args of [
      ["render", "{{ 1 }}", "--timeout", "0"],
      ["render", "{{ 1 }}", "--timeout", "soon"],
      ["render", "{{ 1 }}", "--max-memory-mb", "8"],
      ["resolve", "w.json", "--max-memory-mb", "1.5"],
    ]) {
      const spawned = runCli(args);
      assert.equal(spawned.status, 2, args.join(" "));
      assert.match(spawned.stderr, /^wfv: --(timeout|max-memory-mb) must be/);
      assert.equal((await callCli(args)).status, 2, args.join(" "));
    }
  });

  test("in-process (callCli) the flags are accepted and the command runs as before", async () => {
    const result = await callCli(["render", "{{ 6 * 7 }}", "--max-memory-mb", "300", "--timeout", "5"]);
    assert.deepEqual([result.status, result.json], [0, { value: 42 }]);
  });
});
