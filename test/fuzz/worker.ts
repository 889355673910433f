/**
 * A fuzz worker thread (driven by scripts/fuzz.ts): builds its pool of DBs, then runs the batches of
 * seeds it is given, announcing each case before it starts so the driver can name a case that hangs.
 */
import { parentPort } from "node:worker_threads";
import { buildPool, generateCase } from "./cases";
import { disableNetwork, runCase } from "./check";

export type ToWorker = { type: "batch"; from: number; to: number } | { type: "stop" };

export type FromWorker =
  | { type: "ready" }
  | { type: "begin"; seed: number }
  | { type: "end"; seed: number; problems: string[]; description: string[]; status?: string; errorType?: string; ms: number }
  | { type: "idle" };

const port = parentPort;
if (!port) throw new Error("test/fuzz/worker.ts runs as a worker thread");

disableNetwork();
const post = (message: FromWorker) => port.postMessage(message);

void (async () => {
  const pool = await buildPool();
  post({ type: "ready" });
  port.on("message", async (message: ToWorker) => {
    if (message.type === "stop") {
      port.close();
      return;
    }
    for (let seed = message.from; seed < message.to; seed++) {
      post({ type: "begin", seed });
      let description: string[] = [];
      try {
        const fuzzCase = generateCase(seed, pool);
        description = fuzzCase.description;
        const outcome = await runCase(fuzzCase);
        post({ type: "end", seed, problems: outcome.problems, description, status: outcome.status, errorType: outcome.errorType, ms: outcome.ms });
      } catch (error) {
        // The generator or the checks themselves failed: still a failing case, with its seed.
        post({ type: "end", seed, problems: [`fuzz harness failed: ${(error as Error)?.stack ?? String(error)}`], description, ms: 0 });
      }
    }
    post({ type: "idle" });
  });
})();
