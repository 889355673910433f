/**
 * What each LLM model supports and costs (the original's per-provider `models.json`): capabilities
 * decide which keyword arguments are sent (`validateKwargs`), whether images and structured output
 * are allowed, and the prices cost the token usage stored in `tokens`.
 * Look-up: the exact model, else the first key (in table order) the model name starts with, else
 * `default`.
 */
import type { ProviderLogger } from "../types";

type Json = Record<string, unknown>;

export interface ModelCapabilities {
  display_name: string;
  api_endpoint: string;
  supports: Record<string, unknown>;
  pricing?: Record<string, number>;
}

const openaiReasoning = (fallback: string) => ({ values: ["low", "medium", "high"], default: fallback });
const gpt5 = (name: string, prompt: number, completion: number, cached: number, vision = true, maxTokens = 100000, effort = "medium"): ModelCapabilities => ({
  display_name: name,
  api_endpoint: "responses",
  supports: { temperature: false, max_tokens: { max: maxTokens }, vision, structured_output: true, reasoning_effort: openaiReasoning(effort), cache_control: true },
  pricing: { prompt_token: prompt, completion_token: completion, cached_token: cached },
});
const gpt4 = (name: string, maxTokens: number, prompt: number, completion: number, cached: number): ModelCapabilities => ({
  display_name: name,
  api_endpoint: "responses",
  supports: { temperature: { min: 0, max: 2, default: 1 }, max_tokens: { max: maxTokens }, vision: true, structured_output: true, reasoning_effort: false, cache_control: false },
  pricing: { prompt_token: prompt, completion_token: completion, cached_token: cached },
});

const OPENAI_MODELS: Record<string, ModelCapabilities> = {
  default: { display_name: "OpenAI", api_endpoint: "responses", supports: { temperature: { min: 0, max: 2, default: 1 } } },
  "gpt-5.2": gpt5("OpenAI GPT-5.2", 1.75e-6, 1.4e-5, 1.8e-7),
  "gpt-5.2-codex": gpt5("OpenAI GPT-5.2 Codex", 1.75e-6, 1.4e-5, 1.8e-7),
  "gpt-5.1": gpt5("OpenAI GPT-5.1", 1.25e-6, 1e-5, 1.2e-7),
  "gpt-5.1-codex": gpt5("OpenAI GPT-5.1 Codex", 1.25e-6, 1e-5, 1.2e-7),
  "gpt-5.1-codex-max": gpt5("OpenAI GPT-5.1 Codex Max", 1.25e-6, 1e-5, 1.2e-7),
  "gpt-5": gpt5("OpenAI GPT-5", 1.25e-6, 1e-5, 1.2e-7),
  "gpt-5-codex": gpt5("OpenAI GPT-5 Codex", 1.25e-6, 1e-5, 1.2e-7),
  "gpt-5-mini": gpt5("OpenAI GPT-5 Mini", 2.5e-7, 2e-6, 1.2e-7, false, 65536, "low"),
  "gpt-4.1": gpt4("OpenAI GPT-4.1", 32768, 2e-6, 8e-6, 5e-7),
  "gpt-4.1-mini": gpt4("OpenAI GPT-4.1 Mini", 32768, 4e-7, 1.6e-6, 1e-7),
  "gpt-4o": gpt4("OpenAI GPT-4o", 16384, 2.5e-6, 1e-5, 1.25e-6),
  "gpt-4o-mini": gpt4("OpenAI GPT-4o Mini", 16384, 1.5e-7, 0, 2e-8),
};

const claude = (name: string, maxTokens: number, structured: boolean, input: number, output: number, read: number, creation: number, thinking = true): ModelCapabilities => ({
  display_name: name,
  api_endpoint: "messages",
  supports: {
    temperature: { min: 0, max: 1, default: 1 },
    max_tokens: { max: maxTokens, required: true },
    vision: true,
    structured_output: structured,
    extended_thinking: thinking,
    cache_control: true,
  },
  pricing: { input_token: input, output_token: output, cache_read_token: read, cache_creation_token: creation },
});

const ANTHROPIC_MODELS: Record<string, ModelCapabilities> = {
  default: claude("Anthropic Claude", 8192, false, 3e-6, 1.5e-5, 3e-7, 3.75e-6, false),
  "claude-opus-4-6": claude("Anthropic Claude Opus 4.6", 128000, true, 5e-6, 2.5e-5, 5e-7, 1e-5),
  "claude-opus-4-5": claude("Anthropic Claude Opus 4.5", 64000, true, 5e-6, 2.5e-5, 5e-7, 1e-5),
  "claude-opus-4-1": claude("Anthropic Claude Opus 4.1", 32000, false, 1.5e-5, 7.5e-5, 1.5e-6, 3e-5),
  "claude-opus-4-0": claude("Anthropic Claude Opus 4", 32000, false, 1.5e-5, 7.5e-5, 1.5e-6, 3e-5),
  "claude-sonnet-4-5": claude("Anthropic Claude Sonnet 4.5", 64000, true, 3e-6, 1.5e-5, 3e-7, 6e-6),
  "claude-sonnet-4-0": claude("Anthropic Claude Sonnet 4", 64000, false, 3e-6, 1.5e-5, 3e-7, 6e-6),
  "claude-haiku-4-5": claude("Anthropic Claude Haiku 4.5", 64000, true, 1e-6, 5e-6, 1e-7, 2e-6),
};

const TABLES: Record<string, Record<string, ModelCapabilities>> = { openai: OPENAI_MODELS, anthropic: ANTHROPIC_MODELS };

export function modelCapabilities(provider: string, model: string): ModelCapabilities {
  const table = TABLES[provider] ?? {};
  if (Object.prototype.hasOwnProperty.call(table, model)) return table[model];
  for (const key of Object.keys(table)) if (key !== "default" && model.startsWith(key)) return table[key];
  return table.default ?? { display_name: provider, api_endpoint: "", supports: {} };
}

/**
 * `validate_kwargs`: `supports[key] === false` drops the kwarg (with a warning); `{values, default}`
 * replaces an invalid value by the default (or drops it); `{min, max}` clamps; anything else keeps it.
 */
export function validateKwargs(kwargs: Json, capabilities: ModelCapabilities, logger: ProviderLogger): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(kwargs)) {
    const rule = capabilities.supports[key];
    if (rule === false) {
      logger.warning(`Parameter '${key}' is not supported by this model; ignoring it`);
      continue;
    }
    if (rule !== null && typeof rule === "object" && !Array.isArray(rule)) {
      const spec = rule as Json;
      if (Array.isArray(spec.values)) {
        if (spec.values.includes(value)) out[key] = value;
        else if (spec.default !== undefined) {
          logger.warning(`Invalid value '${String(value)}' for '${key}'; using '${String(spec.default)}'`);
          out[key] = spec.default;
        } else logger.warning(`Invalid value '${String(value)}' for '${key}'; ignoring it`);
        continue;
      }
      if (typeof value === "number" && (typeof spec.min === "number" || typeof spec.max === "number")) {
        let clamped = value;
        if (typeof spec.min === "number" && clamped < spec.min) clamped = spec.min;
        if (typeof spec.max === "number" && clamped > spec.max) clamped = spec.max;
        if (clamped !== value) logger.warning(`'${key}' ${value} is out of range; using ${clamped}`);
        out[key] = clamped;
        continue;
      }
    }
    out[key] = value;
  }
  return out;
}
