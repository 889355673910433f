/**
 * Interaction requests in their two outer forms (engine.md §3.3): the dict stored in an
 * `interaction_requested` event (every field, including the form fields, ruling 7) and the API shape
 * built back from stored event data (`convert_interaction_request`).
 */
import type { InteractionRequest, SelectOption } from "../modules/types";
import { makeInteractionRequest } from "../modules/types";
import type { ApiInteractionRequest } from "./types";

/** A SelectOption with its defaults (`description: ""`, `metadata: {}`), as the original serialises it. */
function serializeOption(option: SelectOption): Record<string, unknown> {
  return { id: option.id, label: option.label, description: option.description ?? "", metadata: option.metadata ?? {} };
}

/** `serialize_interaction_request`, keeping `form_schema`, `form_type` and `form_defaults` (ruling 7). */
export function serializeInteractionRequest(request: InteractionRequest): Record<string, unknown> {
  const full = makeInteractionRequest(request);
  return {
    interaction_id: full.interaction_id,
    interaction_type: full.interaction_type,
    title: full.title,
    options: full.options.map(serializeOption),
    min_selections: full.min_selections,
    max_selections: full.max_selections,
    allow_custom: full.allow_custom,
    default_selection: full.default_selection,
    groups: full.groups,
    display_data: full.display_data,
    multiline: full.multiline,
    placeholder: full.placeholder,
    default_value: full.default_value,
    allow_empty: full.allow_empty,
    context: full.context,
    extra_options: full.extra_options.map(serializeOption),
    file_content: full.file_content,
    file_name: full.file_name,
    file_content_type: full.file_content_type,
    file_destination: full.file_destination,
    form_schema: full.form_schema,
    form_type: full.form_type,
    form_defaults: full.form_defaults,
  };
}

const API_DEFAULTS: Omit<ApiInteractionRequest, "interaction_id" | "interaction_type"> = {
  title: "",
  options: [],
  min_selections: 1,
  max_selections: 1,
  allow_custom: false,
  default_selection: null,
  groups: {},
  display_data: {},
  multiline: false,
  placeholder: "",
  default_value: "",
  allow_empty: false,
  yes_label: "Yes",
  no_label: "No",
  default_confirm: null,
  accepted_types: [],
  multiple_files: false,
  base_path: "",
  context: {},
  extra_options: [],
  resolver_schema: null,
  file_content: null,
  file_name: "",
  file_content_type: "text",
  file_destination: "root",
  form_schema: {},
  form_type: "",
  form_defaults: [],
};

/**
 * `convert_interaction_request(dict)`: the API model from stored event data. Known fields are copied
 * (missing ones take defaults); `resolver_schema` stays null and engine-private keys
 * (`_resolved_inputs`, `_step_context`, `module_id`) are dropped, as the original does.
 */
export function convertInteractionRequest(data: Record<string, unknown>): ApiInteractionRequest {
  const out: Record<string, unknown> = {
    interaction_id: data.interaction_id ?? "",
    interaction_type: data.interaction_type ?? "text_input",
  };
  for (const [key, fallback] of Object.entries(API_DEFAULTS)) {
    if (key === "resolver_schema") {
      out[key] = null;
      continue;
    }
    const value = data[key];
    // Defaults are copied: a caller may change the request it gets without changing the next one's.
    out[key] = value === undefined || value === null ? (fallback === null ? value ?? null : structuredClone(fallback)) : value;
  }
  // Python's model keeps an explicit null for the nullable fields.
  for (const nullable of ["default_selection", "default_confirm", "file_content"]) {
    if (nullable in data) out[nullable] = data[nullable] ?? null;
  }
  return out as unknown as ApiInteractionRequest;
}
