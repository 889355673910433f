/**
 * The inline debug adapter VS Code talks to: it relays DAP messages both ways between VS Code and the
 * adapter in the engine's worker (the channel), adding the host's context to `launch`. A channel that
 * fails to send answers the request with an error instead of leaving VS Code waiting.
 */
import type { DebugProtocol } from "@vscode/debugprotocol";
import * as vscode from "vscode";
import type { DebugChannel, DebugHost } from "./contract";

export class ChannelDebugAdapter implements vscode.DebugAdapter {
  private readonly sent = new vscode.EventEmitter<vscode.DebugProtocolMessage>();
  readonly onDidSendMessage = this.sent.event;
  private readonly listening: { dispose(): void };
  private closed = false;

  constructor(
    private readonly channel: DebugChannel,
    private readonly host: DebugHost,
    /** Sees every message from the worker's adapter after VS Code got it (interactions, the session's end). */
    private readonly observe: (message: DebugProtocol.ProtocolMessage) => void = () => undefined,
  ) {
    this.listening = channel.onMessage((message) => {
      this.sent.fire(message);
      try {
        this.observe(message);
      } catch {
        // what the host does with a message never breaks the session
      }
    });
  }

  handleMessage(message: vscode.DebugProtocolMessage): void {
    const dap = message as DebugProtocol.ProtocolMessage;
    try {
      if (this.closed) throw new Error("the debug session has ended");
      if (dap.type === "request" && (dap as DebugProtocol.Request).command === "launch") this.channel.send(dap, this.host);
      else this.channel.send(dap);
    } catch (error) {
      if (dap.type !== "request") return;
      const request = dap as DebugProtocol.Request;
      const response: DebugProtocol.Response = {
        seq: 0,
        type: "response",
        request_seq: request.seq,
        success: false,
        command: request.command,
        message: `wfv: ${(error as Error)?.message ?? error}`,
      };
      this.sent.fire(response);
    }
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.listening.dispose();
    this.channel.close();
    this.sent.dispose();
  }
}
