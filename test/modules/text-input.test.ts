import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { getModule, ModuleExecutionError, validateInputs, type InteractiveModule } from "../../src/core/modules";
import { checkTextAnswer } from "../../src/core/interaction/text-validation";
import { execute } from "../../src/core/virtual";
import { createTestContext, response } from "./helpers";

function textInput(): InteractiveModule {
  return getModule("user.text_input") as InteractiveModule;
}

async function answer(inputs: Record<string, unknown>, fields: Parameters<typeof response>[0]) {
  const made = createTestContext();
  const out = await textInput().executeWithResponse(inputs, made.context, response(fields));
  return { out, logs: made.logs };
}

const NO_RETRY = { retry_requested: false, retry_feedback: "", jump_back_requested: false, jump_back_target: "" };

describe("user.text_input interaction request (modules.md 2.1)", () => {
  test("plain prompt: text_input with defaults", async () => {
    const { context } = createTestContext();
    const request = (await textInput().getInteractionRequest({ prompt: "Your name?" }, context))!;
    assert.match(request.interaction_id, /^text_input_[0-9a-f]{32}$/);
    assert.equal(request.interaction_type, "text_input");
    assert.equal(request.title, "Your name?");
    assert.equal(request.default_value, "");
    assert.equal(request.allow_empty, false);
    assert.equal(request.multiline, false);
    assert.deepEqual(request.extra_options, []);
    assert.deepEqual(request.context, { module_id: "user.text_input" });
  });

  test("retry_options become extra options; validation config goes into the context", async () => {
    const { context } = createTestContext();
    const inputs = {
      prompt: "Indices?",
      default: "1",
      allow_empty: true,
      retry_options: { back: { description: "Go back", target: "s1" }, again: { other: 1 } },
      validation_pattern: "\\d+",
      validation_separator: ",",
    };
    const request = (await textInput().getInteractionRequest(inputs, context))!;
    assert.equal(request.default_value, "1");
    assert.equal(request.allow_empty, true);
    assert.deepEqual(request.extra_options, [
      { id: "back", label: "Go back", description: "", metadata: { description: "Go back", target: "s1" } },
      { id: "again", label: "again", description: "", metadata: { other: 1 } },
    ]);
    assert.deepEqual(request.context, {
      module_id: "user.text_input",
      validation: {
        pattern: "\\d+",
        separator: ",",
        separator_is_regex: false,
        error: "Invalid format. Please check your input and try again.",
        require_at_least_one_match: true,
      },
    });
  });

  test("a retry option that is not an object fails", async () => {
    const { context } = createTestContext();
    await assert.rejects(textInput().getInteractionRequest({ prompt: "p", retry_options: { x: "text" } }, context), TypeError);
  });

  test("prompt is required", () => {
    assert.deepEqual(validateInputs(textInput(), {}), { ok: false, inputName: "prompt", message: "Required input 'prompt' missing" });
  });
});

describe("user.text_input response handling (modules.md 2.1)", () => {
  test("the answer comes back as value", async () => {
    const { out } = await answer({ prompt: "p" }, { value: "hello" });
    assert.deepEqual(out, { value: "hello", ...NO_RETRY });
  });

  test("an empty answer takes the default", async () => {
    const { out } = await answer({ prompt: "p", default: "fallback" }, { value: "" });
    assert.equal(out.value, "fallback");
    const { out: none } = await answer({ prompt: "p" }, { value: null });
    assert.equal(none.value, "");
  });

  test("cancelled raises User cancelled input", async () => {
    await assert.rejects(
      answer({ prompt: "p" }, { cancelled: true }),
      (error: unknown) => error instanceof ModuleExecutionError && error.message === "Module 'user.text_input' failed: User cancelled input",
    );
  });

  test("jump back returns only the three jump keys", async () => {
    const { out } = await answer({ prompt: "p" }, { jump_back_requested: true, jump_back_target: "start" });
    assert.deepEqual(out, { value: "", jump_back_requested: true, jump_back_target: "start" });
  });

  test("the spec's example: prefix match per segment, the failing one quoted", async () => {
    const inputs = { prompt: "p", validation_pattern: "\\d+[a-z]?", validation_separator: "," };
    const { out, logs } = await answer(inputs, { value: "1a, x, 22zz" });
    assert.deepEqual(out, {
      value: "1a, x, 22zz",
      retry_requested: true,
      retry_feedback: "Invalid format. Please check your input and try again. Invalid: 'x'",
      jump_back_requested: false,
      jump_back_target: "",
    });
    assert.ok(logs.some((entry) => entry.level === "warning" && entry.message.startsWith("Validation failed:")));
  });

  test("every segment valid passes; re.match is anchored at the start only", async () => {
    const inputs = { prompt: "p", validation_pattern: "\\d+", validation_separator: " " };
    const { out } = await answer(inputs, { value: "12 3x  7" });
    assert.deepEqual(out, { value: "12 3x  7", ...NO_RETRY });
    const { out: wrong } = await answer(inputs, { value: "x12" });
    assert.equal(wrong.retry_feedback, "Invalid format. Please check your input and try again. Invalid: 'x12'");
  });

  test("regex separators, custom error text and Python named groups", async () => {
    const inputs = {
      prompt: "p",
      validation_pattern: "(?P<n>\\d+)-(?P=n)",
      validation_separator: "[;|]",
      validation_separator_is_regex: true,
      validation_error: "Use n-n pairs.",
    };
    const { out } = await answer(inputs, { value: "1-1;22-22|3-4" });
    assert.equal(out.retry_feedback, "Use n-n pairs. Invalid: '3-4'");
  });

  test("only separators: no segments is invalid without a list", async () => {
    const { out } = await answer({ prompt: "p", validation_pattern: "\\d", validation_separator: "," }, { value: " , ," });
    assert.equal(out.retry_requested, true);
    assert.equal(out.retry_feedback, "Invalid format. Please check your input and try again.");
  });

  test("a pattern that does not compile skips validation", async () => {
    const { out } = await answer({ prompt: "p", validation_pattern: "([" }, { value: "anything" });
    assert.equal(out.retry_requested, false);
  });

  test("the default value is validated too", async () => {
    const { out } = await answer({ prompt: "p", default: "abc", validation_pattern: "\\d" }, { value: "" });
    assert.equal(out.value, "abc");
    assert.equal(out.retry_requested, true);
  });
});

describe("user.text_input validation through execute() (issue 12.4)", () => {
  const workflow = {
    workflow_id: "codes",
    name: "Codes",
    steps: [
      {
        step_id: "s0",
        name: "S0",
        modules: [{ module_id: "user.text_input", name: "code", inputs: { prompt: "Code?", validation_pattern: "\\d+$", validation_error: "Digits only." } }],
      },
    ],
  };

  test("a failed pattern without a retry option: the original's error, with the module's validation_error in details", async () => {
    const first = await execute({ workflow, target_step_id: "s0", target_module_name: "code" });
    assert.equal(first.status, "awaiting_input", first.error);
    assert.deepEqual((first.interaction_request!.context as Record<string, unknown>).validation, {
      pattern: "\\d+$", separator: null, separator_is_regex: false, error: "Digits only.", require_at_least_one_match: true,
    });
    // What the panel checks before submitting (the request's context.validation).
    const validation = (first.interaction_request!.context as Record<string, unknown>).validation as Record<string, unknown>;
    assert.deepEqual(checkTextAnswer("abc", validation), { valid: false, feedback: "Digits only. Invalid: 'abc'", error: "Digits only.", invalidSegments: ["'abc'"] });
    assert.equal(checkTextAnswer("123", validation).valid, true);
    const failed = await execute({ workflow, virtual_db: first.result.virtual_db, target_step_id: "s0", target_module_name: "code", response: { value: "abc" } });
    assert.equal(failed.status, "error");
    assert.equal(failed.error, "Retry requested but no target module configured");
    assert.equal(failed.result.details?.retry_feedback, "Digits only. Invalid: 'abc'");
    assert.equal(failed.result.details?.module_name, "code");
  });

  test("up_to in mock mode answers it with a value the pattern accepts", async () => {
    const done = await execute({ workflow, target_step_id: "s0", target_module_name: "code", mode: "up_to", mock: true, default_answers: true } as Parameters<typeof execute>[0]);
    assert.notEqual(done.status, "error", done.error);
  });
});
