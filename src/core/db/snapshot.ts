/**
 * Export and import. The snapshot is `{collection: [documents]}`; the compressed form (what the editor
 * stores and sends back) is base64(gzip(JSON)), like the original server's `export_state()`, except that
 * dates are written `{"$date": ISO}` so they come back as dates (ruling 13). A blob from the original
 * server has ISO strings instead; they import as strings, as the original did.
 */
import { WfvError } from "../errors";
import { cloneDocument, put } from "./clone";
import { decodeBase64, encodeBase64, fflateCodec, type GzipCodec, type GzipLevel } from "./codec";
import { uuid7HexOf } from "./ids";
import { MAX_NESTING_DEPTH } from "./values";
import { MemoryDb } from "./memory-db";
import type { DbSnapshot, Document, VirtualDb, VirtualDbOptions } from "./types";

export const VIRTUAL_USER_ID = "virtual_user_001";

function invalid(message: string, reason: string, details: Record<string, unknown> = {}): WfvError {
  return new WfvError("db_invalid", message, { reason, ...details });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * Every non-empty collection, sorted by name, as fresh copies with real `Date`s (and RegExps), user data
 * shaped like a wrapper escaped as `{"$wfv_literal": {...}}` as the blob escapes it: the object means
 * the same wherever it goes (importDb, structuredClone, JSON with dates as `{$date}`), so user data such
 * as `{"$date": "2020-01-01"}` always comes back as that object, never as a Date.
 */
export function exportDb(db: VirtualDb): DbSnapshot {
  const snapshot: DbSnapshot = {};
  for (const name of db.collectionNames()) {
    const documents = db instanceof MemoryDb ? db.storedDocuments(name) : db.collection(name).find({});
    put(snapshot, name, documents.map((document) => encodeValue(document, true) as Document));
  }
  // Tells the wire writer (src/http/json.ts) that the object is escaped already, so it converts the
  // Dates and escapes nothing again. Non-enumerable: copies and JSON drop it, and need not keep it.
  Object.defineProperty(snapshot, EXPORTED_SNAPSHOT, { value: true, enumerable: false });
  return snapshot;
}

const EXPORTED_SNAPSHOT = Symbol.for("wfv.db.exportedSnapshot");

/** Whether `value` is exportDb's object (escaped already; only its Dates and RegExps need writing). */
export function isExportedSnapshot(value: unknown): value is DbSnapshot {
  return value !== null && typeof value === "object" && (value as Record<symbol, unknown>)[EXPORTED_SNAPSHOT] === true;
}

/** An exportDb snapshot as the JSON text the import reads: Dates as `{"$date"}`, RegExps as `{"$regex"}`. */
export function exportedSnapshotJsonText(snapshot: DbSnapshot): string {
  return JSON.stringify(snapshot, function (this: Record<string, unknown>, key: string, converted: unknown) {
    const raw = this[key];
    if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? null : { $date: raw.toISOString() };
    if (raw instanceof RegExp) return { $regex: raw.source, $options: raw.flags };
    return converted;
  });
}

/**
 * User data shaped like a wrapper (an object whose only key is `$date`, or `$wfv_literal`) is written
 * `{"$wfv_literal": {...}}`, so it reads back as the same object instead of becoming a Date.
 */
const LITERAL_KEY = "$wfv_literal";

/** A stored value as the JSON the blob holds: Dates as `{"$date"}`, wrapper-shaped objects escaped. */
function encodeForExport(value: unknown): unknown {
  return encodeValue(value, false);
}

/**
 * Wrapper-shaped objects escaped; Dates and RegExps as wrappers, or (`live`) as fresh Dates and
 * RegExps. A field named `__proto__` stays a field.
 */
function encodeValue(value: unknown, live: boolean): unknown {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) return null;
    return value;
  }
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      out[i] = v === undefined || typeof v === "function" ? null : encodeValue(v, live);
    }
    return out;
  }
  if (value instanceof Date) return live ? new Date(value.getTime()) : { $date: value.toISOString() };
  if (value instanceof RegExp) return live ? new RegExp(value.source, value.flags) : { $regex: value.source, $options: value.flags };
  const out: Record<string, unknown> = {};
  let count = 0;
  let dollarKeys = 0;
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined || typeof v === "function") continue;
    put(out, key, encodeValue(v, live));
    count++;
    if (key.charCodeAt(0) === 36 /* $ */) dollarKeys++;
  }
  if (dollarKeys > 0 && dollarKeys === count && looksLikeWrapper(out)) return { [LITERAL_KEY]: out };
  return out;
}

/** The shapes the decoder reads as something other than a plain object. */
function looksLikeWrapper(record: Record<string, unknown>): boolean {
  const keys = Object.keys(record);
  if (keys.length === 1) return keys[0] === "$date" || keys[0] === LITERAL_KEY;
  return keys.length === 2 && "$regex" in record && "$options" in record;
}

/** One stored document as the JSON text the blob holds for it (an element of its collection's array). */
export function documentJsonText(document: Document): string {
  return JSON.stringify(encodeForExport(document));
}

/**
 * The order exportJsonText writes collections in: `names` (sorted) as keys of a JSON object, which
 * puts integer-like names first, in numeric order (`__proto__` included, as an own key).
 */
export function exportedCollectionOrder(names: readonly string[]): string[] {
  const keys: Record<string, true> = {};
  for (const name of names) put(keys, name, true);
  return Object.keys(keys);
}

/** The snapshot as extended JSON text (`{"$date"}` dates). */
export function exportJsonText(db: VirtualDb): string {
  const out: Record<string, unknown> = {};
  for (const name of db.collectionNames()) {
    put(out, name, encodeForExport(db instanceof MemoryDb ? db.storedDocuments(name) : db.collection(name).find({})));
  }
  return JSON.stringify(out);
}

export interface CompressOptions {
  /** gzip level 0–9; 6 by default. */
  level?: GzipLevel;
  /** gzip implementation; fflate by default (a Node host may pass native zlib). */
  codec?: GzipCodec;
}

/** base64(gzip(extended JSON)); deterministic (no gzip timestamp), so equal DBs give equal blobs. */
export function exportCompressed(db: VirtualDb, options: CompressOptions = {}): string {
  return compressText(exportJsonText(db), options);
}

export function compressText(text: string, options: CompressOptions = {}): string {
  return encodeBase64((options.codec ?? fflateCodec).gzip(new TextEncoder().encode(text), options.level ?? 6));
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes a compressed blob (or plain JSON text) into a snapshot; throws db_invalid saying what is wrong. */
/** Deflate's largest possible expansion (258-byte matches coded in about two bits each). */
const MAX_DEFLATE_RATIO = 1032;
/** About V8's longest string: a DB whose JSON text is longer cannot be read in one piece. */
export const MAX_INFLATED_BYTES = 512 * 1024 * 1024;

export function decodeDbBlob(text: string, codec: GzipCodec = fflateCodec, observeId?: (hex: string) => void): DbSnapshot {
  if (typeof text !== "string") throw invalid("the DB blob must be a string", "not_a_string");
  const trimmed = text.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) return parseSnapshotJson(trimmed, observeId);
  // Line breaks are tolerated (wrapped base64); any other character outside the alphabet is an error.
  const compact = trimmed.includes("\n") ? trimmed.replace(/\r?\n/g, "") : trimmed;
  if (compact.length === 0) throw invalid("the DB blob is empty", "empty");
  const bytes = decodeBase64(compact);
  // Node's decoder skips characters outside the alphabet, so a short result means the text had some;
  // the (slow) search for the culprit runs only then.
  const padding = compact.endsWith("==") ? 2 : compact.endsWith("=") ? 1 : 0;
  if (compact.length % 4 !== 0 || bytes.length !== (compact.length / 4) * 3 - padding || !BASE64.test(compact.slice(0, 64))) {
    const bad = compact.search(/[^A-Za-z0-9+/=]/);
    throw invalid(
      bad >= 0 ? `the DB blob is not base64: unexpected character ${JSON.stringify(compact[bad])} at ${bad}` : "the DB blob is not base64: bad length or padding",
      "bad_base64",
    );
  }
  if (bytes.length < 18 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    throw invalid("the DB blob is base64 but not gzip data (no gzip header)", "bad_gzip");
  }
  // The trailer's size is trusted by the inflater to size its buffer, so a 35-byte blob claiming 4 GB
  // would allocate 4 GB. Deflate cannot expand more than 1032:1, and a text over V8's string limit
  // could not be read anyway: a claim beyond either is corrupt (or hostile) data, refused before inflating.
  const claimed = (bytes[bytes.length - 4] | (bytes[bytes.length - 3] << 8) | (bytes[bytes.length - 2] << 16) | (bytes[bytes.length - 1] << 24)) >>> 0;
  if (claimed > bytes.length * MAX_DEFLATE_RATIO) {
    throw invalid(`the DB blob's gzip data is corrupt: it claims ${claimed} bytes from ${bytes.length} compressed bytes`, "bad_gzip");
  }
  if (claimed > MAX_INFLATED_BYTES) {
    throw invalid(`the DB blob claims ${claimed} bytes of content, more than the ${MAX_INFLATED_BYTES} a virtual DB may hold`, "too_large");
  }
  let inflated: Uint8Array;
  try {
    inflated = codec.gunzip(bytes);
  } catch (error) {
    throw invalid(`the DB blob's gzip data is corrupt: ${(error as Error).message}`, "bad_gzip");
  }
  let json: string;
  try {
    json = new TextDecoder("utf-8", { fatal: true }).decode(inflated);
  } catch {
    throw invalid("the DB blob's content is not UTF-8 text", "bad_json");
  }
  return parseSnapshotJson(json, observeId);
}

function parseSnapshotJson(json: string, observeId?: (hex: string) => void): DbSnapshot {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw invalid(`the DB blob's content is not valid JSON: ${(error as Error).message}`, "bad_json");
  }
  // The parsed tree is ours alone, so `{$date}` wrappers are replaced in place rather than copied.
  return checkShape(parsed, true, observeId);
}

function isDateWrapper(value: Record<string, unknown>): boolean {
  try {
    return dateFromWrapper(value) !== undefined;
  } catch {
    return true;
  }
}

/** Thrown inside the revive walk; turned into a db_invalid error that names the path. */
class InvalidDate {
  constructor(
    readonly raw: unknown,
    readonly kind: "$date" | "$regex" = "$date",
  ) {}
}

/** A `{"$date": ...}` wrapper turned into a Date, or undefined when `value` is not one. */
function dateFromWrapper(value: Record<string, unknown>): Date | undefined {
  if (!("$date" in value)) return undefined;
  let keys = 0;
  for (const _ in value) keys++;
  if (keys !== 1) return undefined;
  return dateOf(value.$date);
}

/** The Date a `$date` value stands for; undefined when it is not a string or number (then it is data). */
function dateOf(raw: unknown): Date | undefined {
  if (typeof raw !== "string" && typeof raw !== "number") return undefined;
  if (typeof raw === "string" && raw.length === 24) {
    const ms = canonicalIsoMs(raw);
    if (ms !== undefined) return new Date(ms);
  }
  const date = new Date(raw);
  if (Number.isNaN(date.getTime())) throw new InvalidDate(raw);
  return date;
}

const DIGIT_POSITIONS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22];

/**
 * Milliseconds of `YYYY-MM-DDTHH:MM:SS.sssZ` (what toISOString writes, so every date in our blobs),
 * read by hand: about 4x faster than the Date parser on import. Anything else is left to the parser.
 */
function canonicalIsoMs(text: string): number | undefined {
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84 || text.charCodeAt(13) !== 58) return undefined;
  if (text.charCodeAt(16) !== 58 || text.charCodeAt(19) !== 46 || text.charCodeAt(23) !== 90) return undefined;
  for (const i of DIGIT_POSITIONS) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  const n = (from: number, to: number) => {
    let value = 0;
    for (let i = from; i < to; i++) value = value * 10 + (text.charCodeAt(i) - 48);
    return value;
  };
  const [month, day, hours, minutes, seconds] = [n(5, 7), n(8, 10), n(11, 13), n(14, 16), n(17, 19)];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hours > 23 || minutes > 59 || seconds > 59) return undefined;
  const year = n(0, 4);
  if (year < 100) return undefined; // Date.UTC reads years 0–99 as 1900–1999
  const ms = Date.UTC(year, month - 1, day, hours, minutes, seconds, n(20, 23));
  // Date.UTC rolls over impossible days (Feb 30); the parser rejects them, so leave those to it.
  return new Date(ms).getUTCDate() === day ? ms : undefined;
}

/**
 * Replaces `{$date}` wrappers by Dates inside `value` (mutating it); returns the possibly replaced value.
 * Hot on import, so it builds no paths: only a failure looks for where it happened.
 */
function reviveInPlace(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== "object") return value;
  if (depth > MAX_NESTING_DEPTH) throw new TooDeep();
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (v !== null && typeof v === "object") value[i] = reviveInPlace(v, depth + 1);
    }
    return value;
  }
  if (value instanceof Date) return value;
  let record = value as Record<string, unknown>;
  let keys = Object.keys(record);
  // Wrappers have one or two $-keys; checking the key list first keeps plain objects cheap.
  if (keys.length > 0 && keys.length <= 2 && keys[0].charCodeAt(0) === 36 /* $ */) {
    if (keys.length === 1 && keys[0] === "$date") {
      const date = dateOf(record.$date);
      if (date) return date;
    } else if (keys.length === 2 && typeof record.$regex === "string" && typeof record.$options === "string") {
      try {
        return new RegExp(record.$regex, record.$options);
      } catch {
        throw new InvalidDate(record.$regex, "$regex");
      }
    } else if (keys.length === 1 && keys[0] === LITERAL_KEY && isPlainObject(record[LITERAL_KEY])) {
      // An escaped user object: its own keys are data, its values are revived as usual.
      record = record[LITERAL_KEY] as Record<string, unknown>;
      keys = Object.keys(record);
    }
  }
  for (let i = 0; i < keys.length; i++) {
    const v = record[keys[i]];
    if (v !== null && typeof v === "object") record[keys[i]] = reviveInPlace(v, depth + 1);
  }
  return record;
}

/**
 * Revives a document's values and reports every top-level uuid7-style id (event_id, branch_id, ...)
 * to `observeId`, in the same pass.
 */
function reviveDocument(document: Record<string, unknown>, observeId: (hex: string) => void): Document {
  const keys = Object.keys(document);
  for (let i = 0; i < keys.length; i++) {
    const v = document[keys[i]];
    if (typeof v === "string") {
      if (v.length >= 32) {
        const hex = uuid7HexOf(v);
        if (hex !== undefined) observeId(hex);
      }
    } else if (v !== null && typeof v === "object") document[keys[i]] = reviveInPlace(v, 2);
  }
  return document;
}

/** Thrown when a document nests deeper than MongoDB allows (it could not have been stored). */
class TooDeep {}

/** The path of the first unreadable `{$date}` inside `value`, for the error message. */
function badDatePath(value: unknown, path: string): string | undefined {
  if (value === null || typeof value !== "object" || value instanceof Date) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = badDatePath(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  const record = value as Record<string, unknown>;
  try {
    if (dateFromWrapper(record)) return undefined;
  } catch {
    return path;
  }
  for (const key of Object.keys(record)) {
    const found = badDatePath(record[key], `${path}.${key}`);
    if (found) return found;
  }
  return undefined;
}

/**
 * Checks `{collection: [documents]}` and turns `{$date}` wrappers into Dates. With `owned`, the input is
 * revived in place; otherwise documents are copied first.
 */
function checkShape(value: unknown, owned: boolean, observeId: (hex: string) => void = () => {}): DbSnapshot {
  if (!isPlainObject(value)) {
    const kind = Array.isArray(value) ? "an array" : value === null ? "null" : typeof value;
    throw invalid(`a DB snapshot must be an object of collections ({"name": [documents]}), got ${kind}`, "wrong_shape");
  }
  const snapshot: DbSnapshot = {};
  for (const name of Object.keys(value)) {
    const documents = value[name];
    if (name === "" || name.includes("$") || name.includes("\u0000")) {
      throw invalid(`invalid collection name ${JSON.stringify(name)}`, "wrong_shape", { collection: name });
    }
    if (!Array.isArray(documents)) {
      throw invalid(`collection '${name}' must be an array of documents`, "wrong_shape", { collection: name });
    }
    const out: Document[] = new Array(documents.length);
    for (let i = 0; i < documents.length; i++) {
      const document = documents[i];
      if (!isPlainObject(document) || isDateWrapper(document)) {
        throw invalid(`document ${i} of collection '${name}' is not an object`, "wrong_shape", { collection: name, index: i });
      }
      const own = owned ? document : cloneDocument(document);
      try {
        out[i] = reviveDocument(own, observeId);
      } catch (error) {
        if (error instanceof TooDeep) {
          throw invalid(`document ${i} of collection '${name}' nests deeper than ${MAX_NESTING_DEPTH} levels`, "too_deep", { collection: name, index: i });
        }
        if (!(error instanceof InvalidDate)) throw error;
        const path = badDatePath(own, `${name}[${i}]`) ?? `${name}[${i}]`;
        throw invalid(`invalid ${error.kind} ${JSON.stringify(error.raw)} at ${path}`, error.kind === "$date" ? "bad_date" : "bad_regex", { path });
      }
    }
    put(snapshot, name, out);
  }
  return snapshot;
}

export interface ImportOptions extends VirtualDbOptions {
  /** gzip implementation for a compressed blob; fflate by default. */
  codec?: GzipCodec;
  /** Insert the virtual user when it is missing, as the original server did on construction. */
  ensureVirtualUser?: boolean;
}

/**
 * A new DB holding the snapshot: an object (dates as Dates or `{$date}`), a compressed blob, or
 * nothing (an empty DB). Unreadable input throws db_invalid; nothing is half-imported.
 */
export function importDb(input: DbSnapshot | string | null | undefined, options: ImportOptions = {}): VirtualDb {
  // Time-ordered ids continue above the largest uuid7 found in a top-level field (event_id, branch_id, ...).
  let largestId = "";
  const observeId = (hex: string) => {
    if (hex > largestId) largestId = hex;
  };
  const snapshot =
    input === null || input === undefined ? {} : typeof input === "string" ? decodeDbBlob(input, options.codec, observeId) : checkShape(input, false, observeId);
  const db = new MemoryDb(options);
  if (largestId !== "") db.observeUuid7(largestId);
  for (const name of Object.keys(snapshot)) {
    const documents = snapshot[name];
    if (documents.length === 0) continue;
    try {
      db.memoryCollection(name).loadDocuments(documents);
    } catch (error) {
      throw invalid(`collection '${name}' cannot be loaded: ${(error as Error).message}`, "duplicate_id", { collection: name });
    }
  }
  if (options.ensureVirtualUser) ensureVirtualUser(db);
  return db;
}

/** Inserts the virtual user (virtual-execution.md) unless it is there. */
export function ensureVirtualUser(db: VirtualDb): void {
  const users = db.collection("users");
  if (users.findOne({ _id: VIRTUAL_USER_ID }) !== null) return;
  users.insertOne({
    _id: VIRTUAL_USER_ID,
    user_id: VIRTUAL_USER_ID,
    username: "virtual_user",
    email: "virtual@example.com",
    created_at: db.now(),
    is_virtual: true,
  });
}

/** A new, empty virtual DB with the virtual user in it. */
export function createFreshVirtualDb(options: VirtualDbOptions = {}): VirtualDb {
  const db = new MemoryDb(options);
  ensureVirtualUser(db);
  return db;
}
