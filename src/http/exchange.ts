/**
 * The HTTP plumbing every route shares: reading a bounded JSON body, writing JSON and errors, CORS for
 * the configured origins, and server-sent events.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { stringifyWire } from "./json";

/** An HTTP-level failure: its status and the structured body `{error, error_type, details}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export function badRequest(message: string, details: Record<string, unknown> = {}): HttpError {
  return new HttpError(400, "bad_request", message, details);
}

/**
 * The body as text, refusing more than `maxBytes` with 413. A declared `Content-Length` over the limit
 * is refused before any byte is read; a chunked body is counted as it arrives.
 */
export function readBody(request: IncomingMessage, maxBytes: number): Promise<string> {
  const tooLarge = () =>
    new HttpError(413, "payload_too_large", `The request body is larger than ${maxBytes} bytes`, { max_body_bytes: maxBytes }, { Connection: "close" });
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    // Let the rest of the upload drain so the client can read the 413 instead of a reset.
    request.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    request.on("data", (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > maxBytes) {
        refused = true;
        chunks.length = 0;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => {
      if (!refused) resolve(Buffer.concat(chunks, size).toString("utf8"));
    });
    request.on("error", (error) => {
      if (!refused) reject(error);
    });
  });
}

/** The body parsed as JSON; non-JSON content types are refused (415) so a browser must preflight. */
export async function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  const contentType = String(request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (contentType !== "application/json" && !contentType.endsWith("+json")) {
    request.resume();
    throw new HttpError(415, "bad_request", "The request body must be JSON (Content-Type: application/json)", { content_type: contentType || null });
  }
  const text = await readBody(request, maxBytes);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`The request body is not valid JSON: ${(error as Error).message}`, { reason: "bad_json" });
  }
}

/** `verbatim`: the caller's DB object, written back exactly as received (see stringifyWire). */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, verbatim?: unknown): void {
  const text = stringifyWire(body, verbatim);
  response.writeHead(status, {
    ...headers,
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": String(Buffer.byteLength(text)),
  });
  response.end(text);
}

export function sendError(response: ServerResponse, error: HttpError): void {
  sendJson(response, error.status, { error: error.message, error_type: error.errorType, details: error.details }, error.headers);
}

/** CORS for a browser client: only the configured origins get the headers; others get none. */
export interface CorsPolicy {
  origins: ReadonlySet<string>;
}

const ALLOWED_REQUEST_HEADERS = "Content-Type, X-Access-Key, Authorization";
const PREFLIGHT_MAX_AGE_SECONDS = "600";

/** Headers for a normal response to `request` (empty unless its Origin is configured). */
export function corsHeaders(policy: CorsPolicy, request: IncomingMessage): Record<string, string> {
  const origin = request.headers.origin;
  if (typeof origin !== "string" || !policy.origins.has(origin)) return {};
  // The original's editor client sends credentials, so the origin is echoed (never "*").
  return { "Access-Control-Allow-Origin": origin, "Access-Control-Allow-Credentials": "true", Vary: "Origin" };
}

/** Headers for a preflight of a route that accepts `methods`. */
export function preflightHeaders(policy: CorsPolicy, request: IncomingMessage, methods: readonly string[]): Record<string, string> {
  const base = corsHeaders(policy, request);
  if (!base["Access-Control-Allow-Origin"]) return {};
  return {
    ...base,
    "Access-Control-Allow-Methods": [...methods, "OPTIONS"].join(", "),
    "Access-Control-Allow-Headers": ALLOWED_REQUEST_HEADERS,
    "Access-Control-Max-Age": PREFLIGHT_MAX_AGE_SECONDS,
  };
}

/** A server-sent events writer: `event: <type>\ndata: <json>\n\n` per event (engine.md §3.5). */
export interface SseWriter {
  /** `verbatim`: the caller's DB object, written back exactly as received. */
  send(type: string, data: unknown, verbatim?: unknown): void;
  end(): void;
  /** True once the client went away; the producer should stop. */
  readonly closed: boolean;
}

export function openSse(response: ServerResponse, headers: Record<string, string>): SseWriter {
  response.writeHead(200, {
    ...headers,
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache",
    Connection: "keep-alive",
    "X-Accel-Buffering": "no",
  });
  let closed = false;
  response.on("close", () => {
    closed = true;
  });
  return {
    send(type, data, verbatim) {
      if (!closed) response.write(`event: ${type}\ndata: ${stringifyWire(data, verbatim)}\n\n`);
    },
    end() {
      if (!closed) response.end();
    },
    get closed() {
      return closed;
    },
  };
}
