/**
 * Default answers for a headless mock run (`up_to` in mock mode): what a user would most plausibly
 * answer when nothing was remembered and auto-selection cannot choose. Pauses are acknowledged, text
 * inputs take their default, forms their defaults, downloads report "written", file inputs get a tiny
 * PNG, and a media interaction picks a fresh mock generation of its first provider (the same
 * placeholder the mock sub-action returns). Selections are left to the engine's auto-selection.
 */
import { MOCK_MEDIA_DATA_URL, MOCK_PNG_DATA_URL } from "./media-placeholder";

type Json = Record<string, unknown>;

/** The fields of an interaction request this looks at (the API shape has them all). */
export interface DefaultAnswerRequest {
  interaction_id?: string;
  interaction_type?: string;
  default_value?: unknown;
  allow_empty?: boolean;
  form_defaults?: unknown;
  file_name?: unknown;
  display_data?: unknown;
  context?: unknown;
}

export interface DefaultAnswerOptions {
  /** Fresh 32-hex ids (the virtual DB's uuid7s) for mock content and metadata ids (ruling 12). */
  newId: () => string;
}

const MOCK_TEXT = "mock input";

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Prompt keys of a media interaction: `data.prompts` (nested form) or the top-level provider entries. */
function mediaPromptKeys(displayData: unknown): string[] {
  if (!isObject(displayData) || !isObject(displayData.data)) return [];
  const data = displayData.data;
  const source = isObject(data.prompts) ? data.prompts : data;
  return Object.keys(source).filter((key) => !key.startsWith("_") && isObject(source[key]));
}

/** One mock generation in the shape clients send: `{content_ids, urls, metadata_id, prompt_id, provider}`. */
export function mockGeneration(provider: string, promptId: string, options: DefaultAnswerOptions): Json {
  return {
    content_ids: [`mock-${options.newId()}`],
    urls: [MOCK_MEDIA_DATA_URL],
    metadata_id: `mock-meta-${options.newId()}`,
    prompt_id: promptId,
    provider,
    mock: true,
  };
}

/**
 * A PNG, unless the input only allows other extensions: then a data URL of an unknown type, which
 * `user.file_input` accepts whatever its extension list says (as the original does).
 */
function fileAnswer(displayData: unknown): string {
  const extensions = isObject(displayData) && Array.isArray(displayData.extensions) ? displayData.extensions : [];
  const allowsPng = extensions.length === 0 || extensions.some((extension) => String(extension).toLowerCase() === ".png");
  return allowsPng ? MOCK_PNG_DATA_URL : "data:application/octet-stream;base64,AA==";
}

function mediaAnswer(request: DefaultAnswerRequest, options: DefaultAnswerOptions): Json | null {
  const [promptKey] = mediaPromptKeys(request.display_data);
  if (promptKey === undefined) return null;
  const generation = mockGeneration(promptKey, promptKey, options);
  const contentId = (generation.content_ids as string[])[0];
  return {
    selected_content_id: contentId,
    selected_content: { content_id: contentId, url: MOCK_MEDIA_DATA_URL, metadata_id: generation.metadata_id, prompt_key: promptKey },
    generations: { [promptKey]: [generation] },
  };
}

/**
 * The answer a headless mock run gives to `request`, or null when there is no sensible default (a
 * selection the engine's auto-selection could not make, an unknown interaction type).
 */
export function defaultMockAnswer(request: DefaultAnswerRequest, options: DefaultAnswerOptions): Json | null {
  switch (request.interaction_type) {
    case "text_input": {
      const fallback = typeof request.default_value === "string" ? request.default_value : "";
      const isPause = isObject(request.context) && request.context.pause === true;
      if (isPause || fallback !== "" || request.allow_empty === true) return { value: fallback };
      return { value: MOCK_TEXT };
    }
    case "form_input":
      return { form_data: Array.isArray(request.form_defaults) ? request.form_defaults : [] };
    case "file_input":
      return { value: fileAnswer(request.display_data) };
    case "file_download":
      return { file_written: true, file_path: typeof request.file_name === "string" ? request.file_name : "" };
    case "media_generation":
      return mediaAnswer(request, options);
    default:
      return null;
  }
}
