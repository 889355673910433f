/** `wfv render` and `wfv resolve-inputs`: in-process, `@file` arguments and usage errors also through the built dist/cli.js. */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, test } from "node:test";
import { callCli, runCli } from "../helpers/cli";
import { fixturesDir } from "../helpers/paths";

describe("wfv render", () => {
  test("a lone expression prints its native value; text renders with Python formatting", async () => {
    // Written as text: JSON.stringify would spell the float 1.0 as 1.
    const context = '{"state": {"pet": {"label": "Cat", "f": 1.0}, "list": [1, 2.5, null, true]}}';
    const native = await callCli(["render", "{{ state.pet }}", "--context", context]);
    assert.equal(native.status, 0);
    assert.deepEqual(native.json, { value: { label: "Cat", f: 1 } });
    const text = await callCli(["render", "x{{ state.pet.f }} {{ state.list }} {{ 4 / 2 }}", "--context", context]);
    assert.deepEqual(text.json, { value: "x1.0 [1, 2.5, None, True] 2.0" });
  });

  test("templates and contexts can come from files; --now freezes now()", () => {
    const dir = mkdtempSync(join(tmpdir(), "wfv-render-"));
    writeFileSync(join(dir, "t.j2"), "Generated: {{ now().strftime('%Y-%m-%d %H:%M') }} for {{ state.who }}\n");
    writeFileSync(join(dir, "ctx.json"), JSON.stringify({ state: { who: "Ada" } }));
    const result = runCli(["render", `@${join(dir, "t.j2")}`, "--context", `@${join(dir, "ctx.json")}`, "--now", "2026-02-14T09:05:07"]);
    assert.deepEqual(result.json, { value: "Generated: 2026-02-14 09:05 for Ada" });
  });

  test("a failing template prints the error shape with the exception class and position, exit 1", async () => {
    const result = await callCli(["render", "line\n{{ state.n + 'x' }}", "--context", '{"state": {"n": 1}}']);
    assert.equal(result.status, 1);
    const answer = result.json as Record<string, unknown>;
    assert.equal(answer.error_type, "resolution_failed");
    assert.equal(answer.exception, "TypeError");
    assert.equal(answer.line, 2);
    assert.match(String(answer.error), /unsupported operand type/);
  });

  test("bad usage exits 2; bad JSON is a bad_request", async () => {
    assert.equal(runCli(["render"]).status, 2);
    assert.equal((await callCli(["render", "a", "b"])).status, 2);
    const bad = await callCli(["render", "{{ 1 }}", "--context", "{nope"]);
    assert.equal(bad.status, 1);
    assert.equal((bad.json as Record<string, unknown>).error_type, "bad_request");
  });

  test("--batch answers every golden resolver case, one line each, in order", async () => {
    const rawContext = readFileSync(resolve(fixturesDir, "jinja_resolver_cases.json"), "utf8");
    const golden = JSON.parse(rawContext) as { cases: Array<{ template: string; result?: unknown; error?: string }> };
    // Keep the fixture's float spelling (1.0, 2.0): pass the context through as raw JSON text.
    const contextText = rawContext.slice(rawContext.indexOf('"context"') + '"context"'.length).replace(/^\s*:\s*/, "");
    const contextJson = contextText.slice(0, matchingBrace(contextText) + 1);
    const input = golden.cases.map((c) => `{"template": ${JSON.stringify(c.template)}, "context": ${contextJson.replace(/\n/g, " ")}, "now": "2026-02-14T09:05:07"}`).join("\n") + "\n";
    const result = await callCli(["render", "--batch", "-"], { input });
    assert.equal(result.status, 0);
    assert.equal(result.lines.length, golden.cases.length);
    golden.cases.forEach((testCase, i) => {
      const answer = result.lines[i] as Record<string, unknown>;
      if (testCase.error !== undefined) {
        assert.equal(answer.exception, testCase.error.slice(0, testCase.error.indexOf(":")), testCase.template);
      } else {
        assert.deepEqual(answer, { value: testCase.result }, testCase.template);
      }
    });
  });
});

function matchingBrace(text: string): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "{") depth++;
    else if (ch === "}" && --depth === 0) return i;
  }
  return -1;
}

describe("wfv resolve-inputs", () => {
  test("resolves server keys only and drops resolver_schema", async () => {
    const inputs = { resolver_schema: { properties: { prompt: { resolver: "server" } } }, prompt: "Hi {{ state.who }}", raw: "{{ state.who }}" };
    const result = await callCli(["resolve-inputs", "--inputs", JSON.stringify(inputs), "--context", '{"state": {"who": "Ada"}}']);
    assert.equal(result.status, 0);
    assert.deepEqual(result.json, { inputs: { prompt: "Hi Ada", raw: "{{ state.who }}" } });
  });

  test("a failure names the input path", async () => {
    const inputs = { resolver_schema: { properties: { system: { resolver: "server" } } }, system: ["ok", "x{{ state.n + }}"] };
    const result = await callCli(["resolve-inputs", "--inputs", JSON.stringify(inputs)]);
    assert.equal(result.status, 1);
    const answer = result.json as { error_type: string; details: Record<string, unknown> };
    assert.equal(answer.error_type, "resolution_failed");
    assert.equal(answer.details.input_path, "inputs.system[1]");
    assert.equal(answer.details.line, 1);
  });

  test("--inputs is required", () => {
    assert.equal(runCli(["resolve-inputs"]).status, 2);
  });
});
