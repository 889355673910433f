/**
 * `npm run bench`: runs every bench/*.bench.ts in turn. Each prints its own table of measurements
 * next to a baseline measured in the same run, as ratios (never as pass/fail assertions).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { ensureMongomock } from "./original-cycle";

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const files = readdirSync(__dirname)
    .filter((name) => name.endsWith(".bench.ts"))
    .filter((name) => filters.length === 0 || filters.some((f) => name.includes(f)))
    .sort();
  // The baselines of the DB, engine and serve benches: the original server's cycle, in Python.
  if (files.some((name) => /^(db|engine|serve)\./.test(name))) ensureMongomock();
  for (const file of files) {
    console.log(`\n=== ${file} ===`);
    const mod = (await import(join(__dirname, file))) as { run?: () => Promise<void> | void };
    if (typeof mod.run !== "function") throw new Error(`${file} must export run()`);
    await mod.run();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
