/**
 * JSON on the wire, in the dialect the virtual DB's import reads (src/core/db/snapshot.ts): a `Date` is
 * `{"$date": ISO}`, a `RegExp` is `{"$regex", "$options"}`, and user data that merely looks like one of
 * those wrappers (an object whose only key is `$date`, …) is escaped as `{"$wfv_literal": {...}}`, so a
 * DB object that travels uncompressed comes back exactly as it was. Requests are parsed as plain JSON
 * and the wrappers are left for the DB import to read (so a failed call can hand the caller's DB back
 * exactly as sent).
 */

import { exportedSnapshotJsonText, isExportedSnapshot } from "../core/db";

const LITERAL_KEY = "$wfv_literal";

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The shapes the DB import reads as something other than a plain object. */
function looksLikeWrapper(record: object): boolean {
  const keys = Object.keys(record);
  if (keys.length === 1) return keys[0] === "$date" || keys[0] === LITERAL_KEY;
  return keys.length === 2 && keys.includes("$regex") && keys.includes("$options");
}

/**
 * One pass of `JSON.stringify` (`verbatim`: a value to write as plain JSON wherever it occurs). The replacer sees the raw value through `this[key]` (before
 * `Date.prototype.toJSON` ran); wrappers it produces are remembered so their own contents are written
 * as they are, not escaped again.
 */
export function stringifyWire(value: unknown, verbatim?: unknown): string {
  // The caller's own DB object, handed back after a failure, is written exactly as it was received
  // (it is already wire JSON): a placeholder during the pass, spliced in afterwards.
  const keepAsIs = verbatim !== null && typeof verbatim === "object" ? verbatim : undefined;
  const placeholder = keepAsIs ? `\u0000wfv-verbatim-${Math.random().toString(36).slice(2)}` : "";
  // exportDb's snapshots are escaped already: written with their Dates converted, nothing escaped again.
  const snapshots: string[] = [];
  const snapshotMark = `\u0000wfv-snapshot-${Math.random().toString(36).slice(2)}-`;
  const produced = new WeakSet<object>();
  const wrap = (wrapper: Record<string, unknown>) => {
    produced.add(wrapper);
    return wrapper;
  };
  const text = JSON.stringify(value, function (this: Record<string, unknown>, key: string, converted: unknown) {
    if (produced.has(this)) return converted;
    const raw = this[key];
    if (keepAsIs !== undefined && raw === keepAsIs) return placeholder;
    if (isExportedSnapshot(raw)) return snapshotMark + (snapshots.push(exportedSnapshotJsonText(raw)) - 1);
    if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? null : wrap({ $date: raw.toISOString() });
    if (raw instanceof RegExp) return wrap({ $regex: raw.source, $options: raw.flags });
    if (isPlainObject(raw) && looksLikeWrapper(raw)) return wrap({ [LITERAL_KEY]: raw });
    return converted;
  });
  let out = keepAsIs === undefined ? text : text.split(JSON.stringify(placeholder)).join(JSON.stringify(keepAsIs));
  for (let i = 0; i < snapshots.length; i++) out = out.split(JSON.stringify(snapshotMark + i)).join(snapshots[i]);
  return out;
}
