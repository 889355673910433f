/**
 * What every in-host suite uses: `test` (one line per result, `ok`/`not ok`, as the e2e runner reads
 * them), `until` (wait for a condition, never a sleep), and small helpers over the workbench.
 */
import * as vscode from "vscode";
import type { WfvApi } from "../../../src/extension/extension";

const results: string[] = [];
let failureCount = 0;

/** What a suite gets: the workspace folder and the activated extension's API. */
export interface InHostContext {
  ws: vscode.Uri;
  api: WfvApi;
}

export function failures(): number {
  return failureCount;
}

export async function test(name: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
    results.push(`ok - ${name}`);
  } catch (error) {
    failureCount++;
    results.push(`not ok - ${name}: ${(error as Error)?.stack ?? error}`);
  } finally {
    console.log(results[results.length - 1]);
  }
}

/** Polls `probe` until it returns a value that is not undefined (VS Code updates asynchronously). */
export async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

export async function lenses(uri: vscode.Uri): Promise<{ title: string; line: number; args: unknown[] }[]> {
  const found = (await vscode.commands.executeCommand<vscode.CodeLens[]>("vscode.executeCodeLensProvider", uri, 1000)) ?? [];
  return found.filter((l) => l.command).map((l) => ({ title: l.command!.title, line: l.range.start.line, args: l.command!.arguments ?? [] }));
}

export async function open(ws: vscode.Uri, rel: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(ws, rel));
  await vscode.window.showTextDocument(document);
  return document;
}

declare const WFV_IN_HOST_ONLY: string;

/**
 * Whether the suite `name` runs: all of them, unless the bundle was built with `WFV_IN_HOST_ONLY` set
 * (a comma-separated list of suite names; `core` is index.ts's own) to iterate on one feature.
 */
export function selected(name: string): boolean {
  const only = typeof WFV_IN_HOST_ONLY === "string" ? WFV_IN_HOST_ONLY : "";
  return only === "" || only.split(",").map((s) => s.trim()).includes(name);
}
