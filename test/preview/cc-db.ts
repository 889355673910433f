/** The cc example run up to a module (mock mode, default answers), for the preview tests. */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { DbSnapshot } from "../../src/core/db";
import { execute } from "../../src/core/virtual";
import { fixturesDir } from "../helpers/paths";

export function ccWorkflow(): Record<string, any> {
  return JSON.parse(readFileSync(resolve(fixturesDir, "cc_resolved_workflow.json"), "utf8"));
}

/** The DB after an up_to run stopped at `module_name`'s interaction. */
export async function ccDbUpTo(workflow: Record<string, any>, step_id: string, module_name: string): Promise<DbSnapshot> {
  const result = await execute({ workflow, virtual_db: null, target_step_id: step_id, target_module_name: module_name, mode: "up_to", db_format: "object" });
  if (result.status === "error") throw new Error(`${result.error} ${JSON.stringify(result.result)}`);
  return result.result.virtual_db as DbSnapshot;
}
