/**
 * The engine, loaded on the first run: activation then evaluates only the adapter and the workflow
 * model, and an engine that fails to load shows up as a failed run (with its message) instead of an
 * extension that does not activate. The engine is its own bundle (dist/engine.js, built from
 * ./engine-core.ts), required at run time beside dist/extension.js, so the activation bundle stays small.
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
  return {
    async execute(request, options) {
      return (await load()).execute(request, options);
    },
    async subAction(request, options) {
      const engine = await load();
      if (!engine.subAction) throw new Error("this engine has no sub-actions");
      return engine.subAction(request, options);
    },
    async state(virtualDb) {
      const engine = await load();
      if (!engine.state) throw new Error("this engine cannot rebuild the state");
      return engine.state(virtualDb);
    },
  };
}
