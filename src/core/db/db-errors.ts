/** The virtual DB's structured failures. */
import { WfvError } from "../errors";
import { LimitExceeded } from "../limits";
import { toExtendedJson } from "../json/extended-json";

/** A query, update or pipeline the DB cannot run (bad shape, unknown or refused operator). */
export function badDbRequest(message: string, details: Record<string, unknown> = {}): WfvError {
  return new WfvError("bad_request", message, details);
}

/** Mongo's E11000: a write would give two documents the same key in a unique index. */
export class DuplicateKeyError extends WfvError {
  readonly code = 11000;

  constructor(collection: string, indexName: string, key: Record<string, unknown>) {
    const shown = JSON.stringify(toExtendedJson(key));
    super("execution_failed", `E11000 duplicate key error collection: ${collection} index: ${indexName} dup key: ${shown}`, {
      code: 11000,
      collection,
      index: indexName,
      key: toExtendedJson(key),
    });
    this.name = "DuplicateKeyError";
  }
}

/** Turns whatever mingo threw into a bad_request that names the operation (and the limit, for a limit). */
export function asDbError(error: unknown, operation: string, collection: string): Error {
  if (error instanceof WfvError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const limit = error instanceof LimitExceeded ? error.details : {};
  return badDbRequest(`${operation} on '${collection}' failed: ${message}`, { operation, collection, ...limit });
}
