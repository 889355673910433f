/**
 * The messages between the extension host and the preview webview (webview/preview.ts): the live
 * template preview and the pipeline stages view (issue 15). Same conventions as ./protocol.ts: zod/mini
 * unions on `type`, the host `safeParse`s what the webview sends, the webview what the host sends.
 */
import * as z from "zod/mini";

/** A part of the rendered text that came from an undefined variable (offsets into `text`). */
export const undefinedSpanSchema = z.object({
  start: z.int(),
  end: z.int(),
  /** The expression that was undefined, when known. */
  name: z.optional(z.string()),
});
export type UndefinedSpan = z.infer<typeof undefinedSpanSchema>;

export const templateErrorSchema = z.object({
  message: z.string(),
  /** 1-based, in the template's source (null: unknown). */
  line: z.nullable(z.int()),
  column: z.nullable(z.int()),
});
export type TemplateError = z.infer<typeof templateErrorSchema>;

/** One render: the text (the last good one when `error` is set and `stale` is true), its undefined parts, the error. */
export const renderedSchema = z.object({
  text: z.string(),
  undefinedSpans: z.array(undefinedSpanSchema),
  error: z.nullable(templateErrorSchema),
  /** The text is the last good render (this one failed): shown dimmed. */
  stale: z.boolean(),
});
export type Rendered = z.infer<typeof renderedSchema>;

export const contextChoiceSchema = z.object({ id: z.string(), label: z.string() });
export type ContextChoice = z.infer<typeof contextChoiceSchema>;

export const stageRowSchema = z.object({
  stage: z.int(),
  operator: z.string(),
  count: z.nullable(z.int()),
  sample: z.array(z.unknown()),
  error: z.optional(z.string()),
  /** Why the stage did not run (a write stage, an earlier failure, the stage cap). */
  skipped: z.optional(z.string()),
});
export type StageRow = z.infer<typeof stageRowSchema>;

export const previewHostMessageSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("preview/render"),
    /** Grows with each render; the webview acknowledges it (`preview/shown`). */
    seq: z.int(),
    title: z.string(),
    /** Where the template is and which module's context renders it. */
    subtitle: z.string(),
    contexts: z.array(contextChoiceSchema),
    context: z.string(),
    rendered: renderedSchema,
    /** Why nothing could be rendered at all (no module uses the file, the workflow does not resolve). */
    problem: z.nullable(z.string()),
    /** Something to know about the text (a run passes this input as written: no resolver_schema entry). */
    note: z.optional(z.string()),
  }),
  z.object({
    type: z.literal("stages/show"),
    seq: z.int(),
    title: z.string(),
    subtitle: z.string(),
    stages: z.array(stageRowSchema),
    /** The pipeline could not be inspected at all. */
    problem: z.nullable(z.string()),
  }),
]);
export type PreviewHostMessage = z.infer<typeof previewHostMessageSchema>;

export const previewWebviewMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ready") }),
  /** The webview drew the message `seq` (tests and the latency bench wait for it). */
  z.object({ type: z.literal("preview/shown"), seq: z.int() }),
  /** The context picker changed. */
  z.object({ type: z.literal("preview/context"), context: z.string() }),
]);
export type PreviewWebviewMessage = z.infer<typeof previewWebviewMessageSchema>;

export function parsePreviewWebviewMessage(data: unknown): PreviewWebviewMessage | undefined {
  const parsed = previewWebviewMessageSchema.safeParse(data);
  return parsed.success ? parsed.data : undefined;
}

export function parsePreviewHostMessage(data: unknown): PreviewHostMessage | undefined {
  const parsed = previewHostMessageSchema.safeParse(data);
  return parsed.success ? parsed.data : undefined;
}
