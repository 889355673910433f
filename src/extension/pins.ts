/**
 * Pinned outputs in the editor (tracker issue 13.3): `.wfv/pins.json` beside the workflow, the file
 * `wfv run --pins` and the tests read (src/core/testing/pins.ts), keyed `step_id/module_name`. Read
 * with the open editor's text over the disk, so an edited pin is used by the next run once saved (or
 * even before). Written with sorted keys and two-space indentation: reviewable, shareable. No `vscode`
 * here, and nothing of the engine: the engine checks a pin against its module when a run uses it.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { PinnedOutputs } from "./engine";

export type { PinnedOutputs };

/** The pins file of a workflow: `.wfv/pins.json` in the workflow file's folder. */
export function pinsFileOf(workflowFile: string): string {
  return join(dirname(workflowFile), ".wfv", "pins.json");
}

export function isPinsFile(file: string): boolean {
  return /[\\/]\.wfv[\\/]pins\.json$/.test(file);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Reads a pins file's text; throws, saying what is wrong, when it is not one. */
export function parsePins(text: string): PinnedOutputs {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`.wfv/pins.json is not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(raw) || !isObject(raw.pins)) throw new Error('.wfv/pins.json is not a pins file: it needs {"pins": {"step_id/module_name": {"module_outputs": {…}}}}');
  const out: PinnedOutputs = {};
  for (const [key, pin] of Object.entries(raw.pins)) {
    if (!/^[^/]+\/.+$/.test(key)) throw new Error(`.wfv/pins.json: '${key}' is not a module key (step_id/module_name)`);
    if (!isObject(pin) || !isObject(pin.module_outputs)) throw new Error(`.wfv/pins.json: ${key} needs a module_outputs object`);
    out[key] = { module_outputs: pin.module_outputs };
  }
  return out;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]);
  return out;
}

/** The file's text: sorted keys, two-space indentation, a final newline. */
export function formatPins(pins: PinnedOutputs): string {
  return JSON.stringify(sortKeys({ pins }), null, 2) + "\n";
}

/** The pins of a workflow and, when its pins file cannot be read, why (then no pins apply). */
export interface PinsRead {
  pins: PinnedOutputs;
  problem?: string;
}

/** Reads a workflow's pins with `read` (the open editor's text over the disk); no file: no pins. */
export function readPins(workflowFile: string, read: (absolute: string) => string | undefined): PinsRead {
  const text = read(pinsFileOf(workflowFile));
  if (text === undefined || text.trim() === "") return { pins: {} };
  try {
    return { pins: parsePins(text) };
  } catch (error) {
    return { pins: {}, problem: (error as Error).message };
  }
}

/** Writes a workflow's pins file whole (beside it first, then renamed over it). */
export function writePins(workflowFile: string, pins: PinnedOutputs): void {
  const file = pinsFileOf(workflowFile);
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temp, formatPins(pins), "utf8");
  renameSync(temp, file);
}

/** The pins with `key` pinned to `outputs` (or, `outputs` undefined, unpinned). */
export function withPin(pins: PinnedOutputs, key: string, outputs: Record<string, unknown> | undefined): PinnedOutputs {
  const next = { ...pins };
  if (outputs === undefined) delete next[key];
  else next[key] = { module_outputs: outputs };
  return next;
}
