/** The providers whose API keys wfv keeps (SecretStorage, secrets.ts); pure so tests and the error view can read it. */
export const PROVIDER_IDS = ["openai", "anthropic", "google", "leonardo", "elevenlabs", "suno"] as const;
