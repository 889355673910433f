/**
 * The real cc workflow through `wfv lsp --stdio`: no false errors. Its module ids and inputs are all
 * valid; the only finding is its known typo `state.select_scene.select_data.hook` in the summary prompt.
 * Module ids the registry does not have yet (modules are still being ported) are the one exception,
 * derived from the registry, never from a hard-coded list.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Diagnostic } from "vscode-languageserver-protocol";
import { listModules } from "../../src/core/modules";
import { ccWorkflowDir as ccDir, ccWorkflowPath } from "../helpers/paths";
import { LspTestClient, rangeText, uriOf } from "./lsp-client";

const registered = new Set(listModules().map((module) => module.module_id));

/** Diagnostics that are only there because a module is not ported yet. */
function notYetPorted(diagnostic: Diagnostic): boolean {
  const match = /^Unknown module_id '([^']+)'/.exec(String(diagnostic.message));
  return diagnostic.code === "unknown-module" && match !== null && !registered.has(match[1]!);
}

describe("wfv lsp --stdio on the cc workflow", { timeout: 60_000 }, () => {
  let client: LspTestClient;

  before(async () => {
    client = await LspTestClient.start(ccDir);
    await client.open(ccWorkflowPath);
  });

  after(async () => {
    assert.equal(await client.stop(), 0, client.stderr);
  });

  it("every step file of cc comes out clean (module ids, inputs, refs, templates, state order)", async () => {
    // The workflow's diagnostics arrive first; every file of the workflow is published with it.
    await client.waitForDiagnostics(ccWorkflowPath);
    const stepFiles = readFileSync(ccWorkflowPath, "utf8").match(/steps\/[^"]+\/step\.json/g)!;
    assert.equal(stepFiles.length, 10);
    for (const step of stepFiles) {
      const file = join(ccDir, step);
      const diagnostics = await client.waitForDiagnostics(file);
      assert.deepEqual(diagnostics.filter((d) => !notYetPorted(d)), [], `${step}: ${JSON.stringify(diagnostics)}`);
    }
    assert.deepEqual(client.diagnostics.get(uriOf(ccWorkflowPath)), []);
  });

  it("flags only the known typo: select_scene.select_data in the summary prompt", async () => {
    const summary = join(ccDir, "steps/10_workflow_summary/prompts/cc_workflow_summary.txt");
    const diagnostics = await client.waitForDiagnostics(summary, (list) => list.length > 0);
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
    const [typo] = diagnostics;
    assert.equal(typo!.code, "unknown-output-field");
    assert.equal(typo!.severity, 2);
    assert.equal(rangeText(readFileSync(summary, "utf8"), typo!), "select_data");
    assert.match(String(typo!.message), /'select_data' is not an output of user\.select \(module 'select_scene'\); did you mean 'selected_data'\?/);
    const everyOther = [...client.diagnostics].filter(([uri]) => uri !== uriOf(summary)).flatMap(([, list]) => list);
    assert.deepEqual(everyOther.filter((d) => !notYetPorted(d)), []);
  });

  it("a cc step file opened on its own is analysed in the cc workflow (same result)", async () => {
    const step = join(ccDir, "steps/2_scene_generation/step.json");
    const text = await client.open(step);
    const diagnostics = await client.waitForDiagnostics(step);
    assert.deepEqual(diagnostics.filter((d) => !notYetPorted(d)), []);
    // state keys of step 1 are available inside step 2's templates
    const offset = text.indexOf("{{ state.scene_concepts.scenes }}") + "{{ state.".length;
    const before = text.slice(0, offset);
    const items = await client.completion(step, { line: before.split("\n").length - 1, character: offset - (before.lastIndexOf("\n") + 1) });
    const keys = items.map((item) => item.label);
    for (const key of ["pet_type_selection", "aesthetic_selection", "select_pet_type", "keyword_exclusions_generated", "scene_concepts"]) {
      assert.ok(keys.includes(key), `${key} in ${keys.join()}`);
    }
    assert.ok(!keys.includes("flattened_keywords"), "produced by this very module");
    assert.ok(!keys.includes("generate_scenes"), "same step, no interaction in between: not visible by name yet");
  });
});
