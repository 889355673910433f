/** The `wfv` LogOutputChannel, one for the extension; level follows the channel and `wfv.logLevel`. */
import * as vscode from "vscode";

let channel: vscode.LogOutputChannel | undefined;

export function createLog(context: vscode.ExtensionContext): vscode.LogOutputChannel {
  channel = vscode.window.createOutputChannel("wfv", { log: true });
  context.subscriptions.push(channel);
  return channel;
}

export function log(): vscode.LogOutputChannel {
  if (!channel) throw new Error("wfv log used before activation");
  return channel;
}

/** `wfv.logLevel` filters what we write on top of the channel's own level. */
const order = ["trace", "debug", "info", "warn", "error", "off"] as const;
export type LogLevel = (typeof order)[number];

export function configuredLevel(): LogLevel {
  const value = vscode.workspace.getConfiguration("wfv").get<string>("logLevel", "info");
  return (order as readonly string[]).includes(value) ? (value as LogLevel) : "info";
}

export function logAt(level: Exclude<LogLevel, "off">, message: string): void {
  if (!channel) return;
  if (order.indexOf(level) < order.indexOf(configuredLevel())) return;
  channel[level](message);
}
