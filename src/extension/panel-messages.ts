/**
 * The panel's messages are checked against protocol.ts's zod schemas (the webview is untrusted), and
 * those schemas are evaluated with the first message of the first panel, not when the extension
 * activates: activation then evaluates no zod at all.
 */
import type * as Protocol from "../shared/protocol";

let protocol: typeof Protocol | undefined;

export function parseWebviewMessage(data: unknown): ReturnType<typeof Protocol.parseWebviewMessage> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- evaluated on first use, within this bundle
  protocol ??= require("../shared/protocol") as typeof Protocol;
  return protocol.parseWebviewMessage(data);
}
