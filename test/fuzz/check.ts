/**
 * Runs one fuzz case through `execute` and checks what must hold whatever the input:
 * - the call settles (bounded in event-loop turns, not in time) and never rejects;
 * - the status is one of the contract's; a failure is structured (`error` text, a known
 *   `result.error_type`, `details`) and hands back the DB exactly as given (the same string for a blob,
 *   a deep-equal object for a snapshot);
 * - the caller's workflow, DB and answer are never mutated;
 * - a successful call returns a DB that opens again, and the whole response serialises;
 * - no network call is attempted (mock mode reaches every path).
 */
import { stringifyExtended } from "../../src/core/json/extended-json";
import { execute, VirtualSession, type ExecuteResponse } from "../../src/core/virtual";
import type { FuzzCase } from "./cases";

export const KNOWN_ERROR_TYPES: ReadonlySet<string> = new Set([
  "workflow_invalid",
  "step_not_found",
  "module_not_found",
  "module_not_registered",
  "unsupported_module_type",
  "input_validation_failed",
  "resolution_failed",
  "execution_failed",
  "validation_failed",
  "db_invalid",
  "bad_request",
]);

const STATUSES = new Set(["awaiting_input", "completed", "error", "validation_failed"]);

/** Generous: a mock-mode call needs a handful of turns; only a promise that never settles gets here. */
export const MAX_EVENT_LOOP_TURNS = 50_000;

export interface CaseOutcome {
  seed: number;
  problems: string[];
  status?: string;
  errorType?: string;
  /** Wall time of the call, for the report only (never asserted). */
  ms: number;
}

let networkCalls = 0;

/** Makes any `fetch` in this process fail loudly and be counted, so a mock-mode leak is a finding. */
export function disableNetwork(): void {
  globalThis.fetch = (async (input: unknown) => {
    networkCalls++;
    throw new Error(`fuzz: network disabled (fetch ${String(input)})`);
  }) as typeof fetch;
}

/**
 * Deep equality of JSON-like values (plain objects, arrays, Dates, primitives), iterative so inputs
 * nested thousands of levels deep compare without exhausting the stack. Own keys only (`__proto__`
 * included), same prototype, same key sets.
 */
export function sameJsonValue(left: unknown, right: unknown): boolean {
  const pending: Array<[unknown, unknown]> = [[left, right]];
  while (pending.length > 0) {
    const [a, b] = pending.pop()!;
    if (Object.is(a, b)) continue;
    if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
    if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
    if (a instanceof Date) {
      if (a.getTime() !== (b as Date).getTime()) return false;
      continue;
    }
    const keysA = Object.keys(a);
    const keysB = Object.keys(b);
    if (keysA.length !== keysB.length) return false;
    for (const key of keysA) {
      if (!Object.prototype.hasOwnProperty.call(b, key)) return false;
      pending.push([(a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]]);
    }
  }
  return true;
}

type Settled<T> = { kind: "value"; value: T } | { kind: "error"; error: unknown } | { kind: "pending" };

/** Waits for `promise` for at most `maxTurns` event-loop turns (setImmediate), never a timer. */
export async function settleWithin<T>(promise: Promise<T>, maxTurns: number): Promise<Settled<T>> {
  let outcome: Settled<T> = { kind: "pending" };
  promise.then(
    (value) => (outcome = { kind: "value", value }),
    (error: unknown) => (outcome = { kind: "error", error }),
  );
  for (let turn = 0; turn < maxTurns && outcome.kind === "pending"; turn++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return outcome;
}

function snapshotOfInput(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return value;
  }
}

function checkResponse(response: ExecuteResponse, givenDb: unknown, givenDbCopy: unknown, problems: string[]): void {
  if (response === null || typeof response !== "object") {
    problems.push(`response is not an object: ${String(response)}`);
    return;
  }
  if (!STATUSES.has(response.status)) problems.push(`unknown status ${JSON.stringify(response.status)}`);
  if (!response.result || typeof response.result !== "object") {
    problems.push("no result object");
    return;
  }
  if (response.status === "error") {
    if (typeof response.error !== "string" || response.error === "") problems.push("error without an error message");
    if (!KNOWN_ERROR_TYPES.has(String(response.result.error_type))) problems.push(`unknown error_type ${JSON.stringify(response.result.error_type)}: ${response.error}`);
    if (!response.result.details || typeof response.result.details !== "object") problems.push("error without details");
    const returned = response.result.virtual_db;
    const expected = givenDb ?? null;
    if (typeof expected === "string") {
      if (returned !== expected) problems.push("error: the blob given did not come back byte-identical");
    } else if (!sameJsonValue(returned, givenDbCopy ?? null)) {
      problems.push("error: the DB object given did not come back deep-equal");
    }
    return;
  }
  const db = response.result.virtual_db;
  if (db !== undefined && db !== null) {
    try {
      VirtualSession.open(db);
    } catch (error) {
      problems.push(`the returned DB does not open: ${(error as Error).message}`);
    }
  }
}

/** Runs `fuzzCase` and returns what went wrong (nothing, for a passing case). */
export async function runCase(fuzzCase: FuzzCase, maxTurns = MAX_EVENT_LOOP_TURNS): Promise<CaseOutcome> {
  const { request } = fuzzCase;
  const problems: string[] = [];
  const before = {
    workflow: snapshotOfInput(request.workflow),
    virtual_db: snapshotOfInput(request.virtual_db),
    response: snapshotOfInput(request.response),
  };
  const networkBefore = networkCalls;
  const started = process.hrtime.bigint();

  let settled: Settled<ExecuteResponse>;
  try {
    settled = await settleWithin(execute(request), maxTurns);
  } catch (error) {
    settled = { kind: "error", error };
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;

  let status: string | undefined;
  let errorType: string | undefined;
  if (settled.kind === "pending") {
    problems.push(`execute did not settle within ${maxTurns} event-loop turns`);
  } else if (settled.kind === "error") {
    const error = settled.error as Error;
    problems.push(`execute rejected/threw: ${error?.stack ?? String(error)}`);
  } else {
    status = settled.value?.status;
    errorType = settled.value?.result?.error_type;
    checkResponse(settled.value, request.virtual_db, before.virtual_db, problems);
    try {
      stringifyExtended(settled.value);
    } catch (error) {
      problems.push(`the response does not serialise: ${(error as Error).message}`);
    }
  }
  if (!sameJsonValue(request.workflow, before.workflow)) problems.push("the caller's workflow was mutated");
  if (!sameJsonValue(request.virtual_db, before.virtual_db)) problems.push("the caller's virtual_db was mutated");
  if (!sameJsonValue(request.response, before.response)) problems.push("the caller's response was mutated");
  if (networkCalls > networkBefore) problems.push(`${networkCalls - networkBefore} network call(s) attempted with mock mode on`);
  return { seed: fuzzCase.seed, problems, status, errorType, ms };
}
