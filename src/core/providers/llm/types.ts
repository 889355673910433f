/** The LLM provider interface real-mode `api.llm` calls (modules.md §2.6a). */
import type { ProviderLogger } from "../types";

export type Json = Record<string, unknown>;

/** One part of a message's content, as `api.llm` builds it (modules/api/llm-messages.ts). */
export type MessagePart =
  | { type: "text"; text: string }
  | { type: "image_base64"; data: string }
  | { type: "image_url"; url: string }
  | { type: "image_path"; path: string };

export interface LlmMessage {
  role: string;
  content: MessagePart[];
}

/** What the module asks for; every optional kwarg only when the module decided to send it. */
export interface LlmCallRequest {
  model: string;
  messages: LlmMessage[];
  temperature?: unknown;
  maxTokens?: unknown;
  reasoningEffort?: unknown;
  outputSchema?: Json;
  metadata?: Json;
  /** `responses` or `completions` (OpenAI); the model's own endpoint when absent. */
  apiEndpoint?: string;
  cacheSystemMessage?: boolean;
  cacheUserPrefix?: boolean;
}

export interface LlmUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cached_tokens: number;
  [key: string]: number;
}

export interface LlmCallResult {
  /** Parsed JSON when an output schema was given and the text parses; else the text. */
  content: unknown;
  contentText: string;
  usage: LlmUsage;
  model: string;
}

/** Where a call writes its request/response log (`workflow_files`, category `api_calls`). */
export interface CallLogSink {
  save(file: { groupId: string; filename: string; content: unknown; contentType: "text" | "json"; metadata: Json }): void;
  /** `YYYYmmdd_HHMMSS_ffffff` for the group id. */
  timestamp(): string;
}

export interface LlmCallEnvironment {
  /** From the caller (SecretStorage, settings) or the environment; never from the workflow. */
  apiKey?: string;
  baseUrl?: string;
  logger: ProviderLogger;
  signal?: AbortSignal;
  callLog: CallLogSink | null;
  /** Stores one costed usage entry in `tokens` (best effort: failures are only warnings). */
  storeUsage(entry: Json): void;
}

export interface LlmProvider {
  readonly id: string;
  readonly displayName: string;
  call(request: LlmCallRequest, env: LlmCallEnvironment): Promise<LlmCallResult>;
}
