/**
 * `POST /workflow/virtual/execute` as `wfv serve` runs it: the core's `execute` (virtual-execution.md)
 * with two savings that change no answer.
 *
 * 1. Don't decode what was just encoded: the DB a request brings back, if it is byte for byte a blob
 *    this server returned, is taken live from the DbCache (db-cache.ts) instead of being decoded. Its
 *    id generators are put where an import of the blob would put them (MemoryDb.resetIdGenerators) and
 *    the virtual user is ensured as an import does, so the run makes the same ids and the same answer.
 * 2. Encode only what changed: returned blobs are written in segments (core/db/segmented.ts) by an
 *    encoder that stays with the live DB, so the next blob costs the change, not the DB. A segmented
 *    blob is an ordinary gzip file (one member, its deflate stream made of independently compressed
 *    fragments) of exactly the JSON text a full export writes; every gzip reader reads it (the
 *    original server's Python, Node's zlib, browsers' DecompressionStream).
 *
 * The answer is the core's: same fields in the same order, the DB as given on failure, a blob when a
 * blob or nothing was given, an object for an object (unless `db_format` says otherwise).
 */
import { createFreshVirtualDb, importDb, type GzipCodec, type GzipLevel, type VirtualDb } from "../core/db";
import { MemoryDb } from "../core/db/memory-db";
import { ensureVirtualUser } from "../core/db/snapshot";
import { SegmentedEncoder } from "../core/db/segmented";
import { executeOnSession, isEmptyDbInput, VirtualSession, type DbFormat, type EngineOptions, type ExecuteRequest, type ExecuteResponse, type ExecuteResult } from "../core/virtual";
import { failureResponse } from "../core/virtual/execute";
import { blobKey, DbCache, type CachedDb } from "./db-cache";

export interface StatelessOptions {
  engine: EngineOptions;
  /** gzip of returned blobs and of blobs decoded on a miss. */
  codec: GzipCodec;
  level: GzipLevel;
  cache: DbCache;
  /** The DBs' clock and random source (tests make answers reproducible with them). */
  clock?: () => number;
  random?: () => number;
}

/** How the request's DB was had: a live DB from the cache, decoded, fresh, or none kept after. */
export type DbSource = "hit" | "miss" | "fresh";

export interface StatelessAnswer {
  response: ExecuteResponse;
  /** Placeholder strings in `response` → the blob bytes (base64 text, in segments) that stand there. */
  blobs: Map<string, readonly Uint8Array[]>;
  source: DbSource;
  /** Milliseconds: opening the DB (decode on a miss), the engine run, encoding the returned DB. */
  timings: { open: number; run: number; encode: number };
  /** The cache key of the blob returned and kept live (the serve pool routes the next request by it). */
  cachedKey?: string;
}

/** The DB a request gave, for the echo on failure: its value, or a placeholder for its raw bytes. */
export interface GivenDb {
  value: ExecuteRequest["virtual_db"];
  /** When the blob was left as bytes (raw-db.ts): `value` is this placeholder. */
  raw?: { placeholder: string; bytes: Uint8Array };
}

let placeholderCount = 0;

function newPlaceholder(): string {
  return `wfv-blob-${process.pid}-${Date.now().toString(36)}-${(placeholderCount++).toString(36)}`;
}

function openDb(given: ExecuteRequest["virtual_db"], options: StatelessOptions): VirtualDb {
  const dbOptions = { clock: options.clock, random: options.random };
  if (isEmptyDbInput(given)) return createFreshVirtualDb(dbOptions);
  return importDb(given as Exclude<typeof given, null | undefined>, { ...dbOptions, ensureVirtualUser: true, codec: options.codec });
}

/**
 * Runs `request` on `hit` (a live DB taken from the cache) or on the DB it gives, and shapes the
 * answer as the core's `execute` does. `hit` is owned by this call: it goes back to the cache
 * unchanged when the run fails, and under its new blob when the run succeeded and returns a blob.
 */
export async function executeStateless(request: ExecuteRequest, given: GivenDb, hit: CachedDb | undefined, options: StatelessOptions): Promise<StatelessAnswer> {
  const blobs = new Map<string, readonly Uint8Array[]>();
  if (given.raw) blobs.set(given.raw.placeholder, [given.raw.bytes]);
  const timings = { open: 0, run: 0, encode: 0 };
  const source: DbSource = hit ? "hit" : isEmptyDbInput(given.value) ? "fresh" : "miss";
  const format: DbFormat = request.db_format ?? (given.value !== null && typeof given.value === "object" ? "object" : "compressed");

  let started = performance.now();
  let session: VirtualSession;
  if (hit) {
    session = hit.session;
    // What an import of the blob would do: fresh id generators above its largest uuid7, the virtual user.
    (session.db as MemoryDb).resetIdGenerators(hit.blob.largestUuid7);
    ensureVirtualUser(session.db);
  } else {
    try {
      session = new VirtualSession(openDb(given.value, options), options.engine);
    } catch (error) {
      return { response: failureResponse(error, given.value), blobs, source, timings };
    }
  }
  timings.open = performance.now() - started;

  started = performance.now();
  let response: ExecuteResponse;
  try {
    response = await executeOnSession(session, { ...request, virtual_db: undefined, db_format: "none" });
  } catch (error) {
    // The session's transaction restored the DB before this: a hit may go back as it was.
    if (hit) options.cache.put(hit);
    throw error;
  }
  timings.run = performance.now() - started;

  if (response.status === "error") {
    // The run was undone (the session's checkpoint): the DB is the one given, and so is the answer's.
    if (hit) options.cache.put(hit);
    response.result.virtual_db = given.value ?? null;
    return { response, blobs, source, timings };
  }

  started = performance.now();
  let virtualDb: ExecuteResult["virtual_db"];
  let cachedKey: string | undefined;
  if (format === "compressed") {
    const encoder = hit?.encoder ?? new SegmentedEncoder({ codec: options.codec, level: options.level });
    const blob = encoder.encode(session.db as MemoryDb);
    const placeholder = newPlaceholder();
    blobs.set(placeholder, blob.segments);
    virtualDb = placeholder;
    options.cache.put({ session, encoder, blob });
    cachedKey = blobKey(blob);
  } else if (format === "object") {
    virtualDb = session.exportSnapshot();
  }
  timings.encode = performance.now() - started;

  // The core's key order: module_outputs (when completed), virtual_db (unless "none"), state.
  const result: ExecuteResult = {};
  if ("module_outputs" in response.result) result.module_outputs = response.result.module_outputs;
  if (format !== "none") result.virtual_db = virtualDb;
  result.state = response.result.state;
  response.result = result;
  return { response, blobs, source, timings, ...(cachedKey ? { cachedKey } : {}) };
}
