/**
 * The engine the extension runs: the public API of `src/core/virtual` (virtual-execution.md), called
 * in-process on a DB kept live per workflow. Calls on one workflow's DB are serialised (a run, a
 * sub-action, an export), so an export never sees a call half done. A failed call leaves the DB as it
 * was (the session's checkpoint); what a call changed comes from a checkpoint too, by reference, not
 * from comparing two exports. Blobs are gzipped by Node's native zlib (the extension host is Node),
 * and an export for the stored file compresses on libuv's thread pool.
 */
import { checkpoint, executeOnSession, toWfvError, VirtualSession } from "../core/virtual";
import { exportJsonText, type CollectionChanges } from "../core/db";
import { toExtendedJson } from "../core/json/extended-json";
import { compressTextOffThread, nodeGzipCodec } from "../node/gzip";
import type { InteractionResponseData } from "../core/engine/types";
import type { DbChangeList, Json, LiveDbRef, VirtualEngine, VirtualResponse } from "./engine";

export function createEngine(): VirtualEngine {
  /** The live DB of each key, once a call opened it, in a session kept with it (its definition cache). */
  const live = new Map<string, VirtualSession>();
  /** The last call on each key: the next one starts after it, so calls run in the order they were made. */
  const tails = new Map<string, Promise<unknown>>();

  /**
   * Runs `work` on the key's live DB after every earlier call on the key, opening the stored DB first
   * when the key has none; `unreadable` answers when the stored DB cannot be opened (nothing is kept).
   */
  const serialised = <T>(ref: LiveDbRef, work: (session: VirtualSession) => Promise<T> | T, unreadable: (error: unknown) => T): Promise<T> => {
    const run = async (): Promise<T> => {
      let session = live.get(ref.db_key);
      if (!session) {
        try {
          session = VirtualSession.open(await ref.load_db(), { codec: nodeGzipCodec });
        } catch (error) {
          return unreadable(error);
        }
        live.set(ref.db_key, session);
      }
      return work(session);
    };
    return queued(ref.db_key, run);
  };

  const queued = <T>(key: string, run: () => Promise<T>): Promise<T> => {
    const next = (tails.get(key) ?? Promise.resolve()).then(run, run);
    tails.set(key, next.catch(() => undefined));
    return next;
  };

  return {
    execute(request, options = {}) {
      return serialised(
        request,
        async (session) => {
          const saved = checkpoint(session.db);
          const response = await executeOnSession(session, {
            workflow: request.workflow,
            target_step_id: request.target_step_id,
            target_module_name: request.target_module_name,
            response: request.response as InteractionResponseData | null,
            mode: request.mode,
            mock: request.mock,
            db_format: "none",
          }, { providers: options.providers, signal: options.signal });
          const out = response as unknown as VirtualResponse;
          out.changes = response.status === "error" ? null : changeList(saved.changes());
          return out;
        },
        (error): VirtualResponse => {
          // The stored DB cannot be read: the call fails as the engine's own calls do (db_invalid).
          const failure = toWfvError(error);
          return { status: "error", message: failure.message, error: failure.message, result: { error_type: failure.errorType, details: failure.details }, changes: null };
        },
      );
    },
    subAction(request, options = {}) {
      return serialised(
        request,
        async (session) => {
          const saved = checkpoint(session.db);
          const progress: Record<string, unknown>[] = [];
          let result: Record<string, unknown> | null = null;
          let error: string | null = null;
          for await (const event of session.subAction(
            request.workflow,
            { interaction_id: request.interaction_id, sub_action_id: request.action_id, params: request.params },
            { mock: request.mock, providers: options.providers, signal: options.signal },
          )) {
            if (event.type === "progress" || event.type === "started") progress.push(event.data);
            else if (event.type === "complete") result = event.data;
            else if (event.type === "error") error = String(event.data.message ?? "sub-action failed");
          }
          return { progress, result, error, changed: error === null && saved.changes().length > 0 };
        },
        (error) => ({ progress: [], result: null, error: toWfvError(error).message, changed: false }),
      );
    },
    state(ref) {
      const empty = { steps: {}, state_mapped: {}, files: [] };
      return serialised(ref, (session) => session.state() as unknown as Record<string, unknown>, () => empty);
    },
    async exportDb(dbKey) {
      // Not live now: nothing to export (and no waiting behind a call that is loading the stored DB).
      if (!live.has(dbKey)) return null;
      // The text is taken in turn with the calls; it is compressed after, off this thread.
      const text = await queued(dbKey, async () => {
        const session = live.get(dbKey);
        return session ? exportJsonText(session.db) : null;
      });
      return text === null ? null : compressTextOffThread(text);
    },
    forget(dbKey) {
      return queued(dbKey, async () => {
        live.delete(dbKey); // the next call opens the stored DB
      });
    },
  };
}

/** Core change records → JSON for the panel (dates and ids as extended JSON). */
function changeList(changes: CollectionChanges[]): DbChangeList {
  const json = (value: unknown) => toExtendedJson(value) as Json;
  return { collections: changes.map((c) => ({ name: c.name, added: c.added.map(json), changed: c.changed.map(json), removed: c.removed.map(json) })) };
}
