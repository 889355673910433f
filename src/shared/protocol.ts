/**
 * The messages between the extension host and the panel webview, both ways, as zod schemas (GitLens /
 * vscode-messenger style, no library): one discriminated union per direction on `type` (`noun/verb`).
 * The host `safeParse`s everything the webview sends (the webview is an untrusted boundary); the webview
 * narrows on `type`. The host never posts before the webview said `ready`.
 *
 * Engine payloads (interaction requests, outputs, state) keep the engine's snake_case field names and
 * travel as JSON records: the engine owns their shape, the protocol owns the envelope.
 *
 * zod/mini, not the classic API: its schemas are plain data (no methods bound per schema), so building
 * them costs little in the extension's activation and the panel's startup, and the bundles hold only
 * the checks used.
 */
import * as z from "zod/mini";
import { documentUpdateSchema, moduleInputsSchema, traceEntrySchema } from "./run-story";

const record = z.record(z.string(), z.unknown());

export const runModeSchema = z.enum(["module", "up_to"]);
export type RunMode = z.infer<typeof runModeSchema>;

/** A place in a workspace file: a file (workspace-relative or absolute) and a JSON path inside it. */
export const sourceLinkSchema = z.object({
  file: z.string(),
  path: z._default(z.array(z.union([z.string(), z.number()])), []),
  label: z.optional(z.string()),
  /** A 1-based line and column inside the string value at `path` (a template's error position). */
  template: z.optional(z.object({ line: z.int(), column: z.int() })),
});
export type SourceLink = z.infer<typeof sourceLinkSchema>;

/** What the error view offers to do about an error (issue 12.9); the host decides which apply. */
export const errorActionSchema = z.discriminatedUnion("kind", [
  /** A provider refused or lacked a key: store one (`wfv.setProviderApiKey`). */
  z.object({ kind: z.literal("set_api_key"), provider: z.string() }),
  /** A real provider call failed: turn `wfv.mockMode` on and run again. */
  z.object({ kind: z.literal("switch_to_mock") }),
  /** The language server has a quick fix at the error's source: apply the first one. */
  z.object({ kind: z.literal("apply_fix"), title: z.string() }),
]);
export type ErrorAction = z.infer<typeof errorActionSchema>;

export const dbChangesSchema = z.object({
  /** The events the run stored, in order (`event_type`, `module_name`, ...). */
  events: z.array(record),
  /** Per collection: documents added and changed (removed ones by id). */
  collections: z.array(
    z.object({
      name: z.string(),
      added: z.array(record),
      changed: z.array(record),
      removed: z.array(z.string()),
      /** The field-level changes of `changed`, same order (run-story.ts). */
      updates: z.optional(z.array(documentUpdateSchema)),
    }),
  ),
});
export type DbChanges = z.infer<typeof dbChangesSchema>;

export const runErrorSchema = z.object({
  error_type: z.string(),
  message: z.string(),
  details: record,
  source: z.nullable(sourceLinkSchema),
  /** Buttons for the error (set by the host after the view, `error/actions`). */
  actions: z.optional(z.array(errorActionSchema)),
});
export type RunError = z.infer<typeof runErrorSchema>;

/** Everything the panel shows about one run. */
export const runViewSchema = z.object({
  runId: z.int(),
  stepId: z.string(),
  moduleName: z.string(),
  mode: runModeSchema,
  status: z.enum(["awaiting_input", "completed", "error", "validation_failed"]),
  message: z.string(),
  /** The engine's interaction request when awaiting input. */
  interaction: z.nullable(record),
  /** For up_to runs that stopped earlier: the module that asks. */
  stoppedAt: z.nullable(z.object({ stepId: z.string(), moduleName: z.string() })),
  outputs: z.nullable(record),
  state: z.nullable(record),
  changes: z.nullable(dbChangesSchema),
  error: z.nullable(runErrorSchema),
  validationErrors: z.array(z.unknown()),
  /** Definition warnings of the modules the run ran (`validation_warnings`: unknown inputs, duplicate names, unproduced state keys). */
  validationWarnings: z.optional(z.array(z.unknown())),
  /** Modules (`step_id/module_name`) whose pinned outputs the run used instead of running them (`.wfv/pins.json`). */
  pinned: z.optional(z.array(z.string())),
  /** The inputs of the module the run is about, resolved, beside their templates (run-story.ts). */
  inputs: z.optional(z.nullable(moduleInputsSchema)),
  /** The modules the run ran, in order (run-story.ts). */
  trace: z.optional(z.array(traceEntrySchema)),
});
export type RunView = z.infer<typeof runViewSchema>;

// ---------------------------------------------------------------- host → webview

export const hostMessageSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("panel/init"),
    workflowFile: z.string(),
    workflowName: z.string(),
    mock: z.boolean(),
    trusted: z.boolean(),
  }),
  /** `wfv.mockMode` changed: the badge follows it. */
  z.object({ type: z.literal("mock/changed"), mock: z.boolean() }),
  z.object({ type: z.literal("run/started"), runId: z.int(), stepId: z.string(), moduleName: z.string(), mode: runModeSchema }),
  z.object({ type: z.literal("run/result"), view: runViewSchema }),
  z.object({ type: z.literal("state/show"), state: record, runId: z.nullable(z.string()) }),
  z.object({
    type: z.literal("file/picked"),
    requestId: z.string(),
    file: z.nullable(z.object({ name: z.string(), dataUrl: z.string(), size: z.number(), contentType: z.string() })),
  }),
  z.object({
    type: z.literal("subaction/result"),
    requestId: z.string(),
    ok: z.boolean(),
    progress: z.array(record),
    result: z.nullable(record),
    error: z.nullable(z.string()),
  }),
  z.object({ type: z.literal("db/reset") }),
  /** What the error view of run `runId` offers (after its `run/result`: a quick fix takes the language server a moment). */
  z.object({ type: z.literal("error/actions"), runId: z.int(), actions: z.array(errorActionSchema) }),
  /** The workflow's pinned modules (`step_id/module_name`) changed: Pin output / Unpin follow. */
  z.object({ type: z.literal("pins/changed"), pinned: z.array(z.string()) }),
]);
export type HostMessage = z.infer<typeof hostMessageSchema>;

// ---------------------------------------------------------------- webview → host

export const webviewMessageSchema = z.discriminatedUnion("type", [
  /** The webview listens now; the host may post. */
  z.object({ type: z.literal("ready") }),
  /** The user's answer to the interaction shown for `runId` (an `InteractionResponseData`). */
  z.object({
    type: z.literal("interaction/submit"),
    runId: z.int(),
    /** Which module asked, so an answer still reaches it after a window reload (new run ids). */
    target: z.object({ stepId: z.string(), moduleName: z.string(), mode: runModeSchema }),
    response: record,
  }),
  /** Pick a workspace file for a file_input; answered with `file/picked`. */
  z.object({ type: z.literal("file/pick"), requestId: z.string(), accept: z._default(z.array(z.string()), []) }),
  /** file_download: save dialog, write the file, then answer the interaction saying so. */
  z.object({ type: z.literal("download/save"), runId: z.int() }),
  /** Run one of the module's sub-actions (retry, generate, ...); answered with `subaction/result`. */
  z.object({ type: z.literal("subaction/run"), requestId: z.string(), runId: z.int(), actionId: z.string(), params: record }),
  z.object({ type: z.literal("source/open"), link: sourceLinkSchema }),
  /** One of the error view's actions, for the error of run `runId`. */
  z.object({ type: z.literal("error/action"), runId: z.int(), action: errorActionSchema }),
  /** Run the last module again (fresh interaction). */
  z.object({ type: z.literal("run/again") }),
  /** Pin the outputs the run `runId` shows for its module (`.wfv/pins.json`): it does not run again until unpinned. */
  z.object({ type: z.literal("pin/set"), runId: z.int() }),
  /** Unpin a module: it runs again. */
  z.object({ type: z.literal("pin/clear"), stepId: z.string(), moduleName: z.string() }),
  /** "Save Run as Test…": record the workflow's current run up to the shown module as a `*.wfvtest.json`. */
  z.object({ type: z.literal("test/save") }),
]);
export type WebviewMessage = z.infer<typeof webviewMessageSchema>;

/** The state the webview keeps with `setState` so a restored panel shows what it showed. */
export const webviewStateSchema = z.object({
  workflowFile: z.string(),
  workflowName: z._default(z.string(), ""),
  view: z._default(z.nullable(runViewSchema), null),
});
export type WebviewState = z.infer<typeof webviewStateSchema>;

export function parseWebviewMessage(data: unknown): { ok: true; message: WebviewMessage } | { ok: false; error: string } {
  const parsed = webviewMessageSchema.safeParse(data);
  return parsed.success ? { ok: true, message: parsed.data } : { ok: false, error: z.prettifyError(parsed.error) };
}

export function parseHostMessage(data: unknown): HostMessage | undefined {
  const parsed = hostMessageSchema.safeParse(data);
  return parsed.success ? parsed.data : undefined;
}
