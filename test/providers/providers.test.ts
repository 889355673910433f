import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  getLlmProvider,
  httpRequest,
  HttpRequestError,
  modelCapabilities,
  providerConnection,
  providerSettingsFromEnv,
  redactKey,
  redactUrlCredentials,
  truncateImageData,
  validateKwargs,
  withQuery,
} from "../../src/core/providers";
import { closedPort, startLoopback } from "./loopback";

const logger = () => {
  const warnings: string[] = [];
  return { warnings, logger: { debug() {}, info() {}, warning: (message: string) => void warnings.push(message), error() {} } };
};

describe("provider settings", () => {
  test("the caller's settings win over the environment; the environment fills the gaps", () => {
    const saved = { ...process.env };
    process.env.ANTHROPIC_API_KEY = "env-key";
    process.env.ANTHROPIC_BASE_URL = "http://env";
    try {
      assert.deepEqual(providerConnection({ anthropic: { apiKey: "given" } }, "anthropic"), { apiKey: "given", baseUrl: "http://env" });
      assert.deepEqual(providerConnection({}, "anthropic"), { apiKey: "env-key", baseUrl: "http://env" });
    } finally {
      process.env = saved;
    }
    assert.deepEqual(providerSettingsFromEnv({ OPENAI_API_KEY: "k", ANTHROPIC_BASE_URL: "u", OTHER: "x" }), { openai: { apiKey: "k" }, anthropic: { baseUrl: "u" } });
  });

  test("unknown LLM providers fail as the original does", () => {
    assert.throws(() => getLlmProvider("mistral"), { message: "Unknown provider: 'mistral'. Available providers: ['openai', 'anthropic']" });
  });

  test("keys are redacted from messages; image data is truncated for logs", () => {
    assert.equal(redactKey("bad key abcd1234 given", "abcd1234"), "bad key [API_KEY_REDACTED] given");
    assert.equal(
      redactUrlCredentials("cannot fetch http://user:S3CRET@host/v1 (user S3CRET)", "http://user:S3CRET@host/v1"),
      "cannot fetch http://[CREDENTIALS_REDACTED]@host/v1 (user [CREDENTIALS_REDACTED])",
    );
    assert.equal(redactUrlCredentials("see https://tok3n@api.example/x and http://plain.example/a@b"), "see https://[CREDENTIALS_REDACTED]@api.example/x and http://plain.example/a@b");
    assert.deepEqual(truncateImageData({ url: "data:image/png;base64,AAAA", text: "data:image/png;base64,AAAA" }), {
      url: "data:image/png;base64,...[truncated]",
      text: "data:image/png;base64,AAAA",
    });
  });
});

describe("model capabilities (models.json)", () => {
  test("exact key, then the first prefix in table order, then default", () => {
    assert.equal(modelCapabilities("openai", "gpt-4o").display_name, "OpenAI GPT-4o");
    assert.equal(modelCapabilities("openai", "gpt-4o-2024-11-20").display_name, "OpenAI GPT-4o");
    assert.equal(modelCapabilities("openai", "gpt-5.2-pro").display_name, "OpenAI GPT-5.2");
    assert.equal(modelCapabilities("openai", "o3").display_name, "OpenAI");
    assert.equal(modelCapabilities("anthropic", "claude-haiku-4-5-20251001").supports.structured_output, true);
  });

  test("validate_kwargs: unsupported dropped, enums defaulted, ranges clamped", () => {
    const { warnings, logger: log } = logger();
    assert.deepEqual(validateKwargs({ temperature: 1, reasoning_effort: "extreme", max_tokens: 999999 }, modelCapabilities("openai", "gpt-5.2"), log), {
      reasoning_effort: "medium",
      max_tokens: 100000,
    });
    assert.equal(warnings.length, 3);
    assert.deepEqual(validateKwargs({ temperature: -1, reasoning_effort: "low" }, modelCapabilities("openai", "gpt-4o"), log), { temperature: 0 });
  });
});

describe("httpRequest", () => {
  test("query parameters as requests sends them", () => {
    assert.equal(withQuery("http://h/p?a=1", { b: [1, 2], c: null, d: false }), "http://h/p?a=1&b=1&b=2&d=False");
  });

  test("status and text of any answer; connection failures and cancellation are typed", async () => {
    const server = await startLoopback(() => ({ status: 418, text: "teapot" }));
    try {
      const response = await httpRequest({ method: "POST", url: server.url, json: { a: 1 } });
      assert.equal(response.status, 418);
      assert.equal(response.text, "teapot");
      assert.equal(server.requests[0].headers["content-type"], "application/json");
    } finally {
      await server.close();
    }
    const refused = await httpRequest({ method: "GET", url: await closedPort() }).catch((error: unknown) => error);
    assert.ok(refused instanceof HttpRequestError && refused.kind === "connection");
    const controller = new AbortController();
    controller.abort();
    const aborted = await httpRequest({ method: "GET", url: "http://127.0.0.1:9", signal: controller.signal }).catch((error: unknown) => error);
    assert.ok(aborted instanceof HttpRequestError && aborted.kind === "aborted");
  });
});
