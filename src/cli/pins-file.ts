/**
 * `wfv run --pins F`: the pinned outputs of `.wfv/pins.json` (src/core/testing/pins.ts) applied to a
 * run: the pinned modules do not run, their pinned outputs are used, and the run's trace names them
 * `wfv.pinned`.
 */
import { readFileSync } from "node:fs";
import { WfvError } from "../core/errors";
import type { EngineOptions } from "../core/engine/types";
import { applyPins, parsePinsFile, wrapRegistry } from "../core/testing";
import { resolvePath, type CliIo } from "./io";

export interface PinnedRun {
  workflow: unknown;
  engine: EngineOptions;
  applied: string[];
  unmatched: string[];
}

/** Reads the pins file at `path` (as given on the command line) and applies it to `workflow`. */
export function pinnedRun(io: CliIo, path: string, workflow: unknown): PinnedRun {
  let text: string;
  try {
    text = readFileSync(resolvePath(io, path), "utf8");
  } catch (error) {
    throw new WfvError("bad_request", `cannot read the pins file ${path}: ${(error as Error).message}`, { path });
  }
  const pins = parsePinsFile(text, path);
  const pinned = applyPins(workflow, pins);
  if (pinned.unmatched.length > 0) io.stderr(`wfv: pins that match no module of the workflow: ${pinned.unmatched.join(", ")}\n`);
  return { workflow: pinned.workflow, engine: { registry: wrapRegistry({ pins }) }, applied: pinned.applied, unmatched: pinned.unmatched };
}
