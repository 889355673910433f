/**
 * The engine the extension runs: the public API of `src/core/virtual` (virtual-execution.md), called
 * in-process. The DB travels as the compressed blob, which is also what the extension stores.
 */
import { execute, getState, subAction } from "../core/virtual";
import type { InteractionResponseData } from "../core/engine/types";
import type { VirtualEngine, VirtualResponse } from "./engine";

export function createEngine(): VirtualEngine {
  return {
    async execute(request, options = {}) {
      const response = await execute(
        {
          workflow: request.workflow,
          virtual_db: request.virtual_db,
          target_step_id: request.target_step_id,
          target_module_name: request.target_module_name,
          response: request.response as InteractionResponseData | null,
          mode: request.mode,
          mock: request.mock,
          db_format: "compressed",
        },
        { providers: options.providers, signal: options.signal },
      );
      return response as unknown as VirtualResponse;
    },
    async subAction(request, options = {}) {
      const progress: Record<string, unknown>[] = [];
      let result: Record<string, unknown> | null = null;
      let error: string | null = null;
      let virtualDb: string | null = null;
      for await (const event of subAction(
        {
          workflow: request.workflow,
          virtual_db: request.virtual_db,
          interaction_id: request.interaction_id,
          sub_action_id: request.action_id,
          params: request.params,
          mock: request.mock,
        },
        { providers: options.providers, signal: options.signal },
      )) {
        if (event.type === "progress" || event.type === "started") progress.push(event.data);
        else if (event.type === "complete") {
          const { virtual_db, ...rest } = event.data;
          result = rest;
          virtualDb = typeof virtual_db === "string" ? virtual_db : null;
        } else if (event.type === "error") error = String(event.data.message ?? "sub-action failed");
      }
      return { progress, result, error, virtual_db: virtualDb };
    },
    state(virtualDb) {
      return getState({ virtual_db: virtualDb }) as unknown as Record<string, unknown>;
    },
  };
}
