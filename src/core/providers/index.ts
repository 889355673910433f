/**
 * Real-mode providers behind small interfaces: HTTP (global fetch) and the LLM providers. Settings
 * (keys, base URLs) come from the caller's `ProviderSettings`, else the environment; never from the
 * workflow.
 */
import type { ProviderSettings } from "./types";
import { readEnv } from "./env";
import { API_KEY_ENV } from "./llm";

export { httpRequest, HttpRequestError, redactUrlCredentials, withQuery, type HttpRequest, type HttpResponse } from "./http";
export { readEnv } from "./env";
export * from "./llm";
export type { ProviderLogger, ProviderSettings } from "./types";

/** A provider's key and base URL: the caller's settings first, then `<PROVIDER>_API_KEY` / `<PROVIDER>_BASE_URL`. */
export function providerConnection(settings: ProviderSettings, provider: string): { apiKey?: string; baseUrl?: string } {
  const given = settings[provider] ?? {};
  const envPrefix = provider.toUpperCase();
  return {
    apiKey: (typeof given.apiKey === "string" && given.apiKey !== "" ? given.apiKey : undefined) ?? readEnv(API_KEY_ENV[provider] ?? `${envPrefix}_API_KEY`),
    baseUrl: (typeof given.baseUrl === "string" && given.baseUrl !== "" ? given.baseUrl : undefined) ?? readEnv(`${envPrefix}_BASE_URL`),
  };
}

/** Settings from an environment object (what the CLI passes when mock mode is off). */
export function providerSettingsFromEnv(env: Record<string, string | undefined>): ProviderSettings {
  const settings: ProviderSettings = {};
  for (const provider of Object.keys(API_KEY_ENV)) {
    const apiKey = env[API_KEY_ENV[provider]];
    const baseUrl = env[`${provider.toUpperCase()}_BASE_URL`];
    if (apiKey || baseUrl) settings[provider] = { ...(apiKey ? { apiKey } : {}), ...(baseUrl ? { baseUrl } : {}) };
  }
  return settings;
}
