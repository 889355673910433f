/**
 * What both LLM providers share: the step id check, the request log in `workflow_files`, fenced
 * code blocks stripped from answers, JSON parsing with an output schema, and HTTP error reporting
 * that never carries the key.
 */
import { httpRequest, HttpRequestError, redactUrlCredentials } from "../http";
import { modelCapabilities, validateKwargs, type ModelCapabilities } from "./models";
import type { CallLogSink, Json, LlmCallEnvironment, LlmCallRequest } from "./types";

/** `require_step_id_from_metadata`: real calls need `metadata.step_id`. */
export function requireStepIdFromMetadata(metadata: Json | undefined): string {
  const stepId = metadata?.step_id;
  if (stepId === undefined || stepId === null || stepId === "") {
    throw new Error("metadata.step_id is not set - this indicates a bug in the workflow processor");
  }
  return String(stepId);
}

/** The body of the first fenced block (three backticks, optional `json`), trimmed; else the text. */
export function stripMarkdownFences(text: string): string {
  const match = /```(?:json)?\s*\n([\s\S]*?)\n```/.exec(text);
  return match ? match[1].trim() : text;
}

export function parseContent(text: string, outputSchema: Json | undefined, env: Pick<LlmCallEnvironment, "logger">): unknown {
  if (!outputSchema) return text;
  try {
    return JSON.parse(text);
  } catch {
    env.logger.warning("Failed to parse JSON response, returning as string");
    return text;
  }
}

/**
 * `data:image/…base64,…` values directly under `url`/`image_url`/`data` keys cut to
 * `<prefix>base64,...[truncated]`, so logs stay readable.
 */
export function truncateImageData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item !== null && typeof item === "object" ? truncateImageData(item) : item));
  if (value === null || typeof value !== "object") return value;
  const out: Json = {};
  for (const [key, child] of Object.entries(value)) {
    if ((key === "url" || key === "image_url" || key === "data") && typeof child === "string") {
      out[key] = child.startsWith("data:image/") && child.includes("base64,") ? `${child.split("base64,")[0]}base64,...[truncated]` : child;
    } else {
      out[key] = child !== null && typeof child === "object" ? truncateImageData(child) : child;
    }
  }
  return out;
}

type ExtractionRule = readonly [pattern: string, template: string];

/** Where each provider's texts sit in its requests and responses, and the file names they get. */
const EXTRACTION_RULES: Record<string, { request: readonly ExtractionRule[]; response: readonly ExtractionRule[] }> = {
  openai: {
    request: [
      ["messages[].content", "message_{i}_content"],
      ["messages[].content[].text", "message_{i}_content_{j}"],
      ["input[].content", "input_{i}_content"],
      ["input[].content[].text", "input_{i}_content_{j}"],
    ],
    response: [
      ["choices[].message.content", "response_{i}"],
      ["output[].content[].text", "output_{i}_content_{j}"],
      ["output.content[].text", "output_content_{i}"],
    ],
  },
  anthropic: {
    request: [
      ["system", "system"],
      ["system[].text", "system_{i}"],
      ["messages[].content", "message_{i}_content"],
      ["messages[].content[].text", "message_{i}_content_{j}"],
    ],
    response: [["content[].text", "response_content_{i}"]],
  },
};

interface Found {
  indices: number[];
  holder: Json;
  key: string;
}

/** Every value at a path like `messages[].content[].text`, with the list indices on the way. */
function findAll(data: unknown, parts: readonly string[], indices: number[], found: Found[]): void {
  if (parts.length === 0 || data === null || typeof data !== "object" || Array.isArray(data)) return;
  const [part, ...rest] = parts;
  const record = data as Json;
  if (part.endsWith("[]")) {
    const list = record[part.slice(0, -2)];
    if (Array.isArray(list)) list.forEach((item, index) => findAll(item, rest, [...indices, index], found));
  } else if (Object.prototype.hasOwnProperty.call(record, part)) {
    if (rest.length === 0) found.push({ indices, holder: record, key: part });
    else findAll(record[part], rest, indices, found);
  }
}

function looksLikeJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** `message_{i}_content_{j}` with the indices filled in (missing ones as 0), `.json` or `.txt`. */
function logFilename(template: string, indices: readonly number[], content: string): string {
  let name = template;
  ["{i}", "{j}", "{k}", "{l}"].forEach((placeholder, position) => {
    name = name.split(placeholder).join(String(indices[position] ?? 0));
  });
  return `${name}${looksLikeJson(content) ? ".json" : ".txt"}`;
}

/**
 * One API call's log group in `workflow_files` (category `api_calls`): `request.json` (image data
 * truncated, every message text moved to its own file and replaced by `{"$ref", "type": "text"}`),
 * `schema.json`, `metadata.json`, then `response.json` with `_usage` (its texts moved out too).
 * Best effort, as the original: a failed write is only logged.
 */
export class CallLog {
  readonly groupId: string;
  private readonly timestamp: string;

  constructor(
    private readonly sink: CallLogSink,
    private readonly stepId: string,
    private readonly provider: string,
    private readonly model: string,
    private readonly logger: LlmCallEnvironment["logger"],
  ) {
    this.timestamp = sink.timestamp();
    this.groupId = `${stepId}_${provider}_${this.timestamp}`;
  }

  private write(filename: string, content: unknown, contentType: "text" | "json", metadata: Json): void {
    this.sink.save({ groupId: this.groupId, filename, content, contentType, metadata: { step_id: this.stepId, provider: this.provider, ...metadata } });
  }

  private extractTexts(data: Json, kind: "request" | "response"): void {
    const rules = EXTRACTION_RULES[this.provider]?.[kind] ?? [];
    for (const [pattern, template] of rules) {
      const found: Found[] = [];
      findAll(data, pattern.split("."), [], found);
      for (const { indices, holder, key } of found) {
        const value = holder[key];
        if (typeof value !== "string") continue;
        const filename = logFilename(template, indices, value);
        this.write(filename, value, "text", { file_role: kind === "request" ? "input" : "output" });
        holder[key] = { $ref: filename, type: "text" };
      }
    }
  }

  saveRequest(request: Json, outputSchema: Json | undefined, metadata: Json | undefined): void {
    try {
      const copy = truncateImageData(structuredClone(request)) as Json;
      this.extractTexts(copy, "request");
      this.write("request.json", copy, "json", { model: this.model, file_role: "request" });
      if (outputSchema) this.write("schema.json", outputSchema, "json", { file_role: "schema" });
      const callMetadata = { step_id: this.stepId, provider: this.provider, model: this.model, timestamp: this.timestamp, ...(metadata ?? {}) };
      this.write("metadata.json", callMetadata, "json", { file_role: "metadata" });
    } catch (error) {
      this.logger.debug(`Failed to save API request: ${(error as Error).message}`);
    }
  }

  saveResponse(response: Json, usage: Json | null): void {
    try {
      const copy = structuredClone(response);
      if (usage && Object.keys(usage).length > 0) copy._usage = usage;
      this.extractTexts(copy, "response");
      this.write("response.json", copy, "json", { file_role: "response" });
    } catch (error) {
      this.logger.debug(`Failed to save API response: ${(error as Error).message}`);
    }
  }
}

/** POST JSON; a non-2xx answer becomes `<Provider> API error (<status>): <message>` (never the key). */
export async function postJson(provider: string, url: string, headers: Record<string, string>, body: Json, env: LlmCallEnvironment): Promise<Json> {
  let response;
  try {
    response = await httpRequest({ method: "POST", url, headers, json: body, signal: env.signal });
  } catch (error) {
    if (error instanceof HttpRequestError && error.kind === "aborted") throw new Error("Request cancelled by user");
    throw new Error(redactKey(redactUrlCredentials(`${provider} API request failed: ${(error as Error).message}`, url), env.apiKey));
  }
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(response.text);
  } catch {
    parsed = null;
  }
  if (response.status < 200 || response.status >= 300) {
    const apiError = (parsed as { error?: { message?: unknown } } | null)?.error;
    const message = apiError && typeof apiError.message === "string" ? apiError.message : response.text.slice(0, 500);
    throw new Error(redactKey(redactUrlCredentials(`${provider} API error (${response.status}): ${message}`, url), env.apiKey));
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new Error(redactKey(redactUrlCredentials(`${provider} API returned an unreadable response: ${response.text.slice(0, 200)}`, url), env.apiKey));
  }
  return parsed as Json;
}

/** A provider may echo (part of) the key it was given; never pass it on. */
export function redactKey(message: string, apiKey: string | undefined): string {
  if (!apiKey || apiKey.length < 4) return message;
  return message.split(apiKey).join("[API_KEY_REDACTED]");
}

export function apiKeyMissing(provider: string, envVar: string): Error {
  return new Error(`${provider} API key not provided and ${envVar} env var not set`);
}

export function numberOr0(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}


/**
 * What every provider checks before a call, as the original's providers do: the sampling kwargs the
 * model accepts, vision support when images are sent, and a key.
 */
export function prepareCall(
  provider: string,
  displayName: string,
  keyVariable: string,
  request: LlmCallRequest,
  env: LlmCallEnvironment,
): { capabilities: ModelCapabilities; validated: ReturnType<typeof validateKwargs>; supports: ModelCapabilities["supports"]; apiKey: string } {
  const kwargs: Json = {};
  if (request.temperature !== undefined && request.temperature !== null) kwargs.temperature = request.temperature;
  if (request.maxTokens !== undefined && request.maxTokens !== null) kwargs.max_tokens = request.maxTokens;
  if (request.reasoningEffort !== undefined && request.reasoningEffort !== null) kwargs.reasoning_effort = request.reasoningEffort;
  const capabilities = modelCapabilities(provider, request.model);
  const validated = validateKwargs(kwargs, capabilities, env.logger);
  const supports = capabilities.supports;
  const hasImages = request.messages.some((message) => message.content.some((part) => part.type !== "text"));
  if (hasImages && !supports.vision) throw new Error(`Model '${request.model}' does not support vision/image inputs.`);
  if (!env.apiKey) throw apiKeyMissing(displayName, keyVariable);
  return { capabilities, validated, supports, apiKey: env.apiKey };
}
