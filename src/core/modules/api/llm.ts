/**
 * `api.llm` (modules.md §2.6). In mock mode (the default for virtual runs, ruling 5) it answers with
 * `getMockOutput` straight away: schema-shaped data from `output_schema` (seed 42, so the same schema
 * always gives the same value), or a lorem paragraph without one, in the real module's output shape.
 *
 * Real provider calls come with the providers issue; until then a non-mock call builds its messages
 * (llm-messages.ts) and fails the way the original reports any provider failure,
 * `LLM API call failed: <reason>`.
 */
import { DEFAULT_MOCK_SEED, generateLoremText, generateMockFromSchema, seededRandom } from "../../mock";
import { pythonJsonIndent } from "../../repositories/python-json";
import { errorText, getInputValue, ModuleExecutionError } from "../base";
import { isPlainObject, isTruthy } from "../python";
import type { ExecutableModule, ModuleContext, ModuleInputDecl, ModuleOutputDecl } from "../types";
import { buildLlmMessages } from "./llm-messages";

export const MOCK_MODEL = "mock-preview";
const PROVIDERS = ["openai", "anthropic"];
const DEFAULT_MODEL = "gpt-5.2";

export class LlmCallModule implements ExecutableModule {
  readonly kind = "executable";
  readonly moduleId = "api.llm";

  readonly inputs: readonly ModuleInputDecl[] = [
    { name: "provider", type: "string", required: false, default: "openai", description: "LLM provider ID (openai, anthropic, etc.)" },
    { name: "model", type: "string", required: false, default: null, description: "Model identifier (uses ai_config.model if not specified)" },
    { name: "input", type: null, required: true, description: "Input for the API - string or messages array" },
    { name: "system", type: "string", required: false, default: null, description: "System message(s): a string, a list or an object" },
    { name: "ai_config", type: "object", required: false, default: null, description: "AI configuration (model, temperature, max_tokens, etc.)" },
    { name: "temperature", type: "number", required: false, default: null, description: "Temperature override" },
    { name: "max_tokens", type: "number", required: false, default: null, description: "Max tokens override" },
    { name: "output_schema", type: "object", required: false, default: null, description: "JSON schema for structured output" },
    { name: "reasoning_effort", type: "string", required: false, default: null, description: "Reasoning effort (low, medium, high)" },
    { name: "api_key", type: "string", required: false, default: null, description: "API key override" },
    { name: "metadata", type: "object", required: false, default: null, description: "Metadata; real calls need metadata.step_id" },
    { name: "cache_system_message", type: "boolean", required: false, default: null, description: "Enable prompt caching for the system message" },
    { name: "cache_user_prefix", type: "boolean", required: false, default: null, description: "Enable prompt caching for the first user message" },
  ];

  readonly outputs: readonly ModuleOutputDecl[] = [
    { name: "response", type: "string", description: "Generated response (string or parsed JSON if schema provided)" },
    { name: "response_text", type: "string", description: "Raw text response" },
    { name: "model", type: "string", description: "Model used" },
    { name: "usage", type: "object", description: "Token usage information" },
  ];

  getMockOutput(inputs: Record<string, unknown>): Record<string, unknown> {
    const outputSchema = getInputValue(this, inputs, "output_schema");
    const response = isTruthy(outputSchema)
      ? generateMockFromSchema(outputSchema, DEFAULT_MOCK_SEED)
      : generateLoremText(seededRandom(DEFAULT_MOCK_SEED), 3);
    return {
      response,
      response_text: typeof response === "string" ? response : pythonJsonIndent(response, 2),
      model: MOCK_MODEL,
      usage: {},
      token_usage: 0,
      token_usage_detailed: { model_used: MOCK_MODEL, prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, cached_tokens: 0 },
    };
  }

  async execute(inputs: Record<string, unknown>, context: ModuleContext): Promise<Record<string, unknown>> {
    if (context.mockMode) return this.getMockOutput(inputs);
    try {
      const globalConfig = asConfig(context.services.ai_config);
      const moduleConfig = asConfig(getInputValue(this, inputs, "ai_config"));
      const provider = firstTruthy(globalConfig.provider, moduleConfig.provider, inputs.provider) ?? "openai";
      if (!PROVIDERS.includes(String(provider))) {
        throw new Error(`Unknown provider: '${String(provider)}'. Available providers: ['openai', 'anthropic']`);
      }
      const model = firstTruthy(globalConfig.model, moduleConfig.model, inputs.model) ?? DEFAULT_MODEL;
      const messages = buildLlmMessages(getInputValue(this, inputs, "system"), getInputValue(this, inputs, "input"), context.state);
      context.logger.info(`[LLM_CALL] provider=${String(provider)}, model=${String(model)}, messages=${messages.length}`);
      throw new Error(`real LLM calls are not available yet (provider '${String(provider)}', model '${String(model)}'); run with mock mode on`);
    } catch (error) {
      throw new ModuleExecutionError(this.moduleId, `LLM API call failed: ${errorText(error)}`, error);
    }
  }
}

function asConfig(value: unknown): Record<string, unknown> {
  return isPlainObject(value) ? value : {};
}

function firstTruthy(...values: unknown[]): unknown {
  return values.find(isTruthy);
}
