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
export async function readBody(request: IncomingMessage, maxBytes: number): Promise<string> {
  return (await readBodyBytes(request, maxBytes)).toString("utf8");
}

/**
 * The body's bytes, bounded as readBody; a declared length is filled in place as the chunks arrive,
 * into `into(length)` when it gives a buffer (a server reuses one for large bodies: a new 50 MB
 * buffer per request makes V8 collect its whole heap about as often).
 */
export function readBodyBytes(request: IncomingMessage, maxBytes: number, into?: (length: number) => Buffer | undefined): Promise<Buffer> {
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
    // A large declared body is copied into one buffer as it arrives (no concatenation at the end).
    let whole = Number.isFinite(declared) && declared >= 64 * 1024 ? (into?.(declared) ?? Buffer.allocUnsafe(declared)) : undefined;
    let size = 0;
    let refused = false;
    request.on("data", (chunk: Buffer) => {
      if (refused) return;
      if (whole !== undefined && size + chunk.length <= whole.length) {
        chunk.copy(whole, size);
      } else {
        // More bytes than declared (node's parser does not let that happen): back to a list of chunks.
        if (whole !== undefined) chunks.push(whole.subarray(0, size));
        whole = undefined;
        chunks.push(chunk);
      }
      size += chunk.length;
      if (size > maxBytes) {
        refused = true;
        chunks.length = 0;
        whole = undefined;
        reject(tooLarge());
        return;
      }
    });
    request.on("end", () => {
      if (refused) return;
      resolve(whole === undefined ? Buffer.concat(chunks, size) : whole.subarray(0, size));
    });
    request.on("error", (error) => {
      if (!refused) reject(error);
    });
  });
}

/** The body parsed as JSON; non-JSON content types are refused (415) so a browser must preflight. */
export async function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  return parseJsonBytes(await readJsonBodyBytes(request, maxBytes));
}

/** The bytes of a JSON body (415 for another content type, 413 over `maxBytes`); `into` as for readBodyBytes. */
export function readJsonBodyBytes(request: IncomingMessage, maxBytes: number, into?: (length: number) => Buffer | undefined): Promise<Buffer> {
  const contentType = String(request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (contentType !== "application/json" && !contentType.endsWith("+json")) {
    request.resume();
    return Promise.reject(
      new HttpError(415, "bad_request", "The request body must be JSON (Content-Type: application/json)", { content_type: contentType || null }),
    );
  }
  return readBodyBytes(request, maxBytes, into);
}

/** A body's bytes as JSON (UTF-8); 400 when it is not JSON. */
export function parseJsonBytes(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString("utf8"));
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

/**
 * sendJson for a body holding blobs as placeholder strings (`blobs`: placeholder → the blob's base64
 * bytes, in segments): the JSON text is written around them and the blobs' bytes go out as they are,
 * never joined into one string or escaped (base64 needs no escaping). `verbatim` as for sendJson;
 * `headers` may be a function, called just before the response is written.
 */
export function sendJsonWithBlobs(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> | (() => Record<string, string>),
  blobs: ReadonlyMap<string, readonly Uint8Array[]>,
  verbatim?: unknown,
): void {
  const text = stringifyWire(body, verbatim);
  const found: Array<{ at: number; quoted: string; segments: readonly Uint8Array[] }> = [];
  for (const [placeholder, segments] of blobs) {
    const quoted = JSON.stringify(placeholder);
    for (let at = text.indexOf(quoted); at >= 0; at = text.indexOf(quoted, at + quoted.length)) found.push({ at, quoted, segments });
  }
  found.sort((a, b) => a.at - b.at);
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const { at, quoted, segments } of found) {
    pieces.push(Buffer.from(text.slice(from, at) + '"', "utf8"), ...segments, QUOTE);
    from = at + quoted.length;
  }
  pieces.push(Buffer.from(text.slice(from), "utf8"));
  let length = 0;
  for (const piece of pieces) length += piece.length;
  // Headers may be made now, once everything but the writing is done (Server-Timing).
  const head = typeof headers === "function" ? headers() : headers;
  response.writeHead(status, { ...head, "Content-Type": "application/json; charset=utf-8", "Content-Length": String(length) });
  response.cork();
  for (const piece of pieces) if (piece.length > 0) response.write(piece);
  response.end();
}

const QUOTE = Buffer.from('"');

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
