/** Small timing helpers shared by the benchmarks. */
import { spawnSync } from "node:child_process";

/** Median milliseconds per call of `fn` over `runs` runs (after one warm-up). */
export function medianMs(fn: () => unknown, runs = 5): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export function pythonHas(module: string): boolean {
  return spawnSync("/usr/bin/python3", ["-c", `import ${module}`], { stdio: "ignore" }).status === 0;
}

export function printTable(rows: Array<Record<string, string | number>>): void {
  console.table(rows);
}
