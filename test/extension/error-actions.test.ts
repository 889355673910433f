import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isProviderError, providerActions } from "../../src/extension/error-actions";
import { indexOfLineColumn, literalOffset, templateOffset } from "../../src/extension/template-position";
import { resolveWorkflow } from "../../src/core/workflow/ref-resolver";
import { errorSource } from "../../src/extension/source-links";
import { parseHostMessage, parseWebviewMessage, type RunError } from "../../src/shared/protocol";

function runError(message: string, details: Record<string, unknown> = {}): RunError {
  return { error_type: "execution_failed", message, details, source: null };
}

describe("the error view's provider buttons (issue 12.9)", () => {
  it("a missing key: Set API key for the provider the message names, and Switch to mock in real mode", () => {
    const error = runError("Module 'api.llm' failed: LLM API call failed: OpenAI API key not provided and OPENAI_API_KEY env var not set", {
      module_id: "api.llm",
      reason: "LLM API call failed: OpenAI API key not provided and OPENAI_API_KEY env var not set",
    });
    assert.deepEqual(providerActions(error, false), [{ kind: "set_api_key", provider: "openai" }, { kind: "switch_to_mock" }]);
    assert.deepEqual(providerActions(error, true), [{ kind: "set_api_key", provider: "openai" }], "already in mock mode: nothing to switch");
  });

  it("a refused key (401/403) also offers Set API key; a failed call only Switch to mock", () => {
    assert.deepEqual(providerActions(runError("LLM API call failed: Anthropic API error (401): invalid x-api-key"), false), [
      { kind: "set_api_key", provider: "anthropic" },
      { kind: "switch_to_mock" },
    ]);
    assert.deepEqual(providerActions(runError("LLM API call failed: OpenAI API request failed: connection refused"), false), [{ kind: "switch_to_mock" }]);
    assert.deepEqual(providerActions(runError("OpenAI API error (500): overloaded"), false), [{ kind: "switch_to_mock" }]);
  });

  it("errors that are not a provider's get no provider buttons", () => {
    const notProvider = runError("Failed to resolve inputs.prompt: Jinja2 undefined variable: 'dict object' has no attribute 'openai_api'");
    assert.equal(isProviderError(notProvider), false);
    assert.deepEqual(providerActions(notProvider, false), []);
    assert.deepEqual(providerActions(runError("Retry requested but no target module configured"), false), []);
  });
});

describe("a template's error position in the file", () => {
  it("line/column inside the template → index in the decoded string (CRLF, CR, LF; column clamped to the line)", () => {
    assert.equal(indexOfLineColumn("abc {{ x }}", 1, 5), 4);
    assert.equal(indexOfLineColumn("a\nbc\r\nd{{", 3, 2), 7);
    assert.equal(indexOfLineColumn("a\rbc", 2, 9), 4);
    assert.equal(indexOfLineColumn("one line", 5, 1), 0, "a line past the end stays on the last line found");
  });

  it("escapes take their source length: \\n, \\\", \\u00e9", () => {
    const text = '{"p": "\\u00e9\\"\\n{{ x }}"}';
    const literal = text.indexOf('"', 5);
    assert.equal(text.slice(literalOffset(text, literal, 3), literalOffset(text, literal, 3) + 2), "{{");
    assert.equal(templateOffset(text, ["p"], 2, 1), text.indexOf("{{"));
  });

  it("a string in a JSON file, a text file ($ref'd prompt), and a path that names no string", () => {
    const json = '{\n  "inputs": { "prompt": "Your code is {{ state.order_cod.upper() }}, right?" }\n}';
    assert.equal(json[templateOffset(json, ["inputs", "prompt"], 1, 38)!], "(");
    const prompt = "Line one\nSay {{ name | upper( }}\n";
    assert.equal(prompt.slice(templateOffset(prompt, [], 2, 5)!).slice(0, 2), "{{");
    assert.equal(templateOffset(json, ["inputs"], 1, 1), undefined);
  });

  it("errorSource carries the template's line and column for a resolution error, not for others", () => {
    const step = { step_id: "ask", modules: [{ module_id: "user.text_input", name: "greet", inputs: { prompt: "Hi {{ x.y() }}" } }] };
    const files: Record<string, string> = {
      "workflow.json": JSON.stringify({ workflow_id: "w", steps: [{ $ref: "steps/ask.json", type: "json" }] }),
      "steps/ask.json": JSON.stringify(step),
    };
    const resolved = { source: resolveWorkflow("workflow.json", { read: (path) => files[path] }), workflowFile: "/ws/wf/workflow.json" };
    const rel = (p: string) => p.replace("/ws/", "");
    const details = { input_path: "inputs.prompt", template: "Hi {{ x.y() }}", line: 1, column: 10, step_id: "ask", module_name: "greet" };
    const target = { stepId: "ask", moduleName: "greet" };
    assert.deepEqual(errorSource(resolved, target, details, null, rel), {
      file: "wf/steps/ask.json",
      path: ["modules", 0, "inputs", "prompt"],
      label: "ask/greet",
      template: { line: 1, column: 10 },
    });
    const { template: _template, ...noTemplate } = details;
    assert.equal(errorSource(resolved, target, noTemplate, null, rel)?.template, undefined);
  });
});

describe("the error actions' messages, checked at the edge", () => {
  it("error/actions (host → panel) and error/action (panel → host) parse; an unknown or incomplete action does not", () => {
    const actions = [{ kind: "set_api_key", provider: "openai" }, { kind: "switch_to_mock" }, { kind: "apply_fix", title: "Change to 'x'" }];
    assert.deepEqual(parseHostMessage({ type: "error/actions", runId: 3, actions }), { type: "error/actions", runId: 3, actions });
    assert.equal(parseWebviewMessage({ type: "error/action", runId: 3, action: { kind: "switch_to_mock" } }).ok, true);
    assert.equal(parseWebviewMessage({ type: "error/action", runId: 3, action: { kind: "run_shell", command: "rm -rf /" } }).ok, false);
    assert.equal(parseWebviewMessage({ type: "error/action", runId: 3, action: { kind: "set_api_key" } }).ok, false, "the provider is required");
    assert.equal(parseHostMessage({ type: "error/actions", runId: 1.5, actions: [] }), undefined);
  });

  it("a source link may carry a template position; a run error may carry actions", () => {
    const parsed = parseHostMessage({ type: "file/picked", requestId: "f1", file: null });
    assert.ok(parsed);
    assert.equal(parseWebviewMessage({ type: "source/open", link: { file: "w.json", path: ["a"], template: { line: 1, column: 38 } } }).ok, true);
    assert.equal(parseWebviewMessage({ type: "source/open", link: { file: "w.json", path: ["a"], template: { line: "1" } } }).ok, false);
  });
});
