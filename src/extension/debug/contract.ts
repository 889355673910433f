/**
 * What the VS Code side of the debugger uses of the engine: a channel speaking DAP to the debug adapter
 * that runs in the engine's worker, next to the workflow's live DB (../engine.ts `DebugChannel`; the
 * worker engine's `openDebugChannel`, worker-protocol.ts "The debugger's channel").
 */
import type { DebugChannel, VirtualEngine } from "../engine";

export type { DebugChannel, DebugHost } from "../engine";

/** An engine that can open a debug channel (the worker engine can). */
export function canDebug(engine: VirtualEngine): engine is VirtualEngine & { openDebugChannel(): DebugChannel } {
  return typeof engine.openDebugChannel === "function";
}
