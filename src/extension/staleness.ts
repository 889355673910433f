/**
 * "stale" on the status lens: a module's last run is stale when the module, or anything before it in
 * the workflow, changed since that run. Each module gets a chained fingerprint over the resolved
 * workflow: the workflow's top level (without `steps`), then every step's own fields and modules in
 * order, up to and including the module. Pure.
 */

export type RunStatus = "completed" | "awaiting_input" | "error" | "validation_failed";

/** What the status lens needs about a module's last run (kept with the stored DB). */
export interface RunRecord {
  status: RunStatus;
  errorType?: string;
  fingerprint: string;
  at: string;
  /** The module's pinned outputs were used: it did not run. */
  pinned?: boolean;
}

export function moduleKey(stepId: string, moduleName: string): string {
  return `${stepId}/${moduleName}`;
}

/** JSON with object keys sorted, so key order in the file does not count as a change. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** cyrb53: a fast 53-bit string hash; plenty for change detection. */
export function hash53(text: string, seed = 0): string {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

function asObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** `stepId/moduleName` → chained fingerprint, for every module of a resolved workflow. */
export function moduleFingerprints(workflow: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const { steps, ...top } = asObject(workflow);
  // JSON.stringify, not canonicalJson: key order is observable in the engine (a dict's repr in a
  // template, the content hash), so reordering keys is a change too.
  let chain = hash53(JSON.stringify(top));
  for (const step of Array.isArray(steps) ? steps : []) {
    const { modules, ...stepFields } = asObject(step);
    const stepId = String(stepFields.step_id ?? "");
    chain = hash53(chain + JSON.stringify(stepFields));
    for (const module of Array.isArray(modules) ? modules : []) {
      const m = asObject(module);
      const name = String(m.name ?? m.module_id ?? "");
      chain = hash53(chain + JSON.stringify(m));
      out.set(moduleKey(stepId, name), chain);
    }
  }
  return out;
}

export function isStale(record: RunRecord | undefined, current: string | undefined): boolean {
  return record !== undefined && current !== undefined && record.fingerprint !== current;
}

/** The status lens title: the last result, and `stale` when it no longer matches the file. */
export function statusTitle(record: RunRecord, stale: boolean): string {
  const result =
    record.status === "completed"
      ? "completed"
      : record.status === "awaiting_input"
        ? "awaiting input"
        : `error: ${record.errorType ?? record.status}`;
  return `${stale ? "$(history)" : record.status === "completed" ? "$(pass)" : record.status === "awaiting_input" ? "$(question)" : "$(error)"} ${result}${record.pinned ? " · pinned" : ""}${stale ? " · stale" : ""}`;
}
