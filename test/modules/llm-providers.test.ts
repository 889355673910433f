/**
 * api.llm in real mode (modules.md 2.6, 2.6a) against a real HTTP server on a loopback port that
 * speaks each provider's wire format: request shape, structured output, system lists and cache hints,
 * images as data URLs, usage into `tokens`, the call log in `workflow_files`, errors, and keys that
 * never reach the DB or an error.
 */
import assert from "node:assert/strict";
import { createEngine } from "../../src/extension/engine-core";
import { after, before, describe, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { exportJsonText } from "../../src/core/db";
import { getModule, ModuleExecutionError, type ExecutableModule } from "../../src/core/modules";
import { sanitizeSchemaForAnthropic, stripMarkdownFences } from "../../src/core/providers";
import { execute } from "../../src/core/virtual";
import { startLoopback, type Loopback, type RecordedRequest } from "../providers/loopback";
import { createTestContext } from "./helpers";

const SECRET = "sk-loopbacktestkey0123456789abcdef";
const SCHEMA = { type: "object", properties: { title: { type: "string", maxLength: 40 }, n: { type: "integer", minimum: 1 } }, required: ["title", "n"] };
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

function llm(): ExecutableModule {
  return getModule("api.llm") as ExecutableModule;
}

function openaiReply(request: RecordedRequest) {
  const body = request.json as Record<string, any>;
  if (request.path === "/v1/chat/completions") {
    return {
      json: {
        model: body.model,
        choices: [{ message: { role: "assistant", content: '```json\n{"title": "chat", "n": 2}\n```' } }],
        usage: { prompt_tokens: 20, completion_tokens: 4, total_tokens: 24, prompt_tokens_details: { cached_tokens: 5 } },
      },
    };
  }
  if (body.input?.some((item: any) => JSON.stringify(item).includes("FAIL"))) {
    return { status: 401, json: { error: { message: `Incorrect API key provided: ${SECRET}` } } };
  }
  const text = body.text ? '{"title": "ok", "n": 3}' : "plain answer";
  return {
    json: {
      model: `${body.model}-2026`,
      output: [
        { type: "reasoning", summary: [] },
        { type: "message", role: "assistant", content: [{ type: "output_text", text }] },
      ],
      usage: { input_tokens: 100, output_tokens: 20, total_tokens: 120, input_tokens_details: { cached_tokens: 40 } },
    },
  };
}

function anthropicReply(request: RecordedRequest) {
  const body = request.json as Record<string, any>;
  const wantsJson = Boolean(body.output_config) || JSON.stringify(body.messages).includes("Respond ONLY with valid JSON");
  return {
    json: {
      id: "msg_1",
      type: "message",
      model: body.model,
      content: [
        { type: "thinking", thinking: "hmm" },
        { type: "text", text: wantsJson ? '{"title": "claude", "n": 1}' : "Hello from Claude" },
      ],
      usage: { input_tokens: 50, output_tokens: 10, cache_read_input_tokens: 30, cache_creation_input_tokens: 5 },
    },
  };
}

describe("api.llm real mode", () => {
  let openai: Loopback;
  let anthropic: Loopback;
  before(async () => {
    openai = await startLoopback(openaiReply);
    anthropic = await startLoopback(anthropicReply);
  });
  after(async () => {
    await openai.close();
    await anthropic.close();
  });

  function realContext(extra: { services?: Record<string, unknown> } = {}) {
    const test = createTestContext({ mockMode: false, services: extra.services, stepConfig: { name: "Step 2: Scenes" } });
    test.context.providers = {
      openai: { apiKey: SECRET, baseUrl: `${openai.url}/v1` },
      anthropic: { apiKey: SECRET, baseUrl: `${anthropic.url}/v1` },
    };
    return test;
  }

  test("OpenAI Responses API: developer/user input, strict JSON schema, parsed response, usage, tokens, call log", async () => {
    const { context, db } = realContext();
    const inputs = {
      provider: "openai",
      model: "gpt-5.2",
      system: ["You are a storyteller.", { type: "text", content: "Shared rules" }],
      input: "Write a scene",
      output_schema: SCHEMA,
      metadata: { step_id: "scene_generation" },
      temperature: 0.5,
      reasoning_effort: "high",
      cache_system_message: true,
    };
    const out = await llm().execute(inputs, context);
    assert.deepEqual(out.response, { title: "ok", n: 3 });
    assert.equal(out.response_text, '{"title": "ok", "n": 3}');
    assert.equal(out.model, "gpt-5.2-2026");
    assert.deepEqual(out.usage, { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120, cached_tokens: 40 });
    assert.equal(out.token_usage, 120);
    assert.deepEqual(out.token_usage_detailed, { model_used: "gpt-5.2", prompt_tokens: 100, completion_tokens: 20, total_tokens: 120, cached_tokens: 40 });

    const request = openai.requests.at(-1)!;
    assert.equal(request.path, "/v1/responses");
    assert.equal(request.headers.authorization, `Bearer ${SECRET}`);
    const body = request.json as Record<string, any>;
    assert.deepEqual(body.input, [
      { role: "developer", content: [{ type: "input_text", text: "You are a storyteller." }] },
      { role: "developer", content: [{ type: "input_text", text: "Shared rules" }] },
      { role: "user", content: [{ type: "input_text", text: "Write a scene" }] },
    ]);
    assert.deepEqual(body.text, { format: { type: "json_schema", name: "output_schema", schema: SCHEMA, strict: true } });
    // gpt-5 models take no temperature; the reasoning effort is allowed.
    assert.equal("temperature" in body, false);
    assert.deepEqual(body.reasoning, { effort: "high" });
    assert.equal(body.prompt_cache_retention, "24h");

    const tokens = db.collection("tokens").find({});
    assert.equal(tokens.length, 1);
    assert.equal(tokens[0].step_id, "step_under_test");
    assert.equal(tokens[0].step_name, "Step 2: Scenes");
    assert.equal(tokens[0].module_name, "module_under_test");
    const entry = (tokens[0].usage as Record<string, number | string>[])[0];
    assert.equal(entry.display_name, "OpenAI GPT-5.2");
    assert.equal(entry.cached_tokens, 40);
    assert.ok(Math.abs((entry.prompt_token_cost as number) - 60 * 1.75e-6) < 1e-12);
    assert.ok(Math.abs((entry.total_cost as number) - (60 * 1.75e-6 + 20 * 1.4e-5 + 40 * 1.8e-7)) < 1e-12);

    const files = db.collection("workflow_files").find({}, { sort: { created_at: 1 } });
    assert.ok(files.every((file) => file.category === "api_calls" && file.workflow_run_id === "virtual_run_test" && file.branch_id === "br_test"));
    const group = String(files[0].group_id);
    assert.match(group, /^scene_generation_openai_\d{8}_\d{6}_\d{6}$/);
    const byName = Object.fromEntries(files.map((file) => [file.filename, file]));
    assert.deepEqual(Object.keys(byName).sort(), [
      "input_0_content_0.txt",
      "input_1_content_0.txt",
      "input_2_content_0.txt",
      "metadata.json",
      "output_1_content_0.json",
      "request.json",
      "response.json",
      "schema.json",
    ]);
    assert.deepEqual((byName["request.json"].content as any).input[2], { role: "user", content: [{ type: "input_text", text: { $ref: "input_2_content_0.txt", type: "text" } }] });
    assert.deepEqual(byName["request.json"].metadata, { step_id: "scene_generation", provider: "openai", model: "gpt-5.2", file_role: "request" });
    assert.equal(byName["input_0_content_0.txt"].content, "You are a storyteller.");
    assert.equal(byName["input_0_content_0.txt"].content_type, "text");
    assert.deepEqual(byName["input_0_content_0.txt"].metadata, { step_id: "scene_generation", provider: "openai", file_role: "input" });
    assert.deepEqual(byName["schema.json"].content, SCHEMA);
    const callMetadata = byName["metadata.json"].content as Record<string, unknown>;
    assert.equal(callMetadata.step_id, "scene_generation");
    assert.equal(`scene_generation_openai_${String(callMetadata.timestamp)}`, group);
    const logged = byName["response.json"].content as any;
    assert.equal(logged._usage.total_tokens, 120);
    assert.deepEqual(logged.output[1].content[0].text, { $ref: "output_1_content_0.json", type: "text" });
    assert.equal(byName["output_1_content_0.json"].content, '{"title": "ok", "n": 3}');
    assert.equal((byName["output_1_content_0.json"].metadata as any).file_role, "output");
    assert.equal(exportJsonText(db).includes(SECRET), false);
  });

  test("OpenAI: images go as data URLs (truncated in the log); plain text without a schema", async () => {
    const { context, db } = realContext();
    const out = await llm().execute(
      { model: "gpt-4o", input: [{ type: "image", content: `data:image/png;base64,${PNG}` }, "Describe it"], metadata: { step_id: "image_analysis" }, temperature: 3 },
      context,
    );
    assert.equal(out.response, "plain answer");
    const body = openai.requests.at(-1)!.json as Record<string, any>;
    assert.deepEqual(body.input[0], { role: "user", content: [{ type: "input_image", image_url: `data:image/jpeg;base64,${PNG}` }] });
    // gpt-4o clamps the temperature to its maximum of 2.
    assert.equal(body.temperature, 2);
    const logged = db.collection("workflow_files").findOne({ filename: "request.json" })!.content as any;
    assert.equal(logged.input[0].content[0].image_url, "data:image/jpeg;base64,...[truncated]");
  });

  test("OpenAI Chat Completions (api_endpoint from ai_config): schema appended, json_object, fences stripped", async () => {
    const { context } = realContext();
    const out = await llm().execute(
      { model: "gpt-4.1", ai_config: { api_endpoint: "completions", max_tokens: 99 }, input: "Go", output_schema: SCHEMA, metadata: { step_id: "s" } },
      context,
    );
    assert.deepEqual(out.response, { title: "chat", n: 2 });
    assert.equal(out.response_text, '{"title": "chat", "n": 2}');
    const request = openai.requests.at(-1)!;
    assert.equal(request.path, "/v1/chat/completions");
    const body = request.json as Record<string, any>;
    assert.deepEqual(body.response_format, { type: "json_object" });
    assert.equal(body.messages[0].content, `Go\n\nPlease respond with JSON matching this schema:\n\`\`\`json\n${JSON.stringify(SCHEMA, null, 2)}\n\`\`\``);
    assert.equal(body.max_tokens, 99);
  });

  test("the run-time ai_config wins over the module's and the inputs' provider and model", async () => {
    const { context } = realContext({ services: { ai_config: { provider: "anthropic", model: "claude-haiku-4-5" } } });
    const out = await llm().execute({ provider: "openai", model: "gpt-5.2", input: "Hi", metadata: { step_id: "s" } }, context);
    assert.equal(out.response, "Hello from Claude");
    assert.equal(anthropic.requests.at(-1)!.json && (anthropic.requests.at(-1)!.json as any).model, "claude-haiku-4-5");
  });

  test("Anthropic Messages: system blocks with a cache hint, user prefix cache, structured output, thinking, usage", async () => {
    const { context, db } = realContext();
    const out = await llm().execute(
      {
        provider: "anthropic",
        model: "claude-sonnet-4-5",
        system: ["Role", "Rules"],
        input: ["Look:", { type: "image", content: `data:image/png;base64,${PNG}` }, "What is it?"],
        output_schema: SCHEMA,
        reasoning_effort: "low",
        temperature: 0.3,
        cache_system_message: true,
        cache_user_prefix: true,
        metadata: { step_id: "image_analysis" },
      },
      context,
    );
    assert.deepEqual(out.response, { title: "claude", n: 1 });
    assert.deepEqual(out.usage, { prompt_tokens: 50, completion_tokens: 10, total_tokens: 60, cached_tokens: 30, cache_creation_tokens: 5 });
    const request = anthropic.requests.at(-1)!;
    assert.equal(request.path, "/v1/messages");
    assert.equal(request.headers["x-api-key"], SECRET);
    assert.equal(request.headers["anthropic-version"], "2023-06-01");
    const body = request.json as Record<string, any>;
    assert.deepEqual(body.system, [
      { type: "text", text: "Role" },
      { type: "text", text: "Rules", cache_control: { type: "ephemeral" } },
    ]);
    // The first user message's text carries the prefix cache hint.
    assert.deepEqual(body.messages[0], { role: "user", content: [{ type: "text", text: "Look:", cache_control: { type: "ephemeral" } }] });
    assert.deepEqual(body.messages[1], { role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: PNG } }] });
    assert.deepEqual(body.messages[2], { role: "user", content: "What is it?" });
    assert.equal(body.max_tokens, 64000);
    assert.deepEqual(body.thinking, { type: "enabled", budget_tokens: 5000 });
    assert.equal("temperature" in body, false);
    assert.deepEqual(body.output_config, { format: { type: "json_schema", schema: sanitizeSchemaForAnthropic(SCHEMA) } });
    const entry = (db.collection("tokens").findOne({})!.usage as Record<string, unknown>[])[0];
    assert.equal(entry.provider, "anthropic");
    const names = db.collection("workflow_files").find({}).map((file) => file.filename);
    assert.deepEqual(names.sort(), [
      "message_0_content_0.txt",
      "message_2_content.txt",
      "metadata.json",
      "request.json",
      "response.json",
      "response_content_1.json",
      "schema.json",
      "system_0.txt",
      "system_1.txt",
    ]);
    const loggedRequest = db.collection("workflow_files").findOne({ filename: "request.json" })!.content as any;
    assert.equal(loggedRequest.messages[1].content[0].source.data, PNG);
    assert.equal(entry.cache_read_tokens, 30);
    assert.equal(entry.cache_creation_tokens, 5);
  });

  test("Anthropic without structured output support: the schema is appended to the last user message", async () => {
    const { context } = realContext();
    const out = await llm().execute({ provider: "anthropic", model: "claude-opus-4-1", system: "Be exact", input: "Go", output_schema: SCHEMA, metadata: { step_id: "s" } }, context);
    assert.deepEqual(out.response, { title: "claude", n: 1 });
    const body = anthropic.requests.at(-1)!.json as Record<string, any>;
    assert.equal(body.system, "Be exact");
    assert.equal(
      body.messages[0].content,
      `Go\n\nPlease respond with JSON matching this schema:\n\`\`\`json\n${JSON.stringify(SCHEMA, null, 2)}\n\`\`\`\n\nRespond ONLY with valid JSON, no other text.`,
    );
    assert.equal("output_config" in body, false);
    assert.equal(body.max_tokens, 32000);
  });

  test("schema sanitising for Anthropic: constraints move into the description, objects get additionalProperties false", () => {
    assert.deepEqual(sanitizeSchemaForAnthropic({ type: "object", properties: { a: { type: "array", minItems: 3, maxItems: 3, items: { type: "string", minLength: 1 } } } }), {
      type: "object",
      additionalProperties: false,
      properties: { a: { type: "array", description: "Minimum items: 3, Maximum items: 3", items: { type: "string", description: "Minimum length: 1" } } },
    });
    assert.deepEqual(sanitizeSchemaForAnthropic({ type: "integer", description: "Count", minimum: 1, exclusiveMaximum: 9, minItems: 1 }), {
      type: "integer",
      description: "Count (Minimum: 1, Must be less than 9)",
      minItems: 1,
    });
    assert.equal(stripMarkdownFences("Here:\n```json\n {\"a\": 1} \n```\nbye"), '{"a": 1}');
  });

  test("credentials in a provider's base URL are redacted from failures as keys are (issue 11.5)", async () => {
    const urlSecret = "urlSECRET0123";
    const run = async (baseUrl: string) => {
      const test = createTestContext({ mockMode: false, stepConfig: { name: "Step 2: Scenes" } });
      test.context.providers = { openai: { apiKey: SECRET, baseUrl } };
      try {
        await llm().execute({ input: "hello", metadata: { step_id: "s" } }, test.context);
      } catch (error) {
        assert.ok(error instanceof ModuleExecutionError);
        return error;
      }
      assert.fail("expected a failure");
    };
    // fetch refuses a URL with credentials and names the URL; the loopback is never reached.
    const before = openai.requests.length;
    const refused = await run(`${openai.url.replace("://", `://alice:${urlSecret}@`)}/v1`);
    assert.equal(refused.message.includes(urlSecret), false, refused.message);
    assert.equal(refused.reason.includes(urlSecret), false, refused.reason);
    assert.match(refused.reason, /\[CREDENTIALS_REDACTED\]@/);
    assert.equal(openai.requests.length, before);
    // A percent-encoded password is redacted as written and decoded.
    const encoded = await run(`http://bob:${encodeURIComponent("p@ss word!")}@127.0.0.1:1/v1`);
    assert.equal(/p@ss word!|p%40ss%20word!/.test(encoded.reason), false, encoded.reason);
  });

  test("failures: LLM API call failed: … without the key (provider error, missing step id, no key, unknown provider)", async () => {
    const failure = async (inputs: Record<string, unknown>, build = realContext) => {
      try {
        await llm().execute(inputs, build().context);
      } catch (error) {
        assert.ok(error instanceof ModuleExecutionError);
        return error;
      }
      assert.fail("expected a failure");
    };
    const rejected = await failure({ input: "FAIL please", metadata: { step_id: "s" } });
    assert.equal(rejected.reason, "LLM API call failed: OpenAI API error (401): Incorrect API key provided: [API_KEY_REDACTED]");
    assert.equal(rejected.message.includes(SECRET), false);

    const noStep = await failure({ input: "x" });
    assert.equal(noStep.reason, "LLM API call failed: metadata.step_id is not set - this indicates a bug in the workflow processor");

    const withoutKey = () => {
      const test = createTestContext({ mockMode: false });
      test.context.providers = { openai: { baseUrl: `${openai.url}/v1` } };
      return test;
    };
    const previous = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const noKey = await failure({ input: "x", metadata: { step_id: "s" }, api_key: "sk-fromtheworkflow000000000000" }, withoutKey);
      assert.equal(noKey.reason, "LLM API call failed: OpenAI API key not provided and OPENAI_API_KEY env var not set");
    } finally {
      if (previous !== undefined) process.env.OPENAI_API_KEY = previous;
    }

    const unknown = await failure({ provider: "mistral", input: "x" });
    assert.equal(unknown.reason, "LLM API call failed: Unknown provider: 'mistral'. Available providers: ['openai', 'anthropic']");

    const local = await failure({ model: "gpt-4o", input: [{ type: "image", content: "pics/cat.png" }], metadata: { step_id: "s" } });
    assert.match(local.reason, /Local image files are not readable in virtual runs: pics\/cat\.png/);
  });

  test("cancellation: the caller's abort signal stops a call in flight", async () => {
    const hanging = await startLoopback(() => ({ hang: true }));
    try {
      const { context, db } = createTestContext({ mockMode: false });
      const controller = new AbortController();
      context.providers = { openai: { apiKey: SECRET, baseUrl: hanging.url } };
      context.signal = controller.signal;
      const call = llm().execute({ input: "Hi", metadata: { step_id: "s" } }, context);
      // Wait for the request to arrive, then cancel.
      while (hanging.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
      controller.abort();
      await assert.rejects(call, (error: unknown) => error instanceof ModuleExecutionError && error.reason === "LLM API call failed: Request cancelled by user");
      // The request was logged before the call; no usage was stored.
      assert.equal(db.collection("tokens").countDocuments({}), 0);
      assert.equal(db.collection("workflow_files").countDocuments({ filename: "request.json" }), 1);
    } finally {
      await hanging.close();
    }
  });

  test("through execute with mock off: the key never lands in the exported DB or the error", async () => {
    const workflow = {
      workflow_id: "llm_only",
      steps: [
        {
          step_id: "s1",
          modules: [
            { module_id: "api.llm", name: "ask", inputs: { input: "Hi", metadata: { step_id: "s1" } } },
            { module_id: "api.llm", name: "fail", inputs: { input: "FAIL", metadata: { step_id: "s1" } } },
          ],
        },
      ],
    };
    const options = { providers: { openai: { apiKey: SECRET, baseUrl: `${openai.url}/v1` } } };
    const ok = await execute({ workflow, target_step_id: "s1", target_module_name: "ask", mock: false }, options);
    assert.equal(ok.status, "completed", ok.error);
    assert.equal(ok.result.module_outputs?.response, "plain answer");
    const blob = ok.result.virtual_db as string;
    assert.equal(gunzipSync(Buffer.from(blob, "base64")).toString("utf8").includes(SECRET), false);

    const failed = await execute({ workflow, virtual_db: blob, target_step_id: "s1", target_module_name: "fail", mock: false }, options);
    assert.equal(failed.status, "error");
    assert.equal(failed.error, "Module 'api.llm' failed: LLM API call failed: OpenAI API error (401): Incorrect API key provided: [API_KEY_REDACTED]");
    assert.equal(JSON.stringify(failed).includes(SECRET), false);
  });

  test("through the extension's live engine (one session per workflow): each call uses its own providers and abort signal", async () => {
    const workflow = { workflow_id: "llm_only", steps: [{ step_id: "s1", modules: [{ module_id: "api.llm", name: "ask", inputs: { input: "Hi", metadata: { step_id: "s1" } } }] }] };
    const engine = createEngine();
    const request = { db_key: "wf", load_db: async () => null, workflow, target_step_id: "s1", target_module_name: "ask", response: null, mode: "module" as const, mock: false };
    const providers = { openai: { apiKey: SECRET, baseUrl: `${openai.url}/v1` } };
    const ok = await engine.execute(request, { providers });
    assert.equal(ok.status, "completed", String(ok.error));
    const cancelled = new AbortController();
    cancelled.abort();
    const stopped = await engine.execute(request, { providers, signal: cancelled.signal });
    assert.equal(stopped.status, "error");
    assert.match(String(stopped.error), /cancelled/);
    const again = await engine.execute(request, { providers });
    assert.equal(again.status, "completed", "the abort was that call's only");
    assert.equal(openai.requests.at(-1)!.headers.authorization, `Bearer ${SECRET}`);
    await engine.execute(request, { providers: { openai: { ...providers.openai, apiKey: "sk-other" } } });
    assert.equal(openai.requests.at(-1)!.headers.authorization, "Bearer sk-other", "the key given with the call is the one used");
  });
});
