/**
 * Method names of the custom LSP messages that the extension sends without loading an LSP library
 * (its activation bundle holds no vscode-languageserver-protocol; lsp.ts types them).
 */

/** Extension → server: the live state of a workflow's virtual DB (`VirtualStateNotification`). */
export const VIRTUAL_STATE_METHOD = "wfv/virtualState";
