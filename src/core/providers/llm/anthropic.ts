/**
 * Anthropic over HTTP (modules.md §2.6a): the Messages API with the system prompt as its own
 * parameter (blocks with `cache_control` when caching is asked for), images as base64 or URL
 * sources, extended thinking for `reasoning_effort`, structured output as a sanitised JSON schema on
 * models that support it (else the schema is appended to the last user message), and a costed
 * `tokens` entry.
 */
import type { LlmMessage } from "../../modules/api/llm-messages";
import { modelCapabilities, validateKwargs } from "./models";
import {
  apiKeyMissing,
  CallLog,
  numberOr0,
  parseContent,
  postJson,
  requireStepIdFromMetadata,
  schemaInstruction,
  stripMarkdownFences,
} from "./shared";
import type { Json, LlmCallEnvironment, LlmCallRequest, LlmCallResult, LlmProvider, LlmUsage } from "./types";

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

const SANITISED = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength", "minItems", "maxItems"];
const LABELS: Record<string, string> = {
  minimum: "Minimum",
  maximum: "Maximum",
  exclusiveMinimum: "Exclusive minimum",
  exclusiveMaximum: "Exclusive maximum",
  multipleOf: "Multiple of",
  minLength: "Minimum length",
  maxLength: "Maximum length",
  minItems: "Minimum items",
  maxItems: "Maximum items",
};

/**
 * The schema Anthropic's structured output accepts: numeric and length constraints removed (noted in
 * the description instead; `minItems` 0 or 1 is kept), `additionalProperties: false` on every object.
 */
export function sanitizeSchemaForAnthropic(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(sanitizeSchemaForAnthropic);
  if (schema === null || typeof schema !== "object") return schema;
  const out: Json = { ...(schema as Json) };
  const notes: string[] = [];
  for (const key of SANITISED) {
    if (!(key in out)) continue;
    if (key === "minItems" && typeof out.minItems === "number" && out.minItems <= 1) continue;
    notes.push(`${LABELS[key]}: ${String(out[key])}`);
    delete out[key];
  }
  if (notes.length > 0) out.description = `${typeof out.description === "string" ? out.description : ""} (${notes.join(", ")})`.trim();
  if (out.type === "object" || (out.properties !== undefined && out.type === undefined)) out.additionalProperties = false;
  if (out.properties && typeof out.properties === "object") {
    const properties: Json = {};
    for (const [name, child] of Object.entries(out.properties as Json)) properties[name] = sanitizeSchemaForAnthropic(child);
    out.properties = properties;
  }
  if (out.items !== undefined) out.items = sanitizeSchemaForAnthropic(out.items);
  for (const key of ["anyOf", "allOf", "oneOf"]) if (Array.isArray(out[key])) out[key] = sanitizeSchemaForAnthropic(out[key]);
  for (const key of ["$defs", "definitions"]) {
    if (out[key] && typeof out[key] === "object") {
      const defs: Json = {};
      for (const [name, child] of Object.entries(out[key] as Json)) defs[name] = sanitizeSchemaForAnthropic(child);
      out[key] = defs;
    }
  }
  return out;
}

function anthropicUsage(response: Json): LlmUsage {
  const usage = (response.usage ?? {}) as Json;
  const input = numberOr0(usage.input_tokens);
  const output = numberOr0(usage.output_tokens);
  const cacheRead = numberOr0(usage.cache_read_input_tokens);
  const cacheCreation = numberOr0(usage.cache_creation_input_tokens);
  return {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: input + output + cacheRead + cacheCreation,
    cached_tokens: cacheRead,
    cache_creation_tokens: cacheCreation,
  };
}

function costEntry(model: string, displayName: string, pricing: Record<string, number>, usage: LlmUsage): Json {
  const inputCost = usage.prompt_tokens * (pricing.input_token ?? 0);
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
    const kwargs: Json = {};
    if (request.temperature !== undefined && request.temperature !== null) kwargs.temperature = request.temperature;
    if (request.maxTokens !== undefined && request.maxTokens !== null) kwargs.max_tokens = request.maxTokens;
    if (request.reasoningEffort !== undefined && request.reasoningEffort !== null) kwargs.reasoning_effort = request.reasoningEffort;
    const capabilities = modelCapabilities("anthropic", model);
    const validated = validateKwargs(kwargs, capabilities, env.logger);
    const supports = capabilities.supports;

    const hasImages = request.messages.some((message) => message.content.some((part) => part.type !== "text"));
    if (hasImages && !supports.vision) throw new Error(`Model '${model}' does not support vision/image inputs.`);
    if (!env.apiKey) throw apiKeyMissing("Anthropic", "ANTHROPIC_API_KEY");

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
      const lastUser = [...messages].reverse().find((message) => message.role === "user");
      const instruction = schemaInstruction(request.outputSchema);
      if (lastUser && typeof lastUser.content === "string") lastUser.content += instruction;
      else if (lastUser) (lastUser.content as Json[]).push({ type: "text", text: instruction });
    }

    const maxRule = supports.max_tokens as { max?: number } | undefined;
    const body: Json = { model, max_tokens: validated.max_tokens ?? maxRule?.max ?? 4096, messages };
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
    const response = await postJson("Anthropic", `${base}/messages`, { "x-api-key": env.apiKey, "anthropic-version": ANTHROPIC_VERSION }, body, env);

    const blocks = Array.isArray(response.content) ? (response.content as Json[]) : [];
    const texts = blocks.filter((block) => block.type === "text" && typeof block.text === "string").map((block) => block.text as string);
    const contentText = stripMarkdownFences(texts.join(""));
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
