/**
 * The module registry (modules.md §1.4): `module_id` → factory. `getModule` builds a fresh instance on
 * every call, as the original does, so per-use state (user.select's addon processor) never leaks
 * between runs. Registration is explicit (see `index.ts`), not discovered.
 */
import { WfvError } from "../errors";
import type { ModuleFactory, ModuleInputDecl, ModuleOutputDecl, WorkflowModule } from "./types";

export interface ModuleSummary {
  module_id: string;
  kind: WorkflowModule["kind"];
  inputs: ModuleInputDecl[];
  outputs: ModuleOutputDecl[];
  /** Only api.llm (and later api.fetch, db.query, media) can answer in mock mode. */
  has_mock_output: boolean;
  has_sub_action: boolean;
}

export interface ModuleRegistry {
  register(factory: ModuleFactory): void;
  has(moduleId: string): boolean;
  /** A fresh instance; an unknown id throws `module_not_registered` with close matches. */
  getModule(moduleId: string): WorkflowModule;
  ids(): string[];
  listModules(): ModuleSummary[];
}

function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0];
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j];
      previous[j] = Math.min(previous[j] + 1, previous[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length];
}

/**
 * Registered ids that look like a typo of `wanted`: a small edit distance (case-insensitive), or the
 * same last segment (`select` → `user.select`). Best first, at most five.
 */
export function closeMatches(wanted: string, candidates: readonly string[]): string[] {
  const needle = String(wanted).toLowerCase();
  const scored: Array<{ id: string; score: number }> = [];
  for (const id of candidates) {
    const lower = id.toLowerCase();
    const distance = editDistance(needle, lower);
    const allowed = Math.max(2, Math.floor(Math.max(needle.length, lower.length) / 3));
    const segment = lower.slice(lower.lastIndexOf(".") + 1);
    if (distance <= allowed) scored.push({ id, score: distance });
    else if (segment === needle || needle.endsWith(`.${segment}`)) scored.push({ id, score: allowed + 1 });
  }
  scored.sort((x, y) => x.score - y.score || x.id.localeCompare(y.id));
  return scored.slice(0, 5).map((entry) => entry.id);
}

function summarize(module: WorkflowModule): ModuleSummary {
  return {
    module_id: module.moduleId,
    kind: module.kind,
    inputs: module.inputs.map((input) => ({ ...input })),
    outputs: module.outputs.map((output) => ({ ...output })),
    has_mock_output: typeof module.getMockOutput === "function",
    has_sub_action: module.kind === "interactive" && typeof module.subAction === "function",
  };
}

export function createModuleRegistry(factories: readonly ModuleFactory[] = []): ModuleRegistry {
  const byId = new Map<string, ModuleFactory>();

  const registry: ModuleRegistry = {
    register(factory) {
      const moduleId = factory().moduleId;
      if (byId.has(moduleId)) throw new Error(`Module '${moduleId}' is already registered`);
      byId.set(moduleId, factory);
    },
    has(moduleId) {
      return byId.has(moduleId);
    },
    getModule(moduleId) {
      const factory = byId.get(moduleId);
      if (factory === undefined) {
        throw new WfvError("module_not_registered", `Module '${moduleId}' not found in registry`, {
          module_id: moduleId,
          close_matches: closeMatches(moduleId, [...byId.keys()]),
        });
      }
      return factory();
    },
    ids() {
      return [...byId.keys()];
    },
    listModules() {
      return [...byId.values()].map((factory) => summarize(factory()));
    },
  };
  for (const factory of factories) registry.register(factory);
  return registry;
}
