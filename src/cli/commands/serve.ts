/** `wfv serve`: the virtual execution HTTP API (src/http) on a loopback port until SIGINT/SIGTERM. */
import { DEFAULT_DB_CACHE_BYTES } from "../../http/db-cache";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { DEFAULT_BUDGETS } from "../../node/isolate";
import { ServePool } from "../../http/pool";
import { DEFAULT_HOST, DEFAULT_MAX_BODY_BYTES, hostNameOf, startHttpApi } from "../../http/server";
import { EXIT_OK, UsageError, parseCommandArgs, printJson, type CliCommand } from "../io";

const usage = `Usage: wfv serve [--port N] [--host 127.0.0.1] [--cors-origin <origin>]... [--allow-host <name>]... [--allow-real] [--max-body-bytes N] [--db-cache-mb N]

Serves the virtual execution API: POST /workflow/virtual/execute, the original virtual server's routes
(/workflow/start, /workflow/respond, /workflow/resume/confirm, /workflow/state,
/workflow/interaction-history, /workflow/sub-action as server-sent events),
POST /workflow/virtual/mock-data and GET /health.

Prints one JSON line {"url": "http://host:port"} once it listens; stops cleanly on SIGINT/SIGTERM.

Against DNS rebinding, it answers only requests whose Host is a loopback name or address (localhost,
127.0.0.1, [::1], with any port), the --host it listens on, or an --allow-host name; others get 403.
Requests run in mock mode: a body's "mock": false is ignored unless the server runs with --allow-real.

Options:
  --port N              Port to listen on (default 9001, the original's; 0 picks a free one).
  --host H              Interface (default ${DEFAULT_HOST}, loopback only).
  --cors-origin O       A browser origin allowed to call the API (repeatable), e.g. http://localhost:5173.
  --allow-host H        Also answer requests whose Host is H (repeatable; a name or address, port ignored).
  --allow-real          Honour "mock": false in request bodies: real LLM, HTTP and media calls, with the
                        server's API keys. Off by default: any page that reaches the port could use them.
  --workers N           Requests run in a pool of N worker processes (default: one per core); /health is
                        answered by the server itself, so it answers while every worker is busy. A worker
                        that dies is replaced. 0 runs requests in the server's process (no budgets).
  --max-memory-mb N     A worker's heap cap (default ${DEFAULT_BUDGETS.memoryMb}); going over: limit_exceeded, and a new worker.
  --timeout S           A request's time budget in seconds (default ${DEFAULT_BUDGETS.runSeconds}); going over: limit_exceeded,
                        and its worker is killed and replaced.
  --max-body-bytes N    Refuse larger request bodies with 413 (default ${DEFAULT_MAX_BODY_BYTES}).
  --db-cache-mb N       Keep the DBs execute returned, live, up to N MiB (a DB weighs its JSON text and
                        its blob; default ${DEFAULT_DB_CACHE_BYTES / 2 ** 20}): a request that brings one back skips
                        decoding it. 0 keeps none. Answers are the same either way.`;

const DEFAULT_PORT = 9001;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "::1", "localhost"]);

function integerOption(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number > max) throw new UsageError(`--${name} must be an integer from 0 to ${max}`);
  return number;
}

const WILDCARD_HOSTS = new Set(["0.0.0.0", "::", "[::]"]);

function checkAllowedHost(host: string): string {
  if (hostNameOf(host) === undefined) throw new UsageError(`--allow-host must be a host name or address such as wfv.internal or 10.0.0.5, got '${host}'`);
  return host;
}

function checkOrigin(origin: string): string {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    throw new UsageError(`--cors-origin must be an origin such as http://localhost:5173, got '${origin}'`);
  }
  if (parsed.origin !== origin) throw new UsageError(`--cors-origin must be an origin (scheme://host[:port], no path), e.g. ${parsed.origin}`);
  return origin;
}

export const serveCommand: CliCommand = {
  summary: "Serve the virtual execution HTTP API on a loopback port",
  usage,
  async run(args, io) {
    const { values } = parseCommandArgs(
      args,
      {
        port: { type: "string" },
        host: { type: "string" },
        "cors-origin": { type: "string", multiple: true },
        "allow-host": { type: "string", multiple: true },
        "allow-real": { type: "boolean" },
        workers: { type: "string" },
        "max-memory-mb": { type: "string" },
        timeout: { type: "string" },
        "max-body-bytes": { type: "string" },
        "db-cache-mb": { type: "string" },
      },
      false,
    );
    const port = integerOption(values.port, "port", DEFAULT_PORT, 65535);
    const maxBodyBytes = integerOption(values["max-body-bytes"], "max-body-bytes", DEFAULT_MAX_BODY_BYTES, 2 ** 31 - 1);
    const dbCacheBytes = integerOption(values["db-cache-mb"], "db-cache-mb", DEFAULT_DB_CACHE_BYTES / 2 ** 20, 2 ** 20) * 2 ** 20;
    const host = values.host ?? DEFAULT_HOST;
    const corsOrigins = (values["cors-origin"] ?? []).map(checkOrigin);
    if (!LOOPBACK_HOSTS.has(host)) {
      io.stderr(`wfv serve: listening on ${host}, not loopback: anyone who can reach it can run workflows.\n`);
    }

    // The interface it listens on is a name clients use (unless it is every interface).
    const allowedHosts = [...(values["allow-host"] ?? []).map(checkAllowedHost), ...(WILDCARD_HOSTS.has(host) ? [] : [host])];
    const shared = { corsOrigins, maxBodyBytes, dbCacheBytes, allowedHosts, allowRealMode: values["allow-real"] === true };
    const workers = integerOption(values.workers, "workers", availableParallelism(), 256);
    const budgets = {
      memoryMb: integerOption(values["max-memory-mb"], "max-memory-mb", DEFAULT_BUDGETS.memoryMb, 2 ** 20) || DEFAULT_BUDGETS.memoryMb,
      runSeconds: integerOption(values.timeout, "timeout", DEFAULT_BUDGETS.runSeconds, 86_400) || DEFAULT_BUDGETS.runSeconds,
    };
    // --workers 0: every request in this process (no budgets), as before the pool.
    const pool = workers > 0 ? new ServePool({ size: workers, budgets, script: { file: join(__dirname, "serve-worker.js"), workerData: shared } }) : undefined;
    await pool?.ready();
    const api = await startHttpApi({ host, port, ...shared, pool });
    printJson(io, { url: api.url });

    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        api.close().then(resolve, (error: Error) => {
          io.stderr(`wfv serve: ${error.message}\n`);
          resolve();
        });
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
    return EXIT_OK;
  },
};
