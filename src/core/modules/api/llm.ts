/**
 * `api.llm` (modules.md §2.6). In mock mode (the default for virtual runs, ruling 5) it answers with
 * `getMockOutput` straight away: schema-shaped data from `output_schema` (seed 42, so the same schema
 * always gives the same value), or a lorem paragraph without one, in the real module's output shape.
 *
 * Real mode (mock off): the messages (llm-messages.ts) go to the OpenAI or Anthropic provider over
 * HTTP (src/core/providers/llm), with the key and base URL from the caller's provider settings or the
 * environment; the call is logged to `workflow_files` and its usage costed into `tokens`. Any
 * failure is reported as the original does, `LLM API call failed: <reason>`.
 */
import { DEFAULT_MOCK_SEED, generateLoremText, generateMockFromSchema, seededRandom } from "../../mock";
import { pythonJsonDumps } from "../../python/json-dumps";
import { LimitExceeded } from "../../limits";
import { errorText, getInputValue, ModuleExecutionError } from "../base";
import { isPlainObject, isTruthy } from "../../python/builtins";
import type { ExecutableModule, ModuleContext, ModuleInputDecl, ModuleOutputDecl } from "../types";
import { getLlmProvider, providerConnection, type CallLogSink, type LlmCallRequest } from "../../providers";
import { pyStr } from "../../python/format";
import { buildLlmMessages } from "./llm-messages";

export const MOCK_MODEL = "mock-preview";
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
      response_text: typeof response === "string" ? response : pythonJsonDumps(response, { indent: 2, dates: "iso" }),
      model: MOCK_MODEL,
      usage: {},
      token_usage: 0,
      token_usage_detailed: { model_used: MOCK_MODEL, prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, cached_tokens: 0 },
    };
  }

  async execute(inputs: Record<string, unknown>, context: ModuleContext): Promise<Record<string, unknown>> {
    if (context.mockMode) {
      try {
        return this.getMockOutput(inputs);
      } catch (error) {
        if (error instanceof LimitExceeded) throw new ModuleExecutionError(this.moduleId, `Mock response failed: ${error.message}`, error);
        throw error;
      }
    }
    try {
      return await this.callProvider(inputs, context);
    } catch (error) {
      throw new ModuleExecutionError(this.moduleId, `LLM API call failed: ${errorText(error)}`, error);
    }
  }

  /** The real call (modules.md §2.6 "Real mode"): config precedence, messages, kwargs, provider, outputs. */
  private async callProvider(inputs: Record<string, unknown>, context: ModuleContext): Promise<Record<string, unknown>> {
    const value = (name: string) => getInputValue(this, inputs, name);
    const globalConfig = asConfig(context.services.ai_config);
    const moduleConfig = asConfig(value("ai_config"));
    // The run-time override (UI/API) wins over the module's own config.
    const merged: Record<string, unknown> = { ...moduleConfig, ...globalConfig };
    const providerId = String(firstTruthy(globalConfig.provider, moduleConfig.provider, inputs.provider) ?? "openai");
    const provider = getLlmProvider(providerId);
    const model = String(firstTruthy(globalConfig.model, moduleConfig.model, inputs.model) ?? DEFAULT_MODEL);
    const messages = buildLlmMessages(value("system"), value("input"), context.state);
    context.logger.info(`[LLM_CALL] provider=${providerId}, model=${model}, messages=${messages.length}`);

    const request: LlmCallRequest = { model, messages };
    const fromInputOrConfig = (name: string): unknown => {
      const given = value(name);
      if (given !== null && given !== undefined) return given;
      return Object.prototype.hasOwnProperty.call(merged, name) ? merged[name] : undefined;
    };
    request.temperature = fromInputOrConfig("temperature");
    request.maxTokens = fromInputOrConfig("max_tokens");
    request.reasoningEffort = fromInputOrConfig("reasoning_effort");
    const outputSchema = value("output_schema");
    if (isTruthy(outputSchema) && isPlainObject(outputSchema)) request.outputSchema = outputSchema;
    const metadata = value("metadata");
    if (isTruthy(metadata) && isPlainObject(metadata)) request.metadata = metadata;
    const cacheSystem = value("cache_system_message");
    if (cacheSystem !== null && cacheSystem !== undefined) request.cacheSystemMessage = isTruthy(cacheSystem);
    const cacheUser = value("cache_user_prefix");
    if (cacheUser !== null && cacheUser !== undefined) request.cacheUserPrefix = isTruthy(cacheUser);
    if (Object.prototype.hasOwnProperty.call(merged, "api_endpoint") && isTruthy(merged.api_endpoint)) request.apiEndpoint = String(merged.api_endpoint);
    if (isTruthy(value("api_key")) || isTruthy(merged.api_key)) {
      // Keys come from the caller or the environment, never from the workflow (and never into the DB).
      context.logger.warning("api.llm: an api_key in the workflow is ignored; configure the provider key instead");
    }

    const connection = providerConnection(context.providers, providerId);
    const result = await provider.call(request, {
      apiKey: connection.apiKey,
      baseUrl: connection.baseUrl,
      logger: context.logger,
      signal: context.signal,
      callLog: callLogSink(context),
      storeUsage: (entry) => storeUsage(context, entry),
    });

    const usage = result.usage;
    return {
      response: result.content,
      response_text: result.contentText ?? pyStr(result.content),
      model: result.model || model,
      usage: usage ?? {},
      token_usage: usage?.total_tokens ?? 0,
      token_usage_detailed: {
        model_used: model,
        prompt_tokens: usage?.prompt_tokens ?? 0,
        completion_tokens: usage?.completion_tokens ?? 0,
        total_tokens: usage?.total_tokens ?? 0,
        cached_tokens: usage?.cached_tokens ?? 0,
      },
    };
  }
}

/** `YYYYmmdd_HHMMSS_ffffff` (UTC) of the DB clock, for call-log group ids. */
function callTimestamp(now: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  return (
    `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}_` +
    `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}_${pad(now.getUTCMilliseconds() * 1000, 6)}`
  );
}

/** The request/response log goes to `workflow_files` (category `api_calls`) of the run's branch. */
function callLogSink(context: ModuleContext): CallLogSink | null {
  if (!context.db || !context.workflowRunId) return null;
  return {
    timestamp: () => callTimestamp(context.now()),
    save: ({ groupId, filename, content, contentType, metadata }) => {
      context.db.storeWorkflowFile({
        workflowRunId: context.workflowRunId,
        category: "api_calls",
        groupId,
        filename,
        content,
        contentType,
        metadata,
        branchId: context.branchId || null,
      });
    },
  };
}

/** `_store_token_usage`: one costed entry in `tokens`; any failure is only a warning. */
function storeUsage(context: ModuleContext, entry: Record<string, unknown>): void {
  try {
    if (!context.stepId) throw new Error("context.step_id is not set - this indicates a bug in the workflow processor");
    if (!context.currentModuleName) throw new Error("context.current_module_name is not set - this indicates a bug in the workflow processor");
    const stepName = context.state.getStepConfig().name;
    context.db.storeTokenUsage({
      workflowRunId: context.workflowRunId,
      stepId: context.stepId,
      stepName: typeof stepName === "string" ? stepName : "",
      moduleName: context.currentModuleName,
      moduleIndex: context.currentModuleIndex,
      usage: [entry],
    });
  } catch (error) {
    context.logger.warning(`Failed to store token usage: ${errorText(error)}`);
  }
}

function asConfig(value: unknown): Record<string, unknown> {
  return isPlainObject(value) ? value : {};
}

function firstTruthy(...values: unknown[]): unknown {
  return values.find(isTruthy);
}
