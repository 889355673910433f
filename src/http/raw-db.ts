/**
 * A request's `virtual_db` blob left as bytes. The blob is most of a stateless request (megabytes of
 * base64 in a body whose other fields are a few hundred kilobytes), and a request that brings back the
 * DB the server just returned needs only to be recognised, not decoded: the body is parsed with the
 * blob's bytes replaced by a short placeholder, and the blob is handed over as the bytes it was.
 *
 * The bytes between `"virtual_db": "` and the next `"` are taken out, and the rest is parsed with a
 * placeholder there; the split is used only when the result is an object whose top-level `virtual_db`
 * is the placeholder (the last `virtual_db` key, if the body repeats it). The bytes are the string's
 * characters exactly when they hold no escape (`\`): the caller trusts them only when they are, byte
 * for byte, a base64 blob it knows (which holds none). Any other request is parsed whole again
 * (`reparse`), so a request that is not recognised is read exactly as before.
 */
import { randomBytes } from "node:crypto";
import { parseJsonBytes } from "./exchange";
import { isPlainObject } from "./json";

/** Blobs shorter than this are parsed with the body: splitting them saves nothing. */
export const RAW_DB_MIN_BYTES = 64 * 1024;

const KEY = Buffer.from('"virtual_db"');
const QUOTE = 0x22;

export interface SplitBody {
  /** The body, with `virtual_db` replaced by `placeholder` when `rawDb` is set. */
  body: unknown;
  /** The bytes of the `virtual_db` string (between its quotes), undecoded. */
  rawDb?: Buffer;
  placeholder?: string;
}

function isJsonSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** The body as JSON, a large top-level `virtual_db` string left as bytes (see above). */
export function splitRawDb(bytes: Buffer, minBytes = RAW_DB_MIN_BYTES): SplitBody {
  if (bytes.length >= minBytes) {
    const split = trySplit(bytes, minBytes);
    if (split) return split;
  }
  return { body: parseJsonBytes(bytes) };
}

/**
 * The bytes of the first top-level-looking `"virtual_db": "…"` string, found without parsing (the serve
 * pool routes a request by them, see pool.ts); undefined when there is none this long. Only a hint:
 * whoever acts on it still checks the bytes.
 */
export function locateRawDb(bytes: Buffer, minBytes = RAW_DB_MIN_BYTES): Buffer | undefined {
  const found = locate(bytes, minBytes);
  return found && bytes.subarray(found.start, found.end);
}

function locate(bytes: Buffer, minBytes: number): { start: number; end: number } | undefined {
  const key = bytes.indexOf(KEY);
  if (key < 0) return undefined;
  let at = key + KEY.length;
  while (isJsonSpace(bytes[at])) at++;
  if (bytes[at] !== 0x3a /* : */) return undefined;
  at++;
  while (isJsonSpace(bytes[at])) at++;
  if (bytes[at] !== QUOTE) return undefined;
  const start = at + 1;
  const end = bytes.indexOf(QUOTE, start);
  if (end < 0 || end - start < minBytes) return undefined;
  return { start, end };
}

function trySplit(bytes: Buffer, minBytes: number): SplitBody | undefined {
  const found = locate(bytes, minBytes);
  if (!found) return undefined;
  const { start, end } = found;
  const raw = bytes.subarray(start, end);
  const head = bytes.toString("utf8", 0, start - 1);
  const tail = bytes.toString("utf8", end + 1);
  const placeholder = `wfv-raw-db-${randomBytes(12).toString("hex")}`;
  if (head.includes(placeholder) || tail.includes(placeholder)) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(`${head}"${placeholder}"${tail}`);
  } catch {
    return undefined;
  }
  if (!isPlainObject(body) || body.virtual_db !== placeholder) return undefined;
  return { body, rawDb: raw, placeholder };
}
