/**
 * How `api.llm` turns its inputs into provider messages (modules.md §2.6 "Messages"): system items,
 * then input items, then the retry context the engine put into the state. Pure; the providers of a
 * real-mode port send these.
 */
import { pyStr } from "../../python/format";
import { isPlainObject, isTruthy } from "../../python/builtins";
import type { LlmMessage } from "../../providers/llm/types";
import type { StateProxy } from "../types";

export type { LlmMessage, MessagePart } from "../../providers/llm/types";

function text(role: string, value: string): LlmMessage {
  return { role, content: [{ type: "text", text: value }] };
}

function dictGet(record: Record<string, unknown>, key: string, fallback: unknown): unknown {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : fallback;
}

function imageMessage(role: string, value: string): LlmMessage {
  if (value.startsWith("data:")) {
    const marker = value.indexOf(";base64,");
    // A data URL without `;base64,` falls through to the URL and path checks, as in the original.
    if (marker >= 0) return { role, content: [{ type: "image_base64", data: value.slice(marker + ";base64,".length) }] };
  }
  if (value.startsWith("http://") || value.startsWith("https://")) return { role, content: [{ type: "image_url", url: value }] };
  return { role, content: [{ type: "image_path", path: value }] };
}

/** The original's `_build_single_message`: null and blank items are skipped. */
export function buildSingleMessage(item: unknown, defaultRole: string): LlmMessage | null {
  if (item === null || item === undefined) return null;
  if (typeof item === "string") return item.trim() === "" ? null : text(defaultRole, item);
  if (isPlainObject(item)) {
    if (dictGet(item, "type", "text") === "image") {
      const value = dictGet(item, "content", "");
      if (!isTruthy(value)) return null;
      return imageMessage(defaultRole, String(value));
    }
    let content = dictGet(item, "content", "");
    if (isPlainObject(content)) content = pyStr(content);
    else if (typeof content !== "string") content = isTruthy(content) ? pyStr(content) : "";
    if ((content as string).trim() === "") return null;
    return text(String(dictGet(item, "role", defaultRole)), content as string);
  }
  const value = pyStr(item);
  return value.trim() === "" ? null : text(defaultRole, value);
}

/** System messages, input messages, then the retry conversation (or the bare feedback). */
export function buildLlmMessages(system: unknown, input: unknown, state: Pick<StateProxy, "get">): LlmMessage[] {
  const messages: LlmMessage[] = [];
  const add = (message: LlmMessage | null) => {
    if (message !== null) messages.push(message);
  };

  if (isTruthy(system)) {
    if (typeof system === "string") add(text("system", system));
    else if (Array.isArray(system)) system.forEach((item) => add(buildSingleMessage(item, "system")));
    else if (isPlainObject(system)) add(buildSingleMessage(system, "system"));
  }

  // A string input is sent even when empty; other non-list, non-object values as `str()`.
  if (typeof input === "string") add(text("user", input));
  else if (Array.isArray(input)) input.forEach((item) => add(buildSingleMessage(item, "user")));
  else if (isPlainObject(input)) add(buildSingleMessage(input, "user"));
  else add(text("user", pyStr(input)));

  const history = state.get("_retry_conversation_history");
  const feedback = state.get("_retry_feedback");
  if (isTruthy(history) && Array.isArray(history)) {
    for (const turn of history) {
      if (!isPlainObject(turn)) continue;
      const content = dictGet(turn, "content", "");
      if (isTruthy(content)) add(text(String(dictGet(turn, "role", "assistant")), String(content)));
    }
  } else if (isTruthy(feedback)) {
    add(text("user", `FEEDBACK FROM USER: ${pyStr(feedback)}`));
  }
  return messages;
}
