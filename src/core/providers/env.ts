/**
 * Environment look-ups for real-mode settings the caller did not pass (API keys, base paths). Core
 * code never reads `process.env` anywhere else, so a webview or test can run without one.
 */
export function readEnv(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.[name];
  return value === undefined || value === "" ? undefined : value;
}
