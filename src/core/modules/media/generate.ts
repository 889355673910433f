/**
 * `media.generate` (modules.md §2.26): shows prompts per media provider, lets the user generate media
 * through the module's own sub-action, and returns the piece the user picked.
 *
 * The request enriches every provider entry with the provider's UI metadata (`_provider_metadata`)
 * and an empty `_generations` list. The answer names a content id; the module finds it in the
 * generations the client sends, and adds the stored content's local path when the DB knows it.
 *
 * Mock mode (ruling 5, 12): the sub-action yields one placeholder picture as an inline SVG data URL
 * with unique full-uuid7 ids, at once (the original slept 0.3 s). Real generation needs the original's
 * media worker behind its task queue, which a virtual run does not have; the sub-action says so.
 */
import { MOCK_MEDIA_DATA_URL } from "../../mock";
import { readEnv } from "../../providers/env";
import { getInputValue, ModuleExecutionError, newInteractionId } from "../base";
import { isPlainObject, isTruthy } from "../../python/builtins";
import {
  makeInteractionRequest,
  type InteractionRequest,
  type InteractionResponse,
  type InteractiveModule,
  type ModuleContext,
  type ModuleInputDecl,
  type ModuleOutputDecl,
  type SubActionContext,
  type SubActionEvent,
} from "../types";
import { providerMetadata } from "./provider-catalog";

type Json = Record<string, unknown>;

export const MEDIA_GENERATE_INPUTS: readonly ModuleInputDecl[] = [
  { name: "prompts", type: "object", required: true, description: "Prompts by provider (object, nested {prompts:{…}}, or array of {provider, …})" },
  { name: "schema", type: "object", required: true, description: "Display schema passed to the client" },
  { name: "title", type: "string", required: false, default: "Generate Media", description: "Interaction title" },
  { name: "action_type", type: "string", required: false, default: "txt2img", description: "txt2img, img2img, img2vid or txt2audio" },
];

export const MEDIA_GENERATE_OUTPUTS: readonly ModuleOutputDecl[] = [
  { name: "selected_content_id", type: "string", description: "Content id the user picked" },
  { name: "selected_content", type: "object", description: "{content_id, url, metadata_id, prompt_key} of the pick" },
  { name: "generations", type: "object", description: "Every generation the client made, by prompt key" },
];

export class MediaGenerateModule implements InteractiveModule {
  readonly kind = "interactive";
  readonly moduleId: string = "media.generate";
  readonly inputs: readonly ModuleInputDecl[] = MEDIA_GENERATE_INPUTS;
  readonly outputs: readonly ModuleOutputDecl[] = MEDIA_GENERATE_OUTPUTS;

  /** `{_provider_metadata, _generations: [], ...entry}` for every object entry (the entry's keys win). */
  protected enrichWithMetadata(entries: Json, actionType: string, context: ModuleContext): Json {
    const out: Json = {};
    for (const [provider, entry] of Object.entries(entries)) {
      if (!isPlainObject(entry)) {
        out[provider] = entry;
        continue;
      }
      const found = providerMetadata(provider, actionType);
      if (!found.ok) context.logger.warning(`Could not get metadata for provider '${provider}': ${found.reason}`);
      out[provider] = { _provider_metadata: found.ok ? found.metadata : {}, _generations: [], ...entry };
    }
    return out;
  }

  /** Nested form (`{…, prompts:{provider:…}}`) enriches `prompts` and keeps the other keys. */
  private injectMetadata(prompts: Json, actionType: string, context: ModuleContext): Json {
    if (isPlainObject(prompts.prompts)) return { ...prompts, prompts: this.enrichWithMetadata(prompts.prompts, actionType, context) };
    return this.enrichWithMetadata(prompts, actionType, context);
  }

  private promptsData(prompts: unknown, actionType: string, context: ModuleContext): Json {
    if (Array.isArray(prompts)) {
      const byProvider: Json = {};
      prompts.forEach((item, index) => {
        if (!isPlainObject(item)) throw new ModuleExecutionError(this.moduleId, `Prompts array item ${index} is not a dict`);
        if (!isTruthy(item.provider)) {
          throw new ModuleExecutionError(this.moduleId, `Prompts array item ${index} is missing required 'provider' field`);
        }
        const { provider, ...rest } = item;
        byProvider[String(provider)] = rest;
      });
      return this.injectMetadata(byProvider, actionType, context);
    }
    if (isPlainObject(prompts)) return this.injectMetadata(prompts, actionType, context);
    return {};
  }

  async getInteractionRequest(inputs: Json, context: ModuleContext): Promise<InteractionRequest> {
    const actionType = String(getInputValue(this, inputs, "action_type") || "txt2img");
    const data = this.promptsData(inputs.prompts, actionType, context);
    const sourceImage = inputs.source_image;
    if (isTruthy(sourceImage)) data._source_image = sourceImage;
    return makeInteractionRequest({
      interaction_id: newInteractionId("media", context),
      interaction_type: "media_generation",
      title: getInputValue(this, inputs, "title") as string,
      display_data: { data, schema: inputs.schema, sub_actions: context.subActions, generations: {}, retryable: context.retryable },
      context: { module_id: this.moduleId },
    });
  }

  async executeWithResponse(inputs: Json, context: ModuleContext, response: InteractionResponse): Promise<Json> {
    if (isTruthy(response.cancelled)) throw new ModuleExecutionError(this.moduleId, "User cancelled media generation");
    if (isTruthy(response.jump_back_requested)) {
      return { selected_content_id: null, selected_content: null, generations: {}, jump_back_requested: true, jump_back_target: response.jump_back_target };
    }
    if (isTruthy(response.retry_requested)) {
      return {
        selected_content_id: null,
        selected_content: null,
        generations: {},
        retry_requested: true,
        retry_feedback: isTruthy(response.retry_feedback) ? response.retry_feedback : "",
        retry_groups: isTruthy(response.retry_groups) ? response.retry_groups : [],
      };
    }

    const contentId = response.selected_content_id;
    const generations = isTruthy(response.generations) ? response.generations : {};
    let selected: unknown = null;
    if (isTruthy(contentId)) {
      selected = findSelection(generations, contentId);
      if (selected === null && isTruthy(response.selected_content)) selected = response.selected_content;
      if (isPlainObject(selected)) {
        const stored = context.db.getContentById(String(contentId));
        if (stored && isTruthy(stored.local_path)) selected.local_path = resolveLocalPath(String(stored.local_path));
      }
    }
    return { selected_content_id: contentId, selected_content: selected, generations };
  }

  async *subAction(context: SubActionContext): AsyncGenerator<SubActionEvent> {
    const params = context.params;
    if (context.mockMode) {
      yield ["progress", { status: "processing", progress: { elapsed_ms: 200, message: "Generating mock content..." } }];
      yield [
        "result",
        {
          metadata_id: `mock-meta-${context.newId()}`,
          content_ids: [`mock-${context.newId()}`],
          urls: [MOCK_MEDIA_DATA_URL],
          prompt_id: params.prompt_id ?? null,
          mock: true,
        },
      ];
      return;
    }
    throw new Error(
      `Real media generation (provider '${String(params.provider ?? "")}', ${String(params.action_type ?? "txt2img")}) runs on the ` +
        "Workflow Manager media worker through its task queue, which virtual runs do not have; turn mock mode on to preview media",
    );
  }
}

/** The first generation (prompt-key order, then list order) whose `content_ids` holds `contentId`. */
function findSelection(generations: unknown, contentId: unknown): Json | null {
  if (!isPlainObject(generations)) return null;
  for (const [promptKey, list] of Object.entries(generations)) {
    if (!Array.isArray(list)) continue;
    for (const generation of list) {
      if (!isPlainObject(generation)) continue;
      const ids = Array.isArray(generation.content_ids) ? generation.content_ids : [];
      const position = ids.indexOf(contentId);
      if (position < 0) continue;
      const urls = Array.isArray(generation.urls) ? generation.urls : [];
      return {
        content_id: contentId,
        url: position < urls.length ? urls[position] : null,
        metadata_id: generation.metadata_id ?? null,
        prompt_key: promptKey,
      };
    }
  }
  return null;
}

/** `resolve_local_path`: absolute paths as they are, else under `MEDIA_BASE_PATH` when it is set. */
function resolveLocalPath(path: string): string {
  if (path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path)) return path;
  const base = readEnv("MEDIA_BASE_PATH");
  return base === undefined ? path : `${base.replace(/[\\/]+$/, "")}/${path}`;
}
