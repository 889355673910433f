/**
 * Real mode's settings: `wfv.mockMode`, and the providers' API keys, kept in VS Code's SecretStorage
 * (never in settings, the DB or a log). In mock mode no key is read.
 */
import * as vscode from "vscode";
import { PROVIDER_IDS } from "./provider-ids";

export const PROVIDERS = PROVIDER_IDS;

export function secretKey(provider: string): string {
  return `wfv.provider.${provider}.apiKey`;
}

export function mockMode(): boolean {
  return vscode.workspace.getConfiguration("wfv").get<boolean>("mockMode", true);
}

/** The provider settings a run gets: none in mock mode, else each provider whose key is stored. */
export async function providerSettings(secrets: vscode.SecretStorage): Promise<Record<string, { apiKey?: string }>> {
  if (mockMode()) return {};
  const out: Record<string, { apiKey?: string }> = {};
  for (const provider of PROVIDERS) {
    const key = await secrets.get(secretKey(provider));
    if (key) out[provider] = { apiKey: key };
  }
  return out;
}

/** Stores a provider's key; an empty key removes it. */
export async function storeProviderKey(secrets: vscode.SecretStorage, provider: string, key: string): Promise<void> {
  if (key === "") await secrets.delete(secretKey(provider));
  else await secrets.store(secretKey(provider), key);
}
