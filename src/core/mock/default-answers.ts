/**
 * Default answers for a headless mock run (`up_to` in mock mode): what a user would most plausibly
 * answer when nothing was remembered and auto-selection cannot choose. Pauses are acknowledged, text
 * inputs take their default, forms their defaults, downloads report "written", file inputs get a tiny
 * PNG, and a media interaction picks a fresh mock generation of its first provider (the same
 * placeholder the mock sub-action returns). A review (`user.select` with `mode: "review"`) is accepted
 * as it is, the WebUI's "continue" (`{value: "accepted"}`, no indices: the module's "no changes").
 * Selections are left to the engine's auto-selection first; a select it cannot answer (no selectable
 * item) is submitted with nothing selected, all a user could do there. Every interaction type the
 * modules ask (docs/modules.md §1.5) has a default (`DEFAULT_ANSWERS`, keyed by interaction type, so
 * the compiler asks for the default of a new type); each default has a rule name the run trace shows.
 */
import { isInteractionType, type InteractionType } from "../interaction/schema";
import { checkTextAnswer } from "../interaction/text-validation";
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

/** Tried in order when a text input's `validation_pattern` rejects its default (issue 12.4). */
const PATTERN_CANDIDATES = [
  "mock", "Mock", "MOCK", "mock_input", "mock-input", "1", "42", "0", "1.5", "a", "A", "x", "abc", "abc123", "a1", "A1", "1a",
  "mock@example.com", "https://example.com", "2024-01-01", "12:00", "#ffffff", "+15550100", "yes", "true", "en", "EN", "US",
];

/**
 * The answer itself when the request's `context.validation` accepts it, else the first candidate that
 * passes, else undefined: no mock text is known to pass, so up_to stops there and asks (issue 12.4).
 */
function passingText(value: string, context: unknown): string | undefined {
  const validation = isObject(context) && isObject(context.validation) ? context.validation : null;
  if (validation === null) return value;
  const passes = (answer: string) => {
    try {
      return checkTextAnswer(answer, validation).valid;
    } catch {
      return false;
    }
  };
  if (passes(value)) return value;
  return PATTERN_CANDIDATES.find(passes);
}

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

/** Which default a headless mock run used (the run trace names it). */
export type DefaultAnswerRule =
  | "pause_acknowledged"
  | "text_default"
  | "text_mock"
  | "form_defaults"
  | "file_png"
  | "file_any_type"
  | "download_written"
  | "media_first_provider"
  | "review_accept"
  | "select_nothing";

export interface DefaultAnswer {
  rule: DefaultAnswerRule;
  answer: Json;
}

/** How a headless mock run answers one interaction type. */
interface DefaultAnswerEntry {
  /** A selection: the engine's auto-selection answers it first, this default only after. */
  selection: boolean;
  /** The default and the rule that chose it, or null when there is none (a media interaction without prompts). */
  answer(request: DefaultAnswerRequest, options: DefaultAnswerOptions): DefaultAnswer | null;
}

/** One entry per interaction type: a type without one is a compile error. */
const DEFAULT_ANSWERS: Record<InteractionType, DefaultAnswerEntry> = {
  text_input: {
    selection: false,
    answer(request) {
      const fallback = typeof request.default_value === "string" ? request.default_value : "";
      const isPause = isObject(request.context) && request.context.pause === true;
      if (isPause) return { rule: "pause_acknowledged", answer: { value: fallback } };
      if (fallback !== "" || request.allow_empty === true) {
        const value = passingText(fallback, request.context);
        if (value === undefined) return null;
        if (value === fallback) return { rule: "text_default", answer: { value } };
        return { rule: "text_mock", answer: { value } };
      }
      // A validation_pattern the mock text fails would end the run in the module's retry error: ask instead.
      const value = passingText(MOCK_TEXT, request.context);
      return value === undefined ? null : { rule: "text_mock", answer: { value } };
    },
  },
  form_input: {
    selection: false,
    answer: (request) => ({ rule: "form_defaults", answer: { form_data: Array.isArray(request.form_defaults) ? request.form_defaults : [] } }),
  },
  file_input: {
    selection: false,
    answer(request) {
      const value = fileAnswer(request.display_data);
      return { rule: value === MOCK_PNG_DATA_URL ? "file_png" : "file_any_type", answer: { value } };
    },
  },
  file_download: {
    selection: false,
    answer: (request) => ({
      rule: "download_written",
      answer: { file_written: true, file_path: typeof request.file_name === "string" ? request.file_name : "" },
    }),
  },
  media_generation: {
    selection: false,
    answer(request, options) {
      const answer = mediaAnswer(request, options);
      return answer === null ? null : { rule: "media_first_provider", answer };
    },
  },
  // The WebUI's "continue" on a review (reviewGroupedStateToResponse): user.select reads no
  // indices, so the outputs are an empty selection and the run goes on.
  review_grouped: { selection: true, answer: () => ({ rule: "review_accept", answer: { value: "accepted", selected_indices: [] } }) },
  select_from_structured: { selection: true, answer: () => ({ rule: "select_nothing", answer: { selected_indices: [] } }) },
};

function entryFor(request: DefaultAnswerRequest): DefaultAnswerEntry | undefined {
  return isInteractionType(request.interaction_type) ? DEFAULT_ANSWERS[request.interaction_type] : undefined;
}

/**
 * The default a headless mock run gives to `request` and the rule that chose it, or null when there
 * is none (a media interaction without prompts, an unknown interaction type).
 */
export function defaultMockAnswerWithRule(request: DefaultAnswerRequest, options: DefaultAnswerOptions): DefaultAnswer | null {
  return entryFor(request)?.answer(request, options) ?? null;
}

/**
 * The default answer to an interaction that is not a selection, or null: selections
 * (`select_from_structured`, `review_grouped`) go to the engine's auto-selection first, and only
 * then to {@link defaultMockAnswerWithRule}, which covers every type.
 */
export function defaultMockAnswer(request: DefaultAnswerRequest, options: DefaultAnswerOptions): Json | null {
  const entry = entryFor(request);
  if (entry === undefined || entry.selection) return null;
  return entry.answer(request, options)?.answer ?? null;
}
