/**
 * Debug sessions inside a host that owns live DBs (the extension's engine worker): each session is a
 * {@link WorkflowDebugSession} spoken to message by message, its workflow resolved from the texts the
 * host gave (`DebugHostContext.files`), running on the key's live session. The host says how to
 * reach a key's session in turn with its other calls, and is told when a debug call holds a key
 * (other calls are then refused: they would wait on the user) and when the DB changed (to report).
 */
import type { DebugProtocol } from "@vscode/debugprotocol";
import { basename, dirname, isAbsolute, relative, resolve, sep } from "node:path";
import type { ProviderSettings } from "../core/providers/types";
import { VirtualSession } from "../core/virtual/session";
import { memoryFileReader, resolveWorkflow } from "../core/workflow/ref-resolver";
import { WfvError } from "../core/errors";
import { applyPins, wrapRegistry, type Pins } from "../core/testing";
import { pinProblems } from "../core/testing/pin-check";
import type { GzipCodec } from "../core/db/codec";
import { WorkflowDebugSession } from "./session";
import type { DebugTarget, DebugTargetLoader, WfvLaunchArguments } from "./target";

/** What the host tells a session with its launch (the extension's worker-protocol calls it DebugHostContext). */
export interface DebugHostInfo {
  /** The live DB the session runs on (the workflow's key, as calls name it). */
  db_key: string;
  /** The workflow file, absolute: breakpoint and stack paths are absolute paths under its folder. */
  workflow_file: string;
  /** The texts of the workflow file and every file it `$ref`s, by path relative to the workflow's folder (the editor's unsaved text where there is one). */
  files: Record<string, string>;
  /** Real-mode provider settings (keys from the secret store); used with `mock: false`. */
  providers?: ProviderSettings;
  /** Default true: no real LLM/HTTP call (the launch configuration's `mock` wins when given). */
  mock?: boolean;
  /** Pinned outputs (`.wfv/pins.json` beside the workflow, as the editor holds it): those modules do not run. */
  pins?: Pins;
}

export interface DebugHostServices {
  /** Sends a session's message (response, event) to the editor. */
  post(session: number, message: DebugProtocol.ProtocolMessage): void;
  /** Runs `work` with the key's live session (opened if need be), in turn with the key's other calls. */
  onKey<T>(key: string, work: (session: VirtualSession) => Promise<T>): Promise<T>;
  /** A debug call on the key began (true) or ended (false). */
  holding(key: string, held: boolean): void;
  /** The key's DB changed (a debug call ended, a step back): report it. */
  changed(key: string): void;
  /** The pinned outputs the key's session answers its `wfv.pinned` stand-ins with, from now on. */
  usePins(key: string, pins: Pins): void;
  codec?: GzipCodec;
}

interface Entry {
  adapter: WorkflowDebugSession;
  host?: DebugHostInfo;
}

export class DebugSessions {
  private readonly sessions = new Map<number, Entry>();

  constructor(private readonly services: DebugHostServices) {}

  /** A DAP message for session `id` (its first message opens it). */
  receive(id: number, message: DebugProtocol.ProtocolMessage, host?: DebugHostInfo): void {
    let entry = this.sessions.get(id);
    if (!entry) {
      const adapter = new WorkflowDebugSession(this.loader(id));
      adapter.setRunAsServer(true);
      adapter.onDidSendMessage((sent) => this.services.post(id, sent as DebugProtocol.ProtocolMessage));
      entry = { adapter };
      this.sessions.set(id, entry);
    }
    if (host) entry.host = host;
    entry.adapter.handleMessage(message);
  }

  /** Ends session `id`: its run stops where it is. */
  async close(id: number): Promise<void> {
    const entry = this.sessions.get(id);
    this.sessions.delete(id);
    await entry?.adapter.close();
  }

  private loader(id: number): DebugTargetLoader {
    return {
      load: async (args: WfvLaunchArguments): Promise<DebugTarget> => {
        const host = this.sessions.get(id)?.host;
        if (!host) throw new WfvError("bad_request", "the launch request came without the host's context (the workflow's key and files)", {});
        const root = dirname(host.workflow_file);
        const source = resolveWorkflow(basename(host.workflow_file), memoryFileReader(host.files));
        const key = host.db_key;
        const services = this.services;
        const pins = host.pins ?? {};
        const problems = pinProblems(source.workflow, pins);
        if (problems.length > 0) throw new WfvError("validation_failed", `the pinned outputs cannot be used: ${problems.join("; ")}`, { pins: problems });
        const files = {
          workflowFile: host.workflow_file,
          source,
          ...(Object.keys(pins).length > 0 ? { workflowToRun: applyPins(source.workflow, pins).workflow } : {}),
          fileText: (file: string) => host.files[file],
          absolutePath: (file: string) => resolve(root, ...file.split("/")),
          relativeFile(path: string) {
            const inside = relative(root, resolve(root, path));
            if (inside === "" || inside === ".." || inside.startsWith(`..${sep}`) || isAbsolute(inside)) return undefined;
            return inside.split(sep).join("/");
          },
          mock: args.mock ?? host.mock ?? true,
          providers: host.providers,
        };
        if (args.fresh) {
          // A scratch DB: the workflow's own is not touched, nothing to report.
          const session = VirtualSession.open(null, { codec: services.codec, registry: wrapRegistry({ pins }) });
          return { ...files, session, inTurn: (work) => work() };
        }
        const session = await services.onKey(key, async (live) => live);
        return {
          ...files,
          session,
          inTurn: (work) =>
            services.onKey(key, async () => {
              // The key's other calls set their own pins; a debug call runs with the session's.
              services.usePins(key, pins);
              services.holding(key, true);
              try {
                return await work();
              } finally {
                services.holding(key, false);
                services.changed(key);
              }
            }),
          changed: () => void services.onKey(key, async () => services.changed(key)),
        };
      },
    };
  }
}
