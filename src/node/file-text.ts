/**
 * A workflow file's text as the engine sees it: UTF-8, or, for bytes that are not UTF-8, base64 (the
 * original's zip upload did the same). One rule for the CLI's `$ref` reader and the language server.
 */
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

export function workflowFileText(bytes: Buffer): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return bytes.toString("base64");
  }
}
