/**
 * The engine behind a worker thread (issue 11.1): the same async `VirtualEngine` the extension used
 * in-process, but the live DBs live in a `node:worker_threads` worker (./engine-worker.ts) with a cap
 * on its old generation (`wfv.limits.memoryMb`), and each call has a wall-clock budget
 * (`wfv.limits.runSeconds`) this side enforces by terminating the worker. A call that goes over
 * answers `limit_exceeded` ({limit: "memory"|"time", value, module_name, step_id}); the host stays up,
 * and the next call starts a fresh worker.
 *
 * Nothing is lost when a worker dies: a DB a call may change is handed back to this side *before* the
 * next call is sent (only when a call since the last hand-back may have changed it; the store's
 * background write after a run asks for that same export, so a click normally finds it done). A fresh
 * worker opens each DB from the last blob handed back, else from the store. A run that dies never
 * reaches the store, so the DB is what it was before that run, earlier runs included.
 */
import { WfvError } from "../core/errors";
import { errorFromAnswer, limitExceeded, startBudgetWorker, type BudgetWorker, type Budgets, type LimitKind, type LimitSite, type WorkerScript } from "../node/isolate";
import type { DbProblem, ExecuteOptions, ExecuteResponse, LiveDbRef, SubActionOutcome, VirtualEngine, WorkflowState } from "./engine";
import type { EngineOp, FromEngineWorker, ToEngineWorker } from "./worker-protocol";

export interface WorkerEngineOptions {
  /** The worker's script (dist/engine-worker.js beside the extension bundle). */
  script: WorkerScript;
  /** The budgets, read when a worker starts (memory) and when a call is sent (time). */
  budgets: () => Budgets;
  /** The worker died without a limit (it could not load, it crashed). */
  onCrash?: (error: unknown) => void;
}

export interface WorkerEngine extends VirtualEngine {
  /** Stops the worker (deactivation, tests); the next call starts a new one. */
  dispose(): Promise<void>;
}

interface Pending {
  op: EngineOp;
  site: LimitSite;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  timer?: ReturnType<typeof setTimeout>;
  detach?: () => void;
}

interface Running {
  worker: BudgetWorker;
  budgets: Budgets;
  /** Keys this worker may hold live (a call on them was sent). */
  live: Set<string>;
  /** Set when this side ends the worker: why, and which call. */
  killed?: { limit: LimitKind; id: number; site: LimitSite };
  dead?: boolean;
  /** Calls sent before the worker said it is ready: their budgets start then (loading the engine is not the run's time). */
  unarmed?: Array<() => void>;
}

export function workerEngine(options: WorkerEngineOptions): WorkerEngine {
  let running: Running | undefined;
  let nextId = 0;
  const pending = new Map<number, Pending>();
  /** The latest ref of each key (its store callbacks). */
  const refs = new Map<string, LiveDbRef>();
  /** Per key: calls that may have changed its DB, counted when sent. */
  const versions = new Map<string, number>();
  /** Per key: the last DB handed back, and the version it holds. */
  const handed = new Map<string, { blob: string; version: number }>();
  /** Sends go out one after another, in call order, each after the hand-backs it needs. */
  let chain: Promise<unknown> = Promise.resolve();
  /** The worker each waiting call was sent to. */
  const ownedBy = new Map<number, Running>();

  const versionOf = (key: string): number => versions.get(key) ?? 0;
  const dirty = (key: string): boolean => running !== undefined && running.live.has(key) && (handed.get(key)?.version ?? 0) !== versionOf(key);

  const start = (): Running => {
    const budgets = options.budgets();
    const worker = startBudgetWorker(options.script, budgets);
    worker.unref();
    const self: Running = { worker, budgets, live: new Set(), unarmed: [] };
    worker.on("message", (message) => onMessage(self, message as FromEngineWorker));
    worker.on("died", (death) => died(self, death.limit, death.error));
    running = self;
    return self;
  };

  const onMessage = (self: Running, message: FromEngineWorker): void => {
    if (message.type === "ready") {
      const unarmed = self.unarmed ?? [];
      self.unarmed = undefined;
      for (const arm of unarmed) arm();
      return;
    }
    if (message.type === "callback") {
      void answerCallback(message).then((reply) => {
        if (running === self) self.worker.postMessage(reply);
      });
      return;
    }
    const call = pending.get(message.id);
    if (!call) return;
    pending.delete(message.id);
    ownedBy.delete(message.id);
    idle(self);
    clearTimeout(call.timer);
    call.detach?.();
    if (message.ok) call.resolve(message.value);
    else call.reject(errorFromAnswer(message.error));
  };

  const answerCallback = async (message: Extract<FromEngineWorker, { type: "callback" }>): Promise<ToEngineWorker> => {
    try {
      const given = handed.get(message.db_key);
      if (message.op === "load_db" && given) return { type: "callback_result", cid: message.cid, ok: true, value: given.blob === "" ? null : given.blob };
      const ref = refs.get(message.db_key);
      if (!ref) throw new Error(`no stored DB for ${message.db_key}`);
      const value = message.op === "load_db" ? await ref.load_db() : ref.unreadable ? await ref.unreadable(message.reason ?? "") : null;
      if (message.op === "unreadable" && !ref.unreadable) throw new Error(message.reason ?? "the stored DB cannot be read");
      return { type: "callback_result", cid: message.cid, ok: true, value };
    } catch (error) {
      return { type: "callback_result", cid: message.cid, ok: false, error: (error as Error).message };
    }
  };

  /** A worker ended: every call still waiting on it answers (a limit, or the crash). */
  const died = (self: Running, memory: LimitKind | null, error: Error): void => {
    if (self.dead) return;
    self.dead = true;
    if (running === self) running = undefined;
    // What the dead worker's calls did is gone with it: each key is what was last handed back (or stored).
    for (const key of versions.keys()) versions.set(key, handed.get(key)?.version ?? 0);
    const limit = self.killed?.limit ?? memory;
    if (!limit && !self.killed) options.onCrash?.(error);
    for (const [id, call] of [...pending]) {
      if (!ownedBy.get(id) || ownedBy.get(id) !== self) continue;
      pending.delete(id);
      ownedBy.delete(id);
      clearTimeout(call.timer);
      call.detach?.();
      if (!limit) {
        call.reject(error);
        continue;
      }
      const culprit = self.killed ? self.killed.id === id : true;
      const extra = culprit || !self.killed ? {} : { interrupted_by: self.killed.site };
      call.reject(limitExceeded(limit, self.budgets, call.site, extra));
    }
    void self.worker.terminate();
  };

  /** An idle worker does not keep this process alive. */
  const idle = (self: Running): void => {
    for (const owner of ownedBy.values()) if (owner === self) return;
    self.worker.unref();
  };

  const kill = (self: Running, id: number, site: LimitSite): void => {
    if (self.killed) return;
    self.killed = { limit: "time", id, site };
    void self.worker.terminate();
  };

  /** Hands back every DB a call may have changed since its last hand-back. */
  const handBack = async (): Promise<void> => {
    if (!running) return;
    for (const key of [...running.live]) if (dirty(key)) await exportKey(key);
  };

  const exportKey = async (key: string): Promise<string | null> => {
    const version = versionOf(key);
    const blob = (await send("exportDb", key, undefined, {}, {})) as string | null;
    if (blob !== null && (handed.get(key)?.version ?? -1) <= version) handed.set(key, { blob, version });
    return blob;
  };

  /** Sends one call now (the caller keeps the order) and answers when the worker does. */
  const send = (op: EngineOp, key: string | undefined, request: unknown, call: ExecuteOptions, site: LimitSite): Promise<unknown> => {
    const self = running ?? start();
    if (key !== undefined && op !== "exportDb" && op !== "forget") self.live.add(key);
    const id = ++nextId;
    return new Promise((resolve, reject) => {
      const seconds = op === "exportDb" || op === "forget" ? Math.max(self.budgets.runSeconds, 600) : options.budgets().runSeconds;
      const entry: Pending = { op, site, resolve, reject };
      const arm = (): void => {
        if (pending.has(id)) entry.timer = setTimeout(() => kill(self, id, site), seconds * 1000);
      };
      const signal = call.signal;
      if (signal && !signal.aborted) {
        const onAbort = (): void => self.worker.postMessage({ type: "abort", id } satisfies ToEngineWorker);
        signal.addEventListener("abort", onAbort, { once: true });
        entry.detach = () => signal.removeEventListener("abort", onAbort);
      }
      pending.set(id, entry);
      ownedBy.set(id, self);
      if (self.unarmed) self.unarmed.push(arm);
      else arm();
      // A worker with calls waiting keeps this process alive (until it answers, or its death is seen).
      self.worker.ref();
      const message: ToEngineWorker = { type: "call", id, op, db_key: key, request, providers: call.providers, aborted: signal?.aborted };
      self.worker.postMessage(message);
    }).finally(() => ownedBy.delete(id));
  };

  /** A call in order: after the calls made before it, and after the hand-backs it needs. */
  const ordered = <T>(work: () => Promise<T>, needsHandBack: boolean): Promise<T> => {
    const turn = chain.then(async () => {
      if (needsHandBack) await handBack();
    });
    // The next call is sent once this one is (not once it is answered).
    let sent!: () => void;
    const wasSent = new Promise<void>((resolve) => (sent = resolve));
    chain = turn.then(() => wasSent, () => undefined);
    return turn.then(
      () => {
        const answer = work();
        sent();
        return answer;
      },
      (error: unknown) => {
        sent();
        throw error;
      },
    );
  };

  const remember = (ref: LiveDbRef): void => {
    refs.set(ref.db_key, ref);
  };

  /** A call that may change the key's DB: counted when sent; one that turns out not to is not. */
  const changing = async <T>(ref: LiveDbRef, work: () => Promise<T>, changed: (value: T) => boolean): Promise<T> => {
    const key = ref.db_key;
    const before = versionOf(key);
    const cleanBefore = (handed.get(key)?.version ?? 0) === before;
    const value = await ordered(() => {
      versions.set(key, versionOf(key) + 1);
      return work();
    }, true);
    const after = before + 1;
    if (!changed(value) && cleanBefore && versionOf(key) === after) {
      const given = handed.get(key);
      if (given) handed.set(key, { blob: given.blob, version: after });
      else versions.set(key, before);
    }
    return value;
  };

  const siteOf = (request: { target_step_id?: unknown; target_module_name?: unknown }): LimitSite => ({
    step_id: typeof request.target_step_id === "string" ? request.target_step_id : null,
    module_name: typeof request.target_module_name === "string" ? request.target_module_name : null,
  });

  return {
    async execute(request, call = {}) {
      remember(request);
      const { db_key, load_db: _load, unreadable: _unreadable, ...body } = request;
      const site = siteOf(request);
      try {
        return await changing(
          request,
          () => send("execute", db_key, body, call, site) as Promise<ExecuteResponse>,
          (response) => response.status !== "error" && (response.changes === null || response.changes === undefined || response.changes.length > 0),
        );
      } catch (error) {
        if (error instanceof WfvError && error.errorType === "limit_exceeded") return limitResponse(error);
        throw error;
      }
    },
    async subAction(request, call = {}) {
      remember(request);
      const { db_key, load_db: _load, unreadable: _unreadable, ...body } = request;
      try {
        return await changing(request, () => send("subAction", db_key, body, call, {}) as Promise<SubActionOutcome>, (outcome) => outcome.changed);
      } catch (error) {
        if (error instanceof WfvError && error.errorType === "limit_exceeded") return { progress: [], result: null, error: error.message, changed: false };
        throw error;
      }
    },
    state(ref) {
      remember(ref);
      return ordered(() => send("state", ref.db_key, undefined, {}, {}) as Promise<WorkflowState>, true);
    },
    open(ref) {
      remember(ref);
      return ordered(() => send("open", ref.db_key, undefined, {}, {}) as Promise<void>, true);
    },
    exportDb(dbKey) {
      return ordered(async () => {
        if (running?.live.has(dbKey) && (dirty(dbKey) || !handed.has(dbKey))) return exportKey(dbKey);
        return handed.get(dbKey)?.blob ?? null;
      }, false);
    },
    forget(dbKey) {
      return ordered(async () => {
        handed.delete(dbKey);
        versions.delete(dbKey);
        if (!running?.live.has(dbKey)) return;
        running.live.delete(dbKey);
        await send("forget", dbKey, undefined, {}, {});
      }, false);
    },
    async dbProblem(blob) {
      try {
        return await ordered(() => send("dbProblem", undefined, blob, {}, {}) as Promise<DbProblem | null>, true);
      } catch (error) {
        if (error instanceof WfvError && error.errorType === "limit_exceeded") return error.toJSON();
        throw error;
      }
    },
    async dispose() {
      const self = running;
      running = undefined;
      if (self) {
        self.killed ??= { limit: "time", id: -1, site: {} };
        self.worker.ref(); // so its exit is seen
        await self.worker.terminate();
      }
    },
  };
}

/** A call that went over its budget, answered as the engine answers a failed call. */
function limitResponse(error: WfvError): ExecuteResponse {
  return {
    workflow_run_id: "",
    status: "error",
    message: error.message,
    error: error.message,
    result: { error_type: error.errorType, details: error.details },
    validation_errors: [],
    validation_warnings: [],
    changes: null,
  };
}
