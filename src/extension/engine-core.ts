/**
 * The engine the extension runs (in its worker, dist/engine-worker.js: lazy-engine.ts starts it on the
 * first run): the public API of `src/core/virtual`, called in-process on one `VirtualSession` per workflow.
 * This keeps only the map of sessions. The session does the rest: it runs the calls on its DB one at a
 * time, in order (an export, in turn with them, never sees a call half done), undoes a failed call from
 * its checkpoint, and says what a call changed from that same checkpoint. Blobs are gzipped by Node's
 * native zlib (the extension host is Node), and an export for the stored file compresses on libuv's
 * thread pool.
 */
import { exportJsonText } from "../core/db";
import { decodeDbBlob } from "../core/db/snapshot";
import { applyPins, wrapRegistry, type Pins } from "../core/testing";
import { pinProblems } from "../core/testing/pin-check";
import { collectSubAction, errorResponse, executeOnSession, toWfvError, VirtualSession, type ExecuteResponse } from "../core/virtual";
import { WfvError } from "../core/errors";
import { compressTextOffThread, nodeGzipCodec } from "../node/gzip";
import type { VirtualDb } from "../core/db";
import type { LiveDbRef, VirtualEngine, WorkflowState } from "./engine";

/** The engine, plus its live DBs (the worker, ./engine-worker.ts, reports what each call changed in them). */
export interface LiveEngine extends VirtualEngine {
  /** The key's live DB, when it is open. */
  liveDb(dbKey: string): VirtualDb | undefined;
  /** The key's live session, when it is open (the read-only previews run on it: ./preview/worker-ops.ts). */
  liveSession(dbKey: string): VirtualSession | undefined;
  /** The pinned outputs the key's session answers its `wfv.pinned` stand-ins with (a call sets its own; a debug run, the session's). */
  usePins(dbKey: string, pins: Pins): void;
}

export function createEngine(): LiveEngine {
  /** The session of each key's live DB, from the moment a call starts opening it. */
  const sessions = new Map<string, Promise<VirtualSession>>();
  /** The sessions that are open: an export never waits for a stored DB to load. */
  const open = new Map<string, VirtualSession>();
  /** Each key's pinned outputs, as its last call gave them: the `wfv.pinned` stand-ins answer from these. */
  const pinsByKey = new Map<string, { pins: Pins }>();
  const pinHooks = (key: string) => {
    let hooks = pinsByKey.get(key);
    if (!hooks) pinsByKey.set(key, (hooks = { pins: {} }));
    return hooks;
  };

  const openStored = async (ref: LiveDbRef): Promise<VirtualSession> => {
    const blob = await ref.load_db();
    const options = { codec: nodeGzipCodec, registry: wrapRegistry(pinHooks(ref.db_key)) };
    try {
      return VirtualSession.open(blob, options);
    } catch (error) {
      if (!ref.unreadable) throw error;
      return VirtualSession.open(await ref.unreadable(toWfvError(error).message), options);
    }
  };

  /** The key's session, opening the stored DB on first use; an unreadable one is not kept. */
  const sessionFor = (ref: LiveDbRef): Promise<VirtualSession> => {
    const known = sessions.get(ref.db_key);
    if (known) return known;
    const opening = openStored(ref).then(
      (session) => {
        if (sessions.get(ref.db_key) === opening) open.set(ref.db_key, session);
        return session;
      },
      (error: unknown) => {
        if (sessions.get(ref.db_key) === opening) sessions.delete(ref.db_key);
        throw error;
      },
    );
    sessions.set(ref.db_key, opening);
    return opening;
  };

  /**
   * Calls `work` with the key's session: at once when it is open (so calls reach the session's queue
   * in the order they were made), else once it is; `unreadable` answers when it cannot be opened.
   */
  const withSession = <T>(ref: LiveDbRef, work: (session: VirtualSession) => Promise<T>, unreadable: (error: unknown) => T): Promise<T> => {
    const session = open.get(ref.db_key);
    return session ? work(session) : sessionFor(ref).then(work, unreadable);
  };

  return {
    execute(request, options = {}) {
      const { db_key: _key, load_db: _load, unreadable: _unreadable, pins, ...call } = request;
      let workflow = call.workflow;
      const pinned = pins ?? {};
      if (Object.keys(pinned).length > 0) {
        const problems = pinProblems(call.workflow, pinned);
        if (problems.length > 0) return Promise.resolve(pinFailure(problems));
        workflow = applyPins(call.workflow, pinned as Pins).workflow;
      }
      return withSession(
        request,
        (session) => {
          pinHooks(request.db_key).pins = pinned as Pins;
          return executeOnSession(session, { ...call, workflow, db_format: "none" }, { providers: options.providers, signal: options.signal, changes: true });
        },
        unreadableResponse,
      );
    },
    subAction(request, options = {}) {
      return withSession(
        request,
        async (session) => {
          const { progress, result: complete, error } = await collectSubAction(
            session.subAction(
              request.workflow,
              { interaction_id: request.interaction_id, sub_action_id: request.action_id, params: request.params },
              { mock: request.mock, providers: options.providers, signal: options.signal, changes: true },
            ),
          );
          const { changes, ...result } = complete ?? {};
          const changed = Array.isArray(changes) && changes.length > 0;
          return { progress, result: complete ? result : null, error, changed: error === null && changed };
        },
        (error) => ({ progress: [], result: null, error: toWfvError(error).message, changed: false }),
      );
    },
    state(ref) {
      const empty: WorkflowState = { steps: {}, state_mapped: {}, files: [] };
      return withSession(ref, (session) => session.inTurn(() => session.state()), () => empty);
    },
    open(ref) {
      return withSession(ref, async () => undefined, () => undefined);
    },
    async exportDb(dbKey) {
      // Not live now: nothing to export (and no waiting behind a call that is loading the stored DB).
      const session = open.get(dbKey);
      if (!session) return null;
      // The text is taken in turn with the calls; it is compressed after, off this thread.
      const text = await session.inTurn(() => (open.get(dbKey) === session ? exportJsonText(session.db) : null));
      return text === null ? null : compressTextOffThread(text);
    },
    async forget(dbKey) {
      const session = open.get(dbKey);
      sessions.delete(dbKey); // the next call opens the stored DB
      open.delete(dbKey);
      // Settles once the calls already made on the dropped DB are done, as a queued drop would.
      await session?.inTurn(() => undefined);
    },
    liveDb(dbKey) {
      return open.get(dbKey)?.db;
    },
    liveSession(dbKey) {
      return open.get(dbKey);
    },
    usePins(dbKey, pins) {
      pinHooks(dbKey).pins = pins;
    },
    async dbProblem(blob) {
      try {
        decodeDbBlob(blob, nodeGzipCodec);
        return null;
      } catch (error) {
        const failure = toWfvError(error);
        return failure.toJSON();
      }
    },
  };
}

/** Pinned outputs that fail their module's output schema: the run is refused before it starts. */
function pinFailure(problems: string[]): ExecuteResponse {
  const message = `the pinned outputs cannot be used: ${problems.join("; ")}`;
  return { ...errorResponse(new WfvError("validation_failed", message, { pins: problems })), changes: null };
}

/** The stored DB cannot be read: the call fails as the engine's own calls do (db_invalid). */
function unreadableResponse(error: unknown): ExecuteResponse {
  return { ...errorResponse(error), changes: null };
}
