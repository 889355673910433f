/**
 * The journal of a live DB's changes (issue 11.1): the engine's worker reports, with each call's
 * answer, what the call changed in the key's DB, by position, so the host can rebuild the DB exactly
 * (byte for byte, as an export would write it) when a worker dies: the last full DB it has (the
 * stored blob, or the worker's last export) plus every change reported since.
 *
 * A change is per collection: how many of the collection's documents before the call stay in front
 * (`keep`), then the rest in order, each either a run of documents from before (`[start, count]`) or a
 * new one, as the JSON text an export writes for it. Stored documents are never mutated in place
 * (src/core/db/collection.ts), so the worker finds them by reference: a run that adds events sends
 * `{keep: n, tail: [new events]}`, nothing about the 10k before.
 */
import { exportJsonText, importDb } from "../core/db";
import { decodeBase64 } from "../core/db/codec";
import { MemoryDb } from "../core/db/memory-db";
import { documentJsonText, exportedCollectionOrder, VIRTUAL_USER_ID } from "../core/db/snapshot";
import type { Document, VirtualDb } from "../core/db/types";
import { nodeGzipCodec } from "../node/gzip";

export interface CollectionDelta {
  name: string;
  /** Documents kept in front, from before. */
  keep: number;
  /** Then, in order: runs of documents from before (`[start, count]`) and new documents (their JSON text). */
  tail: Array<string | [number, number]>;
}

/** What one call changed (collections that did not change are absent). */
export type DbDelta = CollectionDelta[];

/** A key's DB as the host has it: the last full DB and the changes since, in order. */
export interface JournaledDb {
  /** The last full DB (null: a fresh one). */
  base: string | null;
  /** The base is a worker's own export (else, e.g. a stored or imported blob, it is re-encoded first). */
  canonical: boolean;
  journal: DbDelta[];
}

/** The documents of each collection of a DB, as of the last report (reference copies, nothing cloned). */
export type DbBaseline = Map<string, readonly Document[]>;

function memoryDb(db: VirtualDb): MemoryDb {
  if (!(db instanceof MemoryDb)) throw new Error("the live DB is not an in-memory DB");
  return db;
}

/**
 * The baseline of a DB just opened (`openedAt`: the time before it was opened): what it holds, except
 * a virtual user the opening itself inserted (a fresh DB, or a blob without one), which the next report
 * then carries, so a rebuilt DB has the very same one.
 */
export function baselineOf(db: VirtualDb, openedAt: number): DbBaseline {
  const memory = memoryDb(db);
  const baseline: DbBaseline = new Map();
  for (const name of memory.collectionNames()) baseline.set(name, memory.storedDocuments(name).slice());
  const users = baseline.get("users");
  const last = users?.[users.length - 1];
  if (users && last && last._id === VIRTUAL_USER_ID && last.created_at instanceof Date && last.created_at.getTime() >= openedAt) {
    baseline.set("users", users.slice(0, -1));
  }
  return baseline;
}

/** What changed since `baseline` (which is moved to now); empty when nothing did. */
export function takeDelta(db: VirtualDb, baseline: DbBaseline): DbDelta {
  const memory = memoryDb(db);
  const names = [...new Set([...baseline.keys(), ...memory.collectionNames()])].sort();
  const delta: DbDelta = [];
  for (const name of names) {
    const before = baseline.get(name) ?? [];
    const after = memory.storedDocuments(name);
    const change = diffCollection(name, before, after);
    if (!change) continue;
    delta.push(change);
    if (after.length === 0) baseline.delete(name);
    else baseline.set(name, after.slice());
  }
  return delta;
}

function diffCollection(name: string, before: readonly Document[], after: readonly Document[]): CollectionDelta | undefined {
  let keep = 0;
  while (keep < before.length && keep < after.length && before[keep] === after[keep]) keep++;
  if (keep === before.length && keep === after.length) return undefined;
  const tail: CollectionDelta["tail"] = [];
  let index: Map<Document, number> | undefined;
  if (keep < before.length && keep < after.length) {
    index = new Map();
    for (let i = keep; i < before.length; i++) index.set(before[i], i);
  }
  for (let i = keep; i < after.length; i++) {
    const document = after[i];
    const at = index?.get(document);
    if (at === undefined) {
      tail.push(documentJsonText(document));
      continue;
    }
    const run = tail[tail.length - 1];
    if (Array.isArray(run) && run[0] + run[1] === at) run[1]++;
    else tail.push([at, 1]);
  }
  return { name, keep, tail };
}

/**
 * The DB the journal describes, as a blob a session opens: the base itself when nothing changed since,
 * else the export's JSON text of the base with every change applied.
 */
export function replayJournal(db: JournaledDb): string | null {
  if (db.journal.length === 0) return db.base;
  const collections = new Map<string, unknown[]>(db.base === null ? [] : Object.entries(snapshotJson(db.base, db.canonical)));
  for (const delta of db.journal) {
    for (const change of delta) {
      const before = collections.get(change.name) ?? [];
      const after = before.slice(0, change.keep);
      for (const part of change.tail) {
        if (typeof part === "string") after.push(JSON.parse(part));
        else for (let i = part[0]; i < part[0] + part[1]; i++) after.push(before[i]);
      }
      if (after.length === 0) collections.delete(change.name);
      else collections.set(change.name, after);
    }
  }
  const out: Record<string, unknown[]> = {};
  // defineProperty: a collection named __proto__ is a key, as the export writes it.
  for (const name of exportedCollectionOrder([...collections.keys()].sort())) {
    Object.defineProperty(out, name, { value: collections.get(name) ?? [], enumerable: true, writable: true, configurable: true });
  }
  return JSON.stringify(out);
}

/** The base as the export's JSON (collection → documents as JSON values): a worker's export is read as is; any other blob is imported and exported first. */
function snapshotJson(blob: string, canonical: boolean): Record<string, unknown[]> {
  const text = canonical ? blobText(blob) : exportJsonText(importDb(blob, { codec: nodeGzipCodec }));
  return JSON.parse(text) as Record<string, unknown[]>;
}

function blobText(blob: string): string {
  const trimmed = blob.trim();
  if (trimmed.startsWith("{")) return trimmed;
  return new TextDecoder().decode(nodeGzipCodec.gunzip(decodeBase64(trimmed.replace(/\r?\n/g, ""))));
}
