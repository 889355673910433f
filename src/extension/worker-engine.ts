/**
 * The engine behind a worker (issue 11.1): the same async `VirtualEngine` the extension used
 * in-process, but the live DBs live in a child Node process (./engine-worker.ts) with a cap on its old
 * generation (`wfv.limits.memoryMb`), and each call has a wall-clock budget (`wfv.limits.runSeconds`)
 * this side enforces by killing the worker. A call that goes over answers `limit_exceeded`
 * ({limit: "memory"|"time", value, module_name, step_id}); the host stays up, and the next call starts
 * a fresh worker.
 *
 * Nothing is lost when a worker dies, and nothing is exported before a call: this side keeps, per key,
 * the last full DB it has (the stored blob, or the worker's last export: the store's background write
 * after a run asks for one, off the click's path) plus the journal of what each call since reported it
 * changed (./db-journal.ts; it comes with the call's answer). A fresh worker opens the last full DB and
 * replays the journal, so the DB is exactly what it was after the last call whose answer arrived; a
 * call that died never answered, so it contributes nothing. An export drops the changes it holds.
 *
 * The workflow (often ~100s of KB) goes to the worker once per version: calls send its hash, and the
 * workflow only when the worker does not have it.
 */
import { createHash } from "node:crypto";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { WfvError } from "../core/errors";
import { errorFromAnswer, limitExceeded, startBudgetWorker, type BudgetWorker, type Budgets, type LimitKind, type LimitSite, type WorkerScript } from "../node/isolate";
import type { DbProblem, DebugChannel, ExecuteOptions, ExecuteResponse, LiveDbRef, SubActionOutcome, VirtualEngine, WorkflowState } from "./engine";
import type { PreviewAnswer, PreviewRequest, StagesAnswer, StagesRequest } from "./preview/ops";
import { WORKFLOW_CACHE_SIZE, type EngineOp, type DebugHostContext, type ExportedDb, type FromEngineWorker, type OpenedDb, type ReportedDelta, type ToEngineWorker } from "./worker-protocol";

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
  /** The live DB as the compressed blob, without taking it as the last full DB (tests, benchmarks). */
  peekDb(dbKey: string): Promise<string | null>;
  /** How many reported changes of the key are not in its last full DB yet (tests). */
  journalLength(dbKey: string): number;
  /** Read-only calls on the key's live DB for the template preview and the pipeline stages (issue 15). */
  preview(ref: LiveDbRef, workflow: unknown, request: PreviewRequest): Promise<PreviewAnswer>;
  stages(ref: LiveDbRef, workflow: unknown, request: StagesRequest): Promise<StagesAnswer>;
  /** A debug session in the worker (issue 14, engine.ts DebugChannel). Debug runs have no wall-clock budget (they wait for the user); the memory cap holds. */
  openDebugChannel(): DebugChannel;
}

/** A debug session as this side tracks it. */
interface DebugEntry {
  listeners: Set<(message: DebugProtocol.ProtocolMessage) => void>;
  /** The worker it lives in (bound by its first message). */
  worker?: Running;
  /** The key it runs on, and the key's epoch then (set by `host`). */
  key?: string;
  epoch: number;
  closed?: boolean;
  /** Armed while the session's run is running (not stopped): the wall-clock budget of a run. */
  timer?: ReturnType<typeof setTimeout>;
}

/** Requests after which a debug session's run runs until it stops again: the run's time budget applies then, not while it waits on the user. */
const RESUMING_REQUESTS = new Set(["configurationDone", "continue", "next", "stepIn", "stepOut", "stepBack", "reverseContinue", "restart", "wfvAnswer"]);

interface Pending {
  op: EngineOp;
  site: LimitSite;
  /** The key the call works on, and the key's epoch when it was sent (a forget starts a new one). */
  key?: string;
  epoch: number;
  /** An export not taken as the key's last full DB (`peekDb`). */
  peek?: boolean;
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
  /** The hashes of the workflows it keeps, least recently used first (as it keeps them). */
  workflows: Map<string, true>;
  /** Set when this side ends the worker: why, and which call. */
  killed?: { limit: LimitKind; id: number; site: LimitSite };
  dead?: boolean;
  /** Calls sent before the worker said it is ready: their budgets start then (loading the engine is not the run's time). */
  unarmed?: Array<() => void>;
}

/** A key's DB as this side holds it: the last full DB, the changes reported since, and the last change's number. */
interface KeyDb {
  base: string | null;
  canonical: boolean;
  journal: ReportedDelta[];
  seq: number;
}

export function workerEngine(options: WorkerEngineOptions): WorkerEngine {
  let running: Running | undefined;
  let nextId = 0;
  const pending = new Map<number, Pending>();
  /** The worker each waiting call was sent to. */
  const ownedBy = new Map<number, Running>();
  /** The latest ref of each key (its store callbacks). */
  const refs = new Map<string, LiveDbRef>();
  /** Per key: the DB a fresh worker would open (set when a worker first opens it). */
  const dbs = new Map<string, KeyDb>();
  /** Per key: bumped by `forget`, so answers to calls made before do not touch the new DB. */
  const epochs = new Map<string, number>();
  const hashes = new WeakMap<object, string>();
  /** Open debug sessions, by number. */
  const debugSessions = new Map<number, DebugEntry>();
  let nextDebugSession = 0;

  const epochOf = (key: string): number => epochs.get(key) ?? 0;

  const start = (): Running => {
    const budgets = options.budgets();
    const worker = startBudgetWorker(options.script, budgets);
    worker.unref();
    const self: Running = { worker, budgets, live: new Set(), workflows: new Map(), unarmed: [] };
    worker.on("message", (message) => onMessage(self, message as FromEngineWorker));
    worker.on("died", (death) => died(self, death.limit, death.error));
    running = self;
    return self;
  };

  const onMessage = (self: Running, message: FromEngineWorker): void => {
    if (self.dead) return;
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
    if (message.type === "dap") {
      const entry = debugSessions.get(message.session);
      const event = message.message.type === "event" ? (message.message as DebugProtocol.Event).event : undefined;
      if (entry && (event === "stopped" || event === "terminated")) clearTimeout(entry.timer);
      if (entry && !entry.closed) for (const listener of [...entry.listeners]) listener(message.message);
      return;
    }
    if (message.type === "dap_delta") {
      const entry = debugSessions.get(message.session);
      // Reported by the worker that holds the key: it belongs in the journal even once the session is closed.
      absorbKey(message.db_key, entry?.key === message.db_key ? entry.epoch : epochOf(message.db_key), message.delta);
      return;
    }
    const call = pending.get(message.id);
    if (!call) return;
    pending.delete(message.id);
    ownedBy.delete(message.id);
    idle(self);
    clearTimeout(call.timer);
    call.detach?.();
    // The call's answer arrived: what it changed is in the journal (a call that died never gets here).
    if (message.delta && call.key !== undefined) absorb(call, message.delta);
    if (!message.ok) return call.reject(errorFromAnswer(message.error));
    if (call.op === "exportDb" && !call.peek && call.key !== undefined) rebase(call, message.value as ExportedDb);
    call.resolve(message.value);
  };

  const current = (call: Pending): KeyDb | undefined => (call.key !== undefined && epochOf(call.key) === call.epoch ? dbs.get(call.key) : undefined);

  const absorb = (call: Pending, reported: ReportedDelta): void => {
    if (call.key !== undefined) absorbKey(call.key, call.epoch, reported);
  };

  const absorbKey = (key: string, epoch: number, reported: ReportedDelta): void => {
    const db = epochOf(key) === epoch ? dbs.get(key) : undefined;
    if (!db || reported.seq <= db.seq) return;
    db.journal.push(reported);
    db.seq = reported.seq;
  };

  /** A worker's export is the key's last full DB: the changes it holds leave the journal. */
  const rebase = (call: Pending, exported: ExportedDb): void => {
    const db = current(call);
    if (!db || exported.blob === null) return;
    db.base = exported.blob;
    db.canonical = true;
    db.journal = db.journal.filter((change) => change.seq > exported.seq);
  };

  const answerCallback = async (message: Extract<FromEngineWorker, { type: "callback" }>): Promise<ToEngineWorker> => {
    const key = message.db_key;
    try {
      const ref = refs.get(key);
      if (message.op === "unreadable") {
        if (!ref?.unreadable) throw new Error("the stored DB cannot be read");
        const replacement = await ref.unreadable(message.reason ?? "");
        dbs.set(key, { base: replacement, canonical: false, journal: [], seq: dbs.get(key)?.seq ?? 0 });
        return { type: "callback_result", cid: message.cid, ok: true, value: replacement };
      }
      let db = dbs.get(key);
      if (!db) {
        if (!ref) throw new Error(`no stored DB for ${key}`);
        const epoch = epochOf(key);
        const blob = await ref.load_db();
        db = dbs.get(key) ?? { base: blob, canonical: false, journal: [], seq: 0 };
        if (epochOf(key) === epoch) dbs.set(key, db);
      }
      const opened: OpenedDb = { base: db.base, canonical: db.canonical, journal: db.journal.map((change) => change.delta), seq: db.seq };
      return { type: "callback_result", cid: message.cid, ok: true, value: opened };
    } catch (error) {
      return { type: "callback_result", cid: message.cid, ok: false, error: (error as Error).message };
    }
  };

  /** A worker ended: every call still waiting on it answers (a limit, or the crash). */
  const died = (self: Running, memory: LimitKind | null, error: Error): void => {
    if (self.dead) return;
    self.dead = true;
    if (running === self) running = undefined;
    // What its calls reported is in the journal; what they did not report is gone with it.
    const limit = self.killed?.limit ?? memory;
    if (!limit && !self.killed) options.onCrash?.(error);
    for (const [id, entry] of debugSessions) {
      if (entry.worker !== self) continue;
      clearTimeout(entry.timer);
      debugSessions.delete(id);
      const why = limit ? limitExceeded(limit, self.budgets).message : `the engine's worker stopped: ${error.message}`;
      for (const listener of [...entry.listeners]) {
        listener({ seq: 0, type: "event", event: "output", body: { category: "stderr", output: `${why}\n` } } as DebugProtocol.OutputEvent);
        listener({ seq: 0, type: "event", event: "terminated" } as DebugProtocol.TerminatedEvent);
      }
      entry.closed = true;
    }
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
    for (const entry of debugSessions.values()) if (entry.worker === self) return;
    self.worker.unref();
  };

  const kill = (self: Running, id: number, site: LimitSite): void => {
    if (self.killed) return;
    self.killed = { limit: "time", id, site };
    void self.worker.terminate();
  };

  /** The workflow's hash (computed once per workflow object). */
  const hashOf = (workflow: unknown): string => {
    const known = typeof workflow === "object" && workflow !== null ? hashes.get(workflow) : undefined;
    if (known) return known;
    const hash = createHash("sha1")
      .update(JSON.stringify(workflow) ?? "undefined")
      .digest("hex");
    if (typeof workflow === "object" && workflow !== null) hashes.set(workflow, hash);
    return hash;
  };

  /** The workflow as the call sends it: its hash, and itself only when the worker does not keep it (mirrors the worker's cache). */
  const workflowPart = (self: Running, workflow: unknown): { workflow_hash: string; workflow?: unknown } => {
    const hash = hashOf(workflow);
    const had = self.workflows.delete(hash);
    self.workflows.set(hash, true);
    while (self.workflows.size > WORKFLOW_CACHE_SIZE) self.workflows.delete(self.workflows.keys().next().value as string);
    return had ? { workflow_hash: hash } : { workflow_hash: hash, workflow };
  };

  /** Sends one call now (calls go out in the order they are made) and answers when the worker does. */
  const send = (op: EngineOp, key: string | undefined, request: unknown, call: ExecuteOptions, site: LimitSite, workflow?: { value: unknown }, peek = false): Promise<unknown> => {
    const self = running ?? start();
    if (key !== undefined && op !== "forget") self.live.add(key);
    const id = ++nextId;
    return new Promise((resolve, reject) => {
      const seconds = op === "exportDb" || op === "forget" ? Math.max(self.budgets.runSeconds, 600) : options.budgets().runSeconds;
      const entry: Pending = { op, site, key, epoch: key === undefined ? 0 : epochOf(key), peek, resolve, reject };
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
      const message: ToEngineWorker = {
        type: "call",
        id,
        op,
        db_key: key,
        request,
        ...(workflow ? workflowPart(self, workflow.value) : {}),
        providers: call.providers,
        aborted: signal?.aborted,
      };
      self.worker.postMessage(message);
    }).finally(() => ownedBy.delete(id));
  };

  const remember = (ref: LiveDbRef): void => {
    refs.set(ref.db_key, ref);
  };

  const siteOf = (request: { target_step_id?: unknown; target_module_name?: unknown }): LimitSite => ({
    step_id: typeof request.target_step_id === "string" ? request.target_step_id : null,
    module_name: typeof request.target_module_name === "string" ? request.target_module_name : null,
  });

  const exportFrom = async (dbKey: string): Promise<ExportedDb> => (await send("exportDb", dbKey, undefined, {}, {})) as ExportedDb;

  return {
    async execute(request, call = {}) {
      remember(request);
      const { db_key, load_db: _load, unreadable: _unreadable, workflow, ...body } = request;
      try {
        return (await send("execute", db_key, body, call, siteOf(request), { value: workflow })) as ExecuteResponse;
      } catch (error) {
        if (error instanceof WfvError && error.errorType === "limit_exceeded") return limitResponse(error);
        throw error;
      }
    },
    async subAction(request, call = {}) {
      remember(request);
      const { db_key, load_db: _load, unreadable: _unreadable, workflow, ...body } = request;
      try {
        return (await send("subAction", db_key, body, call, {}, { value: workflow })) as SubActionOutcome;
      } catch (error) {
        if (error instanceof WfvError && error.errorType === "limit_exceeded") return { progress: [], result: null, error: error.message, changed: false };
        throw error;
      }
    },
    state(ref) {
      remember(ref);
      return send("state", ref.db_key, undefined, {}, {}) as Promise<WorkflowState>;
    },
    async open(ref) {
      remember(ref);
      await send("open", ref.db_key, undefined, {}, {});
    },
    async exportDb(dbKey) {
      const db = dbs.get(dbKey);
      // Live in the worker, or only in the journal (its worker died): the worker exports it (replaying the journal first).
      if (running?.live.has(dbKey) || (db && db.journal.length > 0)) {
        const exported = await exportFrom(dbKey);
        if (exported.blob !== null) return exported.blob;
      }
      return dbs.get(dbKey)?.base ?? null;
    },
    async peekDb(dbKey) {
      const db = dbs.get(dbKey);
      if (!running?.live.has(dbKey) && !(db && db.journal.length > 0)) return db?.base ?? null;
      return ((await send("exportDb", dbKey, undefined, {}, {}, undefined, true)) as ExportedDb).blob;
    },
    journalLength(dbKey) {
      return dbs.get(dbKey)?.journal.length ?? 0;
    },
    openDebugChannel() {
      const id = ++nextDebugSession;
      const entry: DebugEntry = { listeners: new Set(), epoch: 0 };
      debugSessions.set(id, entry);
      return {
        send(message, host) {
          if (entry.closed) return;
          let context: DebugHostContext | undefined;
          if (host) {
            const { db_key, load_db, unreadable, ...rest } = host;
            remember({ db_key, load_db, unreadable });
            entry.key = db_key;
            entry.epoch = epochOf(db_key);
            context = { db_key, ...rest };
          }
          const self = entry.worker ?? running ?? start();
          entry.worker = self;
          if (entry.key !== undefined) self.live.add(entry.key);
          // An open debug session keeps this process alive (it ends with close, or with the worker).
          self.worker.ref();
          if (message.type === "request" && RESUMING_REQUESTS.has((message as DebugProtocol.Request).command)) {
            clearTimeout(entry.timer);
            const seconds = options.budgets().runSeconds;
            entry.timer = setTimeout(() => kill(self, -id, { step_id: null, module_name: null }), seconds * 1000);
          }
          self.worker.postMessage({ type: "dap", session: id, message, ...(context ? { host: context } : {}) } satisfies ToEngineWorker);
        },
        onMessage(listener) {
          entry.listeners.add(listener);
          return { dispose: () => void entry.listeners.delete(listener) };
        },
        close() {
          if (entry.closed) return;
          entry.closed = true;
          clearTimeout(entry.timer);
          debugSessions.delete(id);
          const self = entry.worker;
          if (self && !self.dead) {
            self.worker.postMessage({ type: "dap_close", session: id } satisfies ToEngineWorker);
            idle(self);
          }
        },
      };
    },
    async forget(dbKey) {
      epochs.set(dbKey, epochOf(dbKey) + 1);
      dbs.delete(dbKey);
      if (!running?.live.has(dbKey)) return;
      running.live.delete(dbKey);
      await send("forget", dbKey, undefined, {}, {});
    },
    async dbProblem(blob) {
      try {
        return (await send("dbProblem", undefined, blob, {}, {})) as DbProblem | null;
      } catch (error) {
        if (error instanceof WfvError && error.errorType === "limit_exceeded") return error.toJSON();
        throw error;
      }
    },
    preview(ref, workflow, request) {
      remember(ref);
      return send("preview", ref.db_key, request, {}, { step_id: request.step_id, module_name: request.module_name }, { value: workflow }) as Promise<PreviewAnswer>;
    },
    stages(ref, workflow, request) {
      remember(ref);
      return send("stages", ref.db_key, request, {}, { step_id: request.step_id, module_name: request.module_name }, { value: workflow }) as Promise<StagesAnswer>;
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
