/**
 * What the VS Code side of the debugger uses of the engine: a channel speaking DAP to the debug adapter
 * that runs in the engine's worker, next to the workflow's live DB (the worker engine's
 * `openDebugChannel`; see worker-protocol.ts, "The debugger's channel").
 */
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { ProviderSettings } from "../../core/providers/types";
import type { LiveDbRef, VirtualEngine } from "../engine";

/** What the host gives a launch: the workflow's live DB, its file and the texts of its files, mock mode and keys. */
export type DebugHost = LiveDbRef & {
  workflow_file: string;
  /** The texts of the workflow file and every file it `$ref`s, by path relative to the workflow's folder. */
  files: Record<string, string>;
  providers?: ProviderSettings;
  mock?: boolean;
};

export interface DebugChannel {
  send(message: DebugProtocol.ProtocolMessage, host?: DebugHost): void;
  onMessage(listener: (message: DebugProtocol.ProtocolMessage) => void): { dispose(): void };
  close(): void;
}

/** An engine that can open a debug channel (the worker engine can). */
export function canDebug(engine: VirtualEngine): engine is VirtualEngine & { openDebugChannel(): DebugChannel } {
  return typeof (engine as { openDebugChannel?: unknown }).openDebugChannel === "function";
}
