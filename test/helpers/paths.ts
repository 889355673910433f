/** Where things are, for tests: the repository root, the built CLI, and ../shared beside the clone. */
import { existsSync } from "node:fs";
import { resolve } from "node:path";

export const repoRoot = resolve(__dirname, "..", "..");
export const sharedDir = process.env.WFV_SHARED_DIR ?? resolve(repoRoot, "..", "shared");
export const fixturesDir = resolve(sharedDir, "fixtures");
export const oraclesDir = resolve(sharedDir, "oracles");
export const ccWorkflowPath = resolve(fixturesDir, "workflows", "cc", "workflow_v3.json");
export const cliPath = resolve(repoRoot, "dist", "cli.js");

export function requireShared(): void {
  if (!existsSync(fixturesDir)) {
    throw new Error(`shared fixtures not found at ${fixturesDir}; set WFV_SHARED_DIR`);
  }
}
