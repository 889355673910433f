/**
 * What both LLM providers share: the step id check, the request log in `workflow_files`, fenced
 * code blocks stripped from answers, JSON parsing with an output schema, and HTTP error reporting
 * that never carries the key.
 */
import { httpRequest, HttpRequestError } from "../http";
import type { CallLogSink, Json, LlmCallEnvironment } from "./types";

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
  const match = /```(?:json)?[ \t]*\n([\s\S]*?)\n```/.exec(text);
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

const DATA_URL = /^(data:[^;,]*;base64,)[A-Za-z0-9+/=\s]+$/;

/** Base64 data URLs under `url`/`image_url`/`data` keys cut to `<prefix>base64,...[truncated]`. */
export function truncateImageData(value: unknown, key = ""): unknown {
  if (typeof value === "string") {
    const match = (key === "url" || key === "image_url" || key === "data") && DATA_URL.exec(value);
    return match ? `${match[1]}...[truncated]` : value;
  }
  if (Array.isArray(value)) return value.map((item) => truncateImageData(item, key));
  if (value !== null && typeof value === "object") {
    const out: Json = {};
    for (const [childKey, child] of Object.entries(value)) out[childKey] = truncateImageData(child, childKey);
    return out;
  }
  return value;
}

function looksLikeJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** A request/response log group: texts pulled out into their own files, then the JSON documents. */
export class CallLog {
  readonly groupId: string;
  private readonly sink: CallLogSink;
  private readonly logger: LlmCallEnvironment["logger"];

  constructor(sink: CallLogSink, stepId: string, provider: string, logger: LlmCallEnvironment["logger"]) {
    this.sink = sink;
    this.logger = logger;
    this.groupId = `${stepId}_${provider}_${sink.timestamp()}`;
  }

  /** Best effort, as the original: a failed write is only a warning. */
  private write(filename: string, content: unknown, contentType: "text" | "json", fileRole: string): void {
    try {
      this.sink.save({ groupId: this.groupId, filename, content, contentType, fileRole });
    } catch (error) {
      this.logger.warning(`Could not save API call log ${filename}: ${(error as Error).message}`);
    }
  }

  /** A text moved to its own file (`.json` when it parses as JSON); the `$ref` that replaces it. */
  extractText(text: string, filename: string, fileRole: string): Json {
    const name = looksLikeJson(text) ? `${filename}.json` : `${filename}.txt`;
    this.write(name, text, "text", fileRole);
    return { $ref: name, type: "text" };
  }

  saveRequest(request: Json, textPaths: (copy: Json, log: CallLog) => void, outputSchema: Json | undefined, metadata: Json): void {
    const copy = truncateImageData(structuredClone(request)) as Json;
    textPaths(copy, this);
    this.write("request.json", copy, "json", "request");
    if (outputSchema) this.write("schema.json", outputSchema, "json", "schema");
    this.write("metadata.json", metadata, "json", "metadata");
  }

  saveResponse(response: Json, usage: Json, texts: string[]): void {
    this.write("response.json", { ...(truncateImageData(response) as Json), _usage: usage }, "json", "response");
    texts.forEach((text, index) => this.extractText(text, `output_${index}`, "output"));
  }
}

/** Replaces a text with its `$ref` when it is a non-empty string. */
export function extractAt(holder: Json, key: string, log: CallLog, filename: string): void {
  const value = holder[key];
  if (typeof value === "string" && value !== "") holder[key] = log.extractText(value, filename, "input");
}

/** POST JSON; a non-2xx answer becomes `<Provider> API error (<status>): <message>` (never the key). */
export async function postJson(provider: string, url: string, headers: Record<string, string>, body: Json, env: LlmCallEnvironment): Promise<Json> {
  let response;
  try {
    response = await httpRequest({ method: "POST", url, headers, json: body, signal: env.signal });
  } catch (error) {
    if (error instanceof HttpRequestError && error.kind === "aborted") throw new Error("Request cancelled by user");
    throw new Error(`${provider} API request failed: ${(error as Error).message}`);
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
    throw new Error(redactKey(`${provider} API error (${response.status}): ${message}`, env.apiKey));
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new Error(`${provider} API returned an unreadable response: ${response.text.slice(0, 200)}`);
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

export function schemaInstruction(schema: Json): string {
  return `\n\nRespond ONLY with valid JSON matching this schema:\n${JSON.stringify(schema, null, 2)}`;
}
