/**
 * Errors that say what to do (issue 12.9): which of the panel's error buttons an error gets from its
 * text alone. Provider errors reach the run as `execution_failed` whose reason carries the provider's
 * message (src/core/providers/llm/shared.ts): a missing key, a refused one (401/403), or a failed call.
 * Pure; the quick fix ("Apply fix") needs the language server and is asked for in error-fixes.ts.
 */
import type { ErrorAction, RunError } from "../shared/protocol";
import { PROVIDER_IDS } from "./provider-ids";

/** The providers' environment variables and display names, lower-cased, → the provider id. */
function providerNamed(text: string): string | undefined {
  const lower = text.toLowerCase();
  return PROVIDER_IDS.find((id) => lower.includes(`${id}_api_key`) || lower.startsWith(id) || lower.includes(` ${id} `) || lower.includes(`${id} api`));
}

function messageOf(error: RunError): string {
  const reason = typeof error.details.reason === "string" ? error.details.reason : "";
  return `${error.message}\n${reason}`;
}

/** Whether the error came from a provider call (an LLM, HTTP or media API) rather than the workflow. */
export function isProviderError(error: RunError): boolean {
  return /\bAPI (key not provided|error \(\d{3}\)|request failed|returned an unreadable response)/.test(messageOf(error));
}

/**
 * The provider buttons for `error`: "Set API key" when the key is missing or refused (named provider,
 * else the first one the message names), "Switch to mock" for any provider failure in real mode.
 */
export function providerActions(error: RunError, mock: boolean): ErrorAction[] {
  if (!isProviderError(error)) return [];
  const text = messageOf(error);
  const actions: ErrorAction[] = [];
  const keyProblem = /API key not provided|API error \((401|403)\)/.exec(text);
  const provider = providerNamed(/([A-Za-z]+) API (key|error)/.exec(text)?.[1] ?? "") ?? providerNamed(text);
  if (keyProblem && provider) actions.push({ kind: "set_api_key", provider });
  if (!mock) actions.push({ kind: "switch_to_mock" });
  return actions;
}
