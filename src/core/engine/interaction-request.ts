/**
 * Interaction requests in their two outer forms (engine.md §3.3): the dict stored in an
 * `interaction_requested` event (every field, including the form fields, ruling 7) and the API shape
 * built back from stored event data (`convert_interaction_request`). Both take their fields, order and
 * defaults from the one table, src/core/interaction/schema.ts `REQUEST_FIELDS`.
 */
import { fresh, REQUEST_FIELDS, STORED_REQUEST_FIELDS, type ApiInteractionRequest, type RequestFieldName } from "../interaction/schema";
import type { InteractionRequest, SelectOption } from "../modules/types";
import { makeInteractionRequest } from "../modules/types";

/** A SelectOption with its defaults (`description: ""`, `metadata: {}`), as the original serialises it. */
function serializeOption(option: SelectOption): Record<string, unknown> {
  return { id: option.id, label: option.label, description: option.description ?? "", metadata: option.metadata ?? {} };
}

/** `serialize_interaction_request`, keeping `form_schema`, `form_type` and `form_defaults` (ruling 7). */
export function serializeInteractionRequest(request: InteractionRequest): Record<string, unknown> {
  const full = makeInteractionRequest(request);
  const out: Record<string, unknown> = { interaction_id: full.interaction_id, interaction_type: full.interaction_type };
  for (const name of STORED_REQUEST_FIELDS) {
    out[name] = name === "options" || name === "extra_options" ? full[name].map(serializeOption) : full[name];
  }
  return out;
}

/** Python's model keeps an explicit null for these. */
const NULLABLE = new Set<RequestFieldName>(["default_selection", "default_confirm", "file_content"]);

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
  for (const name of Object.keys(REQUEST_FIELDS) as RequestFieldName[]) {
    if (name === "resolver_schema") {
      out[name] = null;
      continue;
    }
    const fallback = REQUEST_FIELDS[name].fallback;
    const value = data[name];
    // Defaults are copied: a caller may change the request it gets without changing the next one's.
    out[name] = value === undefined || value === null ? (fallback === null ? value ?? null : fresh(fallback)) : value;
  }
  for (const nullable of NULLABLE) {
    if (nullable in data) out[nullable] = data[nullable] ?? null;
  }
  return out as unknown as ApiInteractionRequest;
}
