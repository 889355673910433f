/**
 * The engine, loaded on the first run: activation then evaluates only the adapter and the workflow
 * model, and an engine that fails to load shows up as a failed run (with its message) instead of an
 * extension that does not activate. The engine is its own bundle (dist/engine.js, built from
 * ./engine-core.ts), required at run time beside dist/extension.js, so the activation bundle carries
 * none of it (no DB, no mingo, no templates).
 */
import type { VirtualEngine } from "./engine";

type EngineCore = typeof import("./engine-core");

// A name esbuild cannot follow, so the engine is not bundled into the extension.
const ENGINE_BUNDLE = "./engine.js";

export function lazyEngine(onLoadError: (error: unknown) => void): VirtualEngine {
  let loading: Promise<VirtualEngine> | undefined;
  const load = (): Promise<VirtualEngine> => {
    loading ??= Promise.resolve()
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a run-time load by design
      .then(() => (require(ENGINE_BUNDLE) as EngineCore).createEngine())
      .catch((error: unknown) => {
        loading = undefined;
        onLoadError(error);
        throw error;
      });
    return loading;
  };
  // Nothing is live before the engine is loaded: exporting and forgetting need not load it.
  let loaded: VirtualEngine | undefined;
  const engine = async (): Promise<VirtualEngine> => (loaded ??= await load());
  return {
    async execute(request, options) {
      return (await engine()).execute(request, options);
    },
    async subAction(request, options) {
      return (await engine()).subAction(request, options);
    },
    async state(ref) {
      return (await engine()).state(ref);
    },
    async open(ref) {
      return (await engine()).open(ref);
    },
    async exportDb(dbKey) {
      return loaded ? loaded.exportDb(dbKey) : null;
    },
    async forget(dbKey) {
      if (loaded) await loaded.forget(dbKey);
    },
    async dbProblem(blob) {
      return (await engine()).dbProblem(blob);
    },
  };
}
