/**
 * Anthropic over HTTP (modules.md §2.6a): the Messages API with the system prompt as its own
 * parameter (blocks with `cache_control` when caching is asked for), images as base64 or URL
 * sources, extended thinking for `reasoning_effort`, structured output as a sanitised JSON schema on
 * models that support it (else the schema is appended to the last user message), and a costed
 * `tokens` entry.
 */
import { pyStr } from "../../python/format";
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

export const ANTHROPIC_DEFAULT_BASE_URL = "https://api.anthropic.com/v1";
export const ANTHROPIC_VERSION = "2023-06-01";

const THINKING_BUDGET: Record<string, number> = { low: 5000, medium: 10000, high: 20000 };
const CACHE = { type: "ephemeral" };

/** Media type of a raw base64 image, from its leading bytes (jpeg when unknown, as the original). */
function mediaTypeOf(data: string): string {
  if (data.startsWith("iVBOR")) return "image/png";
  if (data.startsWith("R0lGOD")) return "image/gif";
  if (data.startsWith("UklGR")) return "image/webp";
  return "image/jpeg";
}

function contentBlock(part: LlmMessage["content"][number]): Json {
  switch (part.type) {
    case "text":
      return { type: "text", text: part.text };
    case "image_base64":
      return { type: "image", source: { type: "base64", media_type: mediaTypeOf(part.data), data: part.data } };
    case "image_url":
      return { type: "image", source: { type: "url", url: part.url } };
    case "image_path":
      throw new Error(`Local image files are not readable in virtual runs: ${part.path} (pass a data URL or an http(s) URL)`);
  }
}

const CONSTRAINT_TEXT: Record<string, (value: unknown) => string> = {
  minimum: (value) => `Minimum: ${pyStr(value)}`,
  maximum: (value) => `Maximum: ${pyStr(value)}`,
  exclusiveMinimum: (value) => `Must be greater than ${pyStr(value)}`,
  exclusiveMaximum: (value) => `Must be less than ${pyStr(value)}`,
  multipleOf: (value) => `Must be multiple of ${pyStr(value)}`,
  minLength: (value) => `Minimum length: ${pyStr(value)}`,
  maxLength: (value) => `Maximum length: ${pyStr(value)}`,
};

/**
 * The schema Anthropic's structured output accepts: numeric and length constraints (and `minItems`
 * above 1, `maxItems`) removed and noted in the description, `additionalProperties: false` on every
 * object, recursively through properties, items, anyOf/allOf/oneOf, `$defs` and definitions.
 */
export function sanitizeSchemaForAnthropic(schema: unknown): unknown {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return schema;
  const node: Json = { ...(schema as Json) };
  const notes: string[] = [];
  for (const [key, describe] of Object.entries(CONSTRAINT_TEXT)) {
    if (!(key in node)) continue;
    notes.push(describe(node[key]));
    delete node[key];
  }
  if ("minItems" in node && Number(node.minItems) > 1) {
    notes.push(`Minimum items: ${pyStr(node.minItems)}`);
    delete node.minItems;
  }
  if ("maxItems" in node) {
    notes.push(`Maximum items: ${pyStr(node.maxItems)}`);
    delete node.maxItems;
  }
  if (notes.length > 0) {
    const existing = typeof node.description === "string" ? node.description : "";
    node.description = existing ? `${existing} (${notes.join(", ")})` : notes.join(", ");
  }
  if (node.type === "object") node.additionalProperties = false;
  const mapValues = (value: unknown) => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
    const out: Json = {};
    for (const [name, child] of Object.entries(value as Json)) out[name] = sanitizeSchemaForAnthropic(child);
    return out;
  };
  if ("properties" in node) node.properties = mapValues(node.properties);
  if ("items" in node) node.items = sanitizeSchemaForAnthropic(node.items);
  for (const key of ["anyOf", "allOf", "oneOf"]) if (Array.isArray(node[key])) node[key] = (node[key] as unknown[]).map(sanitizeSchemaForAnthropic);
  for (const key of ["$defs", "definitions"]) if (key in node) node[key] = mapValues(node[key]);
  return node;
}

/** Input and output tokens (their sum is the total), cache reads as cached tokens, cache writes when reported. */
function anthropicUsage(response: Json): LlmUsage {
  const usage = (response.usage ?? {}) as Json;
  const input = numberOr0(usage.input_tokens);
  const output = numberOr0(usage.output_tokens);
  const out: LlmUsage = { prompt_tokens: input, completion_tokens: output, total_tokens: input + output, cached_tokens: 0 };
  if ("cache_creation_input_tokens" in usage) out.cache_creation_tokens = numberOr0(usage.cache_creation_input_tokens);
  if ("cache_read_input_tokens" in usage) out.cached_tokens = numberOr0(usage.cache_read_input_tokens);
  return out;
}

function costEntry(model: string, displayName: string, pricing: Record<string, number>, usage: LlmUsage): Json {
  // As the original: cache reads are taken out of the input tokens before pricing them.
  const inputCost = (usage.prompt_tokens - usage.cached_tokens) * (pricing.input_token ?? 0);
  const outputCost = usage.completion_tokens * (pricing.output_token ?? 0);
  const readCost = usage.cached_tokens * (pricing.cache_read_token ?? 0);
  const creationCost = (usage.cache_creation_tokens ?? 0) * (pricing.cache_creation_token ?? 0);
  return {
    provider: "anthropic",
    model,
    display_name: displayName,
    input_tokens: usage.prompt_tokens,
    input_token_cost: inputCost,
    output_tokens: usage.completion_tokens,
    output_token_cost: outputCost,
    cache_read_tokens: usage.cached_tokens,
    cache_read_token_cost: readCost,
    cache_creation_tokens: usage.cache_creation_tokens ?? 0,
    cache_creation_token_cost: creationCost,
    total_tokens: usage.total_tokens,
    total_cost: inputCost + outputCost + readCost + creationCost,
  };
}

export const anthropicProvider: LlmProvider = {
  id: "anthropic",
  displayName: "Anthropic",

  async call(request: LlmCallRequest, env: LlmCallEnvironment): Promise<LlmCallResult> {
    const { model } = request;
    const { capabilities, validated, supports, apiKey } = prepareCall("anthropic", "Anthropic", "ANTHROPIC_API_KEY", request, env);

    const systemTexts: string[] = [];
    const messages: Json[] = [];
    for (const message of request.messages) {
      if (message.role === "system") {
        for (const part of message.content) if (part.type === "text") systemTexts.push(part.text);
        continue;
      }
      const blocks = message.content.map(contentBlock);
      const content = blocks.length === 1 && blocks[0].type === "text" ? (blocks[0].text as string) : blocks;
      messages.push({ role: message.role === "assistant" ? "assistant" : "user", content });
    }

    if (request.cacheUserPrefix) {
      const firstUser = messages.find((message) => message.role === "user");
      if (firstUser) {
        if (typeof firstUser.content === "string") firstUser.content = [{ type: "text", text: firstUser.content, cache_control: CACHE }];
        else {
          const firstText = (firstUser.content as Json[]).find((block) => block.type === "text");
          if (firstText) firstText.cache_control = CACHE;
        }
      }
    }

    const structured = Boolean(request.outputSchema) && supports.structured_output === true;
    if (request.outputSchema && !structured) {
      // Older models: the schema goes into the last user message (its last text block).
      const instruction =
        `\n\nPlease respond with JSON matching this schema:\n\`\`\`json\n${JSON.stringify(request.outputSchema, null, 2)}\n\`\`\`` +
        "\n\nRespond ONLY with valid JSON, no other text.";
      const lastUser = [...messages].reverse().find((message) => message.role === "user");
      if (lastUser && typeof lastUser.content === "string") lastUser.content += instruction;
      else if (lastUser) {
        const lastText = [...(lastUser.content as Json[])].reverse().find((block) => block.type === "text");
        if (lastText) lastText.text = `${String(lastText.text)}${instruction}`;
      }
    }

    const maxRule = supports.max_tokens as { max?: number } | undefined;
    const maxTokens = validated.max_tokens ? Math.trunc(Number(validated.max_tokens)) : (maxRule?.max ?? 4096);
    const body: Json = { model, max_tokens: maxTokens, messages };
    if (systemTexts.length > 0) {
      // One cache breakpoint on the last block caches the whole system prefix.
      body.system = request.cacheSystemMessage
        ? systemTexts.map((text, index) => ({ type: "text", text, ...(index === systemTexts.length - 1 ? { cache_control: CACHE } : {}) }))
        : systemTexts.join("\n\n");
    }
    const effort = validated.reasoning_effort;
    if (effort !== undefined && supports.extended_thinking === true) {
      body.thinking = { type: "enabled", budget_tokens: THINKING_BUDGET[String(effort)] ?? 10000 };
    } else if (validated.temperature !== undefined) {
      body.temperature = validated.temperature;
    }
    if (structured) body.output_config = { format: { type: "json_schema", schema: sanitizeSchemaForAnthropic(request.outputSchema) } };

    env.logger.info(`[AI REQUEST] Anthropic messages - model=${model}`);
    const stepId = requireStepIdFromMetadata(request.metadata);
    const log = env.callLog ? new CallLog(env.callLog, stepId, "anthropic", model, env.logger) : null;
    log?.saveRequest(body, request.outputSchema, request.metadata);

    const base = (env.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL).replace(/\/+$/, "");
    const response = await postJson("Anthropic", `${base}/messages`, { "x-api-key": apiKey, "anthropic-version": ANTHROPIC_VERSION }, body, env);

    const blocks = Array.isArray(response.content) ? (response.content as Json[]) : [];
    const texts = blocks.filter((block) => block.type === "text" && typeof block.text === "string").map((block) => block.text as string);
    const contentText = stripMarkdownFences(texts.join("\n"));
    const usage = anthropicUsage(response);
    log?.saveResponse(response, usage);
    env.storeUsage(costEntry(model, capabilities.display_name, capabilities.pricing ?? {}, usage));
    env.logger.info(`[AI RESPONSE] Anthropic - tokens=${usage.total_tokens} (input=${usage.prompt_tokens}, output=${usage.completion_tokens}, cache_read=${usage.cached_tokens})`);

    return {
      content: parseContent(contentText, request.outputSchema, env),
      contentText,
      usage,
      model: typeof response.model === "string" ? response.model : model,
    };
  },
};
