/**
 * A `wfv serve` pool worker (dist/serve-worker.js): the same HTTP API (server.ts) on its own loopback
 * port, in a budgeted child process (src/node/isolate.ts). It tells its host the URL once it listens;
 * the host proxies requests to it (pool.ts) and kills it when a request goes over its time budget.
 */
import { hostPort } from "../node/isolate";
import { startHttpApi, type HttpApiOptions } from "./server";

const host = hostPort();
if (host) {
  const options = JSON.parse(process.env.WFV_ISOLATED_DATA ?? "{}") as HttpApiOptions;
  host.on(() => undefined);
  void startHttpApi({ ...options, host: "127.0.0.1", port: 0 }).then(
    (api) => host.post({ type: "listening", url: api.url }),
    (error: Error) => {
      process.stderr.write(`wfv serve worker: ${error.message}\n`);
      process.exit(1);
    },
  );
}
