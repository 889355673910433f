/**
 * The parts of the panel's RunView that tell a run's story (issue 12.5–12.7): the resolved inputs
 * beside their templates, the trace of the modules a call ran, and the field-level changes of updated
 * DB documents. zod/mini schemas, validated with the rest of the RunView (protocol.ts).
 */
import * as z from "zod/mini";

/** Where a templated value came out as nothing. */
export const inputFlagSchema = z.object({
  /** Dotted path inside the input (`""`: the input itself). */
  path: z.string(),
  result: z.enum(["undefined", "null", "empty"]),
});

export const resolvedInputSchema = z.object({
  name: z.string(),
  /** As written in the workflow. */
  template: z.unknown(),
  /** As the engine resolved it (absent: the resolution left it out). */
  value: z.optional(z.unknown()),
  flags: z.array(inputFlagSchema),
  /** Large parts were cut (marked `…`). */
  truncated: z.optional(z.boolean()),
});
export type ResolvedInputView = z.infer<typeof resolvedInputSchema>;

/** The inputs of the module a run is about (its target, or the module it stopped at). */
export const moduleInputsSchema = z.object({
  stepId: z.string(),
  moduleName: z.string(),
  inputs: z.array(resolvedInputSchema),
});
export type ModuleInputsView = z.infer<typeof moduleInputsSchema>;

export const traceEntrySchema = z.object({
  stepId: z.string(),
  moduleName: z.string(),
  moduleId: z.string(),
  status: z.enum(["running", "completed", "awaiting_input", "error"]),
  durationMs: z.number(),
  /** The interaction this module asked, answered in the run: by the user, or by the run itself. */
  answer: z.optional(
    z.object({
      source: z.enum(["user", "scripted", "remembered", "auto_select", "mock_default"]),
      rule: z.optional(z.string()),
      interactionType: z.string(),
      response: z.unknown(),
    }),
  ),
});
export type TraceEntryView = z.infer<typeof traceEntrySchema>;

/** One changed field of an updated document (`before`/`after` absent: the field was added/removed). */
export const fieldChangeSchema = z.object({
  path: z.string(),
  before: z.optional(z.unknown()),
  after: z.optional(z.unknown()),
});
export type FieldChange = z.infer<typeof fieldChangeSchema>;

/** An updated document: its id and the fields that changed (the whole document is in `changed`, same index). */
export const documentUpdateSchema = z.object({
  id: z.string(),
  fields: z.array(fieldChangeSchema),
});
export type DocumentUpdate = z.infer<typeof documentUpdateSchema>;
