/**
 * The engine the extension runs: `src/core/virtual` (virtual-execution.md). Until that public API is in
 * the tree, every call answers with an error saying so, and the rest of the extension works.
 */
import type { VirtualEngine } from "./engine";

export function createEngine(): VirtualEngine {
  return {
    async execute() {
      return {
        status: "error",
        message: "The virtual engine (src/core/virtual) is not available in this build",
        error: "The virtual engine (src/core/virtual) is not available in this build",
        result: { error_type: "execution_failed", details: {} },
      };
    },
  };
}
