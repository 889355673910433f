/** Small timing helpers shared by the benchmarks. */
import { spawnSync } from "node:child_process";

const median = (times: number[]) => times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
const elapsedMs = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

/** Median milliseconds per call of `fn` over `runs` runs, after one warm-up call unless `warmUp` is false. */
export function medianMs(fn: () => unknown, runs = 5, warmUp = true): number {
  if (warmUp) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(elapsedMs(start));
  }
  return median(times);
}

/** `medianMs` for an async call. */
export async function medianAsyncMs(fn: () => Promise<unknown>, runs = 5, warmUp = true): Promise<number> {
  if (warmUp) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn();
    times.push(elapsedMs(start));
  }
  return median(times);
}

export function pythonHas(module: string): boolean {
  return spawnSync("/usr/bin/python3", ["-c", `import ${module}`], { stdio: "ignore" }).status === 0;
}

export function printTable(rows: Array<Record<string, string | number>>): void {
  console.table(rows);
}
