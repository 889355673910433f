/**
 * `wfv serve --workers N` (issue 11.2): requests run in a pool of budgeted workers (src/node/isolate.ts:
 * child Node processes with a heap cap), each serving the same API on its own loopback port; this
 * process only checks the `Host`, answers `/health` itself, and proxies every other request to an idle
 * worker (queued while all are busy). So a runaway request (`(a+)+$` in a transform) holds one worker,
 * never the server: `/health` still answers at once. A request over its time budget gets
 * `limit_exceeded` and its worker is killed; a worker that dies (its memory budget, a crash) is replaced.
 *
 * Each worker keeps its own cache of the DBs it returned (db-cache.ts). So that the editor's loop (send
 * back the DB just returned) finds it live whichever worker is free, an execute is routed by its DB:
 * the worker names the key of the DB it returned (`x-wfv-db-key`), and a request bringing that DB goes
 * to that worker when it is idle. Any other worker would give the same answer, only slower (a miss).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { request as httpRequest } from "node:http";
import { failureResponse } from "../core/virtual";
import { limitExceeded, startBudgetWorker, type Budgets, type BudgetWorker, type LimitKind, type WorkerScript } from "../node/isolate";
import { sendJson } from "./exchange";
import { DB_KEY_HEADER } from "./routes";

interface Slot {
  worker: BudgetWorker;
  /** Resolves with the worker's URL once it listens. */
  ready: Promise<string>;
  busy: boolean;
  /** Killed (its request went over its time budget): takes no more requests; replaced once it is gone. */
  dead?: boolean;
  /** The request in flight: how to fail it when the worker dies. */
  failCurrent?: (limit: LimitKind | null, error: Error) => void;
}

interface Queued {
  request: IncomingMessage;
  response: ServerResponse;
  headers: Record<string, string>;
  /** The body, when this process read it to route the request (then sent as is instead of piped). */
  body?: Buffer;
  /** The cache key of the DB the request brings (db-cache.ts bytesKey). */
  dbKey?: string;
}

/** How many DB keys the pool remembers the worker of (most recent kept). */
const AFFINITY_KEYS = 1024;

export interface PoolOptions {
  size: number;
  script: WorkerScript;
  budgets: Budgets;
}

export class ServePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Queued[] = [];
  private closed = false;
  /** Workers started to replace ones that died (tests, logs). */
  replaced = 0;
  /** DB key → the worker that returned that DB last (oldest first). */
  private readonly holders = new Map<string, Slot>();
  /** Requests sent to the worker holding their DB (tests, logs). */
  routedToHolder = 0;

  constructor(private readonly options: PoolOptions) {
    for (let i = 0; i < options.size; i++) this.slots.push(this.startSlot());
  }

  get size(): number {
    return this.slots.length;
  }

  /** Resolves once every worker listens. */
  async ready(): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot.ready));
  }

  private startSlot(): Slot {
    const worker = startBudgetWorker(this.options.script, this.options.budgets);
    let listening: (url: string) => void = () => undefined;
    let failed: (error: Error) => void = () => undefined;
    const slot: Slot = {
      worker,
      busy: false,
      ready: new Promise<string>((resolve, reject) => {
        listening = resolve;
        failed = reject;
      }),
    };
    slot.ready.catch(() => undefined);
    worker.on("message", (message) => {
      const m = message as { type?: string; url?: string };
      if (m.type === "listening" && typeof m.url === "string") listening(m.url);
    });
    worker.on("died", ({ limit, error }) => {
      failed(error);
      slot.failCurrent?.(limit, error);
      slot.failCurrent = undefined;
      if (this.closed) return;
      // Replaced in place: the queue goes on with the new worker.
      const index = this.slots.indexOf(slot);
      if (index >= 0) {
        this.replaced++;
        this.slots[index] = this.startSlot();
        this.dispatch();
      }
    });
    return slot;
  }

  /** Proxies the request to a worker (now, or when one is free). */
  handle(request: IncomingMessage, response: ServerResponse, headers: Record<string, string>, read?: { body: Buffer; dbKey?: string }): void {
    this.queue.push({ request, response, headers, ...read });
    this.dispatch();
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const idle = (candidate: Slot | undefined) => candidate !== undefined && !candidate.busy && !candidate.dead && this.slots.includes(candidate);
      const holder = this.queue[0].dbKey === undefined ? undefined : this.holders.get(this.queue[0].dbKey);
      const slot = idle(holder) ? holder! : this.slots.find(idle);
      if (!slot) return;
      if (slot === holder) this.routedToHolder++;
      const next = this.queue.shift()!;
      slot.busy = true;
      void this.proxy(slot, next).finally(() => {
        slot.busy = false;
        slot.failCurrent = undefined;
        this.dispatch();
      });
    }
  }

  private remember(dbKey: string, slot: Slot): void {
    this.holders.delete(dbKey);
    this.holders.set(dbKey, slot);
    if (this.holders.size > AFFINITY_KEYS) this.holders.delete(this.holders.keys().next().value!);
  }

  private async proxy(slot: Slot, queued: Queued): Promise<void> {
    const { request, response, headers, body } = queued;
    let url: string;
    try {
      url = await slot.ready;
    } catch {
      // The worker died before listening; its replacement takes the request.
      this.queue.unshift(queued);
      return;
    }
    await new Promise<void>((done) => {
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (!response.headersSent) sendJson(response, 200, failureResponse(error, null), headers);
        else response.destroy();
        done();
      };
      const budgets = this.options.budgets;
      slot.failCurrent = (limit, error) => fail(limit ? limitExceeded(limit, budgets) : error);
      const timer = setTimeout(() => {
        slot.dead = true;
        fail(limitExceeded("time", budgets));
        void slot.worker.terminate();
      }, budgets.runSeconds * 1000);
      const target = new URL(request.url ?? "/", url);
      const upstreamHeaders = { ...request.headers, host: target.host, ...(body ? { "content-length": String(body.length) } : {}) };
      if (body) delete upstreamHeaders["transfer-encoding"];
      const upstream = httpRequest(target, { method: request.method, headers: upstreamHeaders }, (reply) => {
        if (settled) {
          reply.resume();
          return;
        }
        const returned = reply.headers[DB_KEY_HEADER];
        if (typeof returned === "string") this.remember(returned, slot);
        response.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(response);
        reply.on("end", () => {
          settled = true;
          clearTimeout(timer);
          done();
        });
        reply.on("error", (error) => fail(error));
      });
      upstream.on("error", (error) => fail(error));
      response.on("close", () => {
        if (!settled) upstream.destroy();
      });
      if (body) upstream.end(body);
      else request.pipe(upstream);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }
}
