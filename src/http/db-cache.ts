/**
 * The DBs `wfv serve` recently returned, live, by the exact blob it sent: a request that brings one
 * back starts from the live DB instead of decoding it. The API stays stateless: the cache only saves
 * work, and a request with any other DB (older, foreign, re-encoded) is decoded as before and gets the
 * same answer.
 *
 * - Key: the blob's length and a sample of its bytes; a candidate counts only when every byte matches
 *   (a memcmp, far cheaper than hashing all of it), so two different blobs never share an entry.
 * - A hit takes the entry out: the request owns the live DB while it runs. A failed run restores the
 *   DB (the session's checkpoint) and the entry goes back under its old blob; a run that succeeded
 *   puts the DB back under the blob it returns. A DB in the cache is never changed in place.
 * - Bounded by bytes, least recently used first out: an entry weighs its blob plus its DB's JSON text
 *   (the live documents take about 1.5 times that in memory). An entry heavier than the bound is
 *   not kept.
 */
import type { SegmentedBlob, SegmentedEncoder } from "../core/db/segmented";
import type { VirtualSession } from "../core/virtual";

/** The default bound: one DB of 100k events (~220 MB of JSON, ~45 MB of blob), or about twenty of 10k. */
export const DEFAULT_DB_CACHE_BYTES = 512 * 1024 * 1024;

export interface CachedDb {
  session: VirtualSession;
  /** The encoder that wrote `blob` from this session's DB (it remembers the DB's documents). */
  encoder: SegmentedEncoder;
  /** The blob this DB was returned as: its key. */
  blob: SegmentedBlob;
}

/** Bytes sampled for the key, spread over the blob. */
const SAMPLES = 64;

/** FNV-1a over the length and SAMPLES bytes at fixed fractions of the blob. */
function fingerprint(length: number, byteAt: (index: number) => number): string {
  let hash = 0x811c9dc5;
  if (length > 0) {
    for (let i = 0; i < SAMPLES; i++) {
      hash ^= byteAt(Math.floor((i * (length - 1)) / (SAMPLES - 1)));
      hash = Math.imul(hash, 0x01000193);
    }
  }
  return `${length}:${(hash >>> 0).toString(16)}`;
}

/** The cache key of a blob given as bytes (what a request brings back). */
export function bytesKey(bytes: Uint8Array): string {
  return fingerprint(bytes.length, (index) => bytes[index]);
}

/** The cache key of a blob this server wrote: equal to bytesKey of the same bytes. */
export function blobKey(blob: SegmentedBlob): string {
  return blobFingerprint(blob);
}

function blobFingerprint(blob: SegmentedBlob): string {
  const offsets: number[] = [];
  let total = 0;
  for (const segment of blob.segments) {
    offsets.push(total);
    total += segment.length;
  }
  return fingerprint(blob.length, (index) => {
    // The segment holding `index`: binary search over the segments' start offsets.
    let low = 0;
    let high = offsets.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (offsets[middle] <= index) low = middle;
      else high = middle - 1;
    }
    return blob.segments[low][index - offsets[low]];
  });
}

/** Whether `bytes` are exactly the blob's bytes. */
function sameBytes(bytes: Uint8Array, blob: SegmentedBlob): boolean {
  if (bytes.length !== blob.length) return false;
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  for (const segment of blob.segments) {
    if (view.compare(segment, 0, segment.length, offset, offset + segment.length) !== 0) return false;
    offset += segment.length;
  }
  return true;
}

function sameBlob(a: SegmentedBlob, b: SegmentedBlob): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  const joined = Buffer.concat(a.segments as Uint8Array[], a.length);
  return sameBytes(joined, b);
}

export function cachedDbBytes(entry: CachedDb): number {
  return entry.blob.length + entry.blob.jsonLength;
}

export class DbCache {
  /** Key → entries (more than one only when different blobs share a key). */
  private readonly byKey = new Map<string, CachedDb[]>();
  /** Every entry with its key, least recently used first. */
  private readonly order = new Map<CachedDb, string>();
  private total = 0;
  private hits = 0;
  private misses = 0;

  constructor(readonly maxBytes: number = DEFAULT_DB_CACHE_BYTES) {}

  /** The entry whose blob is exactly `bytes`, taken out of the cache (the caller owns it now). */
  take(bytes: Uint8Array): CachedDb | undefined {
    const key = bytesKey(bytes);
    const candidates = this.byKey.get(key);
    const entry = candidates?.find((candidate) => sameBytes(bytes, candidate.blob));
    if (entry === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.remove(entry);
    return entry;
  }

  /**
   * Keeps `entry` as the most recently used, then drops the least recently used beyond the bound. An
   * entry with the same blob (the same DB reached twice, from a stale copy say) is replaced.
   */
  put(entry: CachedDb): void {
    const bytes = cachedDbBytes(entry);
    if (bytes > this.maxBytes) return;
    const key = blobFingerprint(entry.blob);
    const same = this.byKey.get(key)?.find((other) => sameBlob(other.blob, entry.blob));
    if (same) this.remove(same);
    const list = this.byKey.get(key);
    if (list) list.push(entry);
    else this.byKey.set(key, [entry]);
    this.order.set(entry, key);
    this.total += bytes;
    for (const [oldest] of this.order) {
      if (this.total <= this.maxBytes) break;
      this.remove(oldest);
    }
  }

  private remove(entry: CachedDb): void {
    const key = this.order.get(entry);
    if (key === undefined) return;
    this.order.delete(entry);
    this.total -= cachedDbBytes(entry);
    const list = this.byKey.get(key)!;
    const rest = list.filter((other) => other !== entry);
    if (rest.length > 0) this.byKey.set(key, rest);
    else this.byKey.delete(key);
  }

  /** What the cache holds and how it has been used. */
  stats(): { entries: number; bytes: number; maxBytes: number; hits: number; misses: number } {
    return { entries: this.order.size, bytes: this.total, maxBytes: this.maxBytes, hits: this.hits, misses: this.misses };
  }
}
