/** Where things are, for tests: the repository root, the built CLI, the golden fixtures, the Python oracles and the cc example. */
import { resolve } from "node:path";

export const repoRoot = resolve(__dirname, "..", "..");
export const fixturesDir = resolve(repoRoot, "test", "fixtures");
export const oraclesDir = resolve(repoRoot, "test", "oracles");
export const ccWorkflowDir = resolve(repoRoot, "examples", "workflows", "cc");
export const ccWorkflowPath = resolve(ccWorkflowDir, "workflow_v3.json");
export const cliPath = resolve(repoRoot, "dist", "cli.js");
