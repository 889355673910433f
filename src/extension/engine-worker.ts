/**
 * The engine's worker (dist/engine-worker.js, a child Node process): the map of live DBs (./engine-core.ts) runs here, off
 * the extension host's thread, under the memory cap its host gave it (issue 11.1). The host side is
 * ./worker-engine.ts; messages are `ToEngineWorker` / `FromEngineWorker`.
 *
 * Nothing is exported before a run: each call on a key answers, with its result, what it changed in
 * the key's DB (./db-journal.ts), so the host holds the last full DB plus those changes. A DB this
 * worker opens is asked of the host (`callback`): the stored one, or, after a predecessor died, its
 * last full DB with the changes since replayed. Calls on one key run one after another here (as the
 * session runs them anyway), so each report is exactly one call's changes.
 */
import { WfvError } from "../core/errors";
import { DebugSessions } from "../debug/worker-host";
import { nodeGzipCodec } from "../node/gzip";
import { errorToAnswer, hostPort } from "../node/isolate";
import { baselineOf, replayJournal, takeDelta, type DbBaseline } from "./db-journal";
import type { LiveDbRef } from "./engine";
import { createEngine } from "./engine-core";
import { previewCall } from "./preview/worker-ops";
import { WORKFLOW_CACHE_SIZE, type EngineOp, type ExportedDb, type FromEngineWorker, type OpenedDb, type ReportedDelta, type ToEngineWorker } from "./worker-protocol";

const port = hostPort();
if (port) serve(port);

interface Tracked {
  baseline: DbBaseline;
  seq: number;
}

function serve(port: NonNullable<ReturnType<typeof hostPort>>): void {
  const engine = createEngine();
  const aborts = new Map<number, AbortController>();
  const callbacks = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextCallback = 0;
  const post = (message: FromEngineWorker): void => port.post(message);
  /** Per key: the DB as last reported, and the number of the last report. */
  const tracked = new Map<string, Tracked>();
  /** Per key: the number of the last change in the DB the host gave (set when it is opened). */
  const openedAt = new Map<string, number>();
  /** Keys a debug call is under way on (running, or paused at a module): other calls are refused rather than left waiting on the user. */
  const heldKeys = new Map<string, number>();
  /** Per key: the calls on it, one after another. */
  const turns = new Map<string, Promise<unknown>>();
  /** Workflows by hash, least recently used first (the host mirrors this). */
  const workflows = new Map<string, unknown>();

  const ask = (op: "load_db" | "unreadable", dbKey: string, reason?: string): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const cid = ++nextCallback;
      callbacks.set(cid, { resolve, reject });
      post({ type: "callback", cid, op, db_key: dbKey, reason });
    });
  const refFor = (dbKey: string): LiveDbRef => ({
    db_key: dbKey,
    load_db: async () => {
      const opened = (await ask("load_db", dbKey)) as OpenedDb;
      openedAt.set(dbKey, opened.seq);
      return replayJournal(opened);
    },
    unreadable: (reason) => ask("unreadable", dbKey, reason) as Promise<string | null>,
  });

  const workflowOf = (message: Extract<ToEngineWorker, { type: "call" }>): unknown => {
    const hash = message.workflow_hash;
    if (hash === undefined) return undefined;
    const workflow = message.workflow !== undefined ? message.workflow : workflows.get(hash);
    if (workflow === undefined) throw new Error(`the worker does not have workflow ${hash}`);
    workflows.delete(hash);
    workflows.set(hash, workflow);
    while (workflows.size > WORKFLOW_CACHE_SIZE) workflows.delete(workflows.keys().next().value as string);
    return workflow;
  };

  /** Runs `work` on the key after the calls before it; a key not live yet is opened first, and its baseline taken. */
  const onKey = <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const turn = (turns.get(key) ?? Promise.resolve()).then(async () => {
      if (!engine.liveDb(key)) {
        tracked.delete(key);
        const started = Date.now();
        await engine.open(refFor(key));
        const db = engine.liveDb(key);
        if (db) tracked.set(key, { baseline: baselineOf(db, started), seq: openedAt.get(key) ?? 0 });
      }
      return work();
    });
    turns.set(
      key,
      turn.catch(() => undefined),
    );
    return turn;
  };

  /** What the key's DB changed since the last report (undefined: nothing). */
  const report = (key: string): ReportedDelta | undefined => {
    const db = engine.liveDb(key);
    const known = tracked.get(key);
    if (!db || !known) return undefined;
    const delta = takeDelta(db, known.baseline);
    if (delta.length === 0) return undefined;
    known.seq++;
    return { seq: known.seq, delta };
  };

  /** One engine call; `delta` is what it changed in its key's DB. */
  const call = async (message: Extract<ToEngineWorker, { type: "call" }>, signal: AbortSignal): Promise<{ value: unknown; delta?: ReportedDelta }> => {
    const op: EngineOp = message.op;
    const key = message.db_key;
    if (op === "dbProblem") return { value: await engine.dbProblem(message.request as string) };
    if (key === undefined) throw new Error(`${op} needs a DB key`);
    if (heldKeys.has(key)) {
      // Paused in the debugger: an export answers "not live" (the host keeps its last full DB and journal).
      if (op === "exportDb") return { value: { blob: null, seq: tracked.get(key)?.seq ?? 0 } satisfies ExportedDb };
      if (op === "open") return { value: undefined };
      if (op !== "forget") throw new WfvError("bad_request", `${key} is being debugged: continue or stop the debug session first`, { reason: "debugging", db_key: key });
    }
    if (op === "forget") {
      return {
        value: await onKey(key, async () => {
          await engine.forget(key);
          tracked.delete(key);
        }),
      };
    }
    if (op === "exportDb") {
      // The export's text is taken in turn with the calls, so it holds exactly the changes reported so far;
      // it is compressed after, while the next call on the key goes on.
      let exported!: Promise<ExportedDb>;
      await onKey(key, async () => {
        const seq = tracked.get(key)?.seq ?? openedAt.get(key) ?? 0;
        exported = engine.exportDb(key).then((blob) => ({ blob, seq }));
      });
      return { value: await exported };
    }
    if (op === "preview" || op === "stages") {
      const workflow = workflowOf(message);
      return { value: await onKey(key, async () => previewCall(op, engine.liveSession(key), workflow, message.request)) };
    }
    const request: Record<string, unknown> = { ...((message.request as object | undefined) ?? {}), ...refFor(key) };
    const workflow = workflowOf(message);
    if (workflow !== undefined) request.workflow = workflow;
    const method = (engine as unknown as Record<EngineOp, (...args: unknown[]) => Promise<unknown>>)[op].bind(engine);
    let delta: ReportedDelta | undefined;
    try {
      const value = await onKey(key, async () => {
        try {
          return await method(request, { providers: message.providers, signal });
        } finally {
          delta = report(key);
        }
      });
      return { value, delta };
    } catch (error) {
      throw Object.assign(error instanceof Error ? error : new Error(String(error)), { delta });
    }
  };

  /** Debug sessions (issue 14, src/debug): each debug call runs in the key's turn; while one is under way, the key is held. */
  const debugSessions = new DebugSessions({
    post: (session, message) => post({ type: "dap", session, message }),
    onKey: (key, work) =>
      onKey(key, async () => {
        const session = engine.liveSession(key);
        if (!session) throw new Error(`the DB of ${key} is not open`);
        return work(session);
      }),
    holding: (key, held) => {
      const count = (heldKeys.get(key) ?? 0) + (held ? 1 : -1);
      if (count > 0) heldKeys.set(key, count);
      else heldKeys.delete(key);
    },
    changed: (key) => {
      const delta = report(key);
      // The reporting session's number is not needed by the host: the key's journal is one.
      if (delta) post({ type: "dap_delta", session: 0, db_key: key, delta });
    },
    usePins: (key, pins) => engine.usePins(key, pins),
    codec: nodeGzipCodec,
  });
  const debug = (message: Extract<ToEngineWorker, { type: "dap" | "dap_close" }>): void => {
    if (message.type === "dap_close") void debugSessions.close(message.session);
    else debugSessions.receive(message.session, message.message, message.host);
  };

  port.on((received) => {
    const message = received as ToEngineWorker;
    if (message.type === "abort") {
      aborts.get(message.id)?.abort();
      return;
    }
    if (message.type === "dap" || message.type === "dap_close") {
      debug(message);
      return;
    }
    if (message.type === "callback_result") {
      const waiting = callbacks.get(message.cid);
      callbacks.delete(message.cid);
      if (message.ok) waiting?.resolve(message.value);
      else waiting?.reject(new Error(message.error));
      return;
    }
    const abort = new AbortController();
    if (message.aborted) abort.abort();
    aborts.set(message.id, abort);
    call(message, abort.signal).then(
      ({ value, delta }) => {
        aborts.delete(message.id);
        post({ type: "result", id: message.id, ok: true, value, ...(delta ? { delta } : {}) });
      },
      (error: unknown) => {
        aborts.delete(message.id);
        const delta = (error as { delta?: ReportedDelta } | null)?.delta;
        post({ type: "result", id: message.id, ok: false, error: errorToAnswer(error), ...(delta ? { delta } : {}) });
      },
    );
  });
  post({ type: "ready" });
}
