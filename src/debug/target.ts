/**
 * What a debug session needs from where it runs (`wfv dap` over files on disk, or the extension's
 * engine worker over the workflow's live DB): the launch configuration it is given, and a
 * {@link DebugTargetLoader} that turns it into a {@link DebugTarget}.
 */
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { ProviderSettings } from "../core/providers/types";
import type { VirtualSession } from "../core/virtual/session";
import type { ResolvedWorkflowSource } from "../core/workflow/ref-resolver";

/** The launch configuration of debug type `wfv` (issue 14). */
export interface WfvLaunchArguments extends DebugProtocol.LaunchRequestArguments {
  /** The workflow file. */
  workflow: string;
  /** Run up to this module (default: through the last module of the last step). */
  target?: { step_id: string; module_name: string };
  /** Default true: no real LLM/HTTP call. */
  mock?: boolean;
  /** Start on a fresh DB instead of the workflow's own. */
  fresh?: boolean;
  /** Stop before the first module that runs. */
  stopOnEntry?: boolean;
  /** Default true: stop at each interaction (reason "interaction") until `wfvAnswer` answers it. */
  stopOnInteraction?: boolean;
  /** `wfv dap` only: the DB file to open (the compressed blob or its JSON export); fresh when absent. */
  db?: string;
}

/** A loaded workflow, and the session (live DB) to run it on. */
export interface DebugTarget {
  /** The workflow file, absolute. */
  workflowFile: string;
  /** The workflow with its `$ref`s resolved, and where each part came from. */
  source: ResolvedWorkflowSource;
  /** The definition that runs, when it is not `source.workflow` (pinned modules replaced by stand-ins). */
  workflowToRun?: unknown;
  /** The text of a root-relative file of the workflow. */
  fileText(file: string): string | undefined;
  /** The absolute path of a root-relative file (what breakpoints and stack frames name). */
  absolutePath(file: string): string;
  /** The root-relative file of an absolute path, or undefined outside the workflow's folder. */
  relativeFile(path: string): string | undefined;
  session: VirtualSession;
  mock: boolean;
  providers?: ProviderSettings;
  /**
   * Runs one engine call of the debug session in turn with the other calls on this DB (the worker's
   * per-key queue); `ended` is called once the call is over (the worker reports what it changed).
   */
  inTurn<T>(work: () => Promise<T>): Promise<T>;
  /** The DB changed outside a call (a step back, a state edit): report it like a call's changes. */
  changed?(): void;
  /** The session ends. */
  dispose?(): void;
}

export interface DebugTargetLoader {
  load(args: WfvLaunchArguments): Promise<DebugTarget>;
}
