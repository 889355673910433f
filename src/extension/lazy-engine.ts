/**
 * The engine, loaded on the first run: activation then evaluates only the adapter and the workflow
 * model, and an engine that fails to load shows up as a failed run (with its message) instead of an
 * extension that does not activate. esbuild turns the dynamic import into a lazy module initialiser
 * inside the one bundle.
 */
import type { VirtualEngine } from "./engine";

export function lazyEngine(onLoadError: (error: unknown) => void): VirtualEngine {
  let loading: Promise<VirtualEngine> | undefined;
  const load = (): Promise<VirtualEngine> => {
    loading ??= import("./engine-core").then(
      (m) => m.createEngine(),
      (error: unknown) => {
        loading = undefined;
        onLoadError(error);
        throw error;
      },
    );
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
