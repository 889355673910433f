/**
 * The one HTTP client real-mode providers use: the global `fetch`, a timeout, the caller's abort
 * signal, and errors sorted the way the original's `requests` sorts them (timeout, connection, other).
 */
export type HttpFailureKind = "timeout" | "connection" | "aborted" | "other";

export class HttpRequestError extends Error {
  readonly kind: HttpFailureKind;

  constructor(kind: HttpFailureKind, message: string) {
    super(message);
    this.name = "HttpRequestError";
    this.kind = kind;
  }
}

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON when given. */
  json?: unknown;
  /** Query parameters appended to the URL (`requests`' `params`). */
  params?: Record<string, unknown> | null;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  text: string;
  headers: Headers;
}

/** `url` with `params` appended; list values repeat the key, null values are left out (as `requests` does). */
export function withQuery(url: string, params: Record<string, unknown> | null | undefined): string {
  if (!params) return url;
  const target = new URL(url);
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === null || item === undefined) continue;
      target.searchParams.append(key, typeof item === "boolean" ? (item ? "True" : "False") : String(item));
    }
  }
  return target.toString();
}

/**
 * `text` without URL credentials: every `scheme://user:password@` becomes `scheme://[CREDENTIALS_REDACTED]@`,
 * and the password of `url` (a provider's base URL, say; its user name when it has no password), as
 * written and decoded, is redacted wherever else it appears, as API keys are (redactKey).
 */
export function redactUrlCredentials(text: string, url?: string): string {
  const out = text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@'"]+@/gi, "$1[CREDENTIALS_REDACTED]@");
  if (url === undefined) return out;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    // An unparsable URL: its credentials, if any, are what the pattern above finds.
    const match = /^[a-z][a-z0-9+.-]*:\/\/([^\s/?#@]+)@/i.exec(url);
    const [user, password] = match ? match[1].split(":") : [];
    return match ? redactParts(out, [password || user]) : out;
  }
  // The password is the secret; without one, the user name is (a token written `https://TOKEN@host`).
  return redactParts(out, [parsed.password || parsed.username]);
}

function redactParts(text: string, parts: readonly string[]): string {
  let out = text;
  for (const part of parts) {
    if (!part) continue;
    let decoded = part;
    try {
      decoded = decodeURIComponent(part);
    } catch {
      // kept as written
    }
    for (const secret of new Set([part, decoded])) if (secret.length >= 4) out = out.split(secret).join("[CREDENTIALS_REDACTED]");
  }
  return out;
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === "string" && !cause.message.includes(code) ? `${code}: ${cause.message}` : cause.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export async function httpRequest(request: HttpRequest): Promise<HttpResponse> {
  const signals: AbortSignal[] = [];
  if (request.timeoutMs !== undefined && Number.isFinite(request.timeoutMs) && request.timeoutMs > 0) {
    signals.push(AbortSignal.timeout(request.timeoutMs));
  }
  if (request.signal) signals.push(request.signal);
  const headers: Record<string, string> = { ...(request.headers ?? {}) };
  let body: string | undefined;
  if (request.json !== undefined) {
    body = JSON.stringify(request.json);
    if (!Object.keys(headers).some((name) => name.toLowerCase() === "content-type")) headers["Content-Type"] = "application/json";
  }
  let url: string;
  try {
    url = withQuery(request.url, request.params);
  } catch (error) {
    throw new HttpRequestError("other", redactUrlCredentials(`Invalid URL '${request.url}': ${(error as Error).message}`, request.url));
  }
  try {
    const response = await fetch(url, {
      method: request.method,
      headers,
      body,
      signal: signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals),
    });
    return { status: response.status, text: await response.text(), headers: response.headers };
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === "TimeoutError") throw new HttpRequestError("timeout", "timed out");
    if (name === "AbortError") throw new HttpRequestError("aborted", "Request cancelled by user");
    if (error instanceof TypeError && (error as { cause?: unknown }).cause !== undefined) {
      throw new HttpRequestError("connection", redactUrlCredentials(describeCause(error), url));
    }
    throw new HttpRequestError("other", redactUrlCredentials(describeCause(error), url));
  }
}
