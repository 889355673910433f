/**
 * A small HTTP client for the API tests (node:http, so every header, Origin included, is ours to set),
 * and a server started in-process on a loopback port for each suite.
 */
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { startHttpApi, type HttpApiOptions, type RunningHttpApi } from "../../src/http/server";

export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON, when it is JSON. */
  json: any;
}

export interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  /** A value to send as JSON, or raw text/bytes. */
  body?: unknown;
  raw?: string | Buffer;
}

export function send(base: string, path: string, options: SendOptions = {}): Promise<HttpReply> {
  const url = new URL(path, base);
  const payload = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const headers: Record<string, string> = { ...(options.body !== undefined ? { "Content-Type": "application/json" } : {}), ...options.headers };
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: options.method ?? (payload === undefined ? "GET" : "POST"), headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
      });
      response.on("error", reject);
    });
    // A server that refuses a body early may close before the upload ends; the reply still counts.
    request.on("error", reject);
    request.end(payload);
  });
}

export function post(base: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpReply> {
  return send(base, path, { body, headers });
}

export interface SseMessage {
  event: string;
  data: any;
}

/** Parses a server-sent events stream event by event (`event:` / `data:` lines, blank line ends one). */
export function parseSse(text: string): SseMessage[] {
  const messages: SseMessage[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    if (block.trim() === "") continue;
    let event = "message";
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    messages.push({ event, data: JSON.parse(data.join("\n")) });
  }
  return messages;
}

/** Starts the API on 127.0.0.1:0 for a suite; `stop` closes it. */
export async function startTestServer(options: HttpApiOptions = {}): Promise<RunningHttpApi> {
  return startHttpApi({ host: "127.0.0.1", port: 0, ...options });
}
