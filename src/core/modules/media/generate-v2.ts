/**
 * `media.generateV2` (modules.md §2.27): an LLM writes the prompts for every provider, then the
 * parent's media interaction shows them. The LLM runs while the interaction request is built (so a
 * rebuild calls it again; in mock mode the seed-42 mock gives the same prompts every time).
 *
 * The generated prompts are kept by writing `_generated_prompts` into the inputs object, which the
 * engine stores as `_resolved_inputs` and hands back with the answer. Validation failures are plain
 * errors (the original's ValueErrors), reported by the engine with one `Module '…' failed: ` prefix.
 */
import { cloneValue } from "../../db";
import { pyStr } from "../../python/format";
import { getInputValue } from "../base";
import { isPlainObject, isTruthy } from "../../python/builtins";
import type { InteractionRequest, InteractionResponse, ModuleContext, ModuleInputDecl, ModuleOutputDecl } from "../types";
import { LlmCallModule } from "../api/llm";
import { MediaGenerateModule, MEDIA_GENERATE_OUTPUTS } from "./generate";
import { providerDataSchema } from "./provider-catalog";

type Json = Record<string, unknown>;

const ALLOWED_PROVIDERS: Record<string, readonly string[]> = {
  txt2img: ["midjourney", "leonardo", "openai", "stable_diffusion"],
  img2vid: ["openai", "leonardo"],
  txt2audio: ["elevenlabs"],
};

/** Top-level fields the LLM writes next to `prompts`, per action type (all required strings). */
const EXTRA_FIELDS: Record<string, readonly string[]> = {
  txt2img: ["scene_title", "key_moment"],
  img2vid: ["scene_title", "motion_summary"],
  txt2audio: [],
};

const TAB_SUFFIX: Record<string, string> = {
  txt2img: "image_generation",
  img2vid: "video_generation",
  txt2audio: "audio_generation",
};

/** Python's `str.title()`: every letter after a non-letter upper-cased, the others lower-cased. */
export function pythonTitle(text: string): string {
  let previousIsLetter = false;
  let out = "";
  for (const char of text) {
    const isLetter = char.toLowerCase() !== char.toUpperCase();
    out += isLetter ? (previousIsLetter ? char.toLowerCase() : char.toUpperCase()) : char;
    previousIsLetter = isLetter;
  }
  return out;
}

function validateProviders(providers: unknown): string[] {
  if (!Array.isArray(providers)) throw new Error("providers must be an array");
  const seen = new Set<string>();
  for (const provider of providers) {
    if (typeof provider !== "string" || provider.trim() === "") throw new Error("provider ids must be non-empty strings");
    if (seen.has(provider)) throw new Error(`duplicate provider not allowed: ${provider}`);
    seen.add(provider);
  }
  if (providers.length === 0) throw new Error("providers cannot be empty");
  return providers as string[];
}

function checkAllowed(providers: readonly string[], actionType: string): void {
  const allowed = ALLOWED_PROVIDERS[actionType];
  if (allowed === undefined) throw new Error(`Unsupported action_type: ${actionType}`);
  const outsiders = providers.filter((provider) => !allowed.includes(provider));
  if (outsiders.length > 0) throw new Error(`Invalid providers for action_type '${actionType}': ${outsiders.join(", ")}`);
}

/** The LLM's output schema: provider prompt schemas under `prompts`, plus the action's extra fields. */
export function buildV2OutputSchema(providers: readonly string[], actionType: string): Json {
  const providerSchemas: Json = {};
  for (const provider of providers) {
    const schema = providerDataSchema(provider, actionType);
    if (Object.keys(schema).length === 0) throw new Error(`Provider '${provider}' does not expose data schema for action_type '${actionType}'`);
    providerSchemas[provider] = schema;
  }
  const properties: Json = {
    prompts: { type: "object", properties: providerSchemas, required: [...providers], additionalProperties: false },
  };
  const extras = EXTRA_FIELDS[actionType] ?? [];
  for (const field of extras) properties[field] = { type: "string" };
  return { type: "object", properties, required: [...extras, "prompts"], additionalProperties: false };
}

/** The shared and per-provider instructions, stitched as literal text (never rendered). */
export function stitchInstructions(shared: unknown, providerPrompts: Json, providers: readonly string[]): string {
  const parts = ["## Shared Provider Instructions", pyText(shared), "Reference: {{shared_prompt_ref}} means 'shared instructions above'."];
  for (const provider of providers) {
    const own = providerPrompts[provider];
    const body = typeof own === "string" && own.trim() !== "" ? own : "Use {{shared_prompt_ref}}.";
    parts.push([`## Provider: ${provider}`, "Follow provider-specific output requirements.", body].join("\n"));
  }
  return parts.join("\n\n");
}

/** `str(value)`: Python's text of a non-string shared prompt. */
function pyText(value: unknown): string {
  return typeof value === "string" ? value : pyStr(value);
}

/** The display schema used when the workflow gives none: one tab per provider. */
export function defaultDisplaySchema(providers: readonly string[], actionType: string): Json {
  const renderAs = `tab.media[input_schema,${TAB_SUFFIX[actionType] ?? "image_generation"}]`;
  const properties: Json = {};
  for (const provider of providers) {
    properties[provider] = {
      type: "object",
      _ux: { display: "visible", tab_label: pythonTitle(provider.replace(/_/g, " ")), render_as: renderAs, provider },
      input_schema: {
        type: "object",
        _ux: { layout: "grid", layout_columns: 3, layout_columns_sm: 2 },
        properties: {
          _text: {
            type: "string",
            title: "Prompt",
            destination_field: "prompt",
            _ux: { input_type: "textarea", col_span: "full", rows: 4, source_field: "prompt" },
          },
        },
      },
      properties: { prompt: { type: "string", _ux: { display: false } } },
    };
  }
  return {
    type: "object",
    _ux: { display: "passthrough" },
    properties: { prompts: { type: "object", _ux: { display: "visible", render_as: "tabs" }, properties } },
  };
}

export class MediaGenerateV2Module extends MediaGenerateModule {
  override readonly moduleId: string = "media.generateV2";
  override readonly inputs: readonly ModuleInputDecl[] = [
    { name: "action_type", type: "string", required: false, default: "txt2img", description: "txt2img, img2vid or txt2audio" },
    { name: "providers", type: "array", required: true, description: "Ordered media provider ids" },
    { name: "prompt_config", type: "object", required: true, description: "{user, system?, shared_prompt?, provider_prompts?, provider?, model?, ai_config?, metadata?}" },
    { name: "display_schema", type: "object", required: false, default: null, description: "Display schema (a default one when absent)" },
    { name: "title", type: "string", required: false, default: "Generate Media", description: "Interaction title" },
    { name: "source_image", type: "string", required: false, default: null, description: "Source image for img2vid" },
  ];
  override readonly outputs: readonly ModuleOutputDecl[] = [
    ...MEDIA_GENERATE_OUTPUTS,
    { name: "generated_prompts", type: "object", description: "The LLM's whole response (prompts per provider and extra fields)" },
  ];

  private async generatePrompts(providers: readonly string[], actionType: string, promptConfig: unknown, context: ModuleContext): Promise<Json> {
    if (!isPlainObject(promptConfig)) throw new Error("prompt_config must be an object");
    const user = promptConfig.user;
    if (typeof user !== "string" || user.trim() === "") throw new Error("prompt_config.user must be a non-empty string");
    const shared = isTruthy(promptConfig.shared_prompt) ? promptConfig.shared_prompt : "";
    const providerPrompts = isPlainObject(promptConfig.provider_prompts) ? promptConfig.provider_prompts : {};
    const configured = promptConfig.system;
    const system: unknown[] = Array.isArray(configured) ? [...configured] : configured === null || configured === undefined ? [] : [configured];
    system.push({ type: "text", content: stitchInstructions(shared, providerPrompts, providers), cache_ttl: 10800 });

    const llmInputs: Json = {
      provider: promptConfig.provider ?? "openai",
      model: promptConfig.model ?? null,
      system,
      input: user,
      ai_config: promptConfig.ai_config ?? {},
      output_schema: buildV2OutputSchema(providers, actionType),
      metadata: promptConfig.metadata ?? { step_id: context.stepId },
    };
    const result = await new LlmCallModule().execute(llmInputs, context);
    const response = result.response;
    if (!isPlainObject(response)) throw new Error("V2 LLM response must be an object");
    if (!isPlainObject(response.prompts)) throw new Error("V2 LLM response must include prompts object");
    return response;
  }

  override async getInteractionRequest(inputs: Json, context: ModuleContext): Promise<InteractionRequest> {
    const actionType = String(getInputValue(this, inputs, "action_type") || "txt2img");
    const providers = validateProviders(inputs.providers);
    checkAllowed(providers, actionType);
    const generatedPrompts = await this.generatePrompts(providers, actionType, inputs.prompt_config, context);
    const given = getInputValue(this, inputs, "display_schema");
    const displaySchema = isPlainObject(given) ? given : defaultDisplaySchema(providers, actionType);

    const parentInputs: Json = {
      prompts: generatedPrompts,
      schema: displaySchema,
      title: getInputValue(this, inputs, "title") || "Generate Media",
      action_type: actionType,
    };
    const sourceImage = getInputValue(this, inputs, "source_image");
    if (isTruthy(sourceImage)) parentInputs.source_image = sourceImage;

    // Persisted through the engine's `_resolved_inputs` (the same object), read back with the answer.
    inputs._generated_prompts = generatedPrompts;
    const request = await super.getInteractionRequest(parentInputs, context);
    const displayData = cloneValue(request.display_data);
    if (isPlainObject(displayData.data)) displayData.data._generated_prompts = cloneValue(generatedPrompts);
    return { ...request, display_data: displayData };
  }

  override async executeWithResponse(inputs: Json, context: ModuleContext, response: InteractionResponse): Promise<Json> {
    const result = await super.executeWithResponse(inputs, context, response);
    return { ...result, generated_prompts: isTruthy(inputs._generated_prompts) ? inputs._generated_prompts : {} };
  }
}
