/**
 * Silent traps (suite "traps", issue 12.10) in a real VS Code: the language server flags a template no
 * resolver_schema resolves, a user.form without schema.input_schema and a validation_pattern Python's
 * `re` refuses, in Problems at their ranges; the raw template's quick fix adds the resolver entry.
 */
import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import { open, test, until, type InHostContext } from "./kit";

const CODES = ["template-shown-raw", "empty-form", "invalid-validation-pattern"];

export default async function traps({ ws }: InHostContext): Promise<void> {
  const uri = vscode.Uri.joinPath(ws, "traps/workflow.json");
  const codeOf = (d: vscode.Diagnostic) => String(typeof d.code === "object" ? d.code.value : d.code);

  await test("traps: raw template, empty form and invalid validation_pattern are in Problems at their ranges", async () => {
    const document = await open(ws, "traps/workflow.json");
    const found = await until("the three trap diagnostics", () => {
      const list = vscode.languages.getDiagnostics(uri).filter((d) => CODES.includes(codeOf(d)));
      return list.length === 3 ? list : undefined;
    });
    const byCode = new Map(found.map((d) => [codeOf(d), d]));
    const raw = byCode.get("template-shown-raw")!;
    assert.equal(document.getText(raw.range), "{{ state.topic }}");
    assert.equal(raw.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(raw.message, /^shown raw:/);
    const form = byCode.get("empty-form")!;
    assert.equal(document.getText(form.range), '"schema"');
    assert.equal(document.lineAt(form.range.start.line).text.includes('"title": "Details"'), true);
    const pattern = byCode.get("invalid-validation-pattern")!;
    assert.equal(pattern.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(document.getText(pattern.range), "(");
    assert.match(pattern.message, /missing \), unterminated subpattern at position 1/);
  });

  await test("traps: the raw template's quick fix lists the input as server-resolved", async () => {
    const document = await vscode.workspace.openTextDocument(uri);
    const raw = vscode.languages.getDiagnostics(uri).find((d) => codeOf(d) === "template-shown-raw");
    assert.ok(raw);
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>("vscode.executeCodeActionProvider", uri, raw.range)) ?? [];
    const fix = actions.find((action) => action.title === 'Resolve "prompt" on the server (resolver_schema)');
    assert.ok(fix?.edit, `a quick fix among ${actions.map((a) => a.title).join(", ")}`);
    const edits = fix.edit.get(uri);
    assert.ok(edits.length > 0);
    // Applied to a copy of the text: the fixture stays as it is for the next run.
    let text = document.getText();
    for (const edit of [...edits].sort((a, b) => document.offsetAt(b.range.start) - document.offsetAt(a.range.start))) {
      text = text.slice(0, document.offsetAt(edit.range.start)) + edit.newText + text.slice(document.offsetAt(edit.range.end));
    }
    const pick = (JSON.parse(text) as { steps: Array<{ modules: Array<{ name: string; inputs: Record<string, unknown> }> }> }).steps[0]!.modules[1]!;
    assert.deepEqual(pick.inputs.resolver_schema, { type: "object", properties: { prompt: { resolver: "server" } } });
  });
}
