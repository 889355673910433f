/** LLM providers by id (modules.md §2.6a): OpenAI and Anthropic over their HTTP APIs. */
import { anthropicProvider } from "./anthropic";
import { openaiProvider } from "./openai";
import type { LlmProvider } from "./types";

const PROVIDERS: Record<string, LlmProvider> = { openai: openaiProvider, anthropic: anthropicProvider };

export const LLM_PROVIDER_IDS: readonly string[] = Object.keys(PROVIDERS);

/** The provider, or the original's error for an unknown id. */
export function getLlmProvider(id: string): LlmProvider {
  if (!Object.prototype.hasOwnProperty.call(PROVIDERS, id)) {
    throw new Error(`Unknown provider: '${id}'. Available providers: [${LLM_PROVIDER_IDS.map((p) => `'${p}'`).join(", ")}]`);
  }
  return PROVIDERS[id];
}

/** The environment variable the original reads a provider's key from. */
export const API_KEY_ENV: Record<string, string> = { openai: "OPENAI_API_KEY", anthropic: "ANTHROPIC_API_KEY" };

export { anthropicProvider, sanitizeSchemaForAnthropic, ANTHROPIC_DEFAULT_BASE_URL, ANTHROPIC_VERSION } from "./anthropic";
export { openaiProvider, OPENAI_DEFAULT_BASE_URL } from "./openai";
export { modelCapabilities, validateKwargs, type ModelCapabilities } from "./models";
export { stripMarkdownFences, truncateImageData, requireStepIdFromMetadata, redactKey } from "./shared";
export type { CallLogSink, LlmCallEnvironment, LlmCallRequest, LlmCallResult, LlmProvider, LlmUsage } from "./types";
