/**
 * The interaction protocol for the panel: the interaction types and the zod union of requests. Its one
 * source is src/core/interaction/schema.ts (the engine's bottom layers derive their defaults from it,
 * and src/core may not import src/shared); this re-exports the part the webview uses. It imports only
 * `zod/mini`, so the panel's bundle stays small.
 */
export {
  INTERACTION_TYPES,
  interactionRequestSchema,
  isInteractionType,
  type ApiInteractionRequest,
  type InteractionType,
} from "../core/interaction/schema";
export { checkTextAnswer, type TextValidation } from "../core/interaction/text-validation";
