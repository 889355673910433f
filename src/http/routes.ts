/**
 * The routes: `/workflow/virtual/execute` (virtual-execution.md), the original virtual server's routes
 * (engine.md §4.7), mock data and health. Each handler checks its body with zod, calls
 * `src/core/virtual` and shapes nothing the core already shaped.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "zod";
import { isWfvError } from "../core/errors";
import { generateMocksFromSchema } from "../core/mock";
import {
  failureResponse,
  getInteractionHistory,
  getState,
  interactionData,
  respond,
  resumeConfirm,
  start,
  subAction,
  type EngineOptions,
  type VirtualDbInput,
} from "../core/virtual";
import { badRequest, HttpError, openSse, sendJson, sendJsonWithBlobs } from "./exchange";
import { executeStateless, type GivenDb, type StatelessOptions } from "./stateless";
import {
  describeIssues,
  executeBody,
  interactionDataBody,
  mockDataBody,
  respondBody,
  resumeConfirmBody,
  runReadBody,
  startBody,
  subActionBody,
} from "./schemas";

/** What a handler gets: the parsed JSON body (POST only), where to answer, and the server's settings. */
export interface RouteContext {
  request: IncomingMessage;
  response: ServerResponse;
  body: unknown;
  /** CORS headers for this request (empty for origins that are not configured). */
  headers: Record<string, string>;
  engine: EngineOptions;
  /** The stateless execute's cache, codec and DB settings (stateless.ts). */
  stateless: StatelessOptions;
  /** A large `virtual_db` blob left as bytes (routes with `rawDb`; raw-db.ts): `body.virtual_db` is `placeholder`. */
  rawDb?: { bytes: Buffer; placeholder: string };
  /** The whole body parsed as usual (a route that gets `rawDb` and needs the blob as a string). */
  reparse(): unknown;
  /** When the request's handler started and when its body had been read (performance.now() ms). */
  startedAt: number;
  bodyReadAt: number;
}

export interface Route {
  method: "GET" | "POST";
  /** The route reads a large `virtual_db` blob as bytes, without decoding it (RouteContext.rawDb). */
  rawDb?: boolean;
  handle(context: RouteContext): Promise<void> | void;
}

export const SERVICE_NAME = "wfv-virtual-server";

function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw badRequest(`Invalid request body: ${describeIssues(parsed.error).map((issue) => `${issue.path}: ${issue.message}`).join("; ")}`, {
      issues: describeIssues(parsed.error),
    });
  }
  return parsed.data;
}

/**
 * What the original server answered when a route raised (engine.md §4.7): HTTP 200, `status: "error"`,
 * `result.error_type`, and the DB as given. The core already answers every engine failure this way;
 * this is the net under it.
 */
function uncaughtFailure(error: unknown, givenDb: VirtualDbInput): Record<string, unknown> {
  const { workflow_run_id, ...rest } = failureResponse(error, givenDb);
  return { workflow_run_id, virtual_run_id: "", ...rest, virtual_db: givenDb ?? null, state: null };
}

/** A workflow route: parse, run the engine call, answer 200 whatever the engine said. */
function engineRoute<T extends z.ZodType>(schema: T, call: (body: z.infer<T>, engine: EngineOptions) => Promise<unknown>): Route {
  return {
    method: "POST",
    async handle({ body, response, headers, engine }) {
      const parsed = parseBody(schema, body);
      const givenDb = (parsed as { virtual_db?: VirtualDbInput }).virtual_db;
      let answer: unknown;
      try {
        answer = await call(parsed, engine);
      } catch (error) {
        answer = uncaughtFailure(error, givenDb);
      }
      // A failed call hands the caller's DB back; it goes out exactly as it came in.
      sendJson(response, 200, answer, headers, givenDb);
    },
  };
}

/**
 * `POST /workflow/virtual/execute`, stateless as the core's execute but with the server's cache of the
 * DBs it returned and segmented blobs (stateless.ts). `Server-Timing` says where the time went and
 * whether the DB came live from the cache (`db;desc=hit`), was decoded (`miss`) or fresh.
 */
/** The response header naming the cache key of the DB an execute returned (db-cache.ts blobKey). */
export const DB_KEY_HEADER = "x-wfv-db-key";

const executeRoute: Route = {
  method: "POST",
  rawDb: true,
  async handle({ body, response, headers, stateless, rawDb, reparse, startedAt, bodyReadAt }) {
    const parsedAt = performance.now();
    let parsed = parseBody(executeBody, body);
    let given: GivenDb = { value: parsed.virtual_db };
    let hit;
    if (rawDb) {
      hit = stateless.cache.take(rawDb.bytes);
      if (hit) given = { value: rawDb.placeholder, raw: rawDb };
      else {
        // Not a blob this server returned: read the body as usual, the blob as a string.
        parsed = parseBody(executeBody, reparse());
        given = { value: parsed.virtual_db };
      }
    } else if (typeof parsed.virtual_db === "string" && parsed.virtual_db.trim() !== "") {
      hit = stateless.cache.take(Buffer.from(parsed.virtual_db, "utf8"));
    }
    const lookedUpAt = performance.now();
    let answer;
    try {
      answer = await executeStateless(parsed, given, hit, stateless);
    } catch (error) {
      const raw = new Map(given.raw ? [[given.raw.placeholder, [given.raw.bytes]]] : []);
      sendJsonWithBlobs(response, 200, uncaughtFailure(error, given.value), headers, raw, given.value);
      return;
    }
    const { timings } = answer;
    const ms = (value: number) => value.toFixed(2);
    // process: from the whole body read to the response ready to be written.
    const timing = () =>
      [
        `body;dur=${ms(bodyReadAt - startedAt)}`,
        `parse;dur=${ms(parsedAt - bodyReadAt)}`,
        `lookup;dur=${ms(lookedUpAt - parsedAt)}`,
        `db;desc=${answer.source}`,
        `open;dur=${ms(timings.open)}`,
        `run;dur=${ms(timings.run)}`,
        `encode;dur=${ms(timings.encode)}`,
        `process;dur=${ms(performance.now() - bodyReadAt)}`,
      ].join(", ");
    // A failed call hands the caller's DB back; it goes out exactly as it came in.
    // DB_KEY_HEADER: which live DB this process now holds (the serve pool sends that DB's next request here).
    const keyHeader: Record<string, string> = answer.cachedKey ? { [DB_KEY_HEADER]: answer.cachedKey } : {};
    sendJsonWithBlobs(response, 200, answer.response, () => ({ ...headers, ...keyHeader, "Server-Timing": timing() }), answer.blobs, given.value);
  },
};

const startRoute = engineRoute(startBody, (body, engine) => start(body, engine));

const respondRoute = engineRoute(respondBody, (body, engine) => respond(body, engine));

const resumeConfirmRoute = engineRoute(resumeConfirmBody, (body, engine) => resumeConfirm(body, engine));

const interactionDataRoute = engineRoute(interactionDataBody, (body, engine) => interactionData(body, engine));

const stateRoute: Route = {
  method: "POST",
  handle({ body, response, headers }) {
    // Empty values when the DB cannot be read, as the original.
    sendJson(response, 200, getState(parseBody(runReadBody, body)), headers);
  },
};

const interactionHistoryRoute: Route = {
  method: "POST",
  handle({ body, response, headers }) {
    const parsed = parseBody(runReadBody, body);
    try {
      sendJson(response, 200, getInteractionHistory(parsed), headers);
    } catch (error) {
      // The original raised (a 500); wfv names the cause: the DB given cannot be read.
      if (isWfvError(error)) throw new HttpError(400, error.errorType, error.message, error.details);
      throw error;
    }
  },
};

/** `POST /workflow/sub-action`: the stream of events, one SSE event each, ending with complete or error. */
const subActionRoute: Route = {
  method: "POST",
  async handle({ body, response, headers, engine }) {
    const parsed = parseBody(subActionBody, body);
    const sse = openSse(response, headers);
    try {
      for await (const event of subAction(parsed, engine)) {
        sse.send(event.type, event.data, parsed.virtual_db);
        // The client left: stop reading; the session finishes its (all-or-nothing) call on its own.
        if (sse.closed) break;
      }
    } catch (error) {
      const failure = uncaughtFailure(error, parsed.virtual_db);
      sse.send("error", { message: failure.error, error_type: (failure.result as Record<string, unknown>).error_type, virtual_db: parsed.virtual_db ?? null }, parsed.virtual_db);
    }
    sse.end();
  },
};

/** `POST /workflow/virtual/mock-data`: `count` items valid against `schema`, deterministic per seed. */
const mockDataRoute: Route = {
  method: "POST",
  handle({ body, response, headers }) {
    const parsed = parseBody(mockDataBody, body);
    let items: unknown[];
    try {
      items = parsed.seed === undefined ? generateMocksFromSchema(parsed.schema, parsed.count) : generateMocksFromSchema(parsed.schema, parsed.count, parsed.seed);
    } catch (error) {
      // A schema asking for more than the mock limits allow is the request's fault, as in `wfv mock`.
      if (isWfvError(error) && error.errorType === "bad_request") throw badRequest(error.message, error.details);
      throw error;
    }
    sendJson(response, 200, { items, count: items.length, seed: parsed.seed ?? null }, headers);
  },
};

const healthRoute: Route = {
  method: "GET",
  handle({ response, headers }) {
    // The original's shape; there is no auth database behind a local virtual server.
    sendJson(response, 200, { status: "healthy", service: SERVICE_NAME, auth_database: "none" }, headers);
  },
};

/** Path → route. One method per path, as the original. */
export const ROUTES: Readonly<Record<string, Route>> = {
  "/workflow/virtual/execute": executeRoute,
  "/workflow/virtual/mock-data": mockDataRoute,
  "/workflow/virtual/interaction-data": interactionDataRoute,
  "/workflow/start": startRoute,
  "/workflow/respond": respondRoute,
  "/workflow/resume/confirm": resumeConfirmRoute,
  "/workflow/state": stateRoute,
  "/workflow/interaction-history": interactionHistoryRoute,
  "/workflow/sub-action": subActionRoute,
  "/health": healthRoute,
};
