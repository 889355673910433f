/** What callers hand the real-mode providers: their settings and a logger. */

/** Real-mode settings for LLM/HTTP/media providers (keys never come from the workflow). */
export interface ProviderSettings {
  /** e.g. { openai: { apiKey, baseUrl }, anthropic: { apiKey, baseUrl } } */
  [provider: string]: { apiKey?: string; baseUrl?: string; [key: string]: unknown } | undefined;
}

/** Where a provider reports what it does (a module's logger, in practice). */
export interface ProviderLogger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
}
