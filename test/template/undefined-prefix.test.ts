/**
 * The `Jinja2 undefined variable:` prefix (tracker issue 18, item 6): the original puts it only on
 * templates rendered as text; a failing pure expression (`{{ state.missing + 1 }}`) raises the bare
 * `UndefinedError` (docs/engine.md §5.4, the golden cases). `wfv render` and a module run say the same,
 * and both say what the original said.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, test } from "node:test";
import { execute } from "../../src/core/virtual";
import { callCli } from "../helpers/cli";

interface GoldenCase {
  template: string;
  error?: string;
}

const golden = JSON.parse(readFileSync(resolve(__dirname, "..", "fixtures", "jinja_resolver_cases.json"), "utf8")) as { cases: GoldenCase[] };
const CASES = golden.cases.filter((c) => c.template === "{{ state.missing + 1 }}" || c.template === "x{{ state.missing + 1 }}");

async function moduleRunError(template: string): Promise<string> {
  const workflow = {
    workflow_id: "w",
    steps: [{ step_id: "s", modules: [{ module_id: "io.render_template", name: "r", inputs: { resolver_schema: { type: "object", properties: { template: { resolver: "server" } } }, template } }] }],
  };
  const response = await execute({ workflow, target_step_id: "s", target_module_name: "r", db_format: "none" });
  assert.equal(response.status, "error");
  return response.error ?? "";
}

describe("undefined-variable errors: render, module runs and the original agree", () => {
  test("both golden cases are there", () => assert.equal(CASES.length, 2));

  for (const golden of CASES) {
    test(golden.template, async () => {
      const [exception, ...rest] = golden.error!.split(": ");
      const message = rest.join(": ");
      const rendered = (await callCli(["render", golden.template, "--context", '{"state": {}}'])).json as { error: string; exception: string };
      assert.equal(rendered.error, message);
      assert.equal(rendered.exception, exception);
      assert.equal(await moduleRunError(golden.template), `Module 'io.render_template' failed: Failed to resolve inputs.template: ${message}`);
    });
  }
});
