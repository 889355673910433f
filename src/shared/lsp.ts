/**
 * Custom LSP messages between the extension (vscode-languageclient) and the workflow language server,
 * one typed constant each (rust-analyzer `lsp_ext.ts` / vscode-eslint `customMessages.ts` style). Both
 * ends compile against these types; nothing here imports `vscode`.
 */
import { NotificationType, RequestType } from "vscode-languageserver-protocol";
import { VIRTUAL_STATE_METHOD } from "./lsp-methods";

/** The language server's id and name, as the client registers it. */
export const LANGUAGE_SERVER_ID = "wfv";
export const LANGUAGE_SERVER_NAME = "Workflow language server";

export interface VirtualStateParams {
  /**
   * URI of the workflow file (the entry file, `workflow_id` + `steps`) whose virtual run this state
   * belongs to. A step file's URI works too: the server maps step files to their workflow.
   */
  workflowUri: string;
  /** The flat run state (`get_module_outputs`), or `null` when the workflow's virtual DB was reset. */
  state: Record<string, unknown> | null;
  /** Short text saying where the state comes from (e.g. a run id or "after select_scene"); shown in hover. */
  label?: string;
}

/** Extension → server: the live state of a workflow's virtual DB, used by hover over `{{ state.x }}`. */
export const VirtualStateNotification = {
  method: VIRTUAL_STATE_METHOD,
  type: new NotificationType<VirtualStateParams>(VIRTUAL_STATE_METHOD),
} as const;

export interface StateKeysParams {
  /** A workflow or step file. */
  uri: string;
  /** Position in that file; keys produced before the module at this position. Omit for every key. */
  position?: { line: number; character: number };
}

export interface StateKeyInfo {
  key: string;
  /** The module that produces the key (its instance name) and its step. */
  module: string;
  stepId: string;
  /** `outputs_to_state` (a mapped key), `module_name` (raw outputs under the module's name) or `result_mapping`. */
  via: "outputs_to_state" | "module_name" | "result_mapping";
}

/** Extension → server: the state keys a workflow produces (for pickers and the run panel). */
export const StateKeysRequest = {
  method: "wfv/stateKeys",
  type: new RequestType<StateKeysParams, StateKeyInfo[], void>("wfv/stateKeys"),
} as const;

/** Client → server, in `initializationOptions`. */
export interface WfvInitializationOptions {
  /** How long edits are collected before diagnostics are recomputed and pushed (default 40 ms). */
  diagnosticsDelayMs?: number;
}

/** `Diagnostic.code` values the server uses (the `source` is always `wfv`). */
export const DiagnosticCodes = {
  invalidJson: "invalid-json",
  schema: "schema",
  unknownModule: "unknown-module",
  missingInput: "missing-input",
  unknownInput: "unknown-input",
  refMissingFile: "ref-missing-file",
  refInvalidJson: "ref-invalid-json",
  refCycle: "ref-cycle",
  refOutsideRoot: "ref-outside-root",
  refBadType: "ref-bad-type",
  refBadValue: "ref-bad-value",
  templateSyntax: "template-syntax",
  stateNotProduced: "state-not-produced",
  stateProducedLater: "state-produced-later",
  stateNotYetVisible: "state-not-yet-visible",
  unknownOutputField: "unknown-output-field",
  duplicateModuleName: "duplicate-module-name",
  duplicateStepId: "duplicate-step-id",
  unknownTarget: "unknown-target",
  unknownOutput: "unknown-output",
  templateShownRaw: "template-shown-raw",
  emptyForm: "empty-form",
  invalidValidationPattern: "invalid-validation-pattern",
} as const;

export type DiagnosticCode = (typeof DiagnosticCodes)[keyof typeof DiagnosticCodes];

/**
 * `Diagnostic.data` of the server's diagnostics, read by its quick fixes: replacements of the
 * diagnostic's range (close matches of a module id, input, output or state key), or a property to add
 * (a missing required input, at a JSON path of the file). Unknown-module diagnostics also list the
 * closest known ids as `closeMatches`.
 */
export interface FixData {
  closeMatches?: string[];
  fixes?: Array<{ title: string; newText: string }>;
  insert?: { path: Array<string | number>; value: unknown; title: string };
}
