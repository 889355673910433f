import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { buildLlmMessages, buildSingleMessage, createStateProxy } from "../../src/core/modules";
import { ccModule, resolvedInputs } from "./helpers";

const noRetry = createStateProxy({});
const textMessage = (role: string, text: string) => ({ role, content: [{ type: "text", text }] });

describe("api.llm messages (modules.md 2.6)", () => {
  test("system string, then the input string (sent even when empty)", () => {
    assert.deepEqual(buildLlmMessages("Be kind.", "", noRetry), [textMessage("system", "Be kind."), textMessage("user", "")]);
  });

  test("lists: blank and null items are skipped; objects keep their role", () => {
    const messages = buildLlmMessages(["One", "  ", null], ["Hi", { role: "assistant", content: "Earlier" }, { content: "" }], noRetry);
    assert.deepEqual(messages, [textMessage("system", "One"), textMessage("user", "Hi"), textMessage("assistant", "Earlier")]);
  });

  test("images: data URLs, http URLs and paths", () => {
    assert.deepEqual(buildSingleMessage({ type: "image", content: "data:image/png;base64,QUJD" }, "user"), { role: "user", content: [{ type: "image_base64", data: "QUJD" }] });
    assert.deepEqual(buildSingleMessage({ type: "image", content: "https://x/y.png" }, "user"), { role: "user", content: [{ type: "image_url", url: "https://x/y.png" }] });
    assert.deepEqual(buildSingleMessage({ type: "image", content: "data:image/png,raw" }, "user"), { role: "user", content: [{ type: "image_path", path: "data:image/png,raw" }] });
    assert.deepEqual(buildSingleMessage({ type: "image", content: "/tmp/a.png" }, "user"), { role: "user", content: [{ type: "image_path", path: "/tmp/a.png" }] });
    assert.equal(buildSingleMessage({ type: "image", content: "" }, "user"), null);
  });

  test("non-string contents and inputs print as Python str()", () => {
    assert.deepEqual(buildSingleMessage({ content: { a: true } }, "user"), textMessage("user", "{'a': True}"));
    assert.deepEqual(buildSingleMessage({ content: 5 }, "user"), textMessage("user", "5"));
    assert.equal(buildSingleMessage({ content: 0 }, "user"), null);
    assert.deepEqual(buildLlmMessages(null, 42, noRetry), [textMessage("user", "42")]);
    assert.deepEqual(buildLlmMessages(null, null, noRetry), [textMessage("user", "None")]);
  });

  test("retry history is appended; bare feedback only without history", () => {
    const history = createStateProxy({
      _retry_conversation_history: [{ role: "assistant", content: "{...}" }, { role: "user", content: "FEEDBACK FROM USER: more" }, { content: "" }],
      _retry_feedback: "more",
    });
    assert.deepEqual(buildLlmMessages(null, "Go", history).slice(1), [textMessage("assistant", "{...}"), textMessage("user", "FEEDBACK FROM USER: more")]);
    const feedbackOnly = createStateProxy({ _retry_feedback: "shorter" });
    assert.deepEqual(buildLlmMessages(null, "Go", feedbackOnly).at(-1), textMessage("user", "FEEDBACK FROM USER: shorter"));
  });

  test("cc analyze_image: an image part and a text prompt", () => {
    const inputs = resolvedInputs(ccModule("analyze_image"), { input: [{ content: "/media/scene.png", type: "image" }, "Analyze this image"] });
    const messages = buildLlmMessages(inputs.system, inputs.input, noRetry);
    assert.deepEqual(messages.slice(-2), [{ role: "user", content: [{ type: "image_path", path: "/media/scene.png" }] }, textMessage("user", "Analyze this image")]);
  });
});
