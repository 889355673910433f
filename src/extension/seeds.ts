/**
 * Seed DBs (tracker issue 13.4): a `*.seed.json` (readable extended JSON, as `wfv db export --json`
 * and "Virtual: Save DB as Seed…" write it) or a `.db` file beside the workflow, offered by
 * "Virtual: Reset DB" as the DB to start from. Which seed a workflow's DB was last reset to is
 * remembered, so "Save Run as Test…" records a test that starts from it. No `vscode` here.
 */
import { readdirSync, statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";

export function isSeedFile(name: string): boolean {
  return /\.seed\.json$/i.test(name) || /\.db$/i.test(name);
}

/** The seeds beside a workflow: its folder and its `seeds/` folder, sorted. */
export function seedsBeside(workflowFile: string): string[] {
  const found: string[] = [];
  for (const folder of [dirname(workflowFile), join(dirname(workflowFile), "seeds")]) {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!isSeedFile(name)) continue;
      const path = join(folder, name);
      try {
        if (statSync(path).isFile()) found.push(path);
      } catch {
        // gone meanwhile
      }
    }
  }
  return found.sort();
}

/** A path from a test file's folder, `/`-separated (tests are shared between systems). */
export function fromFolderOf(file: string, target: string): string {
  return relative(dirname(file), target).split(sep).join("/");
}

/** A seed file name for a workflow's DB: `<name>.seed.json`, only word characters, dots and dashes. */
export function seedFileName(workflowName: string): string {
  return `${workflowName.replace(/[^\w.-]+/g, "_").replace(/^_+|_+$/g, "") || "db"}.seed.json`;
}

/** Which seed each workflow's DB was last reset to (workflow file → seed file); kept by the caller's memento. */
export class SeedMemory {
  constructor(private readonly memento: { get<T>(key: string): T | undefined; update(key: string, value: unknown): Thenable<void> | Promise<void> }) {}

  private all(): Record<string, string> {
    return this.memento.get<Record<string, string>>("wfv.seeds") ?? {};
  }

  seedOf(workflowFile: string): string | undefined {
    return this.all()[workflowFile];
  }

  async set(workflowFile: string, seed: string | undefined): Promise<void> {
    const next = { ...this.all() };
    if (seed === undefined) delete next[workflowFile];
    else next[workflowFile] = seed;
    await this.memento.update("wfv.seeds", next);
  }
}
