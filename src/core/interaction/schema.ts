/**
 * The interaction protocol's single source (tracker issue 16): the interaction types, the fields of a
 * request with their defaults, the zod union of requests as the API sends them, and the fields of a
 * response with theirs. The engine's defaults (`makeInteractionRequest`, the stored event dict, the API
 * shape), the mock default answers (`Record<InteractionType, …>`) and the panel's renderers
 * (`Record<InteractionType, Renderer>`) are derived from here, so a new type listed in
 * {@link interactionRequestSchema} makes the compiler point at each place that must handle it.
 *
 * It lives in src/core (the bottom layer may not import src/shared) and imports only `zod/mini`;
 * src/shared/interaction.ts re-exports it for the webview.
 *
 * Field order matters: the JSON the engine emits keeps the original's two models, each with its own
 * order. {@link REQUEST_FIELDS} is in the API model's order; the stored event dict is the same order
 * without the API-only fields (`stored: false`).
 */
import * as z from "zod/mini";

const json = z.record(z.string(), z.unknown());

export const selectOptionSchema = z.object({
  id: z.string(),
  label: z.string(),
  description: z.optional(z.string()),
  metadata: z.optional(json),
});
export type SelectOption = z.infer<typeof selectOptionSchema>;

interface RequestField<S extends z.ZodMiniType, Stored extends boolean> {
  schema: S;
  /** The default; each request gets its own copy ({@link fresh}). */
  fallback: z.infer<S>;
  /** True: a field of the stored event dict (modules set it); false: only the API model has it. */
  stored: Stored;
}

const stored = <S extends z.ZodMiniType>(schema: S, fallback: z.infer<S>): RequestField<S, true> => ({ schema, fallback, stored: true });
const apiOnly = <S extends z.ZodMiniType>(schema: S, fallback: z.infer<S>): RequestField<S, false> => ({ schema, fallback, stored: false });

/** Every field of a request after `interaction_id` and `interaction_type`, in the API model's order. */
export const REQUEST_FIELDS = {
  title: stored(z.string(), ""),
  options: stored(z.array(selectOptionSchema), []),
  min_selections: stored(z.number(), 1),
  max_selections: stored(z.number(), 1),
  allow_custom: stored(z.boolean(), false),
  default_selection: stored(z.unknown(), null),
  groups: stored(json, {}),
  display_data: stored(json, {}),
  multiline: stored(z.boolean(), false),
  placeholder: stored(z.string(), ""),
  default_value: stored(z.string(), ""),
  allow_empty: stored(z.boolean(), false),
  yes_label: apiOnly(z.string(), "Yes"),
  no_label: apiOnly(z.string(), "No"),
  default_confirm: apiOnly(z.unknown(), null),
  accepted_types: apiOnly(z.array(z.unknown()), []),
  multiple_files: apiOnly(z.boolean(), false),
  base_path: apiOnly(z.string(), ""),
  context: stored(json, {}),
  extra_options: stored(z.array(selectOptionSchema), []),
  resolver_schema: apiOnly(z.unknown(), null),
  file_content: stored(z.unknown(), null),
  file_name: stored(z.string(), ""),
  file_content_type: stored(z.string(), "text"),
  file_destination: stored(z.string(), "root"),
  form_schema: stored(json, {}),
  form_type: stored(z.string(), ""),
  form_defaults: stored(z.array(z.unknown()), []),
};

type Fields = typeof REQUEST_FIELDS;
export type RequestFieldName = keyof Fields;
type StoredName = { [K in RequestFieldName]: Fields[K]["stored"] extends true ? K : never }[RequestFieldName];

const requestShape = Object.fromEntries(Object.entries(REQUEST_FIELDS).map(([name, field]) => [name, field.schema])) as {
  [K in RequestFieldName]: Fields[K]["schema"];
};

/** One variant of the union: the API shape of a request of `type`. */
function requestOf<T extends string>(type: T) {
  return z.object({ interaction_id: z.string(), interaction_type: z.literal(type), ...requestShape });
}

/**
 * Interaction requests as the API sends them (engine.md §3.3, modules.md §1.5), one variant per type.
 * A new interaction type starts here; the compiler then lists what still has to handle it.
 */
export const interactionRequestSchema = z.discriminatedUnion("interaction_type", [
  requestOf("text_input"),
  requestOf("select_from_structured"),
  requestOf("review_grouped"),
  requestOf("file_input"),
  requestOf("file_download"),
  requestOf("form_input"),
  requestOf("media_generation"),
]);

/** The API shape: every field, with its defaults (ruling 7). */
export type ApiInteractionRequest = z.infer<typeof interactionRequestSchema>;
export type InteractionType = ApiInteractionRequest["interaction_type"];

/** Every interaction type, in the union's order. */
export const INTERACTION_TYPES: readonly InteractionType[] = interactionRequestSchema.def.options.map((variant) => variant.shape.interaction_type.def.values[0]!);

export function isInteractionType(value: unknown): value is InteractionType {
  return typeof value === "string" && (INTERACTION_TYPES as readonly string[]).includes(value);
}

/** Every field of the engine's interaction request: the stored event dict (engine.md §3.3, ruling 7). */
export type InteractionRequest = { interaction_id: string; interaction_type: InteractionType } & {
  -readonly [K in StoredName]: z.infer<Fields[K]["schema"]>;
};

/** What a module builds: the id and type, plus whichever fields it sets; the rest take defaults. */
export type InteractionRequestInit = Pick<InteractionRequest, "interaction_id" | "interaction_type"> &
  Partial<Omit<InteractionRequest, "interaction_id" | "interaction_type">>;

/** The fields of the stored event dict after id and type, in order. */
export const STORED_REQUEST_FIELDS = (Object.keys(REQUEST_FIELDS) as RequestFieldName[]).filter((name): name is StoredName => REQUEST_FIELDS[name].stored);

/**
 * A default's own copy, so a caller may change the request it gets without changing the next one's
 * (the defaults are primitives and empty arrays and objects).
 */
export function fresh<T>(fallback: T): T {
  if (Array.isArray(fallback)) return [...fallback] as T;
  return fallback !== null && typeof fallback === "object" ? ({ ...fallback } as T) : fallback;
}

export function makeInteractionRequest(init: InteractionRequestInit): InteractionRequest {
  const defaults: Record<string, unknown> = {};
  for (const name of STORED_REQUEST_FIELDS) defaults[name] = fresh(REQUEST_FIELDS[name].fallback);
  return { ...defaults, ...init } as InteractionRequest;
}

// ------------------------------------------------------------------ responses

/** Every field of an answer after `interaction_id`, with the engine's defaults (`InteractionResponseData`). */
export const RESPONSE_DEFAULTS = {
  value: null as unknown,
  selected_indices: [] as unknown[],
  selected_options: [] as Record<string, unknown>[],
  custom_value: null as string | null,
  cancelled: false,
  retry_requested: false,
  retry_groups: [] as unknown[],
  retry_feedback: "",
  jump_back_requested: false,
  jump_back_target: "",
  file_written: false,
  file_path: "",
  file_error: "",
  form_data: [] as unknown,
  selected_content_id: null as string | null,
  selected_content: null as unknown,
  generations: {} as Record<string, unknown>,
};

/** The user's answer as modules receive it (engine.md §3.3 `InteractionResponseData`, with defaults). */
export type InteractionResponse = { interaction_id: string } & typeof RESPONSE_DEFAULTS;

/** Every field of an answer with the engine's defaults, so callers may give only what the user sent. */
export function makeInteractionResponse(init: Partial<InteractionResponse> & Pick<InteractionResponse, "interaction_id">): InteractionResponse {
  const defaults = Object.fromEntries(Object.entries(RESPONSE_DEFAULTS).map(([name, fallback]) => [name, fresh(fallback)]));
  return { ...(defaults as typeof RESPONSE_DEFAULTS), ...init };
}
