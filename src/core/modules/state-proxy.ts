/**
 * The original's StateProxy: a live view of the working state dict (module outputs plus state-mapped
 * keys) and the current step's definition. Writes go straight into the working state, as in Python.
 */
import type { StateProxy } from "./types";

export function createStateProxy(state: Record<string, unknown>, stepConfig: Record<string, unknown> = {}): StateProxy {
  const has = (key: string) => Object.prototype.hasOwnProperty.call(state, key);
  return {
    get(key, fallback = null) {
      return has(key) ? state[key] : fallback;
    },
    set(key, value) {
      state[key] = value;
    },
    has,
    delete(key) {
      delete state[key];
    },
    getAllState() {
      return { ...state };
    },
    getStepConfig() {
      return stepConfig;
    },
  };
}
