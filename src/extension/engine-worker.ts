/**
 * The engine's worker (dist/engine-worker.js, a child Node process): the map of live DBs (./engine-core.ts) runs here, off
 * the extension host's thread, under the memory cap its host gave it (issue 11.1). The host side is
 * ./worker-engine.ts; messages are `ToEngineWorker` / `FromEngineWorker`. A stored DB the worker
 * needs is asked of the host (`callback`), which answers from its store or from the last DB this
 * worker's predecessor handed back.
 */
import { errorToAnswer, hostPort } from "../node/isolate";
import type { LiveDbRef, VirtualEngine } from "./engine";
import { createEngine } from "./engine-core";
import type { EngineOp, FromEngineWorker, ToEngineWorker } from "./worker-protocol";

const port = hostPort();
if (port) serve(port);

function serve(port: NonNullable<ReturnType<typeof hostPort>>): void {
  const engine: VirtualEngine = createEngine();
  const aborts = new Map<number, AbortController>();
  const callbacks = new Map<number, { resolve: (value: string | null) => void; reject: (error: Error) => void }>();
  let nextCallback = 0;
  const post = (message: FromEngineWorker): void => port.post(message);

  const ask = (op: "load_db" | "unreadable", dbKey: string, reason?: string): Promise<string | null> =>
    new Promise((resolve, reject) => {
      const cid = ++nextCallback;
      callbacks.set(cid, { resolve, reject });
      post({ type: "callback", cid, op, db_key: dbKey, reason });
    });
  const refFor = (dbKey: string): LiveDbRef => ({
    db_key: dbKey,
    load_db: () => ask("load_db", dbKey),
    unreadable: (reason) => ask("unreadable", dbKey, reason),
  });

  /** One engine call: a call on a live DB gets that DB's ref (its stored DB is asked of the host). */
  const call = (message: Extract<ToEngineWorker, { type: "call" }>, signal: AbortSignal): Promise<unknown> => {
    const method = (engine as unknown as Record<EngineOp, (...args: unknown[]) => Promise<unknown>>)[message.op].bind(engine);
    const key = message.db_key;
    if (message.op === "exportDb" || message.op === "forget") return method(key);
    if (message.op === "dbProblem") return method(message.request);
    const request = key === undefined ? message.request : { ...((message.request as object | undefined) ?? {}), ...refFor(key) };
    return method(request, { providers: message.providers, signal });
  };

  port.on((received) => {
    const message = received as ToEngineWorker;
    if (message.type === "abort") {
      aborts.get(message.id)?.abort();
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
      (value) => {
        aborts.delete(message.id);
        post({ type: "result", id: message.id, ok: true, value });
      },
      (error: unknown) => {
        aborts.delete(message.id);
        post({ type: "result", id: message.id, ok: false, error: errorToAnswer(error) });
      },
    );
  });
  post({ type: "ready" });
}
