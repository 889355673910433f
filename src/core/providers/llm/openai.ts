/**
 * OpenAI over HTTP (modules.md §2.6a): the Responses API (every model's endpoint) or Chat
 * Completions, structured output as a strict JSON schema, images as data URLs or URLs, prompt-cache
 * retention, usage with cached tokens, and a costed `tokens` entry.
 */
import {
  CallLog,
  numberOr0,
  parseContent,
  postJson,
  prepareCall,
  requireStepIdFromMetadata,
  stripMarkdownFences,
} from "./shared";
import type { Json, LlmCallEnvironment, LlmCallRequest, LlmCallResult, LlmMessage, LlmProvider, LlmUsage } from "./types";

export const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";

type ChatPart = { type: "text"; text: string } | { type: "image_url"; image_url: { url: string; detail: string } };

function imageUrl(part: LlmMessage["content"][number]): string | null {
  if (part.type === "image_base64") return `data:image/jpeg;base64,${part.data}`;
  if (part.type === "image_url") return part.url;
  if (part.type === "image_path") {
    throw new Error(`Local image files are not readable in virtual runs: ${part.path} (pass a data URL or an http(s) URL)`);
  }
  return null;
}

/** A single text part becomes a plain string; anything else a list of text and image parts. */
function chatMessage(message: LlmMessage): { role: string; content: string | ChatPart[] } {
  if (message.content.length === 1 && message.content[0].type === "text") return { role: message.role, content: message.content[0].text };
  const parts: ChatPart[] = message.content.map((part) =>
    part.type === "text" ? { type: "text", text: part.text } : { type: "image_url", image_url: { url: imageUrl(part)!, detail: "auto" } },
  );
  return { role: message.role, content: parts };
}

/** Responses-API input: `system` → `developer`; content always a list of typed parts (`output_*` for assistant turns). */
function responsesInput(message: LlmMessage): Json {
  const chat = chatMessage(message);
  const role = chat.role === "system" ? "developer" : chat.role;
  const textType = role === "assistant" ? "output_text" : "input_text";
  const imageType = role === "assistant" ? "output_image" : "input_image";
  const content =
    typeof chat.content === "string"
      ? [{ type: textType, text: chat.content }]
      : chat.content.map((part) => (part.type === "text" ? { type: textType, text: part.text } : { type: imageType, image_url: part.image_url.url }));
  return { role, content };
}

/** The last output item's `arguments` (a tool call), else its text parts joined by newlines. */
function responsesText(response: Json): string {
  const output = response.output;
  if (!Array.isArray(output) || output.length === 0) return JSON.stringify(response);
  const last = output[output.length - 1] as Json;
  if (typeof last.arguments === "string" && last.arguments !== "" && last.arguments !== "{}") return last.arguments;
  const items = Array.isArray(last.content) ? (last.content as Json[]) : last.content !== undefined ? [last.content as Json] : [];
  const texts: string[] = [];
  for (const item of items) {
    if (item && typeof item.arguments === "string" && item.arguments !== "") return item.arguments;
    if (item && typeof item.text === "string") texts.push(item.text);
  }
  return texts.length > 0 ? texts.join("\n") : JSON.stringify(last);
}

function responsesUsage(response: Json): LlmUsage {
  const usage = (response.usage ?? {}) as Json;
  const details = (usage.input_tokens_details ?? {}) as Json;
  const prompt = numberOr0(usage.input_tokens);
  const completion = numberOr0(usage.output_tokens);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: numberOr0(usage.total_tokens) || prompt + completion, cached_tokens: numberOr0(details.cached_tokens) };
}

function completionsUsage(response: Json): LlmUsage {
  const usage = (response.usage ?? {}) as Json;
  const details = (usage.prompt_tokens_details ?? {}) as Json;
  const prompt = numberOr0(usage.prompt_tokens);
  const completion = numberOr0(usage.completion_tokens);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: numberOr0(usage.total_tokens) || prompt + completion, cached_tokens: numberOr0(details.cached_tokens) };
}

export const openaiProvider: LlmProvider = {
  id: "openai",
  displayName: "OpenAI",

  async call(request: LlmCallRequest, env: LlmCallEnvironment): Promise<LlmCallResult> {
    const { model } = request;
    const { capabilities, validated, supports, apiKey } = prepareCall("openai", "OpenAI", "OPENAI_API_KEY", request, env);

    const endpoint = request.apiEndpoint || capabilities.api_endpoint || "responses";
    let body: Json;
    if (endpoint === "responses") {
      body = { model, input: request.messages.map(responsesInput) };
      if (validated.temperature !== undefined && supports.temperature !== false) body.temperature = validated.temperature;
      // The original sends `max_completion_tokens`, which the Responses API rejects; this is its name there.
      if (validated.max_tokens !== undefined) body.max_output_tokens = Math.trunc(Number(validated.max_tokens));
      if (validated.reasoning_effort !== undefined && supports.reasoning_effort) body.reasoning = { effort: validated.reasoning_effort };
      if (request.cacheSystemMessage || request.cacheUserPrefix) body.prompt_cache_retention = "24h";
      if (request.outputSchema) body.text = { format: { type: "json_schema", name: "output_schema", schema: request.outputSchema, strict: true } };
    } else {
      const messages = request.messages.map(chatMessage);
      body = { model, messages };
      if (validated.temperature !== undefined && supports.temperature !== false) body.temperature = validated.temperature;
      if (validated.max_tokens !== undefined) body.max_tokens = Math.trunc(Number(validated.max_tokens));
      if (request.outputSchema) {
        // The schema goes into the last user message (its first text part), and JSON mode is on.
        const instruction = `\n\nPlease respond with JSON matching this schema:\n\`\`\`json\n${JSON.stringify(request.outputSchema, null, 2)}\n\`\`\``;
        const lastUser = [...messages].reverse().find((message) => message.role === "user");
        if (lastUser && typeof lastUser.content === "string") lastUser.content += instruction;
        else if (lastUser) {
          const firstText = (lastUser.content as ChatPart[]).find((part) => part.type === "text");
          if (firstText && firstText.type === "text") firstText.text += instruction;
        }
        body.response_format = { type: "json_object" };
      }
    }

    env.logger.info(`[AI REQUEST] OpenAI ${endpoint} - model=${model}`);
    const stepId = requireStepIdFromMetadata(request.metadata);
    const log = env.callLog ? new CallLog(env.callLog, stepId, "openai", model, env.logger) : null;
    log?.saveRequest(body, request.outputSchema, request.metadata);

    const base = (env.baseUrl ?? OPENAI_DEFAULT_BASE_URL).replace(/\/+$/, "");
    const url = endpoint === "responses" ? `${base}/responses` : `${base}/chat/completions`;
    const response = await postJson("OpenAI", url, { Authorization: `Bearer ${apiKey}` }, body, env);

    let text: string;
    let usage: LlmUsage;
    if (endpoint === "responses") {
      text = responsesText(response);
      usage = responsesUsage(response);
    } else {
      const choice = (Array.isArray(response.choices) ? response.choices[0] : undefined) as Json | undefined;
      const message = (choice?.message ?? {}) as Json;
      text = typeof message.content === "string" ? message.content : "";
      usage = completionsUsage(response);
    }
    const contentText = stripMarkdownFences(text);
    log?.saveResponse(response, usage);
    if (usage.total_tokens === 0) env.logger.warning(`[TOKEN_WARNING] API call completed but usage is 0! Model=${model}.`);
    env.storeUsage(costEntry(model, capabilities.display_name, capabilities.pricing ?? {}, usage));
    env.logger.info(`[AI RESPONSE] OpenAI - tokens=${usage.total_tokens} (prompt=${usage.prompt_tokens}, completion=${usage.completion_tokens}, cached=${usage.cached_tokens})`);

    return {
      content: parseContent(contentText, request.outputSchema, env),
      contentText,
      usage,
      model: typeof response.model === "string" ? response.model : model,
    };
  },
};

/** The `tokens` entry: cached tokens are taken out of the prompt tokens before pricing. */
function costEntry(model: string, displayName: string, pricing: Record<string, number>, usage: LlmUsage): Json {
  const cached = usage.cached_tokens;
  const uncachedPrompt = Math.max(0, usage.prompt_tokens - cached);
  const promptCost = uncachedPrompt * (pricing.prompt_token ?? 0);
  const completionCost = usage.completion_tokens * (pricing.completion_token ?? 0);
  const cachedCost = cached * (pricing.cached_token ?? 0);
  return {
    provider: "openai",
    model,
    display_name: displayName,
    prompt_tokens: usage.prompt_tokens,
    prompt_token_cost: promptCost,
    completion_tokens: usage.completion_tokens,
    completion_token_cost: completionCost,
    cached_tokens: cached,
    cached_token_cost: cachedCost,
    total_tokens: usage.total_tokens,
    total_cost: promptCost + completionCost + cachedCost,
  };
}
