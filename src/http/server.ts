/**
 * The HTTP API over `src/core/virtual`: an adapter, nothing more. The API is stateless (the DB travels
 * in every body, as with the original virtual server), so an existing client of the original (the
 * editor's `VirtualRuntime`) can point at it. What the server keeps is a cache, never state: the DBs the
 * execute route returned, live, so that a request bringing one back skips decoding it (stateless.ts,
 * db-cache.ts); any other DB gets the same answer, decoded.
 *
 * Status codes: 200 for every answer of the engine, failures included (`status: "error"` with
 * `result.error_type`, as the original); 400 for a body that is not JSON or not the route's shape
 * (`{error, error_type: "bad_request", details}`); 404 unknown path; 405 wrong method (with `Allow`);
 * 413 body over `maxBodyBytes`; 415 a body that is not declared JSON (so browsers must preflight);
 * 403 a request whose `Host` is not a loopback name or address, nor one of `allowedHosts`.
 *
 * Against DNS rebinding: a web page can point its own name at 127.0.0.1 and then talk to this server as
 * a same-origin page, so CORS does not protect it; the `Host` header still says the page's name, so
 * only loopback names (and hosts the user allowed) are answered. And a request body cannot turn mock
 * mode off (real LLM/HTTP/media calls: internal URLs, the user's API keys) unless the server was
 * started with `allowRealMode`: `mock: false` is read as `mock: true`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { GzipLevel } from "../core/db";
import type { EngineOptions } from "../core/virtual";
import { FILE_GZIP_LEVEL, nodeGzipCodec } from "../node/gzip";
import { bytesKey, DbCache, DEFAULT_DB_CACHE_BYTES } from "./db-cache";
import { corsHeaders, HttpError, parseJsonBytes, preflightHeaders, readJsonBody, readJsonBodyBytes, sendError, sendJson, type CorsPolicy } from "./exchange";
import { locateRawDb, splitRawDb } from "./raw-db";
import { ROUTES } from "./routes";
import type { ServePool } from "./pool";
import type { StatelessOptions } from "./stateless";

/** The DB travels in the body, so the default allows large bodies. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;
export const DEFAULT_HOST = "127.0.0.1";

export interface HttpApiOptions {
  /** Browser origins allowed to call the API (exact match, e.g. `http://localhost:5173`). */
  corsOrigins?: readonly string[];
  maxBodyBytes?: number;
  /** Passed to every engine call (registry, providers, logger; gzip is Node's zlib unless `codec` says otherwise). */
  engine?: EngineOptions;
  /**
   * Bound, in bytes, of the cache of DBs the execute route returned (db-cache.ts; default 512 MiB);
   * 0 keeps none (every request decodes its DB).
   */
  dbCacheBytes?: number;
  /** gzip level of the blobs the execute route returns (default 1, as the CLI's and the extension's DB files). */
  gzipLevel?: GzipLevel;
  /** The virtual DBs' clock and random source (tests make answers reproducible with them). */
  db?: { clock?: () => number; random?: () => number };
  /** Host names (or addresses) answered besides loopback ones (`localhost`, `*.localhost`, 127.0.0.0/8, `::1`). */
  allowedHosts?: readonly string[];
  /** Honour `mock: false` in request bodies (real provider calls). Off by default: mock mode is forced. */
  allowRealMode?: boolean;
  /**
   * Workers that run the requests (pool.ts): this server then checks the Host, answers `/health` and
   * preflights itself, and proxies the rest. Closed with the server.
   */
  pool?: ServePool;
}

/** The host name of a `Host` header (`name[:port]`, `[v6][:port]`), lower-cased; undefined when malformed. */
export function hostNameOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = header.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/.exec(value);
  if (bracketed) return bracketed[1];
  const plain = /^([a-z0-9._-]+)(?::\d{1,5})?$/.exec(value);
  return plain ? plain[1].replace(/\.$/, "") : undefined;
}

/** Whether `name` (a host name as hostNameOf gives it) is a loopback name or address. */
export function isLoopbackHostName(name: string): boolean {
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  if (name === "::1" || name === "0:0:0:0:0:0:0:1") return true;
  const v4 = /^(?:::ffff:)?127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(name);
  return v4 !== null && v4.slice(1).every((part) => Number(part) <= 255);
}

/** The `Host` check: loopback, or one of `allowed` (host names, compared without port). */
function hostChecker(allowed: readonly string[] = []): (request: IncomingMessage) => string | undefined {
  const extra = new Set(allowed.map((host) => hostNameOf(host) ?? host.toLowerCase()));
  return (request) => {
    const name = hostNameOf(request.headers.host);
    if (name !== undefined && (isLoopbackHostName(name) || extra.has(name))) return undefined;
    return request.headers.host ?? "";
  };
}

/** Forces mock mode on a parsed body (an object); other values are left for the route to refuse. */
function forceMock(body: unknown): unknown {
  if (body !== null && typeof body === "object" && !Array.isArray(body) && "mock" in body && (body as { mock?: unknown }).mock !== true) {
    (body as { mock?: unknown }).mock = true;
  }
  return body;
}

export interface ListenOptions {
  /** Default 127.0.0.1 (loopback). */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface RunningHttpApi {
  server: Server;
  /** `http://host:port`, the port resolved. */
  url: string;
  /** Stops accepting connections, ends idle ones and resolves when the server has closed. */
  close(): Promise<void>;
}

function pathOf(request: IncomingMessage): string {
  const raw = request.url ?? "/";
  const query = raw.indexOf("?");
  const path = query >= 0 ? raw.slice(0, query) : raw;
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}

/** The request handler; exported for embedding in another server. */
export function createRequestHandler(options: HttpApiOptions = {}): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  const policy: CorsPolicy = { origins: new Set(options.corsOrigins ?? []) };
  const refusedHost = hostChecker(options.allowedHosts);
  const mockOnly = options.allowRealMode !== true;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const engine: EngineOptions = { codec: nodeGzipCodec, ...options.engine };
  const stateless: StatelessOptions = {
    engine,
    codec: engine.codec ?? nodeGzipCodec,
    level: options.gzipLevel ?? FILE_GZIP_LEVEL,
    cache: new DbCache(options.dbCacheBytes ?? DEFAULT_DB_CACHE_BYTES),
    clock: options.db?.clock,
    random: options.db?.random,
  };

  // One buffer for large bodies, lent to one request at a time: back once its handler has returned and
  // its response is written (the response may hold the body's bytes: a failed call echoes the DB).
  let spare: Buffer | undefined;
  const lend = (response: ServerResponse) => {
    let lent: Buffer | undefined;
    return {
      into: (length: number): Buffer => {
        // Room to grow: the next request usually brings the same DB a little larger.
        lent = spare !== undefined && spare.length >= length ? spare : Buffer.allocUnsafeSlow(Math.ceil((length * 1.125) / 2 ** 20) * 2 ** 20);
        if (lent === spare) spare = undefined;
        return lent.subarray(0, length);
      },
      giveBack: () => {
        const buffer = lent;
        if (buffer === undefined) return;
        const keep = () => {
          if (spare === undefined || spare.length < buffer.length) spare = buffer;
        };
        if (response.writableFinished || response.destroyed) keep();
        else response.once("close", keep);
      },
    };
  };

  return async (request, response) => {
    const startedAt = performance.now();
    const headers = corsHeaders(policy, request);
    let giveBack = () => {};
    try {
      const host = refusedHost(request);
      if (host !== undefined) {
        request.resume();
        throw new HttpError(403, "forbidden_host", `Host ${JSON.stringify(host)} is not served: only loopback names and addresses (and --allow-host) are`, { host });
      }
      const route = ROUTES[pathOf(request)];
      if (!route) throw new HttpError(404, "not_found", `No route ${request.method} ${pathOf(request)}`, { path: pathOf(request) });
      if (options.pool && route !== ROUTES["/health"] && request.method !== "OPTIONS") {
        if (route.method === "POST" && route.rawDb && request.method === "POST") {
          // Read here to route it to the worker that holds its DB live (pool.ts).
          const body = await readJsonBodyBytes(request, maxBodyBytes);
          const raw = locateRawDb(body, 1);
          options.pool.handle(request, response, headers, { body, dbKey: raw && bytesKey(raw) });
        } else {
          options.pool.handle(request, response, headers);
        }
        return;
      }
      if (request.method === "OPTIONS") {
        response.writeHead(204, { ...preflightHeaders(policy, request, [route.method]), Allow: `${route.method}, OPTIONS` });
        response.end();
        return;
      }
      const isHead = request.method === "HEAD" && route.method === "GET";
      if (request.method !== route.method && !isHead) {
        request.resume();
        throw new HttpError(405, "method_not_allowed", `${pathOf(request)} accepts ${route.method}, not ${request.method}`, { allowed: [route.method] }, {
          Allow: `${route.method}, OPTIONS`,
        });
      }
      let body: unknown;
      let bodyReadAt: number | undefined;
      let rawDb: { bytes: Buffer; placeholder: string } | undefined;
      let reparse = (): unknown => body;
      if (route.method === "POST" && route.rawDb) {
        const loan = lend(response);
        giveBack = loan.giveBack;
        const bytes = await readJsonBodyBytes(request, maxBodyBytes, loan.into);
        bodyReadAt = performance.now();
        const split = splitRawDb(bytes);
        body = split.body;
        if (split.rawDb) {
          rawDb = { bytes: split.rawDb, placeholder: split.placeholder! };
          reparse = mockOnly ? () => forceMock(parseJsonBytes(bytes)) : () => parseJsonBytes(bytes);
        }
      } else if (route.method === "POST") {
        body = await readJsonBody(request, maxBodyBytes);
      }
      if (mockOnly) body = forceMock(body);
      bodyReadAt ??= performance.now();
      await route.handle({ request, response, body, headers, engine, stateless, rawDb, reparse, startedAt, bodyReadAt });
    } catch (error) {
      if (response.headersSent) {
        // Mid-stream (SSE): nothing structured can be sent any more.
        response.destroy(error instanceof Error ? error : undefined);
        return;
      }
      if (error instanceof HttpError) {
        sendError(response, new HttpError(error.status, error.errorType, error.message, error.details, { ...headers, ...error.headers }));
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      sendJson(response, 500, { error: message, error_type: "internal_error", details: {} }, headers);
    } finally {
      giveBack();
    }
  };
}

/** A server for the API, not yet listening. */
export function createHttpApi(options: HttpApiOptions = {}): Server {
  const handle = createRequestHandler(options);
  return createServer((request, response) => {
    void handle(request, response);
  });
}

/** Starts the API and resolves once it listens, with its URL. */
export function startHttpApi(options: HttpApiOptions & ListenOptions = {}): Promise<RunningHttpApi> {
  const server = createHttpApi(options);
  const host = options.host ?? DEFAULT_HOST;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      const address = server.address() as AddressInfo;
      const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
      resolve({
        server,
        url: `http://${shownHost}:${address.port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeIdleConnections();
          }).finally(() => options.pool?.close()),
      });
    });
  });
}
